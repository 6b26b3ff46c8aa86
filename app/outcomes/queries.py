"""The outcomes of a program, aggregated in SQL by program week: numbers only, never text.

Each figure is one GROUP BY over a small table of the program's weeks (or cadence periods)
with their bounds in UTC, so the page costs the same number of queries for 20 or 2,000
people. A week's mood is shown only once ``THRESHOLD`` check-ins make it anonymous.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import sqlalchemy as sa

import game
from game.weeks import WeekKey, local_date

from ..calendars import calendar_of
from ..extensions import db
from ..meetings.queries import held_counts
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
from ..surveys.results import SurveyResults, survey_results

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
    pairs: int  # pairs running in the period: matched by its end, not closed before it
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
    held_last_four_weeks: int
    surveys: SurveyResults

    @property
    def rhythm_kept(self) -> int | None:
        """Share of finished periods (breaks left out) in which an active pair met."""
        done = [p for p in self.periods if not p.in_progress]
        pairs = sum(p.pairs for p in done)
        return round(100 * sum(p.met for p in done) / pairs) if pairs else None


def _utc_start(week: WeekKey, zone: str) -> datetime:
    """Midnight opening ``week`` in the program's zone, in UTC."""
    return datetime.combine(week.monday(), time(), tzinfo=ZoneInfo(zone)).astimezone(UTC)


def _bucket(column: sa.Column, ends: list[datetime]) -> sa.ColumnElement[int]:
    """SQL: the index of the first span whose end ``column`` falls before (``len(ends)`` after
    them all, or when NULL), as a balanced CASE: a handful of comparisons per row, so one pass
    over a year of rows can GROUP BY span.

    Written as one text fragment with typed bound ends: built from SQLAlchemy constructs, the
    tree of a year's weeks cost more to build and to key for the statement cache than the
    query took to run."""
    table, field = column.table.name, column.name
    name, reference = f"{table}_{field}", f"{table}.{field}"

    def case(low: int, high: int) -> str:
        if low == high:
            return str(low)
        middle = (low + high) // 2
        return (
            f"CASE WHEN {reference} < :{name}_{middle} "
            f"THEN {case(low, middle)} ELSE {case(middle + 1, high)} END"
        )

    ends_bound = [sa.bindparam(f"{name}_{i}", end, type_=UTCDateTime) for i, end in enumerate(ends)]
    return sa.type_coerce(sa.text(case(0, len(ends))).bindparams(*ends_bound), sa.Integer)


def _counts(query: sa.Select) -> dict[int, int]:
    return {bucket: count for bucket, count in db.session.execute(query)}


def _funnels(program: Program) -> list[Funnel]:
    """Joined → ever matched → still in an active pair and not left, per role, in one query.
    Once the program is closed, the pairs its closing ended count as still active: they
    lasted to the end."""

    def paired(condition: sa.ColumnElement[bool]) -> sa.Exists:
        return (
            sa.select(MentorshipMember.id)
            .join(Mentorship, Mentorship.id == MentorshipMember.mentorship_id)
            .where(MentorshipMember.membership_id == Membership.id, condition)
            .exists()
        )

    lasting = Mentorship.status == MentorshipStatus.ACTIVE
    if program.closed_at is not None:
        lasting = sa.or_(lasting, Mentorship.closed_at >= program.closed_at)
    rows = db.session.execute(
        sa.select(
            Membership.role,
            sa.func.count(),
            sa.func.sum(
                sa.case(
                    (
                        paired(
                            Mentorship.status.in_(
                                (MentorshipStatus.ACTIVE, MentorshipStatus.CLOSED)
                            )
                        ),
                        1,
                    ),
                    else_=0,
                )
            ),
            sa.func.sum(
                sa.case((sa.and_(Membership.left_at.is_(None), paired(lasting)), 1), else_=0)
            ),
        )
        .where(Membership.program_id == program.id, Membership.role.in_(PARTICIPANTS))
        .group_by(Membership.role)
    ).all()
    found = {row[0]: Funnel(row[0], row[1], row[2] or 0, row[3] or 0) for row in rows}
    return [found.get(role, Funnel(role, 0, 0, 0)) for role in PARTICIPANTS]


