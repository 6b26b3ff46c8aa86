"""Sending one message through pywebpush to the loopback push service, and every way it ends."""

from __future__ import annotations

import logging
import socket
import time
from email.utils import formatdate

import pytest
from push.loopback import b64url

from app.push.sender import (
    RETRY_AFTER_CAP,
    Delivered,
    Gone,
    KeyProblem,
    Message,
    Rejected,
    RetryLater,
    Target,
    Urgency,
    new_session,
    retry_after_seconds,
    send,
    topic_for,
)
from app.push.vapid import VapidSigner, generate_keys

MESSAGE = Message(
    title="Your mentor replied",
    body="Open Waypoint to read it · ünïcode",
    url="/goals/12",
    tag="reply:12",
)


def push(target: Target, signer, session, **options):
    options.setdefault("ttl", 3600)
    return send(target, MESSAGE, signer=signer, session=session, **options)


def test_a_delivered_message_decrypts_to_what_was_sent_with_its_headers(
    push_service, signer, session
):
    device = push_service.subscription(server_key=signer.keys.public)

    outcome = push(device.target(), signer, session, ttl=600, urgency=Urgency.HIGH)

    assert outcome == Delivered()
    [received] = push_service.received
    assert received.subscription_id == device.id
    assert received.payload == {
        "title": MESSAGE.title,
        "body": MESSAGE.body,
        "url": MESSAGE.url,
        "tag": MESSAGE.tag,
    }
    assert (received.ttl, received.urgency, received.topic) == (600, "high", topic_for("reply:12"))
    assert received.vapid_key == signer.keys.public
    assert received.claims["aud"] == push_service.origin
    assert received.claims["sub"] == signer.subject
    assert time.time() + 11 * 3600 < received.claims["exp"] <= time.time() + 12 * 3600


def test_an_explicit_topic_is_sent_and_a_malformed_one_refused_before_sending(
    push_service, signer, session
):
    device = push_service.subscription()

    assert push(device.target(), signer, session, topic="checkin-week") == Delivered()
    assert push_service.received[0].topic == "checkin-week"
    for bad in ("", "x" * 33, "has space", "slash/"):
        with pytest.raises(ValueError, match="Topic"):
            push(device.target(), signer, session, topic=bad)
    assert push_service.attempts == {device.id: 1}


def test_topics_derived_from_tags_are_short_stable_and_distinct():
    topics = {topic_for(f"meeting:{n}") for n in range(1000)}
    assert len(topics) == 1000
    assert topic_for("meeting:1") == topic_for("meeting:1")
    assert all(len(topic) == 32 for topic in topics)


@pytest.mark.parametrize(
    ("status", "retry_after", "expected"),
    [
        (404, None, Gone),
        (410, None, Gone),
        (429, "7", RetryLater),
        (500, None, RetryLater),
        (503, "120", RetryLater),
        (400, None, Rejected),
        (413, None, Rejected),
        (401, None, KeyProblem),
        (403, None, KeyProblem),
    ],
)
def test_each_answer_of_the_push_service_becomes_its_outcome(
    push_service, signer, session, status, retry_after, expected
):
    device = push_service.subscription()
    push_service.respond_with(status, retry_after=retry_after, subscription=device)

    outcome = push(device.target(), signer, session)

    assert isinstance(outcome, expected)
    assert str(status) in outcome.reason and push_service.origin in outcome.reason
    if retry_after:
        assert outcome.after_seconds == float(retry_after)
    elif isinstance(outcome, RetryLater):
        assert outcome.after_seconds is None
    assert push_service.received == []
    assert push_service.attempts == {device.id: 1}


def test_retry_after_as_an_http_date_is_honoured(push_service, signer, session):
    device = push_service.subscription()
    push_service.respond_with(429, retry_after=formatdate(time.time() + 90, usegmt=True))

    outcome = push(device.target(), signer, session)

    assert isinstance(outcome, RetryLater)
    assert 85 <= outcome.after_seconds <= 90


def test_retry_after_is_read_in_seconds_or_dates_and_capped():
    now = 1_800_000_000.0
    assert retry_after_seconds("30", now) == 30
    assert retry_after_seconds(" 30 ", now) == 30
    assert retry_after_seconds(formatdate(now + 45, usegmt=True), now) == 45
    assert retry_after_seconds(formatdate(now - 45, usegmt=True), now) == 0
    assert retry_after_seconds("86400", now) == RETRY_AFTER_CAP
    assert retry_after_seconds(formatdate(now + 86400, usegmt=True), now) == RETRY_AFTER_CAP
    for unreadable in (None, "", "soon", "-5", "1.5e3"):
        assert retry_after_seconds(unreadable, now) is None


