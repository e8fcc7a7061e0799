{% autoescape off %}/* Samla door scanner: the service worker. Keeps the scanner's files and the door pages on the
   phone, so a reload or a browser restart without a network opens the scanner again (its list and
   queue are in IndexedDB, see scanner.js).

   Files: cache first, from a cache named after this version (a hash of the files, see
   checkin/offline.py). A new version is a new worker: it installs fresh copies, takes over at
   once (skipWaiting, clients.claim) and deletes the caches of older versions.
   Door pages: network first, the last good copy when the network is gone.
   The API is never cached: scans and lists go to the server or to IndexedDB. */
"use strict";

var VERSION = "{{ version }}";
var SCOPE = new URL({{ scope_json }}, self.location).href;
var START = new URL({{ start_json }}, self.location).href;
var STATIC_PREFIX = "samla-door-static-";
var STATIC = STATIC_PREFIX + VERSION;
var PAGES = "samla-door-pages-" + SCOPE;
var ASSETS = {{ assets_json }}.map(function (url) { return new URL(url, self.location).href; });

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(STATIC).then(function (cache) {
      // Past the HTTP cache: a file with an unchanged URL may have new contents.
      return cache.addAll(ASSETS.map(function (url) { return new Request(url, { cache: "reload" }); }));
    }).then(refreshPages).then(function () { return self.skipWaiting(); })
  );
});

function refreshPages() {
  // Pages kept by an older version may name older files: fetch them again for this one.
  return caches.open(PAGES).then(function (pages) {
    return pages.keys().then(function (requests) {
      return Promise.all(requests.map(function (request) {
        return fetch(request.url, { credentials: "same-origin", cache: "reload" }).then(function (response) {
          if (response.ok && !response.redirected) return pages.put(request.url, response);
        }, function () { /* offline: keep the old copy */ });
      }));
    });
  });
}

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) {
        return name.indexOf(STATIC_PREFIX) === 0 && name !== STATIC;
      }).map(function (name) { return caches.delete(name); }));
    }).then(function () { return self.clients.claim(); }).then(keepOpenPages)
  );
});

function keepOpenPages() {
  // The page that registered this worker loaded before it existed: keep a copy of it, and of
  // the door list (the app's start), so that the very first visit already works offline.
  return self.clients.matchAll({ type: "window", includeUncontrolled: true }).then(function (windows) {
    var urls = windows.map(function (client) { return client.url.split("#")[0]; })
      .filter(function (url) { return url.indexOf(SCOPE) === 0; });
    if (urls.indexOf(START) < 0) urls.push(START);
    return caches.open(PAGES).then(function (pages) {
      return Promise.all(urls.map(function (url) {
        return pages.match(url).then(function (hit) {
          if (hit) return null;
          return fetch(url, { credentials: "same-origin" }).then(function (response) {
            if (response.ok && !response.redirected) return pages.put(url, response);
          }, function () {});
        });
      }));
    });
  });
}

function page(request) {
  return fetch(request).then(function (response) {
    if (response.ok && !response.redirected && response.type === "basic") {
      var copy = response.clone();
      caches.open(PAGES).then(function (pages) { return pages.put(request.url.split("#")[0], copy); });
    }
    return response;
  }, function () {
    return caches.open(PAGES).then(function (pages) {
      return pages.match(request.url.split("#")[0], { ignoreSearch: true }).then(function (hit) {
        return hit || pages.match(START) || Response.error();
      });
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = request.url.split("#")[0];
  if (request.mode === "navigate" && url.indexOf(SCOPE) === 0) {
    event.respondWith(page(request));
    return;
  }
  if (ASSETS.indexOf(url) >= 0) {
    event.respondWith(caches.open(STATIC).then(function (cache) {
      return cache.match(url).then(function (hit) { return hit || fetch(request); });
    }));
  }
});

self.addEventListener("message", function (event) {
  if (event.data === "version" && event.source) event.source.postMessage({ version: VERSION });
});
{% endautoescape %}
