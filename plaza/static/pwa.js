// Installable Plaza: register the service worker (/sw.js, plaza/core/pwa.py) for the page's
// language, so the offline page it keeps speaks it. Registered after the page has loaded, so
// the worker's first fetches of the app shell never slow the page itself down. On the offline
// page, "Try again" reloads the page that could not load.
(function () {
  "use strict";
  var lang = document.documentElement.lang || "en";
  if ("serviceWorker" in navigator) {
    var register = function () {
      navigator.serviceWorker.register("/sw.js?lang=" + encodeURIComponent(lang), { scope: "/" }).catch(function () {});
    };
    if (document.readyState === "complete") register();
    else window.addEventListener("load", register);
  }
  var retry = document.querySelector("[data-offline-retry]");
  if (retry) {
    retry.addEventListener("click", function (event) { event.preventDefault(); location.reload(); });
  }
})();
