// Waypoint's one small script: CSRF for htmx, toasts from HX-Trigger events, small comforts.
// Everything here enhances pages that already work without JavaScript.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.content : "";
  }

  document.addEventListener("htmx:configRequest", function (event) {
    if (event.detail.verb !== "get") {
      event.detail.headers["X-CSRFToken"] = csrfToken();
    }
  });

  // Show a short message without moving focus; screen readers hear it through aria-live.
  function toast(text) {
    var region = document.getElementById("toasts");
    if (!region || !text) return;
    var item = document.createElement("p");
    item.className = "toast";
    item.textContent = text;
    region.appendChild(item);
    setTimeout(function () { item.remove(); }, 5000);
  }

  document.body.addEventListener("waypoint:toast", function (event) {
    toast(event.detail && event.detail.message);
  });

  // Something earned (HX-Trigger "waypoint:celebrate" from the game): a toast with the points,
  // or a small card for a new badge, heard through the same aria-live region. It only moves
  // for people who have not asked their system for less motion.
  function line(text, className) {
    var p = document.createElement("p");
    p.textContent = text;
    if (className) p.className = className;
    return p;
  }

  document.body.addEventListener("waypoint:celebrate", function (event) {
    var data = event.detail || {};
    var region = document.getElementById("toasts");
    if (!region || !data.title) return;
    var card = document.createElement("div");
    card.className = "toast celebration" + (data.badge ? " celebration-badge" : "");
    card.appendChild(line(data.title, "celebration-title"));
    if (data.message) card.appendChild(line(data.message));
    if (data.badge) card.appendChild(line(data.badge.description, "celebration-badge-note"));
    var still = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    if (!still) card.classList.add("celebration-moves");
    region.appendChild(card);
    setTimeout(function () { card.remove(); }, data.badge ? 9000 : 6000);
  });

  document.addEventListener("htmx:responseError", function (event) {
    var status = event.detail.xhr.status;
    if (status === 401) return;
    toast(status === 429 ? "Too many attempts. Please wait a few minutes."
      : status === 404 ? "That is no longer there. Reload the page."
      : status === 413 ? "That was more than we can take at once. Shorten it and try again."
      : "Something went wrong. Please try again.");
  });

  document.addEventListener("htmx:sendError", function () {
    toast("You seem to be offline. Try again when you have a connection.");
  });

  // The program switcher submits itself when a choice is made.
  document.addEventListener("change", function (event) {
    var select = event.target.closest("select[data-autosubmit]");
    if (select && select.form) select.form.requestSubmit();
  });

  // On sign-up, preselect the phone's own time zone (unless the person already chose one).
  function detectZone(root) {
    var zone;
    try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) { return; }
    root.querySelectorAll("select[data-detect-zone]").forEach(function (select) {
      if (select.form && select.form.querySelector('[aria-invalid="true"]')) return;
      var offered = Array.prototype.some.call(select.options, function (o) { return o.value === zone; });
      if (offered) select.value = zone;
    });
  }
  document.addEventListener("DOMContentLoaded", function () { detectZone(document); });
  document.addEventListener("htmx:load", function (event) { detectZone(event.detail.elt); });

  // A link to hand over (a password reset link): a Copy button, shown only when it can work;
  // without JavaScript the read-only field can still be selected and copied by hand.
  function showCopyButtons(root) {
    if (!navigator.clipboard) return;
    root.querySelectorAll("button[data-copy]").forEach(function (button) { button.hidden = false; });
  }
  document.addEventListener("DOMContentLoaded", function () { showCopyButtons(document); });
  document.addEventListener("htmx:load", function (event) { showCopyButtons(event.detail.elt); });

  document.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-copy]");
    if (!button) return;
    var field = document.getElementById(button.dataset.copy);
    if (!field) return;
    navigator.clipboard.writeText(field.value).then(
      function () { toast("Link copied."); },
      function () { field.select(); toast("Select the link and copy it."); }
    );
  });

  document.addEventListener("focusin", function (event) {
    if (event.target.matches && event.target.matches("input[data-select-on-focus]")) event.target.select();
  });

  if ("serviceWorker" in navigator) {
    window.addEventListener("load", function () {
      navigator.serviceWorker.register("/sw.js").catch(function () { /* offline support is optional */ });
    });
  }
})();