def _weeks(program: Program, calendar: game.ProgramCalendar, weeks: list[WeekKey]) -> list[Week]:
    ends = [_utc_start(week.next(), calendar.zone) for week in weeks]
    joined, left = _bucket(Membership.joined_at, ends), _bucket(Membership.left_at, ends)
    arrivals: dict[int, int] = {}
    departures: dict[int, int] = {}
    for came, went, count in db.session.execute(
        sa.select(joined, left, sa.func.count())
        .where(Membership.program_id == program.id, Membership.role == Role.MENTEE)
        .group_by(joined, left)
    ):
        arrivals[came] = arrivals.get(came, 0) + count
        departures[went] = departures.get(went, 0) + count  # bucket len(weeks): still here
    checkins = {
        key: (count, total)
        for key, count, total in db.session.execute(
            sa.select(CheckIn.week_key, sa.func.count(CheckIn.mood), sa.func.sum(CheckIn.mood))
            .join(Membership, Membership.id == CheckIn.membership_id)
            .where(Membership.program_id == program.id, Membership.role == Role.MENTEE)
            .group_by(CheckIn.week_key)
        )
    }
    in_program = sa.select(Mentorship.id).where(Mentorship.program_id == program.id)
    confirmed = _bucket(Milestone.confirmed_at, ends)
    milestones = _counts(
        sa.select(confirmed, sa.func.count())
        .select_from(Milestone)
        .join(Goal, Goal.id == Milestone.goal_id)
        .where(Milestone.status == MilestoneStatus.CONFIRMED, Goal.mentorship_id.in_(in_program))
        .group_by(confirmed)
    )
    completed = _bucket(Goal.completed_at, ends)
    goals = _counts(
        sa.select(completed, sa.func.count())
        .where(Goal.status == GoalStatus.COMPLETED, Goal.mentorship_id.in_(in_program))
        .group_by(completed)
    )
    labels = dict(
        db.session.execute(
            sa.select(BreakWeek.monday, BreakWeek.label).where(BreakWeek.program_id == program.id)
        ).all()
    )
    rows, present = [], 0
    for i, week in enumerate(weeks):
        # a mentee counts from the week they joined in to the week they left in
        present += arrivals.get(i, 0) - departures.get(i - 1, 0)
        count, total = checkins.get(str(week), (0, 0))
        label = (labels.get(week.monday()) or "Break") if calendar.is_break(week) else None
        rows.append(
            Week(week, label, present, count, total or 0, milestones.get(i, 0), goals.get(i, 0))
        )
    return rows


def _periods(program_id: int, calendar: game.ProgramCalendar, today: WeekKey) -> list[Period]:
    """Per measured period (``game.measured_periods``): the pairs running in it (matched by its
    end and not closed before it began, so a pair that ended later still counts where it
    ran), and how many of them held a meeting in it. Rows are bucketed over every begun
    period, so a meeting in a break-only period counts in none of the measured ones."""
    begun = [p for p in calendar.periods() if p[0] <= today]
    if not begun:
        return []
    ends = [_utc_start(period[-1].next(), calendar.zone) for period in begun]
    ran = sa.and_(
        Mentorship.program_id == program_id,
        Mentorship.status.in_((MentorshipStatus.ACTIVE, MentorshipStatus.CLOSED)),
    )
    matched, closed = _bucket(Mentorship.created_at, ends), _bucket(Mentorship.closed_at, ends)
    moves = {
        (start, end): count
        for start, end, count in db.session.execute(
            sa.select(matched, closed, sa.func.count()).where(ran).group_by(matched, closed)
        )
    }
    held = _bucket(Meeting.starts_at, ends)
    met = _counts(
        sa.select(held, sa.func.count(sa.distinct(Meeting.mentorship_id)))
        .select_from(Meeting)
        .join(Mentorship, Mentorship.id == Meeting.mentorship_id)
        .where(ran, Meeting.status == MeetingStatus.HELD)
        .group_by(held)
    )
    measured = set(game.measured_periods(calendar, today))
    return [
        Period(
            period,
            sum(n for (start, end), n in moves.items() if start <= i <= end),
            met.get(i, 0),
            today in period,
        )
        for i, period in enumerate(begun)
        if period in measured
    ]


def program_outcomes(program: Program, now: datetime, survey_group: str = "everyone") -> Outcomes:
    """Everything the outcomes pages show, in a fixed number of queries; survey charts and
    comments for ``survey_group`` (everyone, mentee or mentor)."""
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
        funnels=_funnels(program),
        weeks=_weeks(program, calendar, weeks) if weeks else [],
        periods=_periods(program.id, calendar, today),
        held_last_four_weeks=held_counts(program.id, calendar, now)[1],
        surveys=survey_results(program.id, local_date(now, program.time_zone), survey_group),
    )
