"""Read models for meeting pages and home cards, each in a fixed number of queries."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

import game

from ..calendars import calendar_of, matched_week, week_at
from ..extensions import db
from ..figures import Asked, Figures
from ..mentorships_query import SEEN_PAIR_IDS, WITH_PEOPLE
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
        Meeting.status == MeetingStatus.SCHEDULED.literal,
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
    .where(*_upcoming(SEEN_PAIR_IDS, sa.bindparam("started_after")))
    .order_by(Meeting.starts_at, Meeting.id)
    .limit(NEXT_CANDIDATES)
)
"""The scheduled meetings of the pairs the membership ``membership_id`` sees that may not have
ended: those that started after ``started_after`` (``home_values``), soonest first."""

HOME_ACTIONS = (
    sa.select(ActionItem.id, ActionItem.text, ActionItem.due_on, ActionItem.done_at)
    .join(Meeting)
    .where(
        ActionItem.owner_id == sa.bindparam("user_id"),
        ActionItem.done_at.is_(None),
        Meeting.mentorship_id.in_(SEEN_PAIR_IDS),
        Meeting.status != MeetingStatus.CANCELLED,
    )
    .order_by(ActionItem.due_on.is_(None), ActionItem.due_on, ActionItem.id)
)
"""The undone action items of the person ``user_id`` in the pairs the membership
``membership_id`` sees, soonest due first, undated last."""


def home_values(now: datetime) -> dict:
    """The value ``HOME_NEXT`` needs besides the membership."""
    return {"started_after": _started_after(now)}


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


_HELD_NOT_BEGUN = sa.select(sa.func.count()).where(
    Meeting.status == MeetingStatus.HELD.literal,  # as the partial index's condition reads
    Meeting.starts_at > sa.bindparam("now"),
    Meeting.starts_at < sa.bindparam("next_monday"),
    sa.exists().where(
        Mentorship.id == Meeting.mentorship_id,
        Mentorship.program_id == sa.bindparam("program_id"),
    ),
)
"""Held meetings of the program starting after ``now`` and before next week: none by the
services' rule (a meeting is held from its start on), so the status-and-time index visits next
to nothing, whatever the program's size."""


def _weeks_sum(column, *where: sa.ColumnElement[bool]) -> sa.Select:
    return sa.select(sa.func.coalesce(sa.func.sum(column), 0)).where(
        ProgramWeek.program_id == sa.bindparam("program_id"), *where
    )


MEETING_FIGURES = Figures(
    _weeks_sum(
        ProgramWeek.meetings_held,
        ProgramWeek.week_key.between(sa.bindparam("period_first"), sa.bindparam("this_week")),
    ),
    _weeks_sum(
        ProgramWeek.meetings_held,
        ProgramWeek.week_key.between(sa.bindparam("four_weeks_first"), sa.bindparam("this_week")),
    ),
    _HELD_NOT_BEGUN,
    _weeks_sum(ProgramWeek.pairs_active),
    _weeks_sum(ProgramWeek.pairs_recent, ProgramWeek.week_key >= sa.bindparam("quiet_met_from")),
)
"""Meetings held in the program's current cadence period and in its last four weeks, those of
them not begun yet, and its active pairs and those that met recently, from its week rows."""


class HeldCounts(NamedTuple):
    this_period: int
    last_four_weeks: int
    quiet: int  # active pairs gone quiet (``game.quiet_bounds``)


def meeting_figures(
    program_id: int, calendar: game.ProgramCalendar, now: datetime
) -> Asked[HeldCounts]:
    """Meetings held in the program's current cadence period and in the last four weeks, and
    the active pairs gone quiet (``game.quiet_bounds``): all from the program's week rows
    (``app.program_weeks``), no people loaded. "The last four weeks" are this week and the
    three before it, whole weeks as a coordinator plans them, and a held meeting counts once
    it has begun (the program's held meetings not begun yet, none in practice, are taken off
    this week)."""
    today = calendar.current_week(now)
    period_first = _period_first_week(calendar, today)
    four_weeks = today
    for _ in range(3):
        four_weeks = four_weeks.previous()
    bounds = game.quiet_bounds(calendar, today)
    params = {
        "program_id": program_id,
        "now": now,
        "next_monday": _utc_monday(today.next(), calendar.zone),
        "this_week": str(today),
        "period_first": str(period_first),
        "four_weeks_first": str(four_weeks),
        "quiet_met_from": str(bounds[0] if bounds else today),
    }

    def build(values) -> HeldCounts:
        this_period, four, not_begun, active, recent = values
        this_period -= not_begun if period_first <= today else 0
        return HeldCounts(this_period, four - not_begun, 0 if bounds is None else active - recent)

    return Asked(MEETING_FIGURES, params, build)


