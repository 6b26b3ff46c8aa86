"""Read models for meeting pages and home cards, each in a fixed number of queries."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

import game

from ..calendars import calendar_of, matched_week, week_at
from ..extensions import db
from ..figures import Figures, built, queries_of
from ..mentorships_query import WITH_PEOPLE
from ..models import (
    ActionItem,
    AgendaItem,
    Cadence,
    Meeting,
    MeetingMode,
    MeetingStatus,
    Membership,
    Mentorship,
    MentorshipMember,
    MentorshipStatus,
    Program,
    ProgramWeek,
    Role,
    User,
)
from .service import MAX_MINUTES

MEETING_PAGE = (
    selectinload(Meeting.agenda).joinedload(AgendaItem.author),
    selectinload(Meeting.actions).joinedload(ActionItem.owner),
    selectinload(Meeting.confirmations),
)
WITH_MENTORSHIP_PEOPLE = selectinload(Meeting.mentorship).options(WITH_PEOPLE)
FEED_PAST = timedelta(days=90)
PERIOD_WORDS = {
    Cadence.WEEKLY: ("this week", "two weeks"),
    Cadence.BIWEEKLY: ("these two weeks", "four weeks"),
    Cadence.MONTHLY: ("this month", "two months"),
}


def meetings_of(mentorship_id: int, now: datetime) -> tuple[list[Meeting], list[Meeting]]:
    """(upcoming soonest first, past latest first); a meeting under way is still upcoming."""
    meetings = db.session.scalars(
        sa.select(Meeting)
        .where(Meeting.mentorship_id == mentorship_id)
        .options(selectinload(Meeting.confirmations))  # whose "we met" is still missing
        .order_by(Meeting.starts_at)
    ).all()
    upcoming = [m for m in meetings if m.ends_at > now]
    past = [m for m in reversed(meetings) if m.ends_at <= now]
    return upcoming, past


NEXT_CANDIDATES = MAX_MINUTES // 10
"""At most this many scheduled meetings can have started and not ended yet."""


def _upcoming(mentorship_ids, started_after) -> tuple[sa.ColumnElement[bool], ...]:
    return (
        Meeting.mentorship_id.in_(mentorship_ids),
        Meeting.status == MeetingStatus.SCHEDULED,
        Meeting.starts_at > started_after,
    )


def _started_after(now: datetime) -> datetime:
    """The earliest start of a meeting that may still be under way at ``now``."""
    return now - timedelta(minutes=MAX_MINUTES)


def next_meeting(mentorship_ids: Iterable[int], now: datetime) -> Meeting | None:
    """The first scheduled meeting that hasn't ended, so one under way still shows."""
    candidates = db.session.scalars(
        sa.select(Meeting)
        .where(*_upcoming(list(mentorship_ids), _started_after(now)))
        .order_by(Meeting.starts_at, Meeting.id)
        .limit(NEXT_CANDIDATES)
    )
    return next((m for m in candidates if m.ends_at > now), None)


@dataclass(frozen=True)
class UpcomingMeeting:
    """The next meeting as the mentee's home shows it."""

    id: int
    mentorship_id: int
    starts_at: datetime
    minutes: int
    mode: MeetingMode
    location: str

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.minutes)


HOME_NEXT = (
    sa.select(
        Meeting.id,
        Meeting.mentorship_id,
        Meeting.starts_at,
        Meeting.minutes,
        Meeting.mode,
        Meeting.location,
    )
    .where(
        *_upcoming(sa.bindparam("mentorship_ids", expanding=True), sa.bindparam("started_after"))
    )
    .order_by(Meeting.starts_at, Meeting.id)
    .limit(NEXT_CANDIDATES)
)
"""The scheduled meetings of the pairs ``mentorship_ids`` that may not have ended: those that
started after ``started_after`` (``home_values``), soonest first."""

