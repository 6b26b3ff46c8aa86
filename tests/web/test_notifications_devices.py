"""Devices that get notifications: stored per browser for this person and this login, moved
to whoever turns them on last on a shared device, removed on request and whenever the login
they were made in ends; the test send; the service worker's resubscription."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from notifications_support import (
    LAPTOP,
    PHONE,
    browser_subscription,
    newest_login,
    subscribe,
    subscriptions,
    user_id,
)
from web_support import CSRF_MESSAGE, field_error, shown

from app import config
from app.clock import utcnow
from app.extensions import db
from app.models import LoginSession, Nudge, PushSubscription
from app.notifications.forms import NOT_A_PUSH_SERVICE
from app.notifications.routes import TAKEN
from app.nudges import tasks
from game.nudges import NudgeKind


def test_turning_on_stores_this_browser_for_this_person_and_login(app, world, new_client) -> None:
    client = new_client("mentee")
    login = newest_login(app, world.email("mentee"))
    phone = browser_subscription()
    response = subscribe(client, phone)
    assert response.status_code == 201
    assert "Chrome on Android" in response.get_data(as_text=True)  # the new list of devices
    assert subscriptions(app) == {
        phone["endpoint"]: (
            user_id(app, world.email("mentee")),
            login,
            phone["p256dh"],
            phone["auth"],
            "Chrome on Android",
        )
    }


def test_turning_on_needs_the_csrf_token(app, new_client) -> None:
    response = new_client("mentee").post("/notifications/devices", data=browser_subscription())
    assert response.status_code == 400 and CSRF_MESSAGE in response.get_data(as_text=True)
    assert subscriptions(app) == {}


def test_a_bad_subscription_says_which_field(app, new_client) -> None:
    bad = {**browser_subscription(), "endpoint": "http://192.168.1.1/steal"}
    response = subscribe(new_client("mentee"), bad)
    assert response.status_code == 422
    assert field_error(response.get_data(as_text=True), "endpoint")
    assert subscriptions(app) == {}


@pytest.mark.parametrize(
    "endpoint",
    [
        "https://fcm.googleapis.com/fcm/send/abc",
        "https://updates.push.services.mozilla.com/wpush/v2/abc",
        "https://web.push.apple.com/QGx",
        "https://wns2-par02p.notify.windows.com/w/?token=abc",
    ],
)
def test_the_browsers_push_services_are_taken(app, new_client, endpoint) -> None:
    phone = {**browser_subscription(), "endpoint": endpoint}
    assert subscribe(new_client("mentee"), phone).status_code == 201
    assert set(subscriptions(app)) == {endpoint}


@pytest.mark.parametrize(
    "endpoint",
    [
        "https://push.example/send/abc",  # https, but no push service of a browser
        "https://intranet.school.example/admin",
        "https://evilpush.apple.com/x",  # not under push.apple.com
        "https://fcm.googleapis.com.evil.example/fcm/send/abc",
        "https://fcm.googleapis.com:8443/fcm/send/abc",
        "https://169.254.169.254/latest/meta-data",
        "https://[::1/x",  # unreadable: refused, not a server error
        "https://fcm.googleapis.com:port/x",
    ],
)
def test_any_other_host_is_refused_with_a_message(app, new_client, endpoint) -> None:
    response = subscribe(new_client("mentee"), {**browser_subscription(), "endpoint": endpoint})
    assert response.status_code == 422
    assert shown(NOT_A_PUSH_SERVICE) in field_error(response.get_data(as_text=True), "endpoint")
    assert subscriptions(app) == {}


def test_the_push_services_are_a_setting(app, new_client) -> None:
    app.config["PUSH_SERVICE_HOSTS"] = ("push.school.example", "*.relay.example")
    client = new_client("mentee")
    for endpoint in ("https://push.school.example/a", "https://eu.relay.example/b"):
        phone = {**browser_subscription(), "endpoint": endpoint}
        assert subscribe(client, phone).status_code == 201
    fcm = browser_subscription()
    assert subscribe(client, fcm).status_code == 422


def test_the_setting_defaults_to_the_browsers_push_services(monkeypatch, tmp_path) -> None:
    monkeypatch.delenv("PUSH_SERVICE_HOSTS", raising=False)
    assert config.load(tmp_path)["PUSH_SERVICE_HOSTS"] == config.PUSH_SERVICES
    monkeypatch.setenv("PUSH_SERVICE_HOSTS", " Push.School.example , *.relay.example,")
    hosts = config.load(tmp_path)["PUSH_SERVICE_HOSTS"]
    assert hosts == ("push.school.example", "*.relay.example")


def test_a_loopback_push_service_only_outside_production(app, new_client) -> None:
    client = new_client("mentee")
    local = {**browser_subscription(), "endpoint": "http://127.0.0.1:8099/push/1"}
    assert subscribe(client, local).status_code == 201
    app.config["PRODUCTION"] = True
    other = {**browser_subscription(), "endpoint": "http://127.0.0.1:8099/push/2"}
    assert subscribe(client, other).status_code == 422
    assert set(subscriptions(app)) == {local["endpoint"]}


def test_the_same_browser_again_updates_its_keys_and_keeps_its_history(app, new_client) -> None:
    client = new_client("mentee")
    phone = browser_subscription()
    subscribe(client, phone)
    with app.app_context():
        row = db.session.scalar(sa.select(PushSubscription))
        first_created = row.created_at
        row.failures = 2
        db.session.commit()
    renewed = {**browser_subscription(), "endpoint": phone["endpoint"]}
    assert subscribe(client, renewed).status_code == 201
    with app.app_context():
        row = db.session.scalar(sa.select(PushSubscription))
        assert (row.p256dh, row.auth) == (renewed["p256dh"], renewed["auth"])
        assert row.created_at == first_created and row.failures == 2


def test_a_shared_device_moves_to_whoever_turned_it_on_last(app, world, new_client) -> None:
    shared = browser_subscription("library")
    subscribe(new_client("mentee"), shared)
    with app.app_context():
        db.session.execute(sa.update(PushSubscription).values(failures=3))
        db.session.commit()
    assert subscribe(new_client("own_mentor"), shared, LAPTOP).status_code == 201
    with app.app_context():
        row = db.session.scalar(sa.select(PushSubscription))
        assert row.user_id == user_id(app, world.email("own_mentor"))
        assert row.login_session_id == newest_login(app, world.email("own_mentor"))
        assert (row.device, row.failures) == ("Firefox on Linux", 0)
    mentee_page = new_client("mentee").get("/notifications").get_data(as_text=True)
    assert "data-endpoint=" not in mentee_page


def test_knowing_someone_elses_endpoint_does_not_take_their_device(app, new_client) -> None:
    """Only the browser itself has the subscription's secret; the endpoint alone moves nothing."""
    phone = browser_subscription()
    subscribe(new_client("mentee"), phone)
    before = subscriptions(app)
    forged = {**browser_subscription(), "endpoint": phone["endpoint"]}
    response = subscribe(new_client("own_mentor"), forged, LAPTOP)
    assert response.status_code == 422
    assert shown(TAKEN) in field_error(response.get_data(as_text=True), "endpoint")
    assert subscriptions(app) == before


