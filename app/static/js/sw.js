// Waypoint service worker: makes the app installable and shows a friendly page when offline.
// Pages are always fetched fresh (they hold personal data). The shell (stylesheet, scripts,
// icons and the offline page) is kept under its fingerprinted URLs, which never change
// content: the server heads this file with SHELL (plain URL to fingerprinted URL), CACHE (named
// after the fingerprints, so a release opens a new cache) and the importScripts of the
// worker's other parts.

const OFFLINE_URL = SHELL["/static/offline.html"];
const KEPT = new Set(Object.values(SHELL));

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll([...KEPT])));
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
  if (url.origin !== self.location.origin || event.request.method !== "GET") return;
  // A plain URL (the offline page's, an old page's) gets this release's copy of the file.
  const kept = KEPT.has(url.pathname) ? url.pathname : SHELL[url.pathname];
  if (!kept) return;
  event.respondWith(
    caches.open(CACHE)
      .then((cache) => cache.match(kept))
      .then((hit) => hit || fetch(kept))
  );
});