HOME_ACTIONS = (
    sa.select(ActionItem.id, ActionItem.text, ActionItem.due_on, ActionItem.done_at)
    .join(Meeting)
    .where(
        ActionItem.owner_id == sa.bindparam("user_id"),
        ActionItem.done_at.is_(None),
        Meeting.mentorship_id.in_(sa.bindparam("mentorship_ids", expanding=True)),
        Meeting.status != MeetingStatus.CANCELLED,
    )
    .order_by(ActionItem.due_on.is_(None), ActionItem.due_on, ActionItem.id)
)
"""The undone action items of the person ``user_id`` in the pairs ``mentorship_ids``, soonest
due first, undated last."""


def home_values(mentorships: list[Mentorship], now: datetime) -> dict:
    """The values ``HOME_NEXT`` and ``HOME_ACTIONS`` need besides the person."""
    return {
        "mentorship_ids": [mentorship.id for mentorship in mentorships],
        "started_after": _started_after(now),
    }


def calendar_meetings(user_id: int, now: datetime) -> list[Meeting]:
    """A person's meetings for their calendar feed: everything upcoming and the recent past."""
    mine = (
        sa.select(MentorshipMember.mentorship_id)
        .join(Membership)
        .join(Mentorship)
        .where(
            Membership.user_id == user_id,
            Membership.left_at.is_(None),
            Mentorship.seen_by(Membership.role),
        )
    )
    return list(
        db.session.scalars(
            sa.select(Meeting)
            .where(Meeting.mentorship_id.in_(mine), Meeting.starts_at >= now - FEED_PAST)
            .options(WITH_MENTORSHIP_PEOPLE)
            .order_by(Meeting.starts_at, Meeting.id)
        )
    )


@dataclass(frozen=True)
class MeetingHealth:
    days_since_held: int | None  # None: never met yet
    next_meeting: Meeting | None


@dataclass(frozen=True)
class MeetingAggregate:
    """What a coordinator may know about meetings: counts and who has gone quiet, no text."""

    this_period: str
    two_periods: str
    held_this_period: int
    held_last_four_weeks: int
    quiet_count: int
    quiet_pairs: list[PairNames]  # the first ``QUIET_SHOWN`` of them


def _period_first_week(calendar: game.ProgramCalendar, today: game.WeekKey) -> game.WeekKey:
    """The first week of the current cadence period of the program's calendar; before the
    program starts or after it ends, its first or last period stands in."""
    periods = calendar.periods()
    return calendar.period_of(min(max(today, periods[0][0]), periods[-1][-1]))[0]


def _held_not_begun(program_id: int, now: datetime, until: datetime) -> sa.Select:
    """Held meetings of the program starting after ``now`` and before ``until``: none by the
    services' rule (a meeting is held from its start on), so the status-and-time index visits
    next to nothing, whatever the program's size."""
    return sa.select(sa.func.count()).where(
        Meeting.status == sa.literal_column("'held'"),  # as written, the partial index's
        Meeting.starts_at > now,
        Meeting.starts_at < until,
        sa.exists().where(
            Mentorship.id == Meeting.mentorship_id, Mentorship.program_id == program_id
        ),
    )


