"""The outcomes of a program, aggregated in SQL by program week: numbers only, never text.

Each figure is one GROUP BY over the program's weeks (or cadence periods) with their bounds in
UTC, and every one of them goes in one UNION ALL statement, so the page costs the same few
statements (``program_outcomes`` says which) for 20 or 20,000 people and loads a handful of
rows per week, never a pair's rows.
A week's mood is shown only once ``THRESHOLD`` check-ins make it anonymous.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import sqlalchemy as sa

import game
from game.weeks import WeekKey, local_date

from ..calendars import program_calendar
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


Row = tuple  # (key, a, b, n, m): one grouped row of a part, its meaning set by the part
Parts = dict[str, list[Row]]

_COLUMNS = {"key": sa.String, "a": sa.Integer, "b": sa.Integer, "n": sa.Integer, "m": sa.Integer}


def _part(kind: str, query: sa.Select, **columns: sa.ColumnElement) -> sa.Select:
    """One grouped query of the page's single statement: ``kind``, a text ``key`` and four
    integers (typed NULLs where the part has none), so every part unions with every other."""
    return query.with_only_columns(
        sa.literal(kind, sa.String).label("kind"),
        *(
            (columns[name] if name in columns else sa.cast(sa.null(), type_)).label(name)
            for name, type_ in _COLUMNS.items()
        ),
        maintain_column_froms=True,
    )


def _funnels_part(program: Program) -> sa.Select:
    """Joined → ever matched → still in an active pair and not left, per role (``a``: the
    role's index in ``PARTICIPANTS``). Once the program is closed, the pairs its closing ended
    count as still active: they lasted to the end."""

    def paired(condition: sa.ColumnElement[bool]) -> sa.Exists:
        return (
            sa.select(MentorshipMember.id)
            .join(Mentorship, Mentorship.id == MentorshipMember.mentorship_id)
            .where(MentorshipMember.membership_id == Membership.id, condition)
            .exists()
        )

    def tally(condition: sa.ColumnElement[bool]) -> sa.ColumnElement[int]:
        return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)

    lasting = Mentorship.status == MentorshipStatus.ACTIVE
    if program.closed_at is not None:
        lasting = sa.or_(lasting, Mentorship.closed_at >= program.closed_at)
    role = sa.case((Membership.role == PARTICIPANTS[0], 0), else_=1)
    ran = Mentorship.status.in_((MentorshipStatus.ACTIVE, MentorshipStatus.CLOSED))
    return _part(
        "funnel",
        sa.select(Membership.id)
        .where(Membership.program_id == program.id, Membership.role.in_(PARTICIPANTS))
        .group_by(role),
        a=role,
        b=sa.func.count(),
        n=tally(paired(ran)),
        m=tally(sa.and_(Membership.left_at.is_(None), paired(lasting))),
    )


def _active_part(program_id: int) -> sa.Select:
    return _part(
        "active",
        sa.select(Mentorship.id).where(
            Mentorship.program_id == program_id, Mentorship.status == MentorshipStatus.ACTIVE
        ),
        n=sa.func.count(),
    )


def _weeks_parts(program_id: int, ends: list[datetime]) -> list[sa.Select]:
    """Mentees by the weeks they joined and left in; check-ins and moods per week key;
    milestones confirmed and goals completed per week."""
    joined, left = _bucket(Membership.joined_at, ends), _bucket(Membership.left_at, ends)
    in_program = sa.select(Mentorship.id).where(Mentorship.program_id == program_id)
    confirmed = _bucket(Milestone.confirmed_at, ends)
    completed = _bucket(Goal.completed_at, ends)
    mentees = sa.and_(Membership.program_id == program_id, Membership.role == Role.MENTEE)
    return [
        _part(
            "mentees",
            sa.select(Membership.id).where(mentees).group_by(joined, left),
            a=joined,
            b=left,
            n=sa.func.count(),
        ),
        _part(
            "checkins",
            sa.select(CheckIn.id)
            .join(Membership, Membership.id == CheckIn.membership_id)
            .where(mentees)
            .group_by(CheckIn.week_key),
            key=CheckIn.week_key,
            n=sa.func.count(CheckIn.mood),
            m=sa.func.coalesce(sa.func.sum(CheckIn.mood), 0),
        ),
        _part(
            "milestones",
            sa.select(Milestone.id)
            .join(Goal, Goal.id == Milestone.goal_id)
            .where(
                Milestone.status == MilestoneStatus.CONFIRMED, Goal.mentorship_id.in_(in_program)
            )
            .group_by(confirmed),
            a=confirmed,
            n=sa.func.count(),
        ),
        _part(
            "goals",
            sa.select(Goal.id)
            .where(Goal.status == GoalStatus.COMPLETED, Goal.mentorship_id.in_(in_program))
            .group_by(completed),
            a=completed,
            n=sa.func.count(),
        ),
    ]


def _ran(program_id: int) -> sa.ColumnElement[bool]:
    return sa.and_(
        Mentorship.program_id == program_id,
        Mentorship.status.in_((MentorshipStatus.ACTIVE, MentorshipStatus.CLOSED)),
    )


def _periods_parts(program_id: int, ends: list[datetime]) -> list[sa.Select]:
    """Pairs by the periods they were matched and closed in; pairs that held a meeting, per
    period."""
    matched, closed = _bucket(Mentorship.created_at, ends), _bucket(Mentorship.closed_at, ends)
    held = _bucket(Meeting.starts_at, ends)
    return [
        _part(
            "pairs",
            sa.select(Mentorship.id).where(_ran(program_id)).group_by(matched, closed),
            a=matched,
            b=closed,
            n=sa.func.count(),
        ),
        _part(
            "met",
            sa.select(Meeting.id)
            .join(Mentorship, Mentorship.id == Meeting.mentorship_id)
            .where(_ran(program_id), Meeting.status == MeetingStatus.HELD)
            .group_by(held),
            a=held,
            n=sa.func.count(sa.distinct(Meeting.mentorship_id)),
        ),
    ]


def _weeks(parts: Parts, calendar: game.ProgramCalendar, weeks, labels) -> list[Week]:
    arrivals: dict[int, int] = {}
    departures: dict[int, int] = {}
    for _, came, went, count, _ in parts["mentees"]:
        arrivals[came] = arrivals.get(came, 0) + count
        departures[went] = departures.get(went, 0) + count  # bucket len(weeks): still here
    checkins = {key: (count, total) for key, _, _, count, total in parts["checkins"]}
    milestones = {bucket: count for _, bucket, _, count, _ in parts["milestones"]}
    goals = {bucket: count for _, bucket, _, count, _ in parts["goals"]}
    rows, present = [], 0
    for i, week in enumerate(weeks):
        # a mentee counts from the week they joined in to the week they left in
        present += arrivals.get(i, 0) - departures.get(i - 1, 0)
        count, total = checkins.get(str(week), (0, 0))
        label = (labels.get(week.monday()) or "Break") if calendar.is_break(week) else None
        rows.append(Week(week, label, present, count, total, milestones.get(i, 0), goals.get(i, 0)))
    return rows


def _begun(calendar: game.ProgramCalendar, today: WeekKey) -> list[tuple[WeekKey, ...]]:
    return [p for p in calendar.periods() if p[0] <= today]


def _periods(parts: Parts, calendar: game.ProgramCalendar, today: WeekKey) -> list[Period]:
    """Per measured period (``game.measured_periods``): the pairs running in it (matched by its
    end and not closed before it began, so a pair that ended later still counts where it
    ran), and how many of them held a meeting in it. Rows are bucketed over every begun
    period, so a meeting in a break-only period counts in none of the measured ones."""
    moves = [(start, end, count) for _, start, end, count, _ in parts["pairs"]]
    met = {bucket: count for _, bucket, _, count, _ in parts["met"]}
    measured = set(game.measured_periods(calendar, today))
    return [
        Period(
            period,
            sum(n for start, end, n in moves if start <= i <= end),
            met.get(i, 0),
            today in period,
        )
        for i, period in enumerate(_begun(calendar, today))
        if period in measured
    ]


def _parts(program: Program, calendar, weeks: list[WeekKey], begun) -> Parts:
    """Every grouped figure of the page in one statement (a UNION ALL of grouped parts, each
    tagged with its kind): a handful of rows per week or period, whatever the program's size."""
    queries = [_funnels_part(program), _active_part(program.id)]
    if weeks:
        ends = [_utc_start(week.next(), calendar.zone) for week in weeks]
        queries += _weeks_parts(program.id, ends)
    if begun:
        ends = [_utc_start(period[-1].next(), calendar.zone) for period in begun]
        queries += _periods_parts(program.id, ends)
    parts: Parts = defaultdict(list)
    for kind, *row in db.session.execute(sa.union_all(*queries)):
        parts[kind].append(tuple(row))
    return parts


def program_outcomes(program: Program, now: datetime, survey_group: str = "everyone") -> Outcomes:
    """Everything the outcomes pages show, in a fixed number of queries (the break weeks,
    the grouped figures, the meetings held lately, the surveys); survey charts and comments
    for ``survey_group`` (everyone, mentee or mentor)."""
    labels = dict(
        db.session.execute(
            sa.select(BreakWeek.monday, BreakWeek.label).where(BreakWeek.program_id == program.id)
        ).all()
    )
    calendar = program_calendar(program, labels)
    today = calendar.current_week(now)
    weeks = [w for w in calendar.weeks() if w <= today]
    parts = _parts(program, calendar, weeks, _begun(calendar, today))
    funnels = {a: Funnel(PARTICIPANTS[a], b, n, m) for _, a, b, n, m in parts["funnel"]}
    return Outcomes(
        program=program,
        today=today,
        active_pairs=sum(n for _, _, _, n, _ in parts["active"]),
        funnels=[funnels.get(i, Funnel(role, 0, 0, 0)) for i, role in enumerate(PARTICIPANTS)],
        weeks=_weeks(parts, calendar, weeks, labels),
        periods=_periods(parts, calendar, today),
        held_last_four_weeks=held_counts(program.id, calendar, now)[1],
        surveys=survey_results(program.id, local_date(now, program.time_zone), survey_group),
    )
