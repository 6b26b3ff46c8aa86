// The phone's share sheet for an invite link (Web Share API). A Share button is shown only
// where navigator.share exists; elsewhere the plain link and the Copy button remain.
(function () {
  "use strict";
  if (!navigator.share) return;

  function showShareButtons(root) {
    root.querySelectorAll("button[data-share]").forEach(function (button) { button.hidden = false; });
  }
  document.addEventListener("DOMContentLoaded", function () { showShareButtons(document); });
  document.addEventListener("htmx:load", function (event) { showShareButtons(event.detail.elt); });

  document.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-share]");
    if (!button) return;
    var field = document.getElementById(button.dataset.share);
    if (!field) return;
    navigator.share({ title: button.dataset.shareTitle || document.title, url: field.value })
      .catch(function () { /* the person closed the share sheet: nothing to do */ });
  });
})();
