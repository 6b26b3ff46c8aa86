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


def _period_start(calendar: game.ProgramCalendar, now: datetime) -> datetime:
    """Start (UTC) of the current cadence period of the program's calendar; before the program
    starts or after it ends, its first or last period stands in."""
    periods = calendar.periods()
    week = min(max(calendar.current_week(now), periods[0][0]), periods[-1][-1])
    monday = calendar.period_of(week)[0].monday()
    return datetime.combine(monday, time(), tzinfo=ZoneInfo(calendar.zone)).astimezone(UTC)


def _held_in(program_id: int, now: datetime) -> sa.ColumnElement[bool]:
    in_program = (
        sa.select(Mentorship.id).where(Mentorship.program_id == program_id).scalar_subquery()
    )
    return sa.and_(
        Meeting.mentorship_id.in_(in_program),
        Meeting.status == MeetingStatus.HELD,
        Meeting.starts_at <= now,
    )


def held_counts(
    program_id: int, calendar: game.ProgramCalendar, now: datetime, *more: sa.Select
) -> tuple[int, ...]:
    """Meetings held in the program's current cadence period and in the last four weeks (one
    query, no people loaded: the outcomes page needs only these), then the value of each of
    ``more`` (scalar queries asked in the same statement)."""

    def count_since(since: datetime):
        return sa.func.coalesce(sa.func.sum(sa.case((Meeting.starts_at >= since, 1), else_=0)), 0)

    period_start, four_weeks_ago = _period_start(calendar, now), now - timedelta(weeks=4)
    return tuple(
        db.session.execute(
            sa.select(
                count_since(period_start),
                count_since(four_weeks_ago),
                *(query.scalar_subquery() for query in more),
            ).where(
                _held_in(program_id, now), Meeting.starts_at >= min(period_start, four_weeks_ago)
            )
        ).one()
    )


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
        sa.select(Mentorship.id, Mentorship.name, Membership.role, User.name)
        .join(MentorshipMember, MentorshipMember.mentorship_id == Mentorship.id)
        .join(Membership, Membership.id == MentorshipMember.membership_id)
        .join(User, User.id == Membership.user_id)
        .where(Mentorship.id.in_(pair_ids))
        .order_by(Mentorship.id, MentorshipMember.id)
    )
    found: dict[int, tuple[str | None, list[str], list[str]]] = {}
    for pair, pair_name, role, name in rows:
        _, mentors, mentees = found.setdefault(pair, (pair_name, [], []))
        (mentors if role is Role.MENTOR else mentees).append(name)
    return [PairNames(p, n, tuple(a), tuple(b)) for p, (n, a, b) in found.items()]


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
    quiet_query = sa.select(sa.func.count()).select_from(quiet.subquery())
    this_count, four_weeks, quiet_count, *values = held_counts(
        program_id, calendar, now, quiet_query, *queries_of(*more)
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