def held_counts(
    program_id: int, calendar: game.ProgramCalendar, now: datetime, *more: sa.Select
) -> tuple[int, ...]:
    """Meetings held in the program's current cadence period and in the last four weeks (one
    query, no people loaded: the outcomes page needs only these), then the active pairs gone
    quiet (``game.quiet_bounds``), then the value of each of ``more`` (scalar queries asked in
    the same statement). All from the program's week rows (``app.program_weeks``): "the last
    four weeks" are this week and the three before it, whole weeks as a coordinator plans
    them, and a held meeting counts once it has begun (the program's held meetings not begun
    yet, none in practice, are taken off this week)."""
    today = calendar.current_week(now)
    period_first = _period_first_week(calendar, today)
    four_weeks = today
    for _ in range(3):
        four_weeks = four_weeks.previous()
    week = ProgramWeek.week_key

    def held_since(first: game.WeekKey) -> sa.ColumnElement[int]:
        in_span = sa.and_(week >= str(first), week <= str(today))
        return sa.func.coalesce(
            sa.func.sum(sa.case((in_span, ProgramWeek.meetings_held), else_=0)), 0
        )

    bounds = game.quiet_bounds(calendar, today)
    if bounds is None:
        quiet = sa.literal(0)
    else:
        recent = sa.case((week >= str(bounds[0]), ProgramWeek.pairs_recent), else_=0)
        quiet = sa.func.coalesce(sa.func.sum(ProgramWeek.pairs_active - recent), 0)
    not_begun = _held_not_begun(program_id, now, _utc_monday(today.next(), calendar.zone))
    this_period, four, not_begun_count, quiet_count, *values = db.session.execute(
        sa.select(
            held_since(period_first),
            held_since(four_weeks),
            not_begun.scalar_subquery(),
            quiet,
            *(query.scalar_subquery() for query in more),
        ).where(ProgramWeek.program_id == program_id)
    ).one()
    this_period -= not_begun_count if period_first <= today else 0
    return (this_period, four - not_begun_count, quiet_count, *values)


QUIET_SHOWN = 25
"""Quiet pairs named on the coordinator's home; the rest are counted (the at-risk list pages
through them all)."""


@dataclass(frozen=True)
class PairNames:
    """A pair as a list names it: its mentors' and mentees' names, nothing loaded whole."""

    id: int
    name: str | None
    mentors: tuple[str, ...]
    mentees: tuple[str, ...]
    status: MentorshipStatus | None = None


def _utc_monday(week: game.WeekKey, zone: str) -> datetime:
    return datetime.combine(week.monday(), time(), tzinfo=ZoneInfo(zone)).astimezone(UTC)


def quiet_condition(calendar: game.ProgramCalendar, now: datetime) -> sa.ColumnElement[bool]:
    """SQL twin of ``is_quiet`` on ``Mentorship`` rows (``game.quiet_bounds``): its latest held
    meeting of the program's weeks before the first bound, its match before the second."""
    bounds = game.quiet_bounds(calendar, calendar.current_week(now))
    if bounds is None:
        return sa.false()
    met_before, matched_before = (_utc_monday(week, calendar.zone) for week in bounds)
    ends = _utc_monday(calendar.weeks()[-1], calendar.zone) + timedelta(weeks=1)
    met_since = sa.exists().where(
        Meeting.mentorship_id == Mentorship.id,
        Meeting.status == MeetingStatus.HELD,
        Meeting.starts_at >= met_before,
        Meeting.starts_at <= now,
        Meeting.starts_at < ends,
    )
    return sa.and_(Mentorship.created_at < matched_before, ~met_since)


def quiet_pairs(program_id: int, where: sa.ColumnElement[bool]) -> sa.Select:
    """The program's active pairs meeting ``where``, as a query of their ids."""
    return sa.select(Mentorship.id).where(
        Mentorship.program_id == program_id,
        Mentorship.status == MentorshipStatus.ACTIVE,
        where,
    )


def pair_names(pair_ids: sa.Select | list[int]) -> list[PairNames]:
    """Names of the pairs ``pair_ids`` lists or selects (a page of them), in id order: one
    query."""
    rows = db.session.execute(
        sa.select(Mentorship.id, Mentorship.name, Mentorship.status, Membership.role, User.name)
        .join(MentorshipMember, MentorshipMember.mentorship_id == Mentorship.id)
        .join(Membership, Membership.id == MentorshipMember.membership_id)
        .join(User, User.id == Membership.user_id)
        .where(Mentorship.id.in_(pair_ids))
        .order_by(Mentorship.id, MentorshipMember.id)
    )
    found: dict[int, tuple[str | None, MentorshipStatus, list[str], list[str]]] = {}
    for pair, pair_name, status, role, name in rows:
        _, _, mentors, mentees = found.setdefault(pair, (pair_name, status, [], []))
        (mentors if role is Role.MENTOR else mentees).append(name)
    return [PairNames(p, n, tuple(a), tuple(b), s) for p, (n, s, a, b) in found.items()]