def test_the_page_lists_the_devices_with_this_one_marked(app, world, new_client) -> None:
    phone = new_client("mentee")
    subscribe(phone, browser_subscription("phone"), PHONE)
    subscribe(new_client("mentee"), browser_subscription("laptop"), LAPTOP)
    page = phone.get("/notifications").get_data(as_text=True)
    assert "Chrome on Android" in page and "Firefox on Linux" in page
    assert page.count("this device</span>") == 1
    assert page.count("nothing delivered yet") == 2
    assert page.count("data-push-remove>") == 2


def test_removing_a_device_deletes_its_subscription(app, new_client) -> None:
    client = new_client("mentee")
    subscribe(client, browser_subscription())
    with app.app_context():
        device_id = db.session.scalar(sa.select(PushSubscription.id))
    response = client.submit(f"/notifications/devices/{device_id}/remove")
    assert response.status_code == 303 and response.location == "/notifications"
    assert subscriptions(app) == {}
    assert client.submit(f"/notifications/devices/{device_id}/remove").status_code == 404


def test_someone_elses_device_is_not_found(app, new_client) -> None:
    subscribe(new_client("mentee"), browser_subscription())
    with app.app_context():
        device_id = db.session.scalar(sa.select(PushSubscription.id))
    response = new_client("own_mentor").submit(f"/notifications/devices/{device_id}/remove")
    assert response.status_code == 404
    assert len(subscriptions(app)) == 1


