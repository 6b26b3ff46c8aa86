// Waypoint's one small script: CSRF for htmx, messages for failed requests, small comforts.
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

  // A short message, shown by celebrate.js (one at a time, heard through aria-live).
  function toast(text) {
    document.body.dispatchEvent(new CustomEvent("waypoint:toast", { detail: { message: text } }));
  }

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
    if (!zone) return;
    root.querySelectorAll("input[data-detect-zone]").forEach(function (input) {
      if (input.form && input.form.querySelector('[aria-invalid="true"]')) return;
      input.value = zone;
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
