"""The game's inputs read from the app's rows: calendars, check-in weeks, metrics, badges held.

Every function is a fixed number of indexed or aggregate queries, whatever the number of rows
in the ledger; the ones that take lists of ids answer for all of them at once, so a page with
many mentees costs the same as a page with one.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import aliased

import game
from game.metrics import Metric
from game.weeks import WeekKey, local_date, week_of

from ..calendars import week_at
from ..extensions import db
from ..models import (
    BadgeEarned,
    BreakWeek,
    CheckIn,
    Goal,
    Kudos,
    Meeting,
    MeetingStatus,
    Membership,
    Mentorship,
    MentorshipMember,
    Milestone,
    MilestoneAction,
    MilestoneEvent,
    PointsAward,
    Role,
    StreakRepair,
    User,
)
from ..weeks import request_now

Held = dict[int, set[tuple[str, int]]]


def week_now(zone: str) -> WeekKey:
    """The week in ``zone`` at the request's instant, the same for every card of the page."""
    return week_of(local_date(request_now(), zone))


COUNTED = CheckIn.mood.is_not(None)
"""A check-in counts for the streak once it gives a mood."""

COUNTED_WEEKS = sa.select(CheckIn.week_key).where(
    CheckIn.membership_id == sa.bindparam("membership_id"), COUNTED
)
"""The weeks of the mentee membership ``membership_id`` with a counted check-in."""

REPAIRED_WEEK = sa.select(StreakRepair.week_key).where(
    StreakRepair.membership_id == sa.bindparam("membership_id")
)
"""The week a mentor repaired in the streak of the mentee membership ``membership_id``, if any."""


def week_keys(rows) -> set[WeekKey]:
    """The weeks of rows of week keys (``COUNTED_WEEKS``, ``REPAIRED_WEEK``)."""
    return {WeekKey.parse(week_key) for (week_key,) in rows}


def checkin_weeks(membership_ids: Iterable[int]) -> dict[int, set[WeekKey]]:
    """Weeks with a counted check-in (a mood given), per mentee membership."""
    weeks: dict[int, set[WeekKey]] = defaultdict(set)
    rows = db.session.execute(
        sa.select(CheckIn.membership_id, CheckIn.week_key).where(
            CheckIn.membership_id.in_(list(membership_ids)), COUNTED
        )
    )
    for membership_id, week_key in rows:
        weeks[membership_id].add(WeekKey.parse(week_key))
    return weeks


def repairs_of(membership_ids: Iterable[int]) -> dict[int, StreakRepair]:
    return {
        repair.membership_id: repair
        for repair in db.session.scalars(
            sa.select(StreakRepair).where(StreakRepair.membership_id.in_(list(membership_ids)))
        )
    }


def streak(
    weeks: set[WeekKey],
    calendar: game.ProgramCalendar,
    up_to: WeekKey,
    repair: StreakRepair | None,
    since: WeekKey | None,
) -> game.StreakState:
    """``since``: the week the mentee joined (``calendars.joined_week``)."""
    return game.compute_streak(weeks, calendar, up_to, repaired_weeks(repair), since)


def repaired_weeks(repair: StreakRepair | None) -> tuple[WeekKey, ...]:
    return () if repair is None else (WeekKey.parse(repair.week_key),)


def mentee_membership(user_id: int, program_id: int) -> tuple[int, WeekKey] | None:
    """The person's mentee membership in the program and the week they joined (one query)."""
    row = db.session.execute(
        sa.select(Membership.id, Membership.joined_at, User.time_zone)
        .join(User, User.id == Membership.user_id)
        .where(
            Membership.user_id == user_id,
            Membership.program_id == program_id,
            Membership.role == Role.MENTEE,
        )
    ).one_or_none()
    return None if row is None else (row.id, week_at(row.joined_at, row.time_zone))


@dataclass(frozen=True)
class CheckinInputs:
    """All that recording a check-in reads, from ``checkin_inputs``."""

    weeks: set[WeekKey]
    repaired: tuple[WeekKey, ...]
    break_mondays: tuple[date, ...]
    held: Held
    known_keys: frozenset[str]  # ledger keys the check-in could write that are already there
    comeback_paid: bool  # in the program