def program_meeting_aggregate(program_id: int, now: datetime) -> MeetingAggregate:
    return meetings_and(program_id, now)[0]


def meetings_and(program_id: int, now: datetime, *more: Figures) -> tuple[MeetingAggregate, list]:
    """Counts of held meetings, and the active pairs that have gone quiet by the game's meeting
    rhythm: ``game.QUIET_PERIODS`` periods without a meeting, counted from when the pair was
    matched, break weeks skipped. The counts in one query, the first quiet pairs' names in
    another, whatever the program's size. Then the read model of each of ``more``, whose
    figures are asked in the same statement as the counts."""
    program = db.session.get(Program, program_id)
    calendar = calendar_of(program_id)
    quiet = quiet_pairs(program_id, quiet_condition(calendar, now))
    this_count, four_weeks, quiet_count, *values = held_counts(
        program_id, calendar, now, *queries_of(*more)
    )
    shown = quiet.order_by(Mentorship.id).limit(QUIET_SHOWN)
    aggregate = MeetingAggregate(
        this_period=PERIOD_WORDS[program.cadence][0],
        two_periods=PERIOD_WORDS[program.cadence][1],
        held_this_period=this_count,
        held_last_four_weeks=four_weeks,
        quiet_count=quiet_count,
        quiet_pairs=pair_names(shown) if quiet_count else [],
    )
    return aggregate, built(values, *more)


def quiet_rule(
    calendar: game.ProgramCalendar, now: datetime
) -> Callable[[Mentorship, datetime | None], bool]:
    """The game's rhythm rule for any pair of the program, from its latest held meeting and
    its match: the bounds are worked out once (``game.quiet_bounds``), so each pair costs two
    comparisons rather than a walk through the program's periods."""
    bounds = game.quiet_bounds(calendar, calendar.current_week(now))

    def is_quiet(mentorship: Mentorship, last_met: datetime | None) -> bool:
        if bounds is None:
            return False
        met = None if last_met is None else week_at(last_met, calendar.zone)
        if met is not None and met not in calendar:
            met = None  # outside the program's weeks: no period of the pair holds it
        return (met is None or met < bounds[0]) and matched_week(mentorship, calendar) < bounds[1]

    return is_quiet


def quiet_rule_instants(
    calendar: game.ProgramCalendar, now: datetime
) -> tuple[datetime, datetime, datetime] | None:
    """``quiet_rule``'s bounds as instants, for SQL over a pair's latest held meeting (a summary
    row's) and its match: quiet when matched before the second and the meeting, if any, is
    before the first or at or after the third (the end of the program's weeks: a meeting
    outside them counts as none). ``None`` while nobody can be quiet yet."""
    bounds = game.quiet_bounds(calendar, calendar.current_week(now))
    if bounds is None:
        return None
    met_before, matched_before = (_utc_monday(week, calendar.zone) for week in bounds)
    ends = _utc_monday(calendar.weeks()[-1], calendar.zone) + timedelta(weeks=1)
    return met_before, matched_before, ends


def participants(mentorship: Mentorship) -> list[User]:
    """Everyone of a meeting: the mentorship's mentors, then its mentees (needs people)."""
    return [*mentorship.people(Role.MENTOR), *mentorship.people(Role.MENTEE)]


def mentee_meetings(mentorships: list[Mentorship], next_rows, action_rows, now: datetime) -> dict:
    """What the mentee home shows of meetings, from the rows of ``HOME_NEXT`` and
    ``HOME_ACTIONS``: the next one that hasn't ended (one under way still shows) and the
    mentee's open actions."""
    upcoming = (UpcomingMeeting(*row) for row in next_rows)
    return {
        "next_meeting": next((m for m in upcoming if m.ends_at > now), None),
        "open_actions": action_rows,
        "mentorship_by_id": {mentorship.id: mentorship for mentorship in mentorships},
    }
