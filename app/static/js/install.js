// "Install app", offered only where it can work. Chromium browsers fire beforeinstallprompt
// when Waypoint is installable: the event is kept, the button shown, and a tap opens the
// browser's own install dialog. Safari on iPhone and iPad never fires it; there short
// "Share → Add to Home Screen" steps are shown instead (on iOS, notifications work only in
// the installed app), until dismissed. Nothing shows once Waypoint runs installed.
(function () {
  "use strict";
  var DISMISSED = "waypoint:install-steps-dismissed";
  var offer = null; // the kept beforeinstallprompt event

  function installed() {
    var standalone = window.matchMedia && window.matchMedia("(display-mode: standalone)").matches;
    return standalone || navigator.standalone === true;
  }

  function iosSafari() {
    var ua = navigator.userAgent;
    // iPadOS asks for desktop sites by default: a "Macintosh" with a touch screen (a Mac has
    // none: maxTouchPoints 0) is an iPad.
    var ios = /iPhone|iPad|iPod/.test(ua) || (/Macintosh/.test(ua) && navigator.maxTouchPoints > 0);
    return ios && /Safari\//.test(ua) && !/CriOS|FxiOS|EdgiOS|OPiOS|GSA\//.test(ua);
  }

  function dismissed() {
    try { return localStorage.getItem(DISMISSED) === "1"; } catch (e) { return false; }
  }

  function show(selector, visible) {
    document.querySelectorAll(selector).forEach(function (card) { card.hidden = !visible; });
  }

  function refresh() {
    var done = installed();
    show("[data-install-offer]", !done && offer !== null);
    show("[data-install-ios]", !done && offer === null && iosSafari() && !dismissed());
  }

  window.addEventListener("beforeinstallprompt", function (event) {
    event.preventDefault(); // the button is the offer, not the browser's own banner
    offer = event;
    refresh();
  });
  window.addEventListener("appinstalled", function () {
    offer = null;
    refresh();
  });
  document.addEventListener("DOMContentLoaded", refresh);
  document.addEventListener("htmx:load", refresh); // a boosted page keeps the kept event

  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-install-button]") && offer) {
      var shown = offer;
      offer = null; // an event prompts once; the browser fires a new one if it is declined
      refresh();
      Promise.resolve(shown.prompt()).catch(function () { /* dialog refused: nothing to do */ });
    } else if (event.target.closest("[data-install-dismiss]")) {
      try { localStorage.setItem(DISMISSED, "1"); } catch (e) { /* private mode: hide for now */ }
      show("[data-install-ios]", false);
      var main = document.getElementById("main");
      if (main) main.focus({ preventScroll: true });
    }
  });
})();