def test_scripted_answers_apply_to_their_subscription_and_run_out(push_service, signer, session):
    flaky, steady = push_service.subscription(), push_service.subscription()
    push_service.respond_with(500, subscription=flaky, times=2)

    outcomes = [push(flaky.target(), signer, session) for _ in range(3)]

    assert [type(outcome) for outcome in outcomes] == [RetryLater, RetryLater, Delivered]
    assert push(steady.target(), signer, session) == Delivered()
    assert [message.subscription_id for message in push_service.received] == [flaky.id, steady.id]


def test_an_unsubscribed_device_is_gone(push_service, signer, session):
    device = push_service.subscription()
    push_service.unsubscribe(device)

    outcome = push(device.target(), signer, session)

    assert isinstance(outcome, Gone) and "410" in outcome.reason


def test_a_hanging_push_service_is_given_up_within_the_timeout(push_service, signer, session):
    device = push_service.subscription()
    push_service.respond_with(hang=True, times=1)

    started = time.monotonic()
    outcome = push(device.target(), signer, session, timeout=(1.0, 0.5))
    elapsed = time.monotonic() - started

    assert isinstance(outcome, RetryLater) and outcome.after_seconds is None
    assert "timed out" in outcome.reason
    assert 0.5 <= elapsed < 2.0
    # the same session goes on working once the service answers again
    assert push(device.target(), signer, session) == Delivered()


def test_an_unreachable_push_service_means_retry_later(push_service, signer, session):
    device = push_service.subscription()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # nothing listens here once the probe closes
    target = Target(f"http://127.0.0.1:{port}/push/{device.id}", device.p256dh, device.auth)

    outcome = push(target, signer, session, timeout=(1.0, 1.0))

    assert isinstance(outcome, RetryLater) and "unreachable" in outcome.reason


@pytest.mark.parametrize(
    "broken",
    [
        {"p256dh": "not-a-key"},
        {"p256dh": b64url(b"\x04" + bytes(64))},  # not a point on the curve
        {"auth": ""},
        {"endpoint": "ftp://127.0.0.1/push/x"},
    ],
)
def test_a_subscription_that_can_never_work_is_gone_without_a_request(
    push_service, signer, session, caplog, broken
):
    device = push_service.subscription()
    fields = {"endpoint": device.endpoint, "p256dh": device.p256dh, "auth": device.auth}

    with caplog.at_level(logging.WARNING, logger="app.push.sender"):
        outcome = push(Target(**(fields | broken)), signer, session)

    assert isinstance(outcome, Gone) and "unusable" in outcome.reason
    assert push_service.attempts == {}
    assert "unusable" in caplog.text


def test_a_message_signed_with_other_keys_than_the_subscriptions_is_a_key_problem(
    push_service, signer, session, caplog
):
    device = push_service.subscription(server_key=generate_keys().public)

    with caplog.at_level(logging.ERROR, logger="app.push.sender"):
        outcome = push(device.target(), signer, session)

    assert isinstance(outcome, KeyProblem) and "403" in outcome.reason
    assert "key problem" in caplog.text
    assert push_service.problems == ["403 signed by another key than the subscription's"]
    push_service.problems.clear()


def test_refusals_are_logged_with_the_service_but_never_the_endpoint(
    push_service, signer, session, caplog
):
    device = push_service.subscription()
    push_service.respond_with(413)

    with caplog.at_level(logging.WARNING, logger="app.push.sender"):
        outcome = push(device.target(), signer, session)

    assert isinstance(outcome, Rejected)
    assert f"{push_service.origin} answered 413" in caplog.text
    assert device.id not in caplog.text


def test_many_sends_share_one_connection_and_one_signature(push_service, session):
    signer = VapidSigner(generate_keys(), "mailto:push-admin@test.example")
    devices = [push_service.subscription() for _ in range(5)]

    for _ in range(10):
        for device in devices:
            assert push(device.target(), signer, session) == Delivered()

    assert len(push_service.received) == 50
    assert push_service.connections == 1
    assert signer.signatures == 1


def test_a_signing_failure_is_a_key_problem_and_keeps_the_subscription(push_service, session):
    device = push_service.subscription()
    unsigned = VapidSigner(generate_keys(), None)  # py_vapid refuses claims without a sub

    outcome = push(device.target(), unsigned, session)

    assert isinstance(outcome, KeyProblem) and "signing" in outcome.reason
    assert push_service.attempts == {}


def test_a_session_follows_the_proxy_settings_of_the_environment(push_service, signer, monkeypatch):
    device = push_service.subscription()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        dead_proxy = f"http://127.0.0.1:{probe.getsockname()[1]}"
    monkeypatch.setenv("HTTP_PROXY", dead_proxy)

    with new_session() as session:
        for _ in range(2):  # read once, then remembered for this push service
            outcome = push(device.target(), signer, session, timeout=(1.0, 1.0))
            assert isinstance(outcome, RetryLater) and "unreachable" in outcome.reason
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    with new_session() as session:
        assert push(device.target(), signer, session) == Delivered()
