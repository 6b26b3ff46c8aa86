"""Helpers for the nudge tests: devices turned on, the outbox read back, London wall clocks."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from app.extensions import db
from app.models import Nudge, PushSubscription, User

SECRET = "Zebra-secret-7731"
"""Planted in everything people write; no nudge may ever carry it."""


def subscribe(*emails: str) -> None:
    """Turn notifications on for these people (one device each)."""
    for email in emails:
        user_id = db.session.scalar(sa.select(User.id).where(User.email == email))
        db.session.add(
            PushSubscription(
                user_id=user_id,
                endpoint=f"https://push.example/{user_id}",
                p256dh="key",
                auth="auth",
                device="Chrome on Android",
            )
        )
    db.session.commit()


def outbox(kind: str | None = None) -> list[Nudge]:
    query = sa.select(Nudge).order_by(Nudge.id)
    if kind is not None:
        query = query.where(Nudge.kind == kind)
    db.session.expire_all()
    return list(db.session.scalars(query))


def london(day: date, clock: time) -> datetime:
    return datetime.combine(day, clock, tzinfo=ZoneInfo("Europe/London"))


def assert_no_leak() -> None:
    for nudge in outbox():
        assert SECRET not in f"{nudge.title} {nudge.body} {nudge.url} {nudge.dedupe_key}"
