"""A push service on 127.0.0.1 for the tests: real HTTP, real encryption, real VAPID checks.

It plays what FCM or Mozilla's autopush do with a message: check the VAPID ``Authorization``
header (ES256 signature by the key ``k``, ``aud`` this service's origin, ``exp`` in the future
and at most 24 h away, ``sub`` present), check the RFC 8030 headers, decrypt the aes128gcm body
with the subscription's own private key and auth secret (``http_ece``), and record it. Tests
script its answers: 201, 404, 410, 429 with ``Retry-After``, 500, 400, 413, 401, or a hang.

Anything a real service would refuse (a bad signature, a wrong ``aud``, a body that does not
decrypt …) is answered 401/403/400 and noted in ``problems``; the ``push_service`` fixture
fails the test at teardown when ``problems`` is not empty, so a test that provokes one on
purpose clears it.

Verification uses ``cryptography`` alone, not py_vapid, so that it checks what the app's
signing produces rather than agreeing with itself.
"""

from __future__ import annotations

import base64
import binascii
import json
import multiprocessing
import os
import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from app.push.sender import Target

MAX_BODY = 4096
"""RFC 8291: push services must accept 4096 bytes of body; the app should never send more."""
MAX_EXP = 24 * 3600
HANG_SECONDS = 60.0
"""How long a hanging answer holds the connection, unless the service closes first."""
URGENCIES = {"very-low", "low", "normal", "high"}
TOPIC = re.compile(r"[A-Za-z0-9_-]{1,32}")
SUBJECT = re.compile(r"mailto:[^@\s]+@[^@\s]+|https://[^/\s]+(/\S*)?")


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass(frozen=True)
class LoopbackSubscription:
    """What a browser would hold: its own key pair and auth secret, and an endpoint here."""

    id: str
    endpoint: str
    p256dh: str
    auth: str
    private_key: ec.EllipticCurvePrivateKey = field(repr=False)
    server_key: str | None = None
    """The applicationServerKey it was made with; a message signed by another key gets 403."""

    def target(self) -> Target:
        return Target(endpoint=self.endpoint, p256dh=self.p256dh, auth=self.auth)

    def as_json(self) -> dict:
        """Shaped like the browser's ``PushSubscription.toJSON()``."""
        return {
            "endpoint": self.endpoint,
            "expirationTime": None,
            "keys": {"p256dh": self.p256dh, "auth": self.auth},
        }


@dataclass(frozen=True)
class Received:
    """One message the service accepted (answered 201)."""

    subscription_id: str
    payload: dict
    ttl: int
    urgency: str | None
    topic: str | None
    claims: dict
    vapid_key: str
    at: float


@dataclass
class Answer:
    status: int = 201
    retry_after: str | None = None
    hang: bool = False
    times: int | None = None
    """Answer this way that many times, then fall back (None: until told otherwise)."""


