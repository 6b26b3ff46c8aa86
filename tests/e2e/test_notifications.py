"""Notifications in the browser: turned on by a tap (never on page load) with the push
subscription stubbed to a loopback push service, the server storing it; a push delivered to
the service worker showing the expected notification; and a tap on it opening its page."""

from __future__ import annotations

import base64
import json
import os
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import sqlalchemy as sa
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from playwright.sync_api import Page, expect

from app.extensions import db
from app.models import LoginSession, Nudge, PushSubscription, User
from app.push import vapid

pytestmark = pytest.mark.browser


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _public_key() -> str:
    """A P-256 public key as a browser or the server hands it over (base64url, uncompressed)."""
    key = ec.generate_private_key(ec.SECP256R1()).public_key()
    return _b64(key.public_bytes(Encoding.X962, PublicFormat.UncompressedPoint))


class _PushService(BaseHTTPRequestHandler):
    """Accepts whatever is pushed (201); this test only needs the address to exist."""

    def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.send_response(201)
        self.end_headers()

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def push_service() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _PushService)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


# The browser's push service is out of reach in a test: PushManager hands back a subscription
# at the loopback service, with real keys, and counts the permission prompts it is asked for.
STUB = """
(() => {
  const sub = %(subscription)s;
  const KEPT = "stub-push-subscribed";  // the browser keeps a subscription across page loads
  window.__permissionAsked = 0;
  const ask = Notification.requestPermission.bind(Notification);
  Notification.requestPermission = function () { window.__permissionAsked += 1; return ask(); };
  %(permission)s
  const made = () => ({
    endpoint: sub.endpoint,
    expirationTime: null,
    toJSON: () => ({ endpoint: sub.endpoint, expirationTime: null, keys: sub.keys }),
    unsubscribe: () => { localStorage.removeItem(KEPT); return Promise.resolve(true); },
  });
  PushManager.prototype.subscribe = function (options) {
    window.__serverKey = btoa(String.fromCharCode(...new Uint8Array(options.applicationServerKey)));
    localStorage.setItem(KEPT, "yes");
    return Promise.resolve(made());
  };
  PushManager.prototype.getSubscription = function () {
    return Promise.resolve(localStorage.getItem(KEPT) ? made() : null);
  };
})();
"""
DENY = """Notification.requestPermission = function () {
    window.__permissionAsked += 1;
    return Promise.resolve("denied");
  };"""


def _stub(page: Page, endpoint: str, permission: str = "") -> dict:
    subscription = {
        "endpoint": endpoint,
        "keys": {"p256dh": _public_key(), "auth": _b64(os.urandom(16))},
    }
    page.context.add_init_script(
        STUB % {"subscription": json.dumps(subscription), "permission": permission}
    )
    return subscription


def _open_settings(e2e, page: Page) -> None:
    page.get_by_role("link", name="Account").first.click()
    expect(page.get_by_role("heading", level=1, name="Your account")).to_be_visible()
    e2e.check(page)
    page.get_by_role("link", name="Notification settings").click()
    expect(page.get_by_role("heading", level=1, name="Notifications")).to_be_visible()
    e2e.check(page)


def _turn_on(e2e, page: Page, push_service: str, world) -> dict:
    server_key = vapid.load_keys(e2e.app.config).public  # derived, as in the quick start
    page.context.grant_permissions(["notifications"], origin=e2e.base_url)
    subscription = _stub(page, f"{push_service}/send/phone-1")
    e2e.log_in_on(page, world.email("mentee"))
    _open_settings(e2e, page)
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    status = page.locator("[data-push-status]")
    expect(status).to_have_text("Notifications are off on this device.")
    assert page.evaluate("window.__permissionAsked") == 0, "asked before any tap"

    page.get_by_role("button", name="Turn on notifications").click()
    expect(status).to_have_text("Notifications are on for this device.")
    expect(page.get_by_role("button", name="Turn on notifications")).to_be_hidden()
    devices = page.locator("#push-devices")
    expect(devices.get_by_text("this device")).to_be_visible()
    e2e.check(page, "notifications-on")
    assert page.evaluate("window.__permissionAsked") == 1
    sent_key = base64.b64decode(page.evaluate("window.__serverKey"))
    assert _b64(sent_key) == server_key, "subscribed with the server's VAPID key"
    return subscription


