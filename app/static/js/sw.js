// Waypoint service worker: makes the app installable and shows a friendly page when offline.
// Pages are always fetched fresh (they hold personal data); only the offline page and the
// stylesheet and logo it shows are cached.
importScripts("/static/js/sw-push.js", "/static/js/sw-offline.js");

const CACHE = "waypoint-v2";
const OFFLINE_URL = "/static/offline.html";
// What the offline page itself needs, so that it looks like Waypoint without a connection.
const OFFLINE_ASSETS = [OFFLINE_URL, "/static/css/app.css", "/static/icons/waypoint.svg"];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(OFFLINE_ASSETS)));
  self.skipWaiting();
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((key) => key !== CACHE).map((key) => caches.delete(key))))
      .then(() => self.clients.claim())
  );
});

self.addEventListener("fetch", (event) => {
  if (event.request.mode === "navigate") {
    event.respondWith(fetch(event.request).catch(() => caches.match(OFFLINE_URL)));
    return;
  }
  const url = new URL(event.request.url);
  if (url.origin !== self.location.origin || !OFFLINE_ASSETS.includes(url.pathname)) return;
  // Network first (the cached copy is refreshed), the cached copy when offline.
  event.respondWith(
    fetch(event.request)
      .then((response) => {
        if (response.ok) {
          const copy = response.clone();
          caches.open(CACHE).then((cache) => cache.put(url.pathname, copy));
        }
        return response;
      })
      .catch(() => caches.match(url.pathname))
  );
});
