"""Meetings of a mentorship: when and how, agenda, shared notes, action items, "we met"."""

from __future__ import annotations

import enum
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import utcnow
from ..extensions import db
from .mentorships import Mentorship
from .programs import MeetingMode
from .types import UTCDateTime, enum_column
from .users import User


class MeetingStatus(enum.Enum):
    SCHEDULED = "scheduled"
    HELD = "held"  # every side confirmed "we met"
    CANCELLED = "cancelled"

    @property
    def literal(self) -> sa.ColumnElement:
        """The status written into a statement's SQL rather than bound: SQLite prepares a
        statement again on every run when it compares a bound value with ``status``, which the
        partial index ``ix_meetings_held_starts`` filters on (about a millisecond for the
        mentee home's statement of twelve lists)."""
        return sa.literal_column(f"'{self.value}'")


class Meeting(db.Model):
    __tablename__ = "meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    mentorship_id: Mapped[int] = mapped_column(sa.ForeignKey("mentorships.id", ondelete="CASCADE"))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    zone: Mapped[str] = mapped_column(sa.String(64))  # the scheduler's zone, for the record
    minutes: Mapped[int] = mapped_column(default=45)
    mode: Mapped[MeetingMode] = mapped_column(enum_column(MeetingMode))
    location: Mapped[str] = mapped_column(sa.String(300), default="")
    status: Mapped[MeetingStatus] = mapped_column(
        enum_column(MeetingStatus), default=MeetingStatus.SCHEDULED
    )
    notes: Mapped[str] = mapped_column(sa.Text, default="")
    change_reason: Mapped[str] = mapped_column(sa.String(300), default="")
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    held_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sequence: Mapped[int] = mapped_column(default=0)  # iCalendar SEQUENCE, bumped on change

    mentorship: Mapped[Mentorship] = relationship(lazy="raise")
    agenda: Mapped[list[AgendaItem]] = relationship(
        back_populates="meeting",
        lazy="raise",
        cascade="all, delete-orphan",
        order_by="AgendaItem.id",
    )
    actions: Mapped[list[ActionItem]] = relationship(
        back_populates="meeting",
        lazy="raise",
        cascade="all, delete-orphan",
        order_by="ActionItem.id",
    )
    confirmations: Mapped[list[MeetingConfirmation]] = relationship(
        back_populates="meeting", lazy="raise", cascade="all, delete-orphan"
    )

    __table_args__ = (
        sa.Index("ix_meetings_mentorship_starts", "mentorship_id", "starts_at"),
        # counts by status over a time span (outcomes, cards) read the index alone
        sa.Index("ix_meetings_mentorship_status_starts", "mentorship_id", "status", "starts_at"),
        # held meetings by start, for the few held ones that have not begun (the coordinator's
        # home); partial, so no other query takes it for a status index
        sa.Index(
            "ix_meetings_held_starts",
            "starts_at",
            sqlite_where=sa.text("status = 'held'"),
            postgresql_where=sa.text("status = 'held'"),
        ),
    )

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.minutes)


class MeetingConfirmation(db.Model):
    """One participant's "we met"; the meeting is held when every side has one."""

    __tablename__ = "meeting_confirmations"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meetings.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    meeting: Mapped[Meeting] = relationship(back_populates="confirmations", lazy="raise")

    __table_args__ = (sa.UniqueConstraint("meeting_id", "user_id"),)


class AgendaItem(db.Model):
    __tablename__ = "agenda_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meetings.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(sa.String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    meeting: Mapped[Meeting] = relationship(back_populates="agenda", lazy="raise")
    author: Mapped[User | None] = relationship(lazy="raise")

    # The same item twice is a double submit, never two topics.
    __table_args__ = (sa.UniqueConstraint("meeting_id", "text"),)


class ActionItem(db.Model):
    __tablename__ = "action_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meetings.id", ondelete="CASCADE"))
    owner_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    text: Mapped[str] = mapped_column(sa.String(300))
    due_on: Mapped[date | None]
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    meeting: Mapped[Meeting] = relationship(back_populates="actions", lazy="raise")
    owner: Mapped[User] = relationship(lazy="raise")

    __table_args__ = (
        sa.Index("ix_action_items_owner_done", "owner_id", "done_at"),
        sa.UniqueConstraint("meeting_id", "owner_id", "text"),  # a double submit adds one
    )
