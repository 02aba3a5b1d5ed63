// Plaza's own small behaviours. CSP forbids inline script: everything lives here.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  // The browser's time zone, for signed-out visitors: the server shows times in the zone of
  // the "tz" cookie when no profile says otherwise (plaza.core.middleware.TimezoneMiddleware).
  try {
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (zone && document.cookie.indexOf("tz=" + encodeURIComponent(zone)) === -1) {
      document.cookie = "tz=" + encodeURIComponent(zone) + "; path=/; max-age=31536000; samesite=lax";
    }
  } catch (e) { /* no Intl: the space's or the server's zone applies */ }

  function ready(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }

  // Every POST form carries a random form_token: sent twice (reload, double click, back
  // button), it acts once (plaza.core.middleware.FormTokenMiddleware).
  function newToken() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }
  function addFormTokens(root) {
    var forms = (root.querySelectorAll ? root : document).querySelectorAll('form[method="post"], form[method="POST"]');
    Array.prototype.forEach.call(forms, function (form) {
      if (form.querySelector('input[name="form_token"]')) return;
      var input = document.createElement("input");
      input.type = "hidden";
      input.name = "form_token";
      input.value = newToken();
      form.appendChild(input);
    });
  }
  ready(function () { addFormTokens(document); });
  document.addEventListener("htmx:load", function (event) { addFormTokens(event.target.parentNode || document); });
  // An htmx form stays on the page after it was sent: the next send is a new one.
  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.target.closest && event.target.closest("form");
    var input = form && form.querySelector('input[name="form_token"]');
    if (input && event.detail.successful) input.value = newToken();
  });

  // <select data-autosubmit> submits its form when changed (the language switcher).
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el.matches && el.matches("select[data-autosubmit]") && el.form) {
      el.form.requestSubmit ? el.form.requestSubmit() : el.form.submit();
    }
  });

  // <button data-copy="#id"> copies the value or text of the element it names.
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-copy]");
    if (!button) return;
    event.preventDefault();
    var source = document.querySelector(button.getAttribute("data-copy"));
    if (!source) return;
    var text = source.value !== undefined ? source.value : source.textContent;
    var done = function () {
      var label = button.getAttribute("data-copied") || "✓";
      var before = button.textContent;
      button.textContent = label;
      setTimeout(function () { button.textContent = before; }, 1500);
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done);
    } else if (source.select) {
      source.select();
      document.execCommand("copy");
      done();
    }
  });

  // <form data-confirm="question"> asks before submitting (remove, revoke, delete).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  // Close an open dropdown when clicking elsewhere.
  document.addEventListener("click", function (event) {
    document.querySelectorAll("details.dropdown[open]").forEach(function (details) {
      if (!details.contains(event.target)) details.removeAttribute("open");
    });
  });

  // A list that scrolls sideways in its own box ([data-scroll-hint], the space bar) says which
  // side has more: a shadow on that edge (plaza.css), so no item looks cut off.
  function updateHint(box) {
    var list = box.firstElementChild || box;
    var max = list.scrollWidth - list.clientWidth;
    box.classList.toggle("more-start", list.scrollLeft > 2);
    box.classList.toggle("more-end", max - list.scrollLeft > 2);
  }
  ready(function () {
    document.querySelectorAll("[data-scroll-hint]").forEach(function (box) {
      var list = box.firstElementChild || box;
      var current = list.querySelector("[aria-current]");
      // The current section in view, without scrolling the page itself.
      if (current) list.scrollLeft = Math.max(0, current.offsetLeft - list.clientWidth / 2 + current.offsetWidth / 2);
      updateHint(box);
      list.addEventListener("scroll", function () { updateHint(box); }, { passive: true });
    });
  });
  window.addEventListener("resize", function () {
    document.querySelectorAll("[data-scroll-hint]").forEach(updateHint);
  });

  // An open dropdown menu stays inside the viewport: it opens to the left of its button when
  // it would run off the right edge, and never wider than the screen (plaza.css).
  document.addEventListener("toggle", function (event) {
    var details = event.target;
    if (!details.matches || !details.matches("details[data-keep-in-view]") || !details.open) return;
    var menu = details.querySelector("ul");
    if (!menu) return;
    details.classList.remove("menu-end");
    var rect = menu.getBoundingClientRect();
    if (rect.right > document.documentElement.clientWidth) details.classList.add("menu-end");
  }, true);

  // "/" focuses the search box (search.js, which runs after this file); on a phone the box
  // first has to be opened from behind its icon.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
    var target = event.target;
    var tag = target && target.tagName;
    if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (target && target.isContentEditable)) return;
    var toggle = document.querySelector("details[data-search-toggle]");
    if (toggle && !toggle.open && toggle.offsetParent !== null) toggle.open = true;
  });

  // The phone's search icon opens the box and puts the cursor in it.
  document.addEventListener("toggle", function (event) {
    var details = event.target;
    if (!details.matches || !details.matches("details[data-search-toggle]") || !details.open) return;
    var input = document.getElementById("topbar-q");
    if (input) input.focus();
  }, true);

  ready(function () {
    // Select the shown-once token so it can be copied at once.
    var key = document.getElementById("new-token-key");
    if (key && key.select) key.select();
  });
})();