_STREAK_OR_COMEBACK = (game.Reason.STREAK.value, game.Reason.COMEBACK.value)


@functools.cache
def _checkin_inputs() -> sa.CompoundSelect:
    """``checkin_inputs``'s statement, built once (building it costs more than running it)."""
    user, program = sa.bindparam("user"), sa.bindparam("program")
    membership = sa.bindparam("membership")
    return sa.union_all(
        sa.select(*_tagged("week", CheckIn.week_key)).where(
            CheckIn.membership_id == membership, CheckIn.mood.is_not(None)
        ),
        sa.select(*_tagged("repair", StreakRepair.week_key)).where(
            StreakRepair.membership_id == membership
        ),
        sa.select(*_tagged("break", day=BreakWeek.monday)).where(BreakWeek.program_id == program),
        sa.select(*_tagged("badge", BadgeEarned.badge_id, BadgeEarned.tier)).where(
            BadgeEarned.program_id == program, BadgeEarned.user_id == user
        ),
        sa.select(*_tagged(PointsAward.reason, PointsAward.key)).where(
            PointsAward.user_id == user,
            PointsAward.program_id == program,
            PointsAward.reason.in_(_STREAK_OR_COMEBACK),
        ),
        sa.select(*_tagged("known", PointsAward.key)).where(
            PointsAward.key.in_(sa.bindparam("week_keys", expanding=True))
        ),
    )


def _tagged(kind, text=None, number=None, day=None) -> tuple:
    """One part's columns of the union in ``checkin_inputs``: (kind, text, number, day)."""
    columns = {
        "text": (text, sa.String()),
        "number": (number, sa.Integer()),
        "day": (day, sa.Date()),
    }
    kind = sa.literal(kind, sa.String()) if isinstance(kind, str) else kind
    return (
        kind.label("kind"),
        *(
            (sa.cast(sa.null(), type_) if value is None else value).label(name)
            for name, (value, type_) in columns.items()
        ),
    )


def checkin_inputs(
    user_id: int, program_id: int, membership_id: int, week: WeekKey
) -> CheckinInputs:
    """What recording a check-in of ``week`` reads, in one statement (a union of small
    indexed reads): the membership's counted weeks and repair, the program's break weeks, the
    person's badges here, and the ledger rows the check-in could write that exist (the week's
    award and comeback, keyed across programs; the program's streak and comeback awards)."""
    rows = db.session.execute(
        _checkin_inputs(),
        {
            "user": user_id,
            "program": program_id,
            "membership": membership_id,
            "week_keys": [game.checkin_key(user_id, week), game.comeback_key(user_id, week)],
        },
    ).all()
    known = ("known", *_STREAK_OR_COMEBACK)
    held: Held = defaultdict(set)
    for row in rows:
        if row.kind == "badge":
            held[user_id].add((row.text, row.number))
    return CheckinInputs(
        weeks={WeekKey.parse(row.text) for row in rows if row.kind == "week"},
        repaired=tuple(WeekKey.parse(row.text) for row in rows if row.kind == "repair"),
        break_mondays=tuple(row.day for row in rows if row.kind == "break"),
        held=held,
        known_keys=frozenset(row.text for row in rows if row.kind in known),
        comeback_paid=any(row.kind == game.Reason.COMEBACK.value for row in rows),
    )


def badges_held(user_ids: Iterable[int], program_id: int) -> Held:
    """(badge id, tier) each person already holds in the program."""
    held: Held = defaultdict(set)
    rows = db.session.execute(
        sa.select(BadgeEarned.user_id, BadgeEarned.badge_id, BadgeEarned.tier).where(
            BadgeEarned.program_id == program_id, BadgeEarned.user_id.in_(list(user_ids))
        )
    )
    for user_id, badge_id, tier in rows:
        held[user_id].add((badge_id, tier))
    return held


def _of_mentee(user_id: int, program_id: int):
    """Goals of the person's mentee membership in the program."""
    return sa.and_(
        Goal.membership_id == Membership.id,
        Membership.user_id == user_id,
        Membership.program_id == program_id,
    )


