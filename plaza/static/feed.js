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
