"""The loopback push service refuses what a real one would, so the other push tests mean
something, and it never holds up the end of a test."""

from __future__ import annotations

import threading
import time

import pytest
import requests
from push.loopback import LoopbackProcess, LoopbackPushService
from pywebpush import WebPusher

from app.push.sender import Delivered, Message, send
from app.push.vapid import VapidSigner, generate_keys

SUBJECT = "mailto:push-admin@test.example"


def post(device, authorization: str, **headers) -> int:
    pusher = WebPusher(
        {"endpoint": device.endpoint, "keys": {"p256dh": device.p256dh, "auth": device.auth}}
    )
    body = pusher.encode(b'{"title":"t"}')["body"]
    sent = {"Authorization": authorization, "TTL": "60", "Content-Encoding": "aes128gcm"}
    sent.update(headers)
    sent = {name: value for name, value in sent.items() if value is not None}
    return requests.post(device.endpoint, data=body, headers=sent, timeout=5).status_code


def signed(service, *, audience=None, lifetime=3600, subject=SUBJECT, clock=time.time) -> str:
    signer = VapidSigner(generate_keys(), subject, clock=clock, lifetime=lifetime)
    return signer.authorization(audience or service.origin)


def tampered(header: str) -> str:
    """One character of the signature changed."""
    at = header.index(",k=") - 5
    return header[:at] + ("A" if header[at] != "A" else "B") + header[at + 1 :]


def test_a_well_signed_message_is_accepted(push_service):
    device = push_service.subscription()

    assert post(device, signed(push_service)) == 201
    assert push_service.wait_for(1)[0].payload == {"title": "t"}


@pytest.mark.parametrize(
    ("mangle", "status", "problem"),
    [
        (tampered, 403, "signature does not verify"),
        (lambda header: header.replace("k=", "k=AAAA"), 401, "malformed"),
        (lambda header: header.replace("vapid", "WebPush", 1), 401, "not a vapid header"),
        (lambda header: "", 401, "not a vapid header"),
    ],
)
def test_a_bad_vapid_header_is_refused(push_service, mangle, status, problem):
    device = push_service.subscription()

    assert post(device, mangle(signed(push_service))) == status

    assert push_service.received == []
    assert len(push_service.problems) == 1 and problem in push_service.problems[0]
    push_service.problems.clear()


@pytest.mark.parametrize(
    ("claims", "problem"),
    [
        ({"audience": "http://127.0.0.1:1"}, "aud"),
        ({"lifetime": 25 * 3600}, "exp"),
        ({"clock": lambda: time.time() - 7200}, "exp"),
        ({"subject": "mailto:nobody"}, "sub"),
    ],
)
def test_wrong_claims_are_refused(push_service, claims, problem):
    device = push_service.subscription()

    assert post(device, signed(push_service, **claims)) == 403

    assert [entry.split(" ")[1] for entry in push_service.problems] == [problem]
    push_service.problems.clear()


@pytest.mark.parametrize(
    ("headers", "problem"),
    [
        ({"TTL": None}, "TTL"),
        ({"TTL": "soon"}, "TTL"),
        ({"Urgency": "urgent"}, "Urgency"),
        ({"Topic": "x" * 33}, "Topic"),
        ({"Content-Encoding": "aesgcm"}, "Content-Encoding"),
    ],
)
def test_malformed_push_headers_are_refused(push_service, headers, problem):
    device = push_service.subscription()

    assert post(device, signed(push_service), **headers) == 400

    assert problem in push_service.problems[0]
    push_service.problems.clear()


def test_a_body_for_another_device_does_not_decrypt(push_service):
    device, other = push_service.subscription(), push_service.subscription()
    stolen = type(device)(other.id, other.endpoint, device.p256dh, device.auth, device.private_key)

    assert post(stolen, signed(push_service)) == 400

    assert "does not decrypt" in push_service.problems[0]
    push_service.problems.clear()


def test_closing_does_not_wait_for_a_hanging_answer():
    service = LoopbackPushService().start()
    device = service.subscription()
    service.respond_with(hang=True)
    failures: list[Exception] = []

    def hang() -> None:
        try:
            post(device, signed(service))
        except requests.RequestException as error:
            failures.append(error)

    client = threading.Thread(target=hang)
    client.start()
    deadline = time.monotonic() + 5
    while not service.attempts and time.monotonic() < deadline:
        time.sleep(0.01)
    started = time.monotonic()
    service.close()
    client.join(timeout=5)

    assert time.monotonic() - started < 1.0
    assert not client.is_alive() and len(failures) == 1


def test_the_service_runs_in_a_child_process_for_benchmarks(session):
    signer = VapidSigner(generate_keys(), SUBJECT)
    message = Message("Test", "From another process", "/", "test")

    with LoopbackProcess(devices=3) as service:
        outcomes = [
            send(target, message, signer=signer, ttl=60, session=session)
            for target in service.targets * 4
        ]
        stats = service.stats()

    assert outcomes == [Delivered()] * 12
    assert stats["received"] == 12 and stats["problems"] == [] and stats["connections"] == 1
    assert {target.endpoint.rsplit("/", 1)[0] for target in service.targets} == {
        f"{service.origin}/push"
    }