def _milestones_confirmed(user_id: int, program_id: int) -> sa.Select:
    return (
        sa.select(sa.func.count(sa.distinct(MilestoneEvent.milestone_id)))
        .join(Milestone, Milestone.id == MilestoneEvent.milestone_id)
        .join(Goal, Goal.id == Milestone.goal_id)
        .join(Membership, _of_mentee(user_id, program_id))
        .where(MilestoneEvent.action == MilestoneAction.CONFIRMED)
    )


def _goals_completed(user_id: int, program_id: int) -> sa.Select:
    return sa.select(sa.func.count(PointsAward.id)).where(
        PointsAward.user_id == user_id,
        PointsAward.program_id == program_id,
        PointsAward.reason == game.Reason.GOAL.value,
    )


def _kudos_received(user_id: int, program_id: int) -> sa.Select:
    return (
        sa.select(sa.func.count(Kudos.id))
        .join(Mentorship, Mentorship.id == Kudos.mentorship_id)
        .where(Kudos.mentee_id == user_id, Mentorship.program_id == program_id)
    )


def milestones_confirmed(user_id: int, program_id: int) -> int:
    """Milestones a mentor has ever confirmed for this mentee: a count that only grows."""
    return db.session.scalar(_milestones_confirmed(user_id, program_id))


def goals_completed(user_id: int, program_id: int) -> int:
    """Goal awards are never reversed, so their count only grows."""
    return db.session.scalar(_goals_completed(user_id, program_id))


def kudos_received(user_id: int, program_id: int) -> int:
    return db.session.scalar(_kudos_received(user_id, program_id))


MENTEE_COUNTED = (Metric.MILESTONES_CONFIRMED, Metric.GOALS_COMPLETED, Metric.KUDOS_RECEIVED)


def mentee_counts(user_id: int, program_id: int, **also: sa.Select) -> dict[str, int | None]:
    """The counts behind a mentee's metrics, and any single values ``also`` asks for by name,
    side by side in one statement."""
    counts = {
        Metric.MILESTONES_CONFIRMED: _milestones_confirmed(user_id, program_id),
        Metric.GOALS_COMPLETED: _goals_completed(user_id, program_id),
        Metric.KUDOS_RECEIVED: _kudos_received(user_id, program_id),
        **also,
    }
    row = db.session.execute(sa.select(*(q.scalar_subquery() for q in counts.values()))).one()
    return dict(zip(counts, row, strict=True))


def mentee_metrics(
    weeks: set[WeekKey], state: game.StreakState, counts: dict[str, int | None]
) -> dict[str, int]:
    """Every user-scope metric of a mentee, from their check-in weeks, streak and
    ``mentee_counts``."""
    return {
        Metric.CHECKINS: len(weeks),
        **game.from_streak(state),
        **{metric: counts[metric] for metric in MENTEE_COUNTED},
    }


def _answered_statements() -> tuple[sa.Select, sa.Select]:
    """The mentor's acknowledged check-ins and milestone reviews in the program, each with
    when it was asked and answered (``mentor_id``, ``program_id``)."""
    mentee = aliased(Membership)
    checkins = (
        sa.select(CheckIn.id, CheckIn.updated_at, CheckIn.acknowledged_at)
        .join(mentee, mentee.id == CheckIn.membership_id)
        .where(
            CheckIn.acknowledged_by_id == sa.bindparam("mentor_id"),
            mentee.program_id == sa.bindparam("program_id"),
        )
    )
    submitted = aliased(MilestoneEvent)
    latest = (
        sa.select(submitted)
        .where(
            submitted.milestone_id == MilestoneEvent.milestone_id,
            submitted.action == MilestoneAction.SUBMITTED,
            submitted.at <= MilestoneEvent.at,
        )
        .order_by(submitted.at.desc(), submitted.id.desc())
        .limit(1)
    )
    reviews = (
        sa.select(
            latest.with_only_columns(submitted.id).scalar_subquery(),
            latest.with_only_columns(submitted.at).scalar_subquery(),
            MilestoneEvent.at,
        )
        .join(Milestone, Milestone.id == MilestoneEvent.milestone_id)
        .join(Goal, Goal.id == Milestone.goal_id)
        .join(Mentorship, Mentorship.id == Goal.mentorship_id)
        .where(
            MilestoneEvent.actor_id == sa.bindparam("mentor_id"),
            MilestoneEvent.action.in_([MilestoneAction.CONFIRMED, MilestoneAction.SENT_BACK]),
            Mentorship.program_id == sa.bindparam("program_id"),
        )
    )
    return checkins, reviews