class Refused(Exception):
    """A request a real push service would refuse: answered ``status`` and noted."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status


class LoopbackPushService:
    """``service.subscription()`` makes a device; ``service.respond_with(...)`` scripts the
    answers; ``service.received`` / ``service.wait_for(n)`` show what arrived."""

    def __init__(self, hang_seconds: float = HANG_SECONDS) -> None:
        self.hang_seconds = hang_seconds
        self.problems: list[str] = []
        self.attempts: dict[str, int] = {}
        """Requests per subscription id, whatever was answered."""
        self.connections = 0
        """TCP connections accepted: a sender that keeps them alive opens few."""
        self._received: list[Received] = []
        self._subscriptions: dict[str, LoopbackSubscription] = {}
        self._gone: set[str] = set()
        self._answers: dict[str | None, Answer] = {}
        self._verified_tokens: dict[str, tuple[dict, str]] = {}
        self._changed = threading.Condition()
        self._closing = threading.Event()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._server.daemon_threads = True  # a hanging answer must not hold up close()
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def origin(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> LoopbackPushService:
        self._thread.start()
        return self

    def close(self) -> None:
        self._closing.set()
        if self._thread.is_alive():  # shutdown() would wait forever for a loop never started
            self._server.shutdown()
            self._thread.join(timeout=5)
        self._server.server_close()

    # -- scripting -----------------------------------------------------------------------------

    def subscription(self, server_key: str | None = None) -> LoopbackSubscription:
        """A new device: a fresh P-256 key pair and 16-byte auth secret."""
        key = ec.generate_private_key(ec.SECP256R1())
        point = key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        sub_id = b64url(os.urandom(12))
        subscription = LoopbackSubscription(
            id=sub_id,
            endpoint=f"{self.origin}/push/{sub_id}",
            p256dh=b64url(point),
            auth=b64url(os.urandom(16)),
            private_key=key,
            server_key=server_key,
        )
        with self._changed:
            self._subscriptions[sub_id] = subscription
        return subscription

    def unsubscribe(self, subscription: LoopbackSubscription) -> None:
        """The device unsubscribed: its endpoint answers 410 from now on."""
        with self._changed:
            self._gone.add(subscription.id)

    def respond_with(
        self,
        status: int = 201,
        *,
        retry_after: str | int | None = None,
        hang: bool = False,
        subscription: LoopbackSubscription | None = None,
        times: int | None = None,
    ) -> None:
        """How to answer (for one subscription, or all): a status, ``Retry-After``, or a hang
        (no answer until the client gives up). ``times``: only for the next that many."""
        answer = Answer(status, None if retry_after is None else str(retry_after), hang, times)
        with self._changed:
            self._answers[subscription.id if subscription else None] = answer

    # -- what arrived --------------------------------------------------------------------------

    @property
    def received(self) -> list[Received]:
        with self._changed:
            return list(self._received)

    def received_by(self, subscription: LoopbackSubscription) -> list[Received]:
        return [message for message in self.received if message.subscription_id == subscription.id]

    def wait_for(self, count: int, timeout: float = 5.0) -> list[Received]:
        """Block until at least ``count`` messages were accepted; fail the test otherwise."""
        with self._changed:
            if not self._changed.wait_for(lambda: len(self._received) >= count, timeout):
                raise AssertionError(
                    f"push service got {len(self._received)} message(s), not {count}, within "
                    f"{timeout} s (problems: {self.problems})"
                )
            return list(self._received)

    # -- answering (called from the server's threads) ------------------------------------------

    def _answer_for(self, sub_id: str) -> Answer:
        with self._changed:
            self.attempts[sub_id] = self.attempts.get(sub_id, 0) + 1
            key = sub_id if sub_id in self._answers else None
            answer = self._answers.get(key, Answer())
            if answer.times is not None:
                answer.times -= 1
                if answer.times <= 0:
                    del self._answers[key]
            return answer

    def _handle(self, path: str, headers, body: bytes) -> tuple[int, dict[str, str]]:
        match = re.fullmatch(r"/push/([A-Za-z0-9_-]+)", path)
        subscription = self._subscriptions.get(match.group(1)) if match else None
        if subscription is None:
            return 404, {}
        if subscription.id in self._gone:
            return 410, {}
        try:
            claims, vapid_key = self._check_vapid(headers.get("Authorization", ""))
            if subscription.server_key and vapid_key != subscription.server_key.rstrip("="):
                raise Refused(403, "signed by another key than the subscription's")
            ttl, urgency, topic = self._check_headers(headers, body)
        except Refused as refused:
            self._note(f"{refused.status} {refused}")
            return refused.status, {}
        answer = self._answer_for(subscription.id)
        if answer.hang:
            self._closing.wait(self.hang_seconds)
            return 0, {}
        if answer.status != 201:
            extra = {"Retry-After": answer.retry_after} if answer.retry_after else {}
            return answer.status, extra
        try:
            payload = self._decrypt(subscription, body)
        except Refused as refused:
            self._note(f"{refused.status} {refused}")
            return refused.status, {}
        message = Received(
            subscription.id, payload, ttl, urgency, topic, claims, vapid_key, time.time()
        )
        with self._changed:
            self._received.append(message)
            self._changed.notify_all()
        return 201, {"Location": f"{self.origin}/message/{b64url(os.urandom(9))}"}

    def _note(self, problem: str) -> None:
        with self._changed:
            self.problems.append(problem)

    def _check_vapid(self, authorization: str) -> tuple[dict, str]:
        scheme, _, params = authorization.partition(" ")
        if scheme.lower() != "vapid":
            raise Refused(401, f"Authorization is not a vapid header: {authorization[:40]!r}")
        parts = dict(
            item.strip().split("=", 1) for item in params.split(",") if "=" in item.strip()
        )
        token, key = parts.get("t", ""), parts.get("k", "")
        verified = self._verified_tokens.get(token)
        if verified is None or verified[1] != key:
            verified = (_verify_jwt(token, key), key)
            with self._changed:
                self._verified_tokens[token] = verified
        claims = verified[0]
        now = time.time()
        if claims.get("aud") != self.origin:
            raise Refused(403, f"aud {claims.get('aud')!r} is not {self.origin!r}")
        if not isinstance(claims.get("exp"), int) or not now < claims["exp"] <= now + MAX_EXP:
            raise Refused(403, f"exp {claims.get('exp')!r} is not within the next 24 h")
        if not SUBJECT.fullmatch(str(claims.get("sub", ""))):
            raise Refused(403, f"sub {claims.get('sub')!r} is neither mailto: nor https:")
        return claims, key

    def _check_headers(self, headers, body: bytes) -> tuple[int, str | None, str | None]:
        ttl = headers.get("TTL", "")
        if not ttl.isdigit():
            raise Refused(400, f"TTL header missing or not a number: {ttl!r}")
        urgency, topic = headers.get("Urgency"), headers.get("Topic")
        if urgency is not None and urgency not in URGENCIES:
            raise Refused(400, f"Urgency {urgency!r}")
        if topic is not None and not TOPIC.fullmatch(topic):
            raise Refused(400, f"Topic {topic!r} is not 1-32 base64url characters")
        if headers.get("Content-Encoding") != "aes128gcm":
            raise Refused(400, f"Content-Encoding {headers.get('Content-Encoding')!r}")
        if len(body) > MAX_BODY:
            raise Refused(413, f"body of {len(body)} bytes")
        return int(ttl), urgency, topic

    def _decrypt(self, subscription: LoopbackSubscription, body: bytes) -> dict:
        try:
            plain = http_ece.decrypt(
                body,
                private_key=subscription.private_key,
                auth_secret=unb64url(subscription.auth),
                version="aes128gcm",
            )
            return json.loads(plain)
        except (http_ece.ECEException, ValueError) as error:
            raise Refused(400, f"body does not decrypt to JSON: {error!r}") from error


def _verify_jwt(token: str, key: str) -> dict:
    """The claims of an ES256 JWT signed by the uncompressed P-256 point ``key``."""
    try:
        header, claims, signature = token.split(".")
        if json.loads(unb64url(header)).get("alg") != "ES256":
            raise Refused(401, "JWT alg is not ES256")
        raw = unb64url(signature)
        if len(raw) != 64:
            raise Refused(401, "ES256 signature is not 64 bytes")
        public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64url(key))
        public.verify(
            encode_dss_signature(int.from_bytes(raw[:32]), int.from_bytes(raw[32:])),
            f"{header}.{claims}".encode(),
            ec.ECDSA(hashes.SHA256()),
        )
        return json.loads(unb64url(claims))
    except InvalidSignature as error:
        raise Refused(403, "JWT signature does not verify with k") from error
    except (ValueError, binascii.Error) as error:
        raise Refused(401, f"malformed VAPID token or key: {error!r}") from error


def _handler_for(service: LoopbackPushService) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as real push services offer

        def setup(self) -> None:
            super().setup()
            with service._changed:
                service.connections += 1

        def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            status, headers = service._handle(self.path, self.headers, body)
            if not status:  # hung: the client gave up long ago
                self.close_connection = True
                return
            self.send_response(status)
            for name, value in {**headers, "Content-Length": "0"}.items():
                self.send_header(name, value)
            self.end_headers()

        def log_message(self, format: str, *args) -> None:  # noqa: A002
            """Quiet: the tests assert on what arrived instead."""

    return Handler


class LoopbackProcess:
    """The loopback push service in a child process, with ``devices`` subscriptions made up
    front (``targets``): for benchmarks, so that its HTTP parsing, checks and decryption do not
    compete with the sender for one interpreter. ``stats()`` reports what it received."""

    def __init__(self, devices: int) -> None:
        context = multiprocessing.get_context("spawn")  # forking a threaded process is unsafe
        self._connection, child = context.Pipe()
        self._process = context.Process(target=_serve, args=(child, devices), daemon=True)
        self._process.start()
        self.origin, self.targets = self._connection.recv()

    def stats(self) -> dict:
        """``received``, ``connections``, ``problems`` and the child's ``cpu_seconds``."""
        self._connection.send("stats")
        return self._connection.recv()

    def close(self) -> None:
        self._connection.send("close")
        self._process.join(timeout=10)

    def __enter__(self) -> LoopbackProcess:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()


def _serve(connection, devices: int) -> None:
    service = LoopbackPushService().start()
    targets = [service.subscription().target() for _ in range(devices)]
    connection.send((service.origin, targets))
    while connection.recv() == "stats":
        connection.send(
            {
                "received": len(service.received),
                "connections": service.connections,
                "problems": list(service.problems),
                "cpu_seconds": time.process_time(),
            }
        )
    service.close()


@pytest.fixture
def push_service() -> Iterator[LoopbackPushService]:
    """A running loopback push service; the test fails if it saw a request a real one would
    refuse (see ``LoopbackPushService.problems``)."""
    service = LoopbackPushService().start()
    try:
        yield service
    finally:
        service.close()
    assert not service.problems, f"the push service refused requests: {service.problems}"
