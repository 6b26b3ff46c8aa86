"""Weekly check-ins: how a mentee is doing, seen only by the people of their mentorship."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import utcnow
from ..extensions import db
from .programs import Membership
from .types import UTCDateTime
from .users import User

NOTE_LIMIT = 1000
REPLY_LIMIT = 500


class CheckInState:
    """What a check-in's own fields say: for the row, and for a page's light copy of it
    (``checkins.queries.WeekCheckIn``)."""

    @property
    def counted(self) -> bool:
        """Whether this is the week's check-in, not only a help request waiting for a mood."""
        return self.mood is not None

    @property
    def help_open(self) -> bool:
        return self.wants_help and self.acknowledged_at is None


class CheckIn(CheckInState, db.Model):
    """One per mentee membership and local ISO week; the week key is fixed when it is written.

    Storing the key (``2025-W01``) keeps history stable when the person later changes zone.
    A row without a mood is a help request that came before the week's check-in: it does not
    count as checked in until a mood is given.
    """

    __tablename__ = "checkins"

    id: Mapped[int] = mapped_column(primary_key=True)
    membership_id: Mapped[int] = mapped_column(sa.ForeignKey("memberships.id", ondelete="CASCADE"))
    week_key: Mapped[str] = mapped_column(sa.String(8))
    mood: Mapped[int | None]
    progress_note: Mapped[str] = mapped_column(sa.Text, default="")
    blocker: Mapped[str] = mapped_column(sa.Text, default="")
    wants_help: Mapped[bool] = mapped_column(default=False)
    zone: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    acknowledged_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    reply: Mapped[str] = mapped_column(sa.String(REPLY_LIMIT), default="")

    membership: Mapped[Membership] = relationship(lazy="raise")
    acknowledged_by: Mapped[User | None] = relationship(lazy="raise")

    __table_args__ = (
        sa.UniqueConstraint("membership_id", "week_key"),
        sa.CheckConstraint("mood BETWEEN 1 AND 5", name="mood_range"),
    )

    @property
    def replied_by(self) -> str | None:
        """The name of the mentor who replied (``acknowledged_by`` loaded with the row)."""
        return None if self.acknowledged_by is None else self.acknowledged_by.name
