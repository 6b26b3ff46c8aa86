// The certificate's Print button: shown only where this script runs, and only a shortcut
// for the browser's own print command (the page prints the same without it).
(function () {
  "use strict";
  function showPrintButtons(root) {
    root.querySelectorAll("button[data-print]").forEach(function (button) { button.hidden = false; });
  }
  document.addEventListener("DOMContentLoaded", function () { showPrintButtons(document); });
  document.addEventListener("htmx:load", function (event) { showPrintButtons(event.detail.elt); });
  document.addEventListener("click", function (event) {
    if (event.target.closest("button[data-print]")) window.print();
  });
})();
