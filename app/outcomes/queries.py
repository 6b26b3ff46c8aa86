"""The outcomes of a program, aggregated in SQL by program week: numbers only, never text.

Each figure is one GROUP BY over a small table of the program's weeks (or cadence periods)
with their bounds in UTC, so the page costs the same number of queries for 20 or 2,000
people. A week's mood is shown only once ``THRESHOLD`` check-ins make it anonymous.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

import game
from game.weeks import WeekKey

from ..calendars import calendar_of
from ..extensions import db
from ..meetings.queries import MeetingAggregate, program_meeting_aggregate
from ..models import (
    BreakWeek,
    CheckIn,
    Goal,
    GoalStatus,
    Meeting,
    MeetingStatus,
    Membership,
    Mentorship,
    MentorshipMember,
    MentorshipStatus,
    Milestone,
    MilestoneStatus,
    Program,
    Role,
)
from ..models.types import UTCDateTime

PARTICIPANTS = (Role.MENTEE, Role.MENTOR)

THRESHOLD = 5
"""Fewest answers a group may have before a coordinator sees its mood (the issue's rule)."""


@dataclass(frozen=True)
class Funnel:
    role: Role
    joined: int
    matched: int
    active: int

    def share(self, count: int) -> int | None:
        return round(100 * count / self.joined) if self.joined else None


@dataclass(frozen=True)
class Week:
    key: WeekKey
    break_label: str | None  # None: not a break week
    mentees: int
    checked_in: int
    mood_total: int  # sum of the week's moods; shown only from THRESHOLD check-ins on
    milestones: int
    goals: int

    @property
    def rate(self) -> int | None:
        return round(100 * self.checked_in / self.mentees) if self.mentees else None

    @property
    def mood(self) -> float | None:
        return round(self.mood_total / self.checked_in, 1) if self.checked_in >= THRESHOLD else None


@dataclass(frozen=True)
class Period:
    weeks: tuple[WeekKey, ...]
    pairs: int  # active pairs matched by the period's end
    met: int  # of those, pairs with a held meeting in the period
    in_progress: bool

    @property
    def share(self) -> int | None:
        return round(100 * self.met / self.pairs) if self.pairs else None


@dataclass(frozen=True)
class Outcomes:
    program: Program
    today: WeekKey
    active_pairs: int
    funnels: list[Funnel]
    weeks: list[Week]
    periods: list[Period]
    meetings: MeetingAggregate

    @property
    def rhythm_kept(self) -> int | None:
        """Share of finished periods (breaks left out) in which an active pair met."""
        done = [p for p in self.periods if not p.in_progress]
        pairs = sum(p.pairs for p in done)
        return round(100 * sum(p.met for p in done) / pairs) if pairs else None


def _utc_start(week: WeekKey, zone: str) -> datetime:
    return datetime.combine(week.monday(), time(), tzinfo=ZoneInfo(zone)).astimezone(UTC)


def _bounds(spans: list[tuple[WeekKey, WeekKey]], zone: str) -> sa.Subquery:
    """A small table ``(i, starts, ends)``: each span from its first week's Monday to the
    Monday after its last, midnight in the program's zone, in UTC (a UNION ALL of literal
    rows: SQLite has no column names for a VALUES list)."""
    return sa.union_all(
        *(
            sa.select(
                sa.literal(i, sa.Integer).label("i"),
                sa.literal(_utc_start(first, zone), UTCDateTime).label("starts"),
                sa.literal(_utc_start(last, zone) + timedelta(weeks=1), UTCDateTime).label("ends"),
            )
            for i, (first, last) in enumerate(spans)
        )
    ).subquery("spans")


def _per_span(query: sa.Select) -> dict[int, tuple]:
    return {row[0]: tuple(row[1:]) for row in db.session.execute(query)}


def _funnels(program_id: int) -> list[Funnel]:
    """Joined → ever matched → still in an active pair and not left, per role, in one query."""

    def paired(*statuses: MentorshipStatus) -> sa.Exists:
        return (
            sa.select(MentorshipMember.id)
            .join(Mentorship, Mentorship.id == MentorshipMember.mentorship_id)
            .where(
                MentorshipMember.membership_id == Membership.id,
                Mentorship.status.in_(statuses),
            )
            .exists()
        )

    rows = db.session.execute(
        sa.select(
            Membership.role,
            sa.func.count(),
            sa.func.sum(
                sa.case((paired(MentorshipStatus.ACTIVE, MentorshipStatus.CLOSED), 1), else_=0)
            ),
            sa.func.sum(
                sa.case(
                    (sa.and_(Membership.left_at.is_(None), paired(MentorshipStatus.ACTIVE)), 1),
                    else_=0,
                )
            ),
        )
        .where(Membership.program_id == program_id, Membership.role.in_(PARTICIPANTS))
        .group_by(Membership.role)
    ).all()
    found = {row[0]: Funnel(row[0], row[1], row[2] or 0, row[3] or 0) for row in rows}
    return [found.get(role, Funnel(role, 0, 0, 0)) for role in PARTICIPANTS]


def _weeks(program: Program, calendar: game.ProgramCalendar, weeks: list[WeekKey]) -> list[Week]:
    spans = _bounds([(w, w) for w in weeks], calendar.zone)
    mentees = _per_span(
        sa.select(spans.c.i, sa.func.count(Membership.id))
        .select_from(spans)
        .join(
            Membership,
            sa.and_(
                Membership.program_id == program.id,
                Membership.role == Role.MENTEE,
                Membership.joined_at < spans.c.ends,
                sa.or_(Membership.left_at.is_(None), Membership.left_at >= spans.c.starts),
            ),
        )
        .group_by(spans.c.i)
    )
    checkins = {
        key: (count, total)
        for key, count, total in db.session.execute(
            sa.select(CheckIn.week_key, sa.func.count(CheckIn.mood), sa.func.sum(CheckIn.mood))
            .join(Membership, Membership.id == CheckIn.membership_id)
            .where(
                Membership.program_id == program.id,
                Membership.role == Role.MENTEE,
                CheckIn.week_key.in_([str(w) for w in weeks]),
            )
            .group_by(CheckIn.week_key)
        )
    }
    in_program = sa.select(Mentorship.id).where(Mentorship.program_id == program.id)

    def done_per_week(model, column, status, *where) -> dict[int, tuple]:
        return _per_span(
            sa.select(spans.c.i, sa.func.count(model.id))
            .select_from(spans)
            .join(model, sa.and_(column >= spans.c.starts, column < spans.c.ends))
            .where(model.status == status, *where)
            .group_by(spans.c.i)
        )

    milestones = done_per_week(
        Milestone,
        Milestone.confirmed_at,
        MilestoneStatus.CONFIRMED,
        Milestone.goal_id.in_(sa.select(Goal.id).where(Goal.mentorship_id.in_(in_program))),
    )
    goals = done_per_week(
        Goal, Goal.completed_at, GoalStatus.COMPLETED, Goal.mentorship_id.in_(in_program)
    )
    labels = dict(
        db.session.execute(
            sa.select(BreakWeek.monday, BreakWeek.label).where(BreakWeek.program_id == program.id)
        ).all()
    )
    return [
        Week(
            key=week,
            break_label=(labels.get(week.monday()) or "Break") if calendar.is_break(week) else None,
            mentees=mentees.get(i, (0,))[0],
            checked_in=checkins.get(str(week), (0, 0))[0],
            mood_total=checkins.get(str(week), (0, 0))[1] or 0,
            milestones=milestones.get(i, (0,))[0],
            goals=goals.get(i, (0,))[0],
        )
        for i, week in enumerate(weeks)
    ]


def _periods(program_id: int, calendar: game.ProgramCalendar, today: WeekKey) -> list[Period]:
    """Per measured period (``game.measured_periods``): active pairs matched by its end, and
    how many of them held a meeting in it."""
    measured = game.measured_periods(calendar, today)
    if not measured:
        return []
    spans = _bounds([(p[0], p[-1]) for p in measured], calendar.zone)
    met = (
        sa.select(Meeting.id)
        .where(
            Meeting.mentorship_id == Mentorship.id,
            Meeting.status == MeetingStatus.HELD,
            Meeting.starts_at >= spans.c.starts,
            Meeting.starts_at < spans.c.ends,
        )
        .exists()
    )
    counts = _per_span(
        sa.select(spans.c.i, sa.func.count(Mentorship.id), sa.func.sum(sa.case((met, 1), else_=0)))
        .select_from(spans)
        .join(
            Mentorship,
            sa.and_(
                Mentorship.program_id == program_id,
                Mentorship.status == MentorshipStatus.ACTIVE,
                Mentorship.created_at < spans.c.ends,
            ),
        )
        .group_by(spans.c.i)
    )
    return [
        Period(
            weeks=period,
            pairs=counts.get(i, (0, 0))[0],
            met=counts.get(i, (0, 0))[1] or 0,
            in_progress=today in period,
        )
        for i, period in enumerate(measured)
    ]


def program_outcomes(program: Program, now: datetime) -> Outcomes:
    """Everything the outcomes pages show, in a fixed number of queries."""
    calendar = calendar_of(program.id)
    today = calendar.current_week(now)
    weeks = [w for w in calendar.weeks() if w <= today]
    active_pairs = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Mentorship)
        .where(Mentorship.program_id == program.id, Mentorship.status == MentorshipStatus.ACTIVE)
    )
    return Outcomes(
        program=program,
        today=today,
        active_pairs=active_pairs or 0,
        funnels=_funnels(program.id),
        weeks=_weeks(program, calendar, weeks) if weeks else [],
        periods=_periods(program.id, calendar, today),
        meetings=program_meeting_aggregate(program.id, now),
    )
