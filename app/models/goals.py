"""SMART goals broken into ordered milestones that only a mentor can complete."""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import utcnow
from ..extensions import db
from .mentorships import Mentorship
from .programs import Membership
from .types import UTCDateTime, enum_column
from .users import User


class GoalStatus(enum.Enum):
    ACTIVE = "active"
    COMPLETED = "completed"
    ARCHIVED = "archived"


class MilestoneStatus(enum.Enum):
    OPEN = "open"
    WAITING = "waiting"  # the mentee marked it done; the mentor has not reviewed it yet
    CONFIRMED = "confirmed"


class MilestoneAction(enum.Enum):
    CREATED = "created"
    SUBMITTED = "submitted"
    CONFIRMED = "confirmed"
    SENT_BACK = "sent_back"
    EDITED = "edited"


class Goal(db.Model):
    __tablename__ = "goals"

    id: Mapped[int] = mapped_column(primary_key=True)
    mentorship_id: Mapped[int] = mapped_column(sa.ForeignKey("mentorships.id", ondelete="CASCADE"))
    membership_id: Mapped[int] = mapped_column(sa.ForeignKey("memberships.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(sa.String(120))
    measure: Mapped[str] = mapped_column(sa.String(300))
    target_date: Mapped[date]
    why: Mapped[str] = mapped_column(sa.String(500), default="")
    status: Mapped[GoalStatus] = mapped_column(enum_column(GoalStatus), default=GoalStatus.ACTIVE)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    mentorship: Mapped[Mentorship] = relationship(lazy="raise")
    membership: Mapped[Membership] = relationship(lazy="raise")
    milestones: Mapped[list[Milestone]] = relationship(
        back_populates="goal",
        lazy="raise",
        cascade="all, delete-orphan",
        order_by="[Milestone.position, Milestone.id]",
    )

    __table_args__ = (
        sa.Index("ix_goals_membership_status", "membership_id", "status"),
        sa.Index("ix_goals_mentorship_status", "mentorship_id", "status"),
        # A double submit lands on the same title, so it can never add a second goal.
        sa.UniqueConstraint("membership_id", "title"),
    )


class Milestone(db.Model):
    __tablename__ = "milestones"

    id: Mapped[int] = mapped_column(primary_key=True)
    goal_id: Mapped[int] = mapped_column(sa.ForeignKey("goals.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(sa.String(120))
    due_on: Mapped[date | None]
    position: Mapped[int] = mapped_column(default=0)
    status: Mapped[MilestoneStatus] = mapped_column(
        enum_column(MilestoneStatus), default=MilestoneStatus.OPEN
    )
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    goal: Mapped[Goal] = relationship(back_populates="milestones", lazy="raise")
    events: Mapped[list[MilestoneEvent]] = relationship(
        back_populates="milestone",
        lazy="raise",
        cascade="all, delete-orphan",
        order_by="MilestoneEvent.id",
    )

    __table_args__ = (
        sa.Index("ix_milestones_goal_position", "goal_id", "position"),
        # the review queue and the outcomes: a set of pairs' milestones waiting (or confirmed),
        # reached from the pairs' goals (status first would read every program's)
        sa.Index("ix_milestones_goal_status", "goal_id", "status"),
        sa.UniqueConstraint("goal_id", "title"),
    )


class MilestoneEvent(db.Model):
    """The milestone's history, both sides see it: who did what, when, and what they said."""

    __tablename__ = "milestone_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    milestone_id: Mapped[int] = mapped_column(sa.ForeignKey("milestones.id", ondelete="CASCADE"))
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[MilestoneAction] = mapped_column(enum_column(MilestoneAction))
    note: Mapped[str] = mapped_column(sa.String(1000), default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    milestone: Mapped[Milestone] = relationship(back_populates="events", lazy="raise")
    actor: Mapped[User | None] = relationship(lazy="raise")

    __table_args__ = (
        sa.Index("ix_milestone_events_milestone", "milestone_id"),
        # a mentor's timely confirmations (progress page, pairs at risk)
        sa.Index("ix_milestone_events_actor_action", "actor_id", "action"),
    )
