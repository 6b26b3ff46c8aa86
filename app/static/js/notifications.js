// Notifications on this device (web push), on the notifications page. Permission is asked only
// after a tap on "Turn on notifications", never on page load. Without JavaScript, or in a
// browser without push, the page says so and the choices form still works.
(function () {
  "use strict";

  var WORDS = {
    unsupported: "This browser cannot show notifications from Waypoint. On an iPhone or iPad, " +
      "add Waypoint to your Home Screen first (Share, then Add to Home Screen) and open it from there.",
    off: "Notifications are off on this device.",
    on: "Notifications are on for this device.",
    asking: "Your browser is asking whether Waypoint may send you notifications.",
    blocked: "Notifications are blocked for Waypoint in this browser. To allow them, open the " +
      "site settings (the icon beside the address, or the app's settings on your phone), set " +
      "Notifications to Allow, then reload this page.",
    dismissed: "Notifications stay off: they were not allowed. Tap the button when you are ready.",
    failed: "Notifications could not be turned on. Check your connection and try again."
  };

  function supported() {
    return "serviceWorker" in navigator && "PushManager" in window && "Notification" in window;
  }

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.content : "";
  }

  function show(box, words, offerButton) {
    box.querySelector("[data-push-status]").textContent = words;
    box.querySelector("[data-push-enable]").hidden = !offerButton;
  }

  function localSubscription() {
    return navigator.serviceWorker.getRegistration().then(function (registration) {
      return registration ? registration.pushManager.getSubscription() : null;
    });
  }

  function listed(endpoint) {
    return Array.prototype.some.call(document.querySelectorAll("[data-endpoint]"), function (item) {
      return item.dataset.endpoint === endpoint;
    });
  }

  // On for this device only when the browser has a subscription that the server lists.
  function refresh(box) {
    if (!supported()) return show(box, WORDS.unsupported, false);
    if (Notification.permission === "denied") return show(box, WORDS.blocked, false);
    show(box, WORDS.off, true);
    localSubscription().then(function (subscription) {
      if (subscription && Notification.permission === "granted" && listed(subscription.endpoint)) {
        show(box, WORDS.on, false);
      }
    }).catch(function () { /* stays "off", with the button */ });
  }

  function setUp(root) {
    var boxes = root.querySelectorAll("[data-push]");
    Array.prototype.forEach.call(boxes, refresh);
    if (root.matches && root.matches("[data-push]")) refresh(root);
  }
  document.addEventListener("DOMContentLoaded", function () { setUp(document); });
  document.addEventListener("htmx:load", function (event) { setUp(event.detail.elt); });

  function keyBytes(base64url) {
    var raw = atob(base64url.replace(/-/g, "+").replace(/_/g, "/"));
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
    return bytes;
  }

  function subscribe(registration, key) {
    var options = { userVisibleOnly: true, applicationServerKey: keyBytes(key) };
    return registration.pushManager.subscribe(options).catch(function (error) {
      if (error.name !== "InvalidStateError") throw error;
      // Made with the server's previous key: start afresh with the current one.
      return registration.pushManager.getSubscription()
        .then(function (old) { return old && old.unsubscribe(); })
        .then(function () { return registration.pushManager.subscribe(options); });
    });
  }

  // The server's answer is the new list of devices, put in place of the old one.
  function showDevices(html) {
    var old = document.getElementById("push-devices");
    var template = document.createElement("template");
    template.innerHTML = html;
    var fresh = template.content.querySelector("#push-devices");
    if (!old || !fresh) return;
    old.replaceWith(fresh);
    if (window.htmx) window.htmx.process(fresh);
  }

  function send(box, registration, subscription) {
    var data = subscription.toJSON();
    var body = new URLSearchParams({
      endpoint: data.endpoint, p256dh: data.keys.p256dh, auth: data.keys.auth
    });
    return fetch(box.dataset.subscribeUrl, {
      method: "POST", body: body, credentials: "same-origin", headers: { "X-CSRFToken": csrfToken() }
    }).then(function (response) {
      if (!response.ok) throw new Error("subscribe answered " + response.status);
      return response.text();
    }).then(function (html) {
      showDevices(html);
      // The worker keeps what proves this device to the server (see sw-push.js).
      if (registration.active) {
        registration.active.postMessage({
          type: "waypoint:push-subscribed", endpoint: data.endpoint, auth: data.keys.auth, key: box.dataset.vapidKey
        });
      }
    });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-push-enable]");
    if (!button) return;
    var box = button.closest("[data-push]");
    button.disabled = true;
    show(box, WORDS.asking, true);
    Promise.resolve(Notification.requestPermission()).then(function (permission) {
      if (permission === "denied") return show(box, WORDS.blocked, false);
      if (permission !== "granted") return show(box, WORDS.dismissed, true);
      return navigator.serviceWorker.ready.then(function (registration) {
        return subscribe(registration, box.dataset.vapidKey).then(function (subscription) {
          return send(box, registration, subscription);
        });
      }).then(function () { show(box, WORDS.on, false); });
    }).catch(function () {
      show(box, WORDS.failed, true);
    }).then(function () {
      button.disabled = false;
    });
  });

  // Removing this very device also ends its subscription in the browser, before the form goes.
  document.addEventListener("submit", function (event) {
    var form = event.target.closest("form[data-push-remove]");
    if (!form || form.dataset.unsubscribed || !supported()) return;
    var item = form.closest("[data-endpoint]");
    event.preventDefault();
    event.stopPropagation();
    localSubscription().then(function (subscription) {
      if (subscription && item && subscription.endpoint === item.dataset.endpoint) {
        return subscription.unsubscribe();
      }
    }).catch(function () { /* the server's removal is what counts */ }).then(function () {
      form.dataset.unsubscribed = "true";
      form.requestSubmit();
    });
  }, true);
})();
