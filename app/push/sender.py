"""One encrypted web push message to one device, answered by a small closed set of outcomes.

``send`` never raises for trouble on the way (network, push service, unusable keys): the
caller turns the outcome into what happens to the message and the subscription. The endpoint
URL is a capability and is never logged, only its origin.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import re
import threading
import time
import urllib.request
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from enum import StrEnum
from urllib.parse import urlsplit

import urllib3
from py_vapid import VapidException
from pywebpush import WebPusher, WebPushException

from .vapid import VapidSigner, origin

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = (3.05, 10.0)
"""Seconds to connect, then to wait for each read; a hanging push service costs no more."""
RETRY_AFTER_CAP = 3600
"""The longest wait a push service's ``Retry-After`` may ask for; beyond it we try sooner."""
_TOPIC = re.compile(r"[A-Za-z0-9_-]{1,32}")


class Urgency(StrEnum):
    """RFC 8030 ``Urgency``: how far a phone may wake from battery saving to deliver."""

    VERY_LOW = "very-low"
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"


@dataclass(frozen=True)
class Target:
    """A device's push subscription, as the browser's ``PushSubscription.toJSON()`` gave it."""

    endpoint: str
    p256dh: str
    auth: str


@dataclass(frozen=True)
class Message:
    """What the service worker shows: ``tag`` collapses repeats of one notification."""

    title: str
    body: str
    url: str
    tag: str

    def payload(self) -> bytes:
        fields = {"title": self.title, "body": self.body, "url": self.url, "tag": self.tag}
        return json.dumps(fields, separators=(",", ":"), ensure_ascii=False).encode()


@dataclass(frozen=True)
class Delivered:
    """The push service took the message."""


@dataclass(frozen=True)
class Gone:
    """The subscription no longer exists (404/410) or can never work (unusable keys): delete
    it."""

    reason: str


@dataclass(frozen=True)
class RetryLater:
    """Try again later (429, 5xx, timeout, connection trouble). ``after_seconds`` is the push
    service's ``Retry-After`` (capped), or None when it gave none: back off as you see fit."""

    after_seconds: float | None
    reason: str
    unanswered: bool = False
    """No answer at all (a timeout, no connection): the push service is likely down."""


@dataclass(frozen=True)
class Rejected:
    """The push service refused this message (400/413, another 4xx): sending it again cannot
    help."""

    reason: str


@dataclass(frozen=True)
class KeyProblem:
    """The push service refused our VAPID signature (401/403): a configuration problem, not the
    subscription's; likely every message to this service fails until the keys are fixed."""

    reason: str


Outcome = Delivered | Gone | RetryLater | Rejected | KeyProblem


def topic_for(tag: str) -> str:
    """A ``Topic`` header for a tag: a replaced message with the same topic is dropped by the
    push service. Topics allow only 32 base64url characters, so it is a hash of the tag."""
    digest = hashlib.sha256(tag.encode()).digest()
    return base64.urlsafe_b64encode(digest).decode()[:32]


class Connections:
    """Keep-alive connection pools to push services, shared by the consumer's threads.

    urllib3 directly rather than requests, and one connection pool per push service used
    directly: a fan-out spends its time in the HTTP client, and requests' layer doubled it.
    Proxy settings (``HTTPS_PROXY``, ``NO_PROXY`` …) are read from the environment once per
    push service.
    """

    def __init__(self, pool_size: int = 16) -> None:
        self._pool_size = pool_size
        self._pools: dict[str, urllib3.HTTPConnectionPool] = {}
        self._proxies: dict[str, urllib3.ProxyManager] = {}
        self._lock = threading.Lock()

    def post(
        self, url: str, body: bytes, headers: dict[str, str], timeout: tuple[float, float]
    ) -> urllib3.BaseHTTPResponse:
        pool, target = self._route(url)
        return pool.urlopen(
            "POST",
            target,
            body=body,
            headers=headers,
            timeout=urllib3.Timeout(connect=timeout[0], read=timeout[1]),
            retries=False,
            redirect=False,
            assert_same_host=False,
        )

    def _route(self, url: str) -> tuple[urllib3.HTTPConnectionPool | urllib3.ProxyManager, str]:
        """The pool for the URL's push service, and what to ask it for: the path, or the
        whole URL through a proxy."""
        service = origin(url)
        with self._lock:
            if service in self._proxies:
                return self._proxies[service], url
            pool = self._pools.get(service)
            if pool is None:
                parts = urlsplit(url)
                proxy = urllib.request.getproxies().get(parts.scheme)
                if proxy and not urllib.request.proxy_bypass(parts.hostname or ""):
                    self._proxies[service] = urllib3.ProxyManager(proxy, maxsize=self._pool_size)
                    return self._proxies[service], url
                pool = self._pools[service] = urllib3.connection_from_url(
                    service, maxsize=self._pool_size
                )
        return pool, "/" + (url.split("/", 3)[3:] or [""])[0]

    def close(self) -> None:
        with self._lock:
            for pool in self._pools.values():
                pool.close()
            for manager in self._proxies.values():
                manager.clear()
            self._pools.clear()
            self._proxies.clear()

    def __enter__(self) -> Connections:
        return self

    def __exit__(self, *_exc) -> None:
        self.close()


