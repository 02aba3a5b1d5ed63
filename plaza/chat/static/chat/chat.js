// The chat page: send, edit and delete through the API; live messages, edits, deletes and
// typing from the page socket (plaza-live.js dispatches "plaza:event"); older messages load
// when scrolled to the top; the read marker follows what is on screen.
(function () {
  "use strict";
  var root = document.querySelector("[data-chat]");
  if (!root) return;
  var groupId = Number(root.dataset.groupId);
  var me = Number(root.dataset.me);
  var api = "/api/v1/groups/" + groupId;
  var scroller = root.querySelector("[data-chat-scroll]");
  var list = root.querySelector("[data-chat-messages]");
  var composer = root.querySelector("[data-chat-composer]");
  var textarea = composer.querySelector("textarea");
  var typingLine = root.querySelector("[data-chat-typing]");
  var newButton = root.querySelector("[data-chat-new]");
  var olderNote = root.querySelector("[data-older]");
  var nextCursor = root.dataset.nextCursor || "";
  var loadingOlder = false;
  var lastRead = 0;
  var t = root.dataset;

  function csrf() {
    try { return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || ""; } catch (e) { return ""; }
  }

  function request(method, url, body) {
    var options = { method: method, credentials: "same-origin", headers: { "X-CSRFToken": csrf() } };
    if (body !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    return fetch(url, options).then(function (response) {
      if (!response.ok) throw response;
      return response.status === 204 ? null : response.json();
    });
  }

  function nearBottom() {
    return scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 80;
  }

  function toBottom() {
    scroller.scrollTop = scroller.scrollHeight;
    newButton.hidden = true;
  }

  // Times in the person's zone (the page's data-zone), as the server writes them, not the browser's.
  var clock = null;
  try {
    clock = new Intl.DateTimeFormat("en-GB", {hour: "2-digit", minute: "2-digit", hour12: false, timeZone: root.dataset.zone || undefined});
  } catch (e) { clock = null; }
  function time(iso) {
    var d = new Date(iso);
    if (clock) return clock.format(d);
    return ("0" + d.getHours()).slice(-2) + ":" + ("0" + d.getMinutes()).slice(-2);
  }

  function button(label, attr) {
    var b = document.createElement("button");
    b.type = attr === "data-delete" ? "submit" : "button";
    b.className = "link-button";
    b.setAttribute(attr, "");
    b.textContent = label;
    return b;
  }

  // The author's face, as core/avatars.py avatar_data describes it (decorative: the name follows).
  function face(author) {
    var data = author.avatar;
    if (!data) return document.createTextNode("");
    var el;
    if (data.src) {
      el = document.createElement("img");
      el.src = data.src;
      el.alt = "";
      el.width = el.height = 32;
    } else {
      el = document.createElement("span");
      el.textContent = data.text;
      el.setAttribute("aria-hidden", "true");
    }
    el.className = data["class"];
    return el;
  }

  function build(message) {
    var li = document.createElement("li");
    li.className = "chat-msg" + (message.author.id === me ? " mine" : "") + (message.call_record ? " call-record" : "");
    li.id = "m" + message.id;
    li.dataset.id = message.id;
    li.dataset.author = message.author.id;
    li.dataset.body = message.body;
    var meta = document.createElement("div");
    meta.className = "chat-meta";
    var who = document.createElement("strong");
    who.textContent = message.author.name;
    var when = document.createElement("time");
    when.dateTime = message.created_at;
    when.textContent = time(message.created_at);
    meta.append(face(message.author), " ", who, " ", when);
    var body = document.createElement("div");
    body.className = "chat-body";
    if (message.call_record) {
      var record = document.createElement("p");
      record.textContent = (root.dataset.tCallEnded || "Call ended") + " · " + message.body;
      body.append(record);
    } else {
      body.innerHTML = message.html;  // sanitized on the server (nh3)
    }
    li.append(meta, body);
    if (message.attachments && message.attachments.length) {
      var files = document.createElement("ul");
      files.className = "chat-files";
      message.attachments.forEach(function (a) {
        var item = document.createElement("li");
        var link = document.createElement("a");
        link.href = a.url;
        if (a.is_image) {
          var img = document.createElement("img");
          img.src = a.url;
          img.alt = a.name;
          img.loading = "lazy";
          link.append(img);
        } else {
          link.textContent = a.name;
        }
        item.append(link);
        files.append(item);
      });
      li.append(files);
    }
    if (message.edited) markEdited(li);
    if (message.author.id === me && !message.call_record) {
      var actions = document.createElement("form");
      actions.className = "chat-actions";
      actions.method = "post";
      actions.append(button(t.tEdit, "data-edit"), button(t.tDelete, "data-delete"));
      li.append(actions);
    }
    return li;
  }

  function markEdited(li) {
    if (li.querySelector(".chat-edited")) return;
    var span = document.createElement("span");
    span.className = "chat-edited";
    span.textContent = " " + t.tEdited;
    li.querySelector(".chat-meta").append(span);
  }

  function markRead(id) {
    if (!id || id <= lastRead || document.visibilityState !== "visible") return;
    lastRead = id;
    request("POST", api + "/read", { message_id: id }).catch(function () {});
  }

  function newestId() {
    var last = list.lastElementChild;
    return last ? Number(last.dataset.id) : 0;
  }

  var announcer = root.querySelector("[data-chat-announce]");
  function append(message) {
    if (document.getElementById("m" + message.id)) return;
    var stick = nearBottom() || message.author.id === me;
    list.append(build(message));
    if (stick) { toBottom(); markRead(message.id); } else { newButton.hidden = false; }
    if (announcer && message.author.id !== me) {
      // Screen readers hear who wrote and what (the list itself is not a live region).
      announcer.textContent = announcer.dataset.tFrom.replace("%(name)s", message.author.name) + ": " + (message.body || "");
    }
  }

  // --- the phone: the composer stays above the on-screen keyboard ------------------------
  // The page is as tall as the visual viewport (what the keyboard leaves visible), so the
  // composer sits right above the keyboard and the newest message right above the composer.
  var viewport = window.visualViewport;
  var phone = window.matchMedia("(max-width: 480px)");
  function fit() {
    if (!viewport || !phone.matches) { root.style.height = ""; root.style.top = ""; return; }
    var stick = nearBottom();
    root.style.height = viewport.height + "px";
    root.style.top = viewport.offsetTop + "px";
    if (stick) toBottom();
  }
  if (viewport) {
    viewport.addEventListener("resize", fit);
    viewport.addEventListener("scroll", fit);
  }
  fit();

  // --- sending, editing, deleting ------------------------------------------------------
  var picker = composer.querySelector("[data-chat-files]");
  picker.addEventListener("change", function () {
    picker.closest("label").classList.toggle("has-files", picker.files.length > 0);
  });

  function upload(file) {
    var data = new FormData();
    data.append("file", file);
    return fetch("/api/v1/uploads", { method: "POST", credentials: "same-origin", headers: { "X-CSRFToken": csrf() }, body: data })
      .then(function (response) { if (!response.ok) throw response; return response.json(); });
  }

  composer.addEventListener("submit", function (event) {
    event.preventDefault();
    var body = textarea.value.trim();
    var files = Array.prototype.slice.call(picker.files || []);
    if (!body && !files.length) return;
    var sendButton = composer.querySelector("button[type=submit]");
    sendButton.disabled = true;
    Promise.all(files.map(upload)).then(function (uploads) {
      return request("POST", api + "/messages", { body: body, attachment_ids: uploads.map(function (u) { return u.id; }) });
    }).then(function (message) {
      textarea.value = "";
      picker.value = "";
      picker.closest("label").classList.remove("has-files");
      append(message);
    }).catch(function () { composer.submit(); }).finally(function () {
      sendButton.disabled = false;
      textarea.focus();
    });
  });

  textarea.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      composer.requestSubmit();
    }
  });

  var lastTyping = 0;
  textarea.addEventListener("input", function () {
    var now = Date.now();
    if (now - lastTyping > 2500 && window.plazaLive) {
      lastTyping = now;
      window.plazaLive.send({ type: "chat.typing", group_id: groupId });
    }
  });

  list.addEventListener("click", function (event) {
    var target = event.target;
    var li = target.closest(".chat-msg");
    if (!li) return;
    var id = li.dataset.id;
    if (target.hasAttribute("data-delete")) {
      event.preventDefault();
      if (!window.confirm(t.tConfirm)) return;
      request("DELETE", api + "/messages/" + id).then(function () { li.remove(); });
    } else if (target.hasAttribute("data-edit")) {
      startEdit(li);
    }
  });

  function startEdit(li) {
    if (li.querySelector(".chat-edit")) return;
    var body = li.querySelector(".chat-body");
    var form = document.createElement("form");
    form.className = "chat-edit";
    var area = document.createElement("textarea");
    area.rows = 2;
    area.value = li.dataset.body || "";
    var save = document.createElement("button");
    save.type = "submit";
    save.textContent = t.tSave;
    var cancel = document.createElement("button");
    cancel.type = "button";
    cancel.className = "secondary";
    cancel.textContent = t.tCancel;
    form.append(area, save, " ", cancel);
    body.hidden = true;
    li.append(form);
    area.focus();
    cancel.addEventListener("click", function () { form.remove(); body.hidden = false; });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      request("PATCH", api + "/messages/" + li.dataset.id, { body: area.value }).then(function (message) {
        body.innerHTML = message.html;
        li.dataset.body = message.body;
        markEdited(li);
        form.remove();
        body.hidden = false;
      });
    });
  }

  // --- live events -----------------------------------------------------------------------
  var typingTimer = null;
  document.addEventListener("plaza:event", function (event) {
    var data = event.detail;
    if (data.group_id !== groupId) return;
    if (data.type === "chat.message") {
      append(data.message);
      typingLine.textContent = "";
    } else if (data.type === "chat.message_edited") {
      var li = document.getElementById("m" + data.message.id);
      if (li) {
        li.querySelector(".chat-body").innerHTML = data.message.html;
        li.dataset.body = data.message.body;
        markEdited(li);
      }
    } else if (data.type === "chat.message_deleted") {
      var gone = document.getElementById("m" + data.message_id);
      if (gone) gone.remove();
    } else if (data.type === "chat.typing" && data.user.id !== me) {
      typingLine.textContent = t.tTyping.replace("%(name)s", data.user.name);
      clearTimeout(typingTimer);
      typingTimer = setTimeout(function () { typingLine.textContent = ""; }, 4000);
    }
  });

  newButton.addEventListener("click", function () { toBottom(); markRead(newestId()); });
  document.addEventListener("visibilitychange", function () { if (nearBottom()) markRead(newestId()); });

  // --- older messages on scroll ------------------------------------------------------------
  scroller.addEventListener("scroll", function () {
    if (nearBottom()) { newButton.hidden = true; markRead(newestId()); }
    if (scroller.scrollTop > 60 || !nextCursor || loadingOlder) return;
    loadingOlder = true;
    request("GET", api + "/messages?limit=50&before=" + encodeURIComponent(nextCursor)).then(function (page) {
      var before = scroller.scrollHeight;
      var first = list.firstElementChild;
      page.items.forEach(function (message) {  // newest first: each goes above the previous
        if (document.getElementById("m" + message.id)) return;
        var li = build(message);
        list.insertBefore(li, first);
        first = li;
      });
      scroller.scrollTop += scroller.scrollHeight - before;
      nextCursor = page.next_cursor || "";
      if (!nextCursor && olderNote) olderNote.remove();
    }).finally(function () { loadingOlder = false; });
  });

  toBottom();
  markRead(newestId());
})();