# -- the test send --------------------------------------------------------------------------


def _nudges(app) -> list[tuple]:
    with app.app_context():
        return [
            (n.user_id, n.kind, n.title, n.url)
            for n in db.session.scalars(sa.select(Nudge).order_by(Nudge.id))
        ]


def test_the_test_send_queues_a_test_nudge(app, world, new_client) -> None:
    client = new_client("mentee")
    subscribe(client, browser_subscription())
    response = client.submit("/notifications/test", follow_redirects=True)
    assert "on its way" in response.get_data(as_text=True)
    mentee = user_id(app, world.email("mentee"))
    assert _nudges(app) == [
        (mentee, NudgeKind.TEST.value, "Waypoint notifications work", "/notifications")
    ]
    client.submit("/notifications/test")  # a second tap within the minute: the same nudge
    assert len(_nudges(app)) == 1


def test_the_test_send_without_a_device_says_so(app, new_client) -> None:
    response = new_client("mentee").submit("/notifications/test", follow_redirects=True)
    assert "No device has notifications on yet" in response.get_data(as_text=True)
    assert _nudges(app) == []


# -- logging out ends notifications -----------------------------------------------------------


def _two_devices(app, world, new_client):
    """The mentee on a phone and a laptop, each with notifications on."""
    phone, laptop = new_client("mentee"), new_client("mentee")
    endpoints = {}
    for name, client in (("phone", phone), ("laptop", laptop)):
        endpoints[name] = browser_subscription(name)["endpoint"]
        subscribe(client, {**browser_subscription(), "endpoint": endpoints[name]})
    return phone, laptop, endpoints


def test_logging_out_stops_this_devices_notifications_only(app, world, new_client) -> None:
    phone, _, endpoints = _two_devices(app, world, new_client)
    phone.submit("/logout")
    assert set(subscriptions(app)) == {endpoints["laptop"]}


def test_logging_out_everywhere_stops_every_device(app, world, new_client) -> None:
    phone, _, _ = _two_devices(app, world, new_client)
    subscribe(new_client("own_mentor"), browser_subscription("mentor"))
    phone.submit("/account/logout-everywhere")
    owners = {row[0] for row in subscriptions(app).values()}
    assert owners == {user_id(app, world.email("own_mentor"))}


def test_ending_a_device_from_the_account_page_stops_its_notifications(
    app, world, new_client
) -> None:
    phone, _, endpoints = _two_devices(app, world, new_client)
    laptop_login = subscriptions(app)[endpoints["laptop"]][1]
    phone.submit(f"/account/devices/{laptop_login}/end")
    assert set(subscriptions(app)) == {endpoints["phone"]}


def test_a_new_password_keeps_this_device_and_stops_the_others(app, world, new_client) -> None:
    phone, _, endpoints = _two_devices(app, world, new_client)
    response = phone.submit(
        "/account/password",
        {
            "current_password": "correct horse battery",
            "password": "a brand new passphrase",
            "confirm": "a brand new passphrase",
        },
    )
    assert response.status_code == 303
    stored = subscriptions(app)
    assert set(stored) == {endpoints["phone"]}
    assert stored[endpoints["phone"]][1] == newest_login(app, world.email("mentee"))
    phone.submit("/logout")  # and the new login's logout still ends them
    assert subscriptions(app) == {}


