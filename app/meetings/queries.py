"""Read models for meeting pages and home cards, each in a fixed number of queries."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

import game
from game.weeks import local_date

from ..calendars import calendar_of, matched_week, week_at
from ..extensions import db
from ..mentorships_query import WITH_PEOPLE, active_mentorships
from ..models import (
    ActionItem,
    AgendaItem,
    Cadence,
    Meeting,
    MeetingStatus,
    Membership,
    Mentorship,
    MentorshipMember,
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


def next_meeting(mentorship_ids: Iterable[int], now: datetime) -> Meeting | None:
    """The first scheduled meeting that hasn't ended, so one under way still shows."""
    candidates = db.session.scalars(
        sa.select(Meeting)
        .where(
            Meeting.mentorship_id.in_(list(mentorship_ids)),
            Meeting.status == MeetingStatus.SCHEDULED,
            Meeting.starts_at > now - timedelta(minutes=MAX_MINUTES),
        )
        .order_by(Meeting.starts_at, Meeting.id)
        .limit(MAX_MINUTES // 10)  # at most this many can have started and not ended yet
    )
    return next((m for m in candidates if m.ends_at > now), None)


def open_actions(user_id: int, mentorship_ids: Iterable[int]) -> list[ActionItem]:
    """The person's own undone action items, soonest due first, undated last."""
    return list(
        db.session.scalars(
            sa.select(ActionItem)
            .join(Meeting)
            .where(
                ActionItem.owner_id == user_id,
                ActionItem.done_at.is_(None),
                Meeting.mentorship_id.in_(list(mentorship_ids)),
                Meeting.status != MeetingStatus.CANCELLED,
            )
            .options(joinedload(ActionItem.owner))
            .order_by(ActionItem.due_on.is_(None), ActionItem.due_on, ActionItem.id)
        )
    )


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


def meeting_health(
    mentorship_ids: Iterable[int], now: datetime, zone: str = "UTC"
) -> dict[int, MeetingHealth]:
    """Per mentorship: days since the last held meeting (calendar days in ``zone``) and the
    next scheduled one. Two queries, however many mentorships."""
    ids = list(mentorship_ids)
    last_held = dict(
        db.session.execute(
            sa.select(Meeting.mentorship_id, sa.func.max(Meeting.starts_at))
            .where(Meeting.mentorship_id.in_(ids), Meeting.status == MeetingStatus.HELD)
            .group_by(Meeting.mentorship_id)
        ).all()
    )
    ranked = (
        sa.select(
            Meeting.id,
            sa.func.row_number()
            .over(partition_by=Meeting.mentorship_id, order_by=(Meeting.starts_at, Meeting.id))
            .label("rank"),
        )
        .where(
            Meeting.mentorship_id.in_(ids),
            Meeting.status == MeetingStatus.SCHEDULED,
            Meeting.starts_at >= now,
        )
        .subquery()
    )
    upcoming = {
        meeting.mentorship_id: meeting
        for meeting in db.session.scalars(
            sa.select(Meeting).join(ranked, ranked.c.id == Meeting.id).where(ranked.c.rank == 1)
        )
    }
    today = local_date(now, zone)
    return {
        mentorship_id: MeetingHealth(
            days_since_held=(
                (today - local_date(last_held[mentorship_id], zone)).days
                if mentorship_id in last_held
                else None
            ),
            next_meeting=upcoming.get(mentorship_id),
        )
        for mentorship_id in ids
    }


@dataclass(frozen=True)
class MeetingAggregate:
    """What a coordinator may know about meetings: counts and who has gone quiet, no text."""

    this_period: str
    two_periods: str
    held_this_period: int
    held_last_four_weeks: int
    quiet_pairs: list[Mentorship]


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


def held_counts(program_id: int, calendar: game.ProgramCalendar, now: datetime) -> tuple[int, int]:
    """Meetings held in the program's current cadence period and in the last four weeks (one
    query, no people loaded: the outcomes page needs only these)."""

    def count_since(since: datetime):
        return sa.func.coalesce(sa.func.sum(sa.case((Meeting.starts_at >= since, 1), else_=0)), 0)

    period_start, four_weeks_ago = _period_start(calendar, now), now - timedelta(weeks=4)
    return tuple(
        db.session.execute(
            sa.select(count_since(period_start), count_since(four_weeks_ago)).where(
                _held_in(program_id, now), Meeting.starts_at >= min(period_start, four_weeks_ago)
            )
        ).one()
    )


def program_meeting_aggregate(program_id: int, now: datetime) -> MeetingAggregate:
    """Counts of held meetings, and the active pairs that have gone quiet by the game's meeting
    rhythm: ``game.QUIET_PERIODS`` periods without a meeting, counted from when the pair was
    matched, break weeks skipped."""
    program = db.session.get(Program, program_id)
    calendar = calendar_of(program_id)
    this_count, four_weeks = held_counts(program_id, calendar, now)
    active = active_mentorships(program_id)
    last_met = last_held_meetings(program_id, now)
    return MeetingAggregate(
        this_period=PERIOD_WORDS[program.cadence][0],
        two_periods=PERIOD_WORDS[program.cadence][1],
        held_this_period=this_count,
        held_last_four_weeks=four_weeks,
        quiet_pairs=[m for m in active if is_quiet(m, last_met.get(m.id), calendar, now)],
    )


def last_held_meetings(program_id: int, now: datetime) -> dict[int, datetime]:
    """Per mentorship of the program, when its latest held meeting started: only the latest
    decides how many periods passed without one. One query."""
    return dict(
        db.session.execute(
            sa.select(Meeting.mentorship_id, sa.func.max(Meeting.starts_at))
            .join(Mentorship, Mentorship.id == Meeting.mentorship_id)
            .where(
                Mentorship.program_id == program_id,
                Meeting.status == MeetingStatus.HELD,
                Meeting.starts_at <= now,
            )
            .group_by(Meeting.mentorship_id)
        ).all()
    )


def is_quiet(
    mentorship: Mentorship,
    last_met: datetime | None,
    calendar: game.ProgramCalendar,
    now: datetime,
) -> bool:
    """The game's rhythm rule for one pair, from its latest held meeting and its match."""
    met = [] if last_met is None else [week_at(last_met, calendar.zone)]
    since = matched_week(mentorship, calendar)
    return game.is_quiet(met, calendar, calendar.current_week(now), since)


def participants(mentorship: Mentorship) -> list[User]:
    """Everyone of a meeting: the mentorship's mentors, then its mentees (needs people)."""
    return [*mentorship.people(Role.MENTOR), *mentorship.people(Role.MENTEE)]


def mentee_meetings(mentorships: list[Mentorship], user_id: int, now: datetime) -> dict:
    """What the mentee home shows of meetings: the next one and the mentee's open actions."""
    ids = [mentorship.id for mentorship in mentorships]
    return {
        "next_meeting": next_meeting(ids, now),
        "open_actions": open_actions(user_id, ids),
        "mentorship_by_id": {mentorship.id: mentorship for mentorship in mentorships},
    }
