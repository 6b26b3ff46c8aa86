// Offline check-in, in the service worker (imported by sw.js).
//
// A check-in posted with no connection (the htmx card or the plain form: both pass through
// here) is kept in IndexedDB with the moment it was made and the page's CSRF token, and the
// person is told "Saved on this phone". It is sent again, as htmx would send it plus
// `made_at`, on Background Sync where the browser has it, and whenever a page asks
// (offline-checkin.js, on page load and when the phone comes back online). A copy is removed
// only once the server answered: a 2xx, or a 4xx that can never succeed (its message is kept
// for the next page). The server counts it once, for the week it was made in (never before
// the page gave the form: the form carries its signed opening, `opened`).
(() => {
  "use strict";
  const KEPT_CHECKIN_PATH = "/checkins/this-week";
  const KEPT_DB = "waypoint-offline";
  const KEPT_SYNC_TAG = "waypoint-checkins";
  const KEPT_TITLE = "Saved on this phone";
  const KEPT_TEXT = "It will be sent when you're back online.";
  // Header values must be plain ASCII: no dashes beyond "-" here.
  const KEPT_TOAST = "Saved on this phone. It will be sent when you're back online.";

  function keptDb() {
    return new Promise((resolve, reject) => {
      const opening = indexedDB.open(KEPT_DB, 1);
      opening.onupgradeneeded = () => {
        opening.result.createObjectStore("checkins", { keyPath: "id", autoIncrement: true });
        opening.result.createObjectStore("notices", { keyPath: "id", autoIncrement: true });
      };
      opening.onsuccess = () => resolve(opening.result);
      opening.onerror = () => reject(opening.error);
    });
  }

  // Run `work(stores)` in one transaction over `names`; resolves with what `work` returned once
  // the transaction has committed (an IDBRequest's result is read then).
  async function keptTransaction(names, mode, work) {
    const db = await keptDb();
    return new Promise((resolve, reject) => {
      const transaction = db.transaction(names, mode);
      const stores = names.map((name) => transaction.objectStore(name));
      const outcome = work(...stores);
      transaction.oncomplete = () => {
        db.close();
        resolve(outcome instanceof IDBRequest ? outcome.result : outcome);
      };
      transaction.onerror = transaction.onabort = () => {
        db.close();
        reject(transaction.error);
      };
    });
  }

  function isCheckinPost(request) {
    const url = new URL(request.url);
    return request.method === "POST" && url.origin === self.location.origin
      && url.pathname === KEPT_CHECKIN_PATH;
  }

  self.addEventListener("fetch", (event) => {
    if (!isCheckinPost(event.request)) return;
    event.respondWith(sendOrKeep(event.request));
    // sw.js answers failed navigations with the offline page: this answer comes first.
    event.stopImmediatePropagation();
  });

  async function sendOrKeep(request) {
    const body = await request.clone().text();
    try {
      return await fetch(request);
    } catch (offline) {
      await keep(request, body);
      return keptAnswer(request);
    }
  }

  async function keep(request, body) {
    const fields = new URLSearchParams(body);
    const madeAt = new Date().toISOString();
    fields.set("made_at", madeAt);
    await keptTransaction(["checkins"], "readwrite", (checkins) => checkins.add({
      url: request.url,
      body: fields.toString(),
      csrf: request.headers.get("X-CSRFToken") || fields.get("csrf_token") || "",
      madeAt,
    }));
    if (self.registration.sync) {
      // Where the browser has no Background Sync, the next page load sends it.
      await self.registration.sync.register(KEPT_SYNC_TAG).catch(() => {});
    }
  }

  const KEPT_CARD = `<section class="card checkin-card" aria-labelledby="checkin-heading" data-kept-checkin>
    <h2 id="checkin-heading">${KEPT_TITLE}</h2>
    <p>${KEPT_TEXT}</p>
  </section>`;

  const KEPT_PAGE = `<!doctype html>
  <html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>${KEPT_TITLE} · Waypoint</title>
    <link rel="stylesheet" href="/static/css/app.css">
  </head>
  <body>
    <header class="topbar">
      <a class="brand" href="/">
        <img src="/static/icons/waypoint.svg" alt="" width="28" height="28">
        <span>Waypoint</span>
      </a>
    </header>
    <main id="main">
      <h1>${KEPT_TITLE}</h1>
      <p>Your check-in is kept on this phone. ${KEPT_TEXT}</p>
      <a class="button primary" href="/">Back to home</a>
    </main>
  </body>
  </html>`;

  // The htmx card swaps in place (with a toast heard by screen readers); the plain form gets a
  // page of its own.
  function keptAnswer(request) {
    const headers = {
      "Content-Type": "text/html; charset=utf-8",
      "Cache-Control": "no-store",
      "Content-Security-Policy": "default-src 'self'; object-src 'none'; base-uri 'none'",
    };
    if (request.headers.get("HX-Request") === "true") {
      headers["HX-Trigger"] = JSON.stringify({ "waypoint:toast": { message: KEPT_TOAST } });
      return new Response(KEPT_CARD, { status: 200, headers });
    }
    return new Response(KEPT_PAGE, { status: 200, headers });
  }

  // -- sending what was kept ----------------------------------------------------------------

  const REFUSED = {
    400: "A check-in saved on this phone could not be sent: it was made in a login that has ended. Please check in again.",
    401: "A check-in saved on this phone could not be sent because you were logged out. Please check in again.",
  };
  const REFUSED_OTHERWISE = "A check-in saved on this phone could not be sent. Please check in again.";
  const SENT = "Your check-in saved on this phone is in. Thank you!";

  // A 4xx other than "too many" or "timeout" will fail the same way every time: stop trying.
  function isFinal(response) {
    const status = response.status;
    return response.type === "opaqueredirect" || (status >= 400 && status < 500 && status !== 408 && status !== 429);
  }

  // The view's toast, or its note when a celebration took the toast in (celebrations.py).
  function toastOf(response) {
    try {
      const events = JSON.parse(response.headers.get("HX-Trigger"));
      return events["waypoint:toast"] ? events["waypoint:toast"].message : events["waypoint:celebrate"].note;
    } catch (none) {
      return "";
    }
  }

  async function sendOne(entry) {
    const response = await fetch(entry.url, {
      method: "POST",
      body: entry.body,
      credentials: "same-origin",
      redirect: "manual",
      headers: {
        "Content-Type": "application/x-www-form-urlencoded",
        "HX-Request": "true",
        "X-CSRFToken": entry.csrf,
      },
    });
    let notice;
    if (response.ok) notice = { kind: "sent", message: toastOf(response) || SENT };
    else if (isFinal(response)) {
      notice = { kind: "refused", message: toastOf(response) || REFUSED[response.status] || REFUSED_OTHERWISE };
    } else throw new Error(`The server answered ${response.status}: try again later`);
    // The copy goes and its notice comes in one transaction: neither is lost, nor sent twice.
    await keptTransaction(["checkins", "notices"], "readwrite", (checkins, notices) => {
      checkins.delete(entry.id);
      notices.add({ ...notice, madeAt: entry.madeAt });
    });
  }

  async function sendAll() {
    const entries = await keptTransaction(["checkins"], "readonly", (checkins) => checkins.getAll());
    for (const entry of entries) await sendOne(entry); // oldest first; offline throws
  }

  // One sending at a time, whoever asks (a sync event and a page load may come together).
  let keptSending = null;
  function sendKept() {
    if (!keptSending) keptSending = sendAll().finally(() => { keptSending = null; });
    return keptSending;
  }

  self.addEventListener("sync", (event) => {
    if (event.tag !== KEPT_SYNC_TAG) return;
    // A rejection (still offline, a 5xx) tells the browser to try again later. Open pages are
    // told to ask for the news: only a page that listens (offline-checkin.js) takes notices.
    event.waitUntil(sendKept().then(async () => {
      const windows = await self.clients.matchAll({ type: "window" });
      windows.forEach((client) => client.postMessage({ type: "waypoint:checkins-changed" }));
    }));
  });

  // A page asks: send what is kept, then hand it the notices. Each stays kept until the page
  // says it showed it (a page being left may never show what it was handed).
  self.addEventListener("message", (event) => {
    const data = event.data || {};
    if (data.type === "waypoint:checkin-notices-shown") {
      const ids = Array.isArray(data.ids) ? data.ids : [];
      event.waitUntil(keptTransaction(["notices"], "readwrite", (notices) => {
        ids.forEach((id) => notices.delete(id));
      }));
      return;
    }
    if (data.type !== "waypoint:send-checkins" || !event.source) return;
    event.waitUntil((async () => {
      await sendKept().catch(() => {});
      const notices = await keptTransaction(["notices"], "readonly", (store) => store.getAll());
      event.source.postMessage({ type: "waypoint:checkin-notices", notices });
    })());
  });
})();