# -- pushsubscriptionchange -------------------------------------------------------------------


def _resubscription(old: dict, new: dict) -> dict:
    return {"old_endpoint": old["endpoint"], "old_auth": old["auth"], **new}


def test_the_worker_moves_a_subscription_with_the_old_ones_secret(app, world, new_client) -> None:
    old, new = browser_subscription("old"), browser_subscription("new")
    subscribe(new_client("mentee"), old)
    before = subscriptions(app)[old["endpoint"]]
    worker = app.test_client()  # no login, no CSRF token: the old secret is the proof
    response = worker.post("/notifications/resubscribe", data=_resubscription(old, new))
    assert response.status_code == 204
    assert subscriptions(app) == {
        new["endpoint"]: (*before[:2], new["p256dh"], new["auth"], before[4])
    }


def test_a_wrong_old_secret_moves_nothing(app, new_client) -> None:
    old, new = browser_subscription("old"), browser_subscription("new")
    subscribe(new_client("mentee"), old)
    forged = {**_resubscription(old, new), "old_auth": browser_subscription()["auth"]}
    response = app.test_client().post("/notifications/resubscribe", data=forged)
    assert response.status_code == 404
    assert set(subscriptions(app)) == {old["endpoint"]}


def test_resubscribing_cannot_take_over_another_devices_endpoint(app, new_client) -> None:
    """Someone with a subscription of their own names a victim's endpoint as the new one."""
    victim, own = browser_subscription("victim"), browser_subscription("own")
    subscribe(new_client("mentee"), victim)
    subscribe(new_client("own_mentor"), own)
    before = subscriptions(app)
    onto_victim = {**browser_subscription(), "endpoint": victim["endpoint"]}
    response = app.test_client().post(
        "/notifications/resubscribe", data=_resubscription(own, onto_victim)
    )
    assert response.status_code == 404
    assert subscriptions(app) == before


def test_resubscribing_onto_its_own_new_endpoint_again_is_fine(app, new_client) -> None:
    """The page turned notifications on with the new subscription before the worker's event."""
    old, new = browser_subscription("old"), browser_subscription("new")
    client = new_client("mentee")
    subscribe(client, old)
    subscribe(client, new)
    response = app.test_client().post("/notifications/resubscribe", data=_resubscription(old, new))
    assert response.status_code == 204
    assert set(subscriptions(app)) == {new["endpoint"]}


def test_a_logged_out_device_cannot_come_back_by_resubscribing(app, new_client) -> None:
    old, new = browser_subscription("old"), browser_subscription("new")
    client = new_client("mentee")
    subscribe(client, old)
    client.submit("/logout")
    response = app.test_client().post("/notifications/resubscribe", data=_resubscription(old, new))
    assert response.status_code == 404
    assert subscriptions(app) == {}


def test_a_login_that_expired_unseen_stops_its_devices_notifications(
    app, world, new_client
) -> None:
    """The nightly task: a device whose login outlived "remember me" unseen is logged out
    there, so it is forgotten; a device seen since keeps its notifications."""
    _, _, endpoints = _two_devices(app, world, new_client)
    remember = timedelta(seconds=app.config["REMEMBER_COOKIE_DURATION"])
    laptop_login = subscriptions(app)[endpoints["laptop"]][1]
    with app.app_context():
        db.session.execute(
            sa.update(LoginSession)
            .where(LoginSession.id == laptop_login)
            .values(last_seen_at=utcnow() - remember - timedelta(minutes=1))
        )
        db.session.commit()
        tasks.forget_stale_devices.call_local()
    assert set(subscriptions(app)) == {endpoints["phone"]}
