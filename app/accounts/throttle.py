"""Limits on password checks: slow guessing down without locking the real person out.

Only failed checks count, before any hashing, on three counters: the client address (over all
accounts), the address with one account (what a guesser on one machine meets first), and the
account from everywhere (a much higher ceiling against guessing from many addresses). A
stranger elsewhere therefore cannot lock a student out, and a correct password is never
refused because of earlier successes. The account's counters are keyed with a digest of its
password hash, so a new password (a reset, a change) starts them afresh.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from flask import abort, current_app, request
from limits import RateLimitItem, parse

from ..extensions import limiter
from ..models import User


def _item(setting: str) -> RateLimitItem:
    return parse(current_app.config[setting])


@dataclass(frozen=True)
class PasswordCheck:
    """The counters one password check answers to. ``email`` is None when no account is named
    (a reset link, the forgot-password form): then only the address counts."""

    email: str | None = None
    user: User | None = None

    def _counters(self) -> list[tuple[RateLimitItem, tuple[str, ...]]]:
        address = request.remote_addr or "unknown"
        counters = [(_item("LOGIN_LIMIT_PER_ADDRESS"), ("password-address", address))]
        if self.email is not None:
            generation = (
                hashlib.sha256(self.user.password_hash.encode()).hexdigest()[:16]
                if self.user
                else ""
            )
            account = f"{self.email.strip().lower()}:{generation}"
            counters += [
                (_item("LOGIN_LIMIT_PER_ADDRESS_AND_ACCOUNT"), ("password-pair", address, account)),
                (_item("LOGIN_LIMIT_PER_ACCOUNT"), ("password-account", account)),
            ]
        return counters

    def refuse_when_limited(self) -> None:
        """Answer 429 before any hashing once a counter is full."""
        if not all(limiter.limiter.test(item, *key) for item, key in self._counters()):
            abort(429)

    def failed(self) -> None:
        for item, key in self._counters():
            limiter.limiter.hit(item, *key)
