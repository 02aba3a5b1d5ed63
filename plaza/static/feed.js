// The feed pages: a "N new posts" bar fed by plaza:event (see plaza-live.js), and a
// composer that clears itself after htmx published the post. CSP: no inline script.
(function () {
  "use strict";
  var count = 0;

  function bar() { return document.querySelector("[data-feed-live]"); }

  function show(el) {
    var link = el.querySelector("a");
    var text = count === 1 ? el.getAttribute("data-one") : el.getAttribute("data-many").replace("__N__", String(count));
    if (link) link.textContent = text;
    el.hidden = false;
  }

  document.addEventListener("plaza:event", function (event) {
    var data = event.detail || {};
    var el = bar();
    if (!el || data.type !== "feed.new_posts") return;
    if (data.space !== el.getAttribute("data-space")) return;
    var team = el.getAttribute("data-team");
    if (team && String(data.team_id) !== team) return;
    if (document.getElementById("post-" + data.post_id)) return;  // already on the page
    count += 1;
    show(el);
  });

  // After htmx published a post, empty the composer for the next one.
  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.target;
    if (form && form.matches && form.matches("form[data-composer]") && event.detail.successful) {
      form.reset();
    }
  });
})();

// The composer: "@" suggestions among people who could see the post, and previews of the
// images picked for upload.
(function () {
  "use strict";
  var timer = null;

  function mentionPrefix(textarea) {
    var before = textarea.value.slice(0, textarea.selectionStart);
    var match = /(^|\s)@([^\s@#.,!?;:，。！？；：]{1,30})$/.exec(before);
    return match ? match[2] : null;
  }

  function listFor(textarea) {
    return textarea.form && textarea.form.querySelector("[data-mention-list]");
  }

  document.addEventListener("input", function (event) {
    var textarea = event.target;
    if (!textarea.matches || !textarea.matches("textarea[data-mentions-url]")) return;
    var list = listFor(textarea);
    if (!list) return;
    var prefix = mentionPrefix(textarea);
    clearTimeout(timer);
    if (!prefix) { list.hidden = true; list.innerHTML = ""; return; }
    timer = setTimeout(function () {
      var url = new URL(textarea.getAttribute("data-mentions-url"), location.href);
      url.searchParams.set("q", prefix);
      var team = textarea.form.querySelector("select[name=team_id]");
      if (team && team.value) url.searchParams.set("team_id", team.value);
      fetch(url, { credentials: "same-origin", headers: { "HX-Request": "true" } })
        .then(function (r) { return r.ok ? r.text() : ""; })
        .then(function (html) { list.innerHTML = html; list.hidden = !html.trim(); });
    }, 150);
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-mention]");
    if (!button) return;
    var form = button.closest("form");
    var textarea = form && form.querySelector("textarea[data-mentions-url]");
    if (!textarea) return;
    var caret = textarea.selectionStart;
    var before = textarea.value.slice(0, caret).replace(/@[^\s@]*$/, "@" + button.getAttribute("data-mention") + " ");
    textarea.value = before + textarea.value.slice(caret);
    textarea.focus();
    textarea.setSelectionRange(before.length, before.length);
    var list = listFor(textarea);
    if (list) { list.hidden = true; list.innerHTML = ""; }
  });

  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches("input[data-preview-input]")) return;
    var box = input.form && input.form.querySelector("[data-previews]");
    if (!box) return;
    box.innerHTML = "";
    Array.prototype.slice.call(input.files || [], 0, 9).forEach(function (file) {
      var item = document.createElement("figure");
      if (file.type.indexOf("image/") === 0) {
        var img = document.createElement("img");
        img.src = URL.createObjectURL(file);
        img.alt = file.name;
        img.onload = function () { URL.revokeObjectURL(img.src); };
        item.appendChild(img);
      }
      var caption = document.createElement("figcaption");
      caption.textContent = file.name;
      item.appendChild(caption);
      box.appendChild(item);
    });
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.target;
    if (form && form.matches && form.matches("form[data-composer]") && event.detail.successful) {
      var box = form.querySelector("[data-previews]");
      if (box) box.innerHTML = "";
    }
  });
})();
