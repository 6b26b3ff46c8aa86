// Offline check-in, on the page: the service worker (sw-offline.js) keeps a check-in made
// without a connection; this asks it to send what it kept on every page load and when the
// phone comes back online (the fallback where the browser has no Background Sync), and shows
// what became of it: a toast when it went in, a message that stays when it was refused.
(function () {
  "use strict";
  if (!("serviceWorker" in navigator)) return;

  function askToSend() {
    var worker = navigator.serviceWorker.controller;
    if (worker && navigator.onLine !== false) worker.postMessage({ type: "waypoint:send-checkins" });
  }

  function refused(message) {
    var main = document.getElementById("main");
    if (!main) return;
    var box = document.createElement("div");
    box.className = "flashes";
    box.setAttribute("role", "alert");
    var line = document.createElement("p");
    line.className = "flash flash-error";
    line.textContent = message;
    box.appendChild(line);
    main.insertBefore(box, main.firstChild);
  }

  // The "Saved on this phone" card, once its check-in is in.
  function markSent(message) {
    document.querySelectorAll("[data-kept-checkin]").forEach(function (card) {
      card.querySelector("h2").textContent = "Checked in ✓";
      card.querySelector("p").textContent = message;
    });
  }

  var shown = {};

  navigator.serviceWorker.addEventListener("message", function (event) {
    var data = event.data || {};
    if (data.type === "waypoint:checkins-changed") askToSend();
    if (data.type !== "waypoint:checkin-notices" || !data.notices || !data.notices.length) return;
    // Two askings may cross (coming online, and the worker's sync): show each notice once.
    data.notices.forEach(function (notice) {
      if (shown[notice.id]) return;
      shown[notice.id] = true;
      if (notice.kind === "refused") {
        refused(notice.message);
      } else {
        markSent(notice.message);
        document.body.dispatchEvent(new CustomEvent("waypoint:toast", { detail: { message: notice.message } }));
      }
    });
    event.source.postMessage({
      type: "waypoint:checkin-notices-shown",
      ids: data.notices.map(function (notice) { return notice.id; })
    });
  });

  navigator.serviceWorker.startMessages();
  window.addEventListener("online", askToSend);
  if (document.readyState === "complete") askToSend();
  else window.addEventListener("load", askToSend);
})();
