"""Read models for the goal pages and the home cards, each in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from ..extensions import db
from ..figures import Asked, Figures
from ..mentorships_query import SEEN_PAIR_IDS
from ..models import (
    Goal,
    GoalStatus,
    Membership,
    Mentorship,
    MentorshipStatus,
    Milestone,
    MilestoneAction,
    MilestoneEvent,
    MilestoneStatus,
    ProgramSummary,
    User,
)

OWNER = joinedload(Goal.membership).joinedload(Membership.user)
MILESTONES = selectinload(Goal.milestones)
HISTORY = selectinload(Goal.milestones).options(
    selectinload(Milestone.events).joinedload(MilestoneEvent.actor)
)


def goals_in(mentorship_id: int, owner_id: int | None = None) -> list[Goal]:
    """A mentorship's goals with their milestones, or only ``owner_id``'s; soonest first."""
    query = (
        sa.select(Goal)
        .where(Goal.mentorship_id == mentorship_id)
        .options(OWNER, MILESTONES)
        .order_by(Goal.target_date, Goal.id)
    )
    if owner_id is not None:
        query = query.where(Goal.membership_id == owner_id)
    return list(db.session.scalars(query))


@dataclass(frozen=True)
class GoalSummary:
    """One goal on the mentee's home: enough for a progress bar, no milestone rows."""

    id: int
    title: str
    status: GoalStatus
    target_date: date
    confirmed: int
    waiting: int
    total: int

    @property
    def open_milestones(self) -> int:
        """Milestones still to work on and mark done (neither waiting nor confirmed)."""
        return self.total - self.confirmed - self.waiting


SUMMARIES = (
    sa.select(
        Goal.id,
        Goal.title,
        Goal.status,
        Goal.target_date,
        sa.func.count(Milestone.id).filter(Milestone.status == MilestoneStatus.CONFIRMED),
        sa.func.count(Milestone.id).filter(Milestone.status == MilestoneStatus.WAITING),
        sa.func.count(Milestone.id),
    )
    .join(Mentorship, Goal.mentorship_id == Mentorship.id)
    .outerjoin(Milestone, Milestone.goal_id == Goal.id)
    .where(
        Goal.membership_id == sa.bindparam("membership_id"),
        Goal.status != GoalStatus.ARCHIVED,
        Mentorship.status != MentorshipStatus.CLOSED,
    )
    .group_by(Goal.id, Goal.title, Goal.status, Goal.target_date)
    .order_by(sa.case((Goal.status == GoalStatus.ACTIVE, 0), else_=1), Goal.target_date, Goal.id)
)
"""The goals of the mentee membership ``membership_id`` that are not archived, active ones
first, with their milestone counts: rows of ``GoalSummary``."""


def goal_summaries(rows) -> list[GoalSummary]:
    """The summaries of ``SUMMARIES``' rows."""
    return [GoalSummary(*row) for row in rows]


@dataclass(frozen=True)
class ReviewItem:
    """A milestone a mentee marked done, as the mentor's review queue shows it."""

    milestone_id: int
    milestone_title: str
    status: MilestoneStatus
    goal_id: int
    goal_title: str
    mentee_name: str
    submitted_at: datetime | None
    note: str

    @classmethod
    def of(cls, milestone: Milestone, goal: Goal) -> ReviewItem:
        """From a goal loaded with its owner and milestone history (after an action)."""
        submitted = [e for e in milestone.events if e.action is MilestoneAction.SUBMITTED]
        return cls(
            milestone.id,
            milestone.title,
            milestone.status,
            goal.id,
            goal.title,
            goal.membership.user.name,
            milestone.submitted_at,
            submitted[-1].note if submitted else "",
        )


_LATEST_NOTE = (
    sa.select(MilestoneEvent.note)
    .where(
        MilestoneEvent.milestone_id == Milestone.id,
        MilestoneEvent.action == MilestoneAction.SUBMITTED,
    )
    .order_by(MilestoneEvent.id.desc())
    .limit(1)
    .correlate(Milestone)
    .scalar_subquery()
)
REVIEW_QUEUE = (
    sa.select(
        Milestone.id,
        Milestone.title,
        Milestone.status,
        Goal.id,
        Goal.title,
        User.name,
        Milestone.submitted_at,
        sa.func.coalesce(_LATEST_NOTE, ""),
    )
    .join(Goal, Milestone.goal_id == Goal.id)
    .join(Membership, Goal.membership_id == Membership.id)
    .join(User, Membership.user_id == User.id)
    .where(
        Milestone.status == MilestoneStatus.WAITING,
        Goal.status != GoalStatus.ARCHIVED,
        Goal.mentorship_id.in_(SEEN_PAIR_IDS),
    )
    .order_by(Milestone.submitted_at, Milestone.id)
    .limit(sa.bindparam("review_limit"))
)
"""The first ``review_limit`` milestones waiting in the open mentorships of the mentor
membership ``membership_id``, longest waiting first: rows of ``ReviewItem``. Built once: the
mentor's home reads it with its other lists and builds no statement."""


@dataclass(frozen=True)
class GoalAggregate:
    """Counts a coordinator may see: no titles, no notes."""

    active: int
    completed: int
    milestones_confirmed: int
    milestones_waiting: int


GOAL_FIGURES = Figures(
    *(
        sa.select(sa.func.coalesce(sa.func.sum(column), 0)).where(
            ProgramSummary.program_id == sa.bindparam("program_id")
        )
        for column in (
            ProgramSummary.goals_active,
            ProgramSummary.goals_completed,
            ProgramSummary.milestones_confirmed,
            ProgramSummary.milestones_waiting,
        )  # in GoalAggregate's order
    )
)


def goal_figures(program_id: int) -> Asked[GoalAggregate]:
    """The program's goal counts, from its summary row (``app.summaries``: the sums of its
    pairs' counts, kept up to date by the services): no goal or milestone is counted here."""
    return Asked(GOAL_FIGURES, {"program_id": program_id}, lambda values: GoalAggregate(*values))
