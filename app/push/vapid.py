"""VAPID: the server's key pair and the signed ``Authorization`` header push services ask for.

Keys are base64url strings without padding: the private key is the raw 32-byte P-256 scalar,
the public key the 65-byte uncompressed point (the ``applicationServerKey`` browsers
subscribe with). Changing the keys orphans every subscription: push services refuse a message
signed by another key than the one the browser subscribed with.

Signing costs an ECDSA signature, so the header is signed once per push-service origin and
reused until shortly before its ``exp`` (RFC 8292 allows up to 24 hours).
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from email.utils import parseaddr
from functools import lru_cache
from urllib.parse import urlsplit

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from py_vapid import Vapid, VapidException
from py_vapid.utils import b64urlencode

LIFETIME = 12 * 3600
"""Seconds a signed header is valid (its ``exp``)."""
RENEW_BEFORE = 3600
"""A cached header is signed afresh once less than this many seconds of it are left."""

SUBJECT = re.compile(r"mailto:[^@\s]+@[^@\s]+|https://[^/\s]+(/\S*)?")
KEYS_HELP = (
    "Run `flask push keys` and put the two lines it prints into the environment of both the "
    "web app and the consumer."
)


class PushKeyError(RuntimeError):
    """Push cannot be sent with this configuration; the message says what to change."""


@dataclass(frozen=True)
class VapidKeys:
    private: str
    public: str


def generate_keys() -> VapidKeys:
    """A fresh P-256 key pair."""
    key = ec.generate_private_key(ec.SECP256R1())
    scalar = key.private_numbers().private_value.to_bytes(32, "big")
    return VapidKeys(private=b64urlencode(scalar), public=_public_of(key))


def _public_of(key: ec.EllipticCurvePrivateKey) -> str:
    point = key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return b64urlencode(point)


@lru_cache(maxsize=8)
def _parse(private: str, public: str) -> tuple[Vapid, VapidKeys]:
    try:
        vapid = Vapid.from_string(private_key=private)
    except (ValueError, TypeError, VapidException) as error:
        raise PushKeyError(
            f"VAPID_PRIVATE_KEY is not a P-256 private key ({error}). {KEYS_HELP}"
        ) from error
    derived = _public_of(vapid.private_key)
    if public and public.rstrip("=") != derived:
        raise PushKeyError(
            "VAPID_PUBLIC_KEY does not belong to VAPID_PRIVATE_KEY. Set both from the same "
            "`flask push keys` run, or leave VAPID_PUBLIC_KEY unset to derive it."
        )
    return vapid, VapidKeys(private=private, public=derived)


def load_keys(config: Mapping[str, object]) -> VapidKeys | None:
    """The configured keys, or None when push is off (no ``VAPID_PRIVATE_KEY``).

    Raises PushKeyError when a key is set but unusable."""
    private = str(config.get("VAPID_PRIVATE_KEY") or "").strip()
    if not private:
        return None
    return _parse(private, str(config.get("VAPID_PUBLIC_KEY") or "").strip())[1]


def require_keys(config: Mapping[str, object]) -> VapidKeys:
    """The keys, or a PushKeyError that tells the operator what to do (the consumer calls
    this when it starts; the web app keeps running without push)."""
    keys = load_keys(config)
    if keys is None:
        raise PushKeyError(f"Push is off: VAPID_PRIVATE_KEY is not set. {KEYS_HELP}")
    subject(config)
    return keys


def subject(config: Mapping[str, object]) -> str:
    """The ``sub`` claim: how a push service can reach the people running this server."""
    value = str(config.get("VAPID_SUBJECT") or "").strip()
    if not SUBJECT.fullmatch(value):
        raise PushKeyError(
            f"VAPID_SUBJECT must be a mailto: address or an https:// URL, not {value!r}."
        )
    return value


def default_subject(mail_from: str) -> str:
    """``mailto:`` the sender address of the e-mails (``Name <a@b>`` works too)."""
    return f"mailto:{parseaddr(mail_from)[1] or mail_from}"


def origin(endpoint: str) -> str:
    """``scheme://host[:port]`` of a push endpoint: the ``aud`` claim and the cache key."""
    return _origin_of("/".join(endpoint.split("/", 3)[:3]))


@lru_cache(maxsize=256)
def _origin_of(endpoint: str) -> str:
    """Parsed once per push service: a fan-out asks for the same few origins each time."""
    parts = urlsplit(endpoint)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"not a push endpoint URL: {endpoint!r}")
    host = parts.hostname if ":" not in parts.hostname else f"[{parts.hostname}]"
    default_port = {"http": 80, "https": 443}[parts.scheme]
    port = f":{parts.port}" if parts.port and parts.port != default_port else ""
    return f"{parts.scheme}://{host}{port}"


class VapidSigner:
    """Hands out the ``Authorization`` header for an endpoint, signing once per origin.

    Thread-safe: consumer threads share one signer.
    """

    def __init__(
        self,
        keys: VapidKeys,
        subject: str,
        *,
        clock: Callable[[], float] = time.time,
        lifetime: int = LIFETIME,
        renew_before: int = RENEW_BEFORE,
    ) -> None:
        self.keys = keys
        self.subject = subject
        # subject() checked the subject already; py_vapid's own check refuses https:// URLs
        # with a path, which RFC 8292 allows.
        self._vapid = Vapid(_parse(keys.private, keys.public)[0].private_key, {"no-strict": True})
        self._clock = clock
        self._lifetime = lifetime
        self._renew_before = renew_before
        self._cache: dict[str, tuple[str, int]] = {}
        self._lock = threading.Lock()
        self.signatures = 0
        """How many headers were signed (the cache's hit rate shows in tests)."""

    def authorization(self, endpoint: str) -> str:
        audience = origin(endpoint)
        with self._lock:
            now = self._clock()
            cached = self._cache.get(audience)
            if cached and cached[1] - now > self._renew_before:
                return cached[0]
            expires = int(now) + self._lifetime
            # py_vapid fills in missing claims on the dict it is given: always a fresh one.
            claims = {"sub": self.subject, "aud": audience, "exp": expires}
            header = self._vapid.sign(claims)["Authorization"]
            self._cache[audience] = (header, expires)
            self.signatures += 1
            return header


_signers: dict[tuple[str, str, str], VapidSigner] = {}
_signers_lock = threading.Lock()


def signer_for(config: Mapping[str, object]) -> VapidSigner:
    """The process's signer for this configuration, so its header cache outlives one send."""
    keys = require_keys(config)
    sub = subject(config)
    with _signers_lock:
        signer = _signers.get((keys.private, keys.public, sub))
        if signer is None:
            signer = _signers[(keys.private, keys.public, sub)] = VapidSigner(keys, sub)
        return signer
