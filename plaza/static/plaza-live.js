// Live updates over the one WebSocket at /ws/: the unread badge in the top bar, and a
// "plaza:event" DOM event for every message so each page can react to its own types.
(function () {
  "use strict";
  // The top bar's badge and the phone's bottom bar's: both show the same count.
  var badges = document.querySelectorAll("[data-unread-badge]");
  var badge = badges[0];
  if (!badge || !window.WebSocket) return;  // signed out: no socket

  var delay = 1000;
  var current = null;
  // Pages send their own messages (chat.typing, call.signal) over the same socket.
  window.plazaLive = {
    send: function (data) {
      if (current && current.readyState === 1) { current.send(JSON.stringify(data)); return true; }
      return false;
    }
  };
  // Screen readers hear a new notification: the badge sits inside a labelled link, so a
  // visually hidden live region says the new count in words.
  var announcer = document.createElement("p");
  announcer.className = "visually-hidden";
  announcer.setAttribute("aria-live", "polite");
  document.body.append(announcer);
  function setCount(count) {
    var before = Number(badges.length ? badges[0].getAttribute("data-count") || 0 : 0);
    if (count > before && badges.length && badges[0].dataset.tUnread) announcer.textContent = badges[0].dataset.tUnread.replace("%(n)s", String(count));
    Array.prototype.forEach.call(badges, function (b) {
      b.textContent = count > 99 ? "99+" : String(count);
      b.hidden = count === 0;
      b.setAttribute("data-count", String(count));
    });
  }

  function connect() {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    var socket = new WebSocket(scheme + location.host + "/ws/");
    current = socket;
    socket.addEventListener("open", function () {
      delay = 1000;
      document.dispatchEvent(new CustomEvent("plaza:open"));
    });
    socket.addEventListener("message", function (message) {
      var data;
      try { data = JSON.parse(message.data); } catch (e) { return; }
      if (data.type === "notification.count") setCount(data.count);
      document.dispatchEvent(new CustomEvent("plaza:event", { detail: data }));
    });
    socket.addEventListener("close", function (event) {
      if (event.code === 4401 || event.code === 4403) return;  // signed out or refused: stay quiet
      setTimeout(connect, delay);
      delay = Math.min(delay * 2, 30000);
    });
  }
  connect();
})();
