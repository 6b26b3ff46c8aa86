"""What the notifications page reads: the person's choices and their devices."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time

import sqlalchemy as sa

from game.nudges import QUIET_END, QUIET_START

from ..extensions import db
from ..models import NotificationSettings, PushSubscription


@dataclass(frozen=True)
class Choices:
    quiet_start: time
    quiet_end: time
    muted: frozenset[str]


def choices_of(user_id: int) -> Choices:
    """The person's choices; the defaults until they first save (no row yet)."""
    row = db.session.get(NotificationSettings, user_id)
    if row is None:
        return Choices(QUIET_START, QUIET_END, frozenset())
    return Choices(row.quiet_start, row.quiet_end, frozenset(row.muted_kinds or ()))


def devices_of(user_id: int) -> list[PushSubscription]:
    """The person's devices with notifications on, the newest first: one query."""
    return list(
        db.session.scalars(
            sa.select(PushSubscription)
            .where(PushSubscription.user_id == user_id)
            .order_by(PushSubscription.created_at.desc(), PushSubscription.id.desc())
        )
    )
