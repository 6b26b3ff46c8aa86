"""Forms of the notifications page, and of the browser handing over its push subscription."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterable
from urllib.parse import urlsplit

from flask import current_app
from wtforms import StringField, TimeField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, StopValidation

from game.nudges import NudgeKind

from ..forms import Form
from ..onboarding.forms import ChoicesField

BAD_TIME = "Enter a time like 21:00."
NOT_A_PUSH_SERVICE = (
    "This is not the address of a push service this server sends to. Notifications work "
    "in Chrome, Edge, Firefox and Safari."
)
# Loopback push services are for the tests and the quick start only.
LOOPBACK = frozenset({"localhost", "127.0.0.1", "::1"})


def _time(label: str) -> TimeField:
    return TimeField(label, format=["%H:%M", "%H:%M:%S"], validators=[InputRequired(BAD_TIME)])


class SettingsForm(Form):
    """The switches of the kinds the person can get, and their quiet hours."""

    kinds = ChoicesField("Tell me about", [])
    quiet_start = _time("Quiet from")
    quiet_end = _time("Quiet until")

    def __init__(self, kinds: list[NudgeKind], *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kinds.choices = [SelectChoice(kind.value, kind.label) for kind in kinds]

    def process(self, *args, **kwargs):
        super().process(*args, **kwargs)
        for name in ("quiet_start", "quiet_end"):  # WTForms' own message names no format
            field = getattr(self, name)
            if field.process_errors:
                field.process_errors = [BAD_TIME]


def decoded_key(value: str | None) -> bytes | None:
    """A base64url key as the browser's ``PushSubscription.getKey`` gives it, or None."""
    if not value or len(value) > 200:
        return None
    try:
        return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError):
        return None


def push_endpoint(form, field) -> None:
    """The server posts to the stored endpoint, so only the known push services' hosts (the
    PUSH_SERVICE_HOSTS setting) over https are taken: no address inside the school's network
    or anywhere else a forged subscription could point the server at."""
    try:
        parts = urlsplit(field.data)
        port = parts.port
    except ValueError:  # "https://[::1", "https://host:port"
        raise StopValidation(NOT_A_PUSH_SERVICE) from None
    config = current_app.config
    if parts.scheme == "https" and port in (None, 443):
        allowed = is_push_service(parts.hostname, config["PUSH_SERVICE_HOSTS"])
    else:
        allowed = parts.scheme == "http" and parts.hostname in LOOPBACK
        allowed = allowed and not config["PRODUCTION"]
    if not allowed:
        raise StopValidation(NOT_A_PUSH_SERVICE)


def is_push_service(host: str | None, patterns: Iterable[str]) -> bool:
    """``host`` is one of ``patterns``, or under one written ``*.name``."""
    host = (host or "").lower()
    return bool(host) and any(
        host.endswith(pattern[1:]) if pattern.startswith("*.") else host == pattern
        for pattern in patterns
    )


def public_key(form, field) -> None:
    key = decoded_key(field.data)
    if key is None or len(key) != 65 or key[0] != 4:
        raise StopValidation("This is not a device's public key.")


def auth_secret(form, field) -> None:
    key = decoded_key(field.data)
    if key is None or len(key) != 16:
        raise StopValidation("This is not a device's secret.")


def _endpoint(label: str) -> StringField:
    return StringField(
        label,
        validators=[
            DataRequired("The push service's address is missing."),
            Length(max=2048, message="This address is too long."),
            push_endpoint,
        ],
    )


def _key(label: str, check) -> StringField:
    return StringField(label, validators=[DataRequired("A key is missing."), check])


class SubscriptionForm(Form):
    """What ``PushManager.subscribe`` gave the browser, posted by notifications.js."""

    endpoint = _endpoint("Push service address")
    p256dh = _key("Device public key", public_key)
    auth = _key("Device secret", auth_secret)


class ResubscribeForm(SubscriptionForm):
    """The service worker's new subscription, proven by the old one's endpoint and secret.

    No CSRF token: the worker has no page to read one from, and nothing here rests on the
    cookie. The old endpoint and its auth secret (known only to this browser and this server)
    are the credential, so a forged cross-site post cannot name a subscription."""

    class Meta:
        csrf = False

    old_endpoint = _endpoint("Old push service address")
    old_auth = _key("Old device secret", auth_secret)