def _stored(e2e) -> list[tuple]:
    with e2e.app.app_context():
        return db.session.execute(
            sa.select(
                User.email,
                PushSubscription.endpoint,
                PushSubscription.p256dh,
                PushSubscription.auth,
                PushSubscription.login_session_id,
            ).join(User, User.id == PushSubscription.user_id)
        ).all()


def _newest_login(e2e, email: str) -> int:
    with e2e.app.app_context():
        return db.session.scalar(
            sa.select(sa.func.max(LoginSession.id))
            .join(User, User.id == LoginSession.user_id)
            .where(User.email == email)
        )


def test_turning_notifications_on_stores_the_subscription(e2e, world, push_service) -> None:
    page = e2e.new_page()
    subscription = _turn_on(e2e, page, push_service, world)
    email = world.email("mentee")
    assert _stored(e2e) == [
        (
            email,
            subscription["endpoint"],
            subscription["keys"]["p256dh"],
            subscription["keys"]["auth"],
            _newest_login(e2e, email),
        )
    ]
    # Back on the page later, the device is recognised as on, with no new prompt.
    page.reload()
    expect(page.locator("[data-push-status]")).to_have_text("Notifications are on for this device.")
    e2e.check(page)
    assert page.evaluate("window.__permissionAsked") == 0

    # A test send goes into the outbox for this person.
    page.get_by_role("button", name="Send me a test").click()
    expect(page.get_by_text("A test notification is on its way")).to_be_visible()
    e2e.check(page)
    with e2e.app.app_context():
        assert db.session.scalars(sa.select(Nudge.kind)).all() == ["test"]

    # Removing this device ends the browser's subscription too.
    page.locator("#push-devices").get_by_role("button", name="Remove").click()
    expect(page.get_by_text("That device gets no more notifications.")).to_be_visible()
    expect(page.locator("[data-push-status]")).to_have_text("Notifications are off on this device.")
    e2e.check(page)
    assert _stored(e2e) == []


def test_blocked_notifications_say_how_to_allow_them(e2e, world, push_service) -> None:
    page = e2e.new_page()
    _stub(page, f"{push_service}/send/blocked", permission=DENY)
    e2e.log_in_on(page, world.email("own_mentor"))
    page.goto("/notifications")
    page.get_by_role("button", name="Turn on notifications").click()
    status = page.locator("[data-push-status]")
    expect(status).to_contain_text("Notifications are blocked for Waypoint")
    expect(status).to_contain_text("set Notifications to Allow")
    e2e.check(page)
    assert _stored(e2e) == []


def test_without_javascript_the_choices_still_save(e2e, world) -> None:
    page = e2e.new_page(javascript=False, viewport={"width": 320, "height": 640})
    e2e.log_in_on(page, world.email("mentee"))
    page.goto("/notifications")
    expect(page.get_by_text("Notifications need JavaScript")).to_be_visible()
    expect(page.get_by_role("button", name="Turn on notifications")).to_be_hidden()
    e2e.check(page, "notifications-no-js")
    page.get_by_label("Kudos").uncheck()
    page.get_by_label("Quiet from").fill("22:00")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Saved.")).to_be_visible()
    expect(page.get_by_label("Kudos")).not_to_be_checked()
    expect(page.get_by_label("Quiet from")).to_have_value("22:00")
    e2e.check(page)
    e2e.screenshot(page, "notifications-320", size=None)


# -- the service worker ------------------------------------------------------------------------

# Read from the page through its registration rather than from a worker handle: once in CI a
# push was shown (its icons fetched), the browser then checked the worker's script again, and
# the handle taken before saw no notification for 15 s.
NOTIFICATIONS = """async () => {
  const registration = await navigator.serviceWorker.ready;
  return (await registration.getNotifications()).map((n) => ({
  title: n.title, body: n.body, tag: n.tag, icon: n.icon, badge: n.badge, url: n.data && n.data.url,
}));
}"""
CLICK = """async () => {
  const [shown] = await self.registration.getNotifications();
  self.dispatchEvent(new NotificationEvent("notificationclick", { notification: shown }));
}"""


POLLS = 150
"""Looks, 100 ms apart, for what the worker does: it has taken over 5 s on a loaded machine."""


def _notifications(page: Page, seen: Callable[[list[dict]], bool]) -> list[dict]:
    """The notifications shown, once ``seen`` holds for them or after ``POLLS`` looks."""
    shown: list[dict] = []
    for _ in range(POLLS):
        shown = page.evaluate(NOTIFICATIONS)
        if seen(shown):
            break
        page.wait_for_timeout(100)
    return shown