# Built once: building them (and their cache keys) cost more than running them.
_ANSWERED_CHECKINS, _ANSWERED_REVIEWS = _answered_statements()


def timely_responses(mentor_id: int, program_id: int) -> int:
    """Check-ins and milestone submissions the mentor answered within 72 hours, each counted
    once however often it was answered (two queries).

    A review answers the milestone's latest submission before it; a review without one (a
    direct confirmation) answers nothing. The time difference is taken in Python: date
    arithmetic is not portable SQL.
    """
    values = {"mentor_id": mentor_id, "program_id": program_id}
    checkins = db.session.execute(_ANSWERED_CHECKINS, values).all()
    reviews = db.session.execute(_ANSWERED_REVIEWS, values).all()
    return game.timely_answers(
        [(("checkin", id_), asked, answered) for id_, asked, answered in checkins]
        + [(("milestone", id_), asked, answered) for id_, asked, answered in reviews]
    )


_MENTOR = aliased(Membership)
_MENTOR_MEETINGS = (
    sa.select(sa.func.count(Meeting.id))
    .join(MentorshipMember, MentorshipMember.mentorship_id == Meeting.mentorship_id)
    .join(_MENTOR, _MENTOR.id == MentorshipMember.membership_id)
    .where(
        Meeting.status == MeetingStatus.HELD.literal,
        _MENTOR.user_id == sa.bindparam("mentor_id"),
        _MENTOR.program_id == sa.bindparam("program_id"),
        _MENTOR.role == Role.MENTOR,
    )
)


def mentor_meetings(mentor_id: int, program_id: int) -> int:
    """Held meetings of the mentor's pairs in the program."""
    values = {"mentor_id": mentor_id, "program_id": program_id}
    return db.session.scalar(_MENTOR_MEETINGS, values)


def mentor_metrics(mentor_id: int, program_id: int) -> dict[str, int]:
    return {
        Metric.TIMELY_RESPONSES: timely_responses(mentor_id, program_id),
        Metric.MENTOR_MEETINGS: mentor_meetings(mentor_id, program_id),
    }


def held_meeting_weeks(mentorship_ids: Iterable[int], zone: str) -> dict[int, list[WeekKey]]:
    """Per mentorship, the program week of each held meeting (one entry per meeting)."""
    weeks: dict[int, list[WeekKey]] = defaultdict(list)
    rows = db.session.execute(
        sa.select(Meeting.mentorship_id, Meeting.starts_at).where(
            Meeting.mentorship_id.in_(list(mentorship_ids)),
            Meeting.status == MeetingStatus.HELD.literal,
        )
    )
    for mentorship_id, starts_at in rows:
        weeks[mentorship_id].append(week_of(local_date(starts_at, zone)))
    return weeks


def pair_metrics(
    meeting_weeks: list[WeekKey],
    calendar: game.ProgramCalendar,
    matched: WeekKey,
    now: WeekKey | None = None,
) -> dict[str, int]:
    """Dream Team counts held meetings; Full Term reads the rhythm, from the week the pair was
    matched, once the term has ended. ``now``: the program's week now (``week_now``), when
    the caller already knows it."""
    now = now or week_now(calendar.zone)
    rhythm = game.compute_rhythm(meeting_weeks, calendar, now, matched)
    return {
        Metric.PAIR_MEETINGS: len(meeting_weeks),
        Metric.PAIR_ACTIVE_SIXTHS: game.full_term_sixths(rhythm, calendar, now, matched),
    }


def mentorship_people(mentorship_id: int) -> dict[Role, set[int]]:
    """User ids of the mentorship's mentors and mentees."""
    people: dict[Role, set[int]] = defaultdict(set)
    rows = db.session.execute(
        sa.select(Membership.role, Membership.user_id)
        .join(MentorshipMember, MentorshipMember.membership_id == Membership.id)
        .where(MentorshipMember.mentorship_id == mentorship_id)
    )
    for role, user_id in rows:
        people[role].add(user_id)
    return people
