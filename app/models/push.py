"""Web push: each device a person turned notifications on for, their choices, and the outbox.

A ``Nudge`` row is written in the same transaction as the change it announces, with a unique
``dedupe_key``; the task queue delivers it after the commit, and a periodic sweep picks up any
row whose task was lost. So a crash between commit and enqueue loses nothing, and the key
stops the same cause from nudging twice.
"""

from __future__ import annotations

import enum
from datetime import datetime, time

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from game.nudges import QUIET_END, QUIET_START

from ..clock import utcnow
from ..extensions import db
from .types import UTCDateTime, enum_column


class PushSubscription(db.Model):
    """One browser on one device that accepted notifications (its push endpoint and keys)."""

    __tablename__ = "push_subscriptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # The login it was made in: logging out on that device stops its notifications too.
    login_session_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("login_sessions.id", ondelete="SET NULL"), index=True
    )
    endpoint: Mapped[str] = mapped_column(sa.String(2048), unique=True)
    p256dh: Mapped[str] = mapped_column(sa.String(200))
    auth: Mapped[str] = mapped_column(sa.String(100))
    device: Mapped[str] = mapped_column(sa.String(120))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_success_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    failures: Mapped[int] = mapped_column(default=0, server_default="0")


class NotificationSettings(db.Model):
    """A person's choices: which kinds of nudge they want and when they want quiet.

    Absent until the person first changes something; the defaults below apply until then.
    """

    __tablename__ = "notification_settings"

    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    quiet_start: Mapped[time] = mapped_column(sa.Time, default=QUIET_START)
    quiet_end: Mapped[time] = mapped_column(sa.Time, default=QUIET_END)
    # The kinds (``game.nudges.NudgeKind`` values) this person switched off.
    muted_kinds: Mapped[list[str]] = mapped_column(sa.JSON, default=list)


class NudgeStatus(enum.Enum):
    PENDING = "pending"  # waiting for its time, or for a consumer
    SENDING = "sending"  # claimed by a consumer
    SENT = "sent"  # accepted by the push service for at least one device
    DROPPED = "dropped"  # nothing to send to: no device, kind switched off, or refused


class Nudge(db.Model):
    """The outbox: one notification to one person, delivered by the task queue."""

    __tablename__ = "nudges"
    __table_args__ = (sa.Index("ix_nudges_status_due_at", "status", "due_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(40))
    dedupe_key: Mapped[str] = mapped_column(sa.String(200), unique=True)
    # Lock-screen words: never the content of a check-in, goal or note.
    title: Mapped[str] = mapped_column(sa.String(80))
    body: Mapped[str] = mapped_column(sa.String(200))
    url: Mapped[str] = mapped_column(sa.String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    status: Mapped[NudgeStatus] = mapped_column(
        enum_column(NudgeStatus), default=NudgeStatus.PENDING
    )
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    outcome: Mapped[str | None] = mapped_column(sa.String(200))
