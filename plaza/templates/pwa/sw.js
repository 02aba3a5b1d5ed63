{% autoescape off %}// Plaza's service worker (plaza/core/pwa.py): the app shell from the cache, the offline page
// for a page navigation without network. Pages and API answers are never stored.
"use strict";
var VERSION = "plaza-{{ version }}";
var SHELL = {{ shell }};
var OFFLINE = {{ offline_url }};

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(VERSION).then(function (cache) { return cache.addAll(SHELL.concat([OFFLINE])); })
      .then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (keys) {
      return Promise.all(keys.filter(function (key) { return key.indexOf("plaza-") === 0 && key !== VERSION; })
        .map(function (key) { return caches.delete(key); }));
    }).then(function () {
      // Navigation preload: the browser asks the network for a page while this worker starts,
      // and the page comes from that answer, not from a fetch() made here (faster, and the
      // worker's own fetch of a page once stalled in Chromium without reaching the server).
      return self.registration.navigationPreload ? self.registration.navigationPreload.enable() : null;
    }).then(function () { return self.clients.claim(); })
  );
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    // Always the network for pages (the preloaded answer when there is one); only when it
    // fails, the offline page.
    event.respondWith(Promise.resolve(event.preloadResponse).then(function (preloaded) {
      return preloaded || fetch(request);
    }).catch(function () {
      return caches.open(VERSION).then(function (cache) { return cache.match(OFFLINE); });
    }));
    return;
  }
  if (SHELL.indexOf(url.pathname) !== -1) {
    // The shell: from the cache at once, refreshed from the network for the next time.
    event.respondWith(caches.open(VERSION).then(function (cache) {
      return cache.match(request).then(function (hit) {
        var fresh = fetch(request).then(function (response) {
          if (response.ok) cache.put(request, response.clone());
          return response;
        });
        return hit || fresh;
      });
    }));
  }
  // Anything else (API, files, media, the socket) goes to the network untouched.
});
{% endautoescape %}