def held_counts(program_id: int, calendar: game.ProgramCalendar, now: datetime) -> HeldCounts:
    """``meeting_figures`` alone: one statement (the outcomes page needs only these)."""
    return meeting_figures(program_id, calendar, now).read()


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


QUIET_PAIRS = sa.select(Mentorship.id).where(
    Mentorship.program_id == sa.bindparam("program_id"),
    Mentorship.status == MentorshipStatus.ACTIVE,
    Mentorship.created_at < sa.bindparam("matched_before"),
    ~sa.exists().where(
        Meeting.mentorship_id == Mentorship.id,
        Meeting.status == MeetingStatus.HELD.literal,
        Meeting.starts_at >= sa.bindparam("met_before"),
        Meeting.starts_at <= sa.bindparam("now"),
        Meeting.starts_at < sa.bindparam("weeks_end"),
    ),
)
"""SQL twin of ``is_quiet``: the program's active pairs matched before ``matched_before``
whose latest held meeting of the program's weeks (those before ``weeks_end``) up to ``now`` is
before ``met_before`` (``quiet_params``)."""


def quiet_params(calendar: game.ProgramCalendar, now: datetime) -> dict[str, datetime] | None:
    """``QUIET_PAIRS``' instants from ``game.quiet_bounds``; ``None`` while nobody can be
    quiet yet."""
    bounds = game.quiet_bounds(calendar, calendar.current_week(now))
    if bounds is None:
        return None
    met_before, matched_before = (_utc_monday(week, calendar.zone) for week in bounds)
    ends = _utc_monday(calendar.weeks()[-1], calendar.zone) + timedelta(weeks=1)
    return {
        "met_before": met_before,
        "matched_before": matched_before,
        "weeks_end": ends,
        "now": now,
    }


def names_of(pair_ids: sa.Select) -> sa.Select:
    """The people's names of the pairs ``pair_ids`` selects, in id order: a statement to build
    once (``pair_names`` reads it)."""
    return (
        sa.select(Mentorship.id, Mentorship.name, Mentorship.status, Membership.role, User.name)
        .join(MentorshipMember, MentorshipMember.mentorship_id == Mentorship.id)
        .join(Membership, Membership.id == MentorshipMember.membership_id)
        .join(User, User.id == Membership.user_id)
        .where(Mentorship.id.in_(pair_ids))
        .order_by(Mentorship.id, MentorshipMember.id)
    )


QUIET_NAMES = names_of(QUIET_PAIRS.order_by(Mentorship.id).limit(QUIET_SHOWN))
"""The people's names of the first ``QUIET_SHOWN`` quiet pairs (``QUIET_PAIRS``)."""


def _pair_names(rows) -> list[PairNames]:
    found: dict[int, tuple[str | None, MentorshipStatus, list[str], list[str]]] = {}
    for pair, pair_name, status, role, name in rows:
        _, _, mentors, mentees = found.setdefault(pair, (pair_name, status, [], []))
        (mentors if role is Role.MENTOR else mentees).append(name)
    return [PairNames(p, n, tuple(a), tuple(b), s) for p, (n, s, a, b) in found.items()]


def pair_names(names: sa.Select, values: Mapping[str, Any]) -> list[PairNames]:
    """The pairs of ``names`` (a ``names_of`` statement) with its parameters' ``values``, in id
    order: one query."""
    return _pair_names(db.session.execute(names, values))


def meeting_aggregate(
    program_id: int, now: datetime, held: HeldCounts | None = None
) -> MeetingAggregate:
    """Counts of held meetings, and the active pairs that have gone quiet by the game's meeting
    rhythm: ``game.QUIET_PERIODS`` periods without a meeting, counted from when the pair was
    matched, break weeks skipped. The counts in one query (or ``held``, when the page asked
    them with its other figures: ``meeting_figures``), the first quiet pairs' names in
    another, whatever the program's size."""
    program = db.session.get(Program, program_id)
    calendar = calendar_of(program_id)
    if held is None:
        held = held_counts(program_id, calendar, now)
    quiet = quiet_params(calendar, now) if held.quiet else None
    return MeetingAggregate(
        this_period=PERIOD_WORDS[program.cadence][0],
        two_periods=PERIOD_WORDS[program.cadence][1],
        held_this_period=held.this_period,
        held_last_four_weeks=held.last_four_weeks,
        quiet_count=held.quiet,
        quiet_pairs=[]
        if quiet is None
        else pair_names(QUIET_NAMES, {"program_id": program_id, "now": now, **quiet}),
    )


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
