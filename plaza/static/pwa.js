// Installable Plaza: register the service worker (/sw.js, plaza/core/pwa.py) for the page's
// language, so the offline page it keeps speaks it. On the offline page, try again when the
// network comes back.
(function () {
  "use strict";
  var lang = document.documentElement.lang || "en";
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/sw.js?lang=" + encodeURIComponent(lang), { scope: "/" }).catch(function () {});
  }
  var retry = document.querySelector("[data-offline-retry]");
  if (retry) {
    // Shown in place of the page that could not load: trying again reloads that page.
    retry.addEventListener("click", function (event) { event.preventDefault(); location.reload(); });
    window.addEventListener("online", function () { location.reload(); });
  }
})();
