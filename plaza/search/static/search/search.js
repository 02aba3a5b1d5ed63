// The top bar's search box: "/" focuses it from anywhere except while typing.
// CSP forbids inline script, so this lives in a static file.
(function () {
  "use strict";
  document.addEventListener("keydown", function (event) {
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
    var target = event.target;
    var tag = target && target.tagName;
    if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (target && target.isContentEditable)) return;
    var box = document.getElementById("topbar-q");
    if (!box) return;
    event.preventDefault();
    box.focus();
    box.select();
  });
})();