def _worker(page: Page):
    """The service worker running now (the newest, should the browser have started it again)."""
    return page.context.service_workers[-1]


def _deliver(cdp, registration_id: str, origin: str, message: dict | str) -> None:
    """A push as the push service delivers it (a trusted push event), through DevTools; a
    string is delivered as it is."""
    data = message if isinstance(message, str) else json.dumps(message)
    cdp.send(
        "ServiceWorker.deliverPushMessage",
        {"origin": origin, "registrationId": registration_id, "data": data},
    )


def _registration(page: Page):
    """A DevTools session on the page and the id of its service worker's registration."""
    registrations: list[str] = []
    cdp = page.context.new_cdp_session(page)
    cdp.on(
        "ServiceWorker.workerRegistrationUpdated",
        lambda event: registrations.extend(
            r["registrationId"] for r in event["registrations"] if not r["isDeleted"]
        ),
    )
    cdp.send("ServiceWorker.enable")
    page.wait_for_timeout(200)
    assert registrations, "the page's service worker registration"
    return cdp, registrations[0]


def test_a_push_shows_its_notification_and_a_tap_opens_its_page(e2e, world, push_service) -> None:
    page = e2e.new_page()
    _turn_on(e2e, page, push_service, world)
    cdp, registration = _registration(page)

    message = {
        "title": "Your mentor replied",
        "body": "Omar replied to your check-in.",
        "url": "/checkins/this-week",
        "tag": "mentor_replied",
    }
    _deliver(cdp, registration, e2e.base_url, message)
    # Chromium shows a notification once its icons have loaded, so two pushes delivered at
    # once may show out of order; a push service delivers them seconds apart.
    first = _notifications(page, bool)
    assert [notification["body"] for notification in first] == [message["body"]]
    _deliver(cdp, registration, e2e.base_url, {**message, "body": "Again."})
    shown = _notifications(page, lambda shown: bool(shown) and shown[0]["body"] == "Again.")
    assert shown == [  # the same tag: the second replaced the first
        {
            "title": "Your mentor replied",
            "body": "Again.",
            "tag": "mentor_replied",
            "icon": f"{e2e.base_url}/static/icons/waypoint-192.png",
            "badge": f"{e2e.base_url}/static/icons/badge-96.png",
            "url": f"{e2e.base_url}/checkins/this-week",
        }
    ]

    _worker(page).evaluate(CLICK)
    expect(page).to_have_url(f"{e2e.base_url}/checkins/this-week")
    e2e.check(page)
    assert _notifications(page, lambda shown: not shown) == [], "a tapped notification closes"


@pytest.mark.parametrize(
    "data",
    ["null", "not json", "[1, 2]", json.dumps({"title": "Hi", "url": "https://[x"})],
)
def test_a_malformed_push_still_shows_a_notification(e2e, world, push_service, data) -> None:
    """A push that shows nothing breaks userVisibleOnly: browsers then show their own notice,
    or take the permission back."""
    page = e2e.new_page()
    _turn_on(e2e, page, push_service, world)
    cdp, registration = _registration(page)
    _deliver(cdp, registration, e2e.base_url, data)
    shown = _notifications(page, bool)
    assert len(shown) == 1 and shown[0]["url"] == f"{e2e.base_url}/"
    assert shown[0]["title"] in ("Waypoint", "Hi")


# The push service replaced the subscription: the worker subscribes again (its PushManager
# stubbed like the page's) and proves the old one to the server with what the page handed it.
RESUBSCRIBE = """async ([endpoint, keys]) => {
  PushManager.prototype.subscribe = async () => ({ endpoint, toJSON: () => ({ endpoint, keys }) });
  self.dispatchEvent(new ExtendableEvent("pushsubscriptionchange"));
}"""


def test_a_replaced_subscription_is_handed_to_the_server_by_the_worker(
    e2e, world, push_service
) -> None:
    page = e2e.new_page()
    _turn_on(e2e, page, push_service, world)
    login = _newest_login(e2e, world.email("mentee"))
    worker = _worker(page)
    keys = {"p256dh": _public_key(), "auth": _b64(os.urandom(16))}
    endpoint = f"{push_service}/send/phone-2"
    worker.evaluate(RESUBSCRIBE, [endpoint, keys])
    expected = [(world.email("mentee"), endpoint, keys["p256dh"], keys["auth"], login)]
    for _ in range(POLLS):
        if _stored(e2e) == expected:
            break
        page.wait_for_timeout(100)
    assert _stored(e2e) == expected
