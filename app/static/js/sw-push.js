// Web push in the service worker (sw.js imports this file): show a nudge, open its page when
// it is tapped, and follow the push service when it replaces this browser's subscription.
//
// A push message is JSON: {"title", "body", "url", "tag"}. The url is a path of the app (a
// link elsewhere opens the home page); the tag makes repeats replace each other rather than
// pile up (the url stands in for it when there is none).
(() => {
  "use strict";
  const PUSH_ICON = "/static/icons/waypoint-192.png";
  const PUSH_BADGE = "/static/icons/badge-96.png";
  const PUSH_DB = "waypoint-push";
  const PUSH_STORE = "subscription";
  const KNOWN = "known"; // the subscription the server has: {endpoint, auth, key}

  function appUrl(path) {
    try {
      const url = new URL(path || "/", self.location.origin);
      if (url.origin === self.location.origin) return url.href;
    } catch (unreadable) { /* the home page instead */ }
    return new URL("/", self.location.origin).href;
  }

  // The message as an object, whatever arrived: a push must always show a notification
  // (userVisibleOnly), so nothing here may throw before showNotification is called.
  function messageOf(data) {
    try {
      const message = data ? data.json() : null;
      if (message && typeof message === "object") return message;
    } catch (unreadable) { /* a plain Waypoint notification instead */ }
    return {};
  }

  self.addEventListener("push", (event) => {
    const message = messageOf(event.data);
    const url = appUrl(message.url);
    event.waitUntil(
      self.registration.showNotification(message.title || "Waypoint", {
        body: message.body || "",
        icon: PUSH_ICON,
        badge: PUSH_BADGE,
        tag: message.tag || new URL(url).pathname,
        data: { url },
      })
    );
  });

  // A Waypoint window already open is reused (brought to the front, on the nudge's page);
  // otherwise a new one opens.
  async function showPage(url) {
    const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
    const open = windows.find((client) => client.focused) || windows[0];
    if (!open) return self.clients.openWindow(url);
    let shown;
    try {
      shown = (await open.navigate(url)) || open;
    } catch (error) {
      return self.clients.openWindow(url); // a window this worker does not control
    }
    return shown.focus().catch(() => shown);
  }

  self.addEventListener("notificationclick", (event) => {
    event.notification.close();
    const data = event.notification.data || {};
    event.waitUntil(showPage(appUrl(data.url)));
  });

  // -- the subscription the server knows, kept for pushsubscriptionchange ------------------------
  // The worker has no page, so no CSRF token and perhaps no login by the time the push service
  // replaces the subscription. It proves which device it is with the old subscription's
  // endpoint and auth secret instead (known only to this browser and the server), so the page
  // hands them over here when it turns notifications on.

  function pushDb() {
    return new Promise((resolve, reject) => {
      const request = indexedDB.open(PUSH_DB, 1);
      request.onupgradeneeded = () => request.result.createObjectStore(PUSH_STORE);
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }

  async function known(value) {
    const db = await pushDb();
    return new Promise((resolve, reject) => {
      const store = db.transaction(PUSH_STORE, value === undefined ? "readonly" : "readwrite")
        .objectStore(PUSH_STORE);
      const request = value === undefined ? store.get(KNOWN)
        : value === null ? store.delete(KNOWN) : store.put(value, KNOWN);
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }

  self.addEventListener("message", (event) => {
    const data = event.data || {};
    if (data.type !== "waypoint:push-subscribed") return;
    event.waitUntil(known({ endpoint: data.endpoint, auth: data.auth, key: data.key }));
  });

  function keyBytes(base64url) {
    const raw = atob(base64url.replace(/-/g, "+").replace(/_/g, "/"));
    return Uint8Array.from(raw, (ch) => ch.charCodeAt(0));
  }

  async function resubscribe(oldSubscription, newSubscription) {
    const kept = await known();
    const old = oldSubscription
      ? { endpoint: oldSubscription.endpoint, auth: oldSubscription.toJSON().keys.auth }
      : kept;
    if (!old || !kept) return; // notifications were never turned on here through the page
    const fresh = newSubscription || await self.registration.pushManager.subscribe({
      userVisibleOnly: true,
      applicationServerKey: keyBytes(kept.key),
    });
    const keys = fresh.toJSON().keys;
    const response = await fetch("/notifications/resubscribe", {
      method: "POST",
      credentials: "same-origin",
      body: new URLSearchParams({
        old_endpoint: old.endpoint,
        old_auth: old.auth,
        endpoint: fresh.endpoint,
        p256dh: keys.p256dh,
        auth: keys.auth,
      }),
    });
    if (response.ok) return known({ endpoint: fresh.endpoint, auth: keys.auth, key: kept.key });
    if (response.status === 404) {
      // The server stopped notifying this device (removed, or logged out): so does the browser.
      await known(null);
      return fresh.unsubscribe();
    }
    throw new Error(`resubscribe answered ${response.status}`);
  }

  self.addEventListener("pushsubscriptionchange", (event) => {
    event.waitUntil(resubscribe(event.oldSubscription, event.newSubscription));
  });
})();
