// Toasts and celebrations (HX-Trigger "waypoint:toast" and "waypoint:celebrate"): one card at a
// time in the aria-live region, a new one replacing the old, closed by its button or Escape, and
// placed away from the focused control. A celebration shows the points or the badge's emblem;
// it pops and buzzes only for people who have not asked their system for less motion.
(function () {
  "use strict";
  var SVG = "http://www.w3.org/2000/svg";
  var timer;

  function region() { return document.getElementById("toasts"); }

  function still() {
    return !!(window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches);
  }

  // At the top when the focused control is in the lower half of the screen, else at the bottom.
  function place() {
    var box = region(), focused = document.activeElement, top = false;
    if (!box) return;
    if (focused && focused !== document.body && focused.getBoundingClientRect) {
      var rect = focused.getBoundingClientRect();
      top = rect.top + rect.height / 2 > window.innerHeight / 2;
    }
    box.classList.toggle("toasts-top", top);
  }

  function dismiss() {
    clearTimeout(timer);
    var box = region();
    if (box) box.replaceChildren();
  }

  function show(card, ms) {
    var box = region();
    if (!box) return;
    var close = document.createElement("button");
    close.type = "button";
    close.className = "toast-close";
    close.setAttribute("aria-label", "Dismiss");
    close.innerHTML = '<span aria-hidden="true">×</span>';
    close.addEventListener("click", dismiss);
    card.appendChild(close);
    // Someone reading or reaching for it keeps it: it waits for them to close it.
    ["focusin", "pointerenter"].forEach(function (name) {
      card.addEventListener(name, function () { clearTimeout(timer); });
    });
    clearTimeout(timer);
    place();
    box.replaceChildren(card);
    timer = setTimeout(dismiss, ms);
  }

  function line(parent, text, className) {
    if (!text) return;
    var p = document.createElement("p");
    p.textContent = text;
    if (className) p.className = className;
    parent.appendChild(p);
  }

  function emblem(sprite, badge) {
    var svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("class", "emblem emblem-" + badge.tier);
    svg.setAttribute("viewBox", "0 0 48 48");
    svg.setAttribute("width", "56");
    svg.setAttribute("height", "56");
    svg.setAttribute("aria-hidden", "true");
    ["frame-" + badge.tier, badge.id].forEach(function (symbol) {
      var use = document.createElementNS(SVG, "use");
      use.setAttribute("href", sprite + "#" + symbol);
      svg.appendChild(use);
    });
    return svg;
  }

  document.body.addEventListener("waypoint:toast", function (event) {
    var card = document.createElement("div");
    card.className = "toast";
    line(card, event.detail && event.detail.message);
    if (card.firstChild) show(card, 5000);
  });

  document.body.addEventListener("waypoint:celebrate", function (event) {
    var data = event.detail || {};
    if (!data.title) return;
    var card = document.createElement("div");
    var text = document.createElement("div");
    card.className = "toast celebration" + (data.badge ? " celebration-badge" : "") +
      (data.level ? " celebration-level" : "");
    if (data.badge) {
      card.appendChild(emblem(data.sprite, data.badge));
    } else {
      var star = document.createElement("span");
      star.className = "celebration-points";
      star.setAttribute("aria-hidden", "true");
      star.textContent = "★";
      card.appendChild(star);
    }
    text.className = "celebration-text";
    line(text, data.title, "celebration-title");
    if (data.level) line(text, "Level " + data.level.level + ": " + data.level.name, "celebration-level-name");
    line(text, data.message);
    if (data.badge) line(text, data.badge.description, "celebration-badge-note");
    line(text, data.note, "celebration-note");
    card.appendChild(text);
    if (!still()) {
      card.classList.add("celebration-moves");
      if (navigator.vibrate) navigator.vibrate(data.badge || data.level ? [40, 60, 80] : 40);
    }
    show(card, data.badge || data.level ? 9000 : 6000);
  });

  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && region() && region().firstChild) dismiss();
  });

  // Focus moving elsewhere moves the card out of its way (focus on the card itself does not).
  document.addEventListener("focusin", function (event) {
    var box = region();
    if (box && box.firstChild && !box.contains(event.target)) place();
  });
})();