def new_session(pool_size: int = 16) -> Connections:
    """Connections for many sends: up to ``pool_size`` kept open per push service."""
    return Connections(pool_size)


def send(
    target: Target,
    message: Message,
    *,
    signer: VapidSigner,
    ttl: int,
    session: Connections,
    urgency: Urgency = Urgency.NORMAL,
    topic: str | None = None,
    timeout: tuple[float, float] = DEFAULT_TIMEOUT,
) -> Outcome:
    """Encrypt ``message`` for ``target`` (aes128gcm, by pywebpush) and post it to the push
    service.

    ``ttl``: seconds the push service keeps it for a phone that is offline. ``topic``: by
    default derived from the message's tag."""
    topic = topic if topic is not None else topic_for(message.tag)
    if not _TOPIC.fullmatch(topic):
        raise ValueError(f"a Topic is 1-32 base64url characters, not {topic!r}")
    try:
        service = origin(target.endpoint)
        pusher = WebPusher(
            {"endpoint": target.endpoint, "keys": {"p256dh": target.p256dh, "auth": target.auth}}
        )
        body = pusher.encode(message.payload(), "aes128gcm")["body"]
    except (WebPushException, ValueError, TypeError) as error:  # keys that cannot work
        return _unusable(error)
    try:
        authorization = signer.authorization(target.endpoint)
    except VapidException as error:
        log.error("push key problem (check VAPID_SUBJECT): %s", error)
        return KeyProblem(f"signing for {service} failed: {error}")
    headers = {
        "Authorization": authorization,
        "TTL": str(ttl),
        "Urgency": str(urgency),
        "Topic": topic,
        "Content-Encoding": "aes128gcm",
        "Content-Type": "application/octet-stream",
    }
    try:
        response = session.post(target.endpoint, body, headers, timeout)
    except urllib3.exceptions.NewConnectionError as error:  # also a TimeoutError, for history
        return RetryLater(None, f"{service} unreachable: {type(error).__name__}", True)
    except urllib3.exceptions.TimeoutError:
        return RetryLater(None, f"{service} timed out", True)
    except urllib3.exceptions.HTTPError as error:
        return RetryLater(None, f"{service} unreachable: {type(error).__name__}", True)
    text = response.data.decode("utf-8", "replace")
    return outcome_of(response.status, response.headers.get("Retry-After"), service, text)


def _unusable(error: Exception) -> Gone:
    log.warning("push subscription unusable, dropping it: %s", error)
    return Gone(f"unusable subscription: {error}")


def outcome_of(status: int, retry_after: str | None, service: str, text: str = "") -> Outcome:
    """What a push service's answer means (RFC 8030, and what FCM/Mozilla/Apple document).

    ``text`` is the answer's body: push services explain a refusal there."""
    explanation = " ".join(text.split())[:200]
    detail = f"{service} answered {status}" + (f": {explanation}" if explanation else "")
    if 200 <= status < 300:
        return Delivered()
    if status in (404, 410):
        return Gone(detail)
    if status in (401, 403):
        log.error("push key problem (check VAPID_PRIVATE_KEY/VAPID_SUBJECT): %s", detail)
        return KeyProblem(detail)
    if status in (408, 425, 429) or status >= 500:
        return RetryLater(retry_after_seconds(retry_after, time.time()), detail)
    log.warning("push message rejected: %s", detail)
    return Rejected(detail)


def retry_after_seconds(value: str | None, now: float) -> float | None:
    """``Retry-After`` as seconds from ``now`` (delay-seconds or an HTTP-date), capped at
    RETRY_AFTER_CAP; None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        seconds = float(value)
    else:
        try:
            seconds = parsedate_to_datetime(value).timestamp() - now
        except (TypeError, ValueError, IndexError):
            return None
    return min(max(seconds, 0.0), RETRY_AFTER_CAP)
