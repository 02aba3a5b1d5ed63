// The inbox: when a message arrives over the page socket (plaza-live.js dispatches
// "plaza:event"), or a conversation starts or changes, the list is fetched again (the
// page's "list" partial), so the order, previews and unread counts stay right.
(function () {
  "use strict";
  var root = document.querySelector("[data-inbox]");
  if (!root) return;
  var pending = null;
  function refresh() {
    if (pending) return;
    pending = fetch(location.pathname + location.search, { headers: { "HX-Request": "true" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) { if (html !== null) root.innerHTML = html; })
      .catch(function () {})
      .finally(function () { pending = null; });
  }
  document.addEventListener("plaza:event", function (event) {
    var type = event.detail && event.detail.type;
    if (type === "chat.message" || type === "chat.message_deleted" || type === "chat.group_changed" || type === "access.changed") refresh();
  });
  var opened = false;
  document.addEventListener("plaza:open", function () {  // after a reconnect, catch up
    if (opened) refresh();
    opened = true;
  });
})();
