"""Recording what happened: a game event in, the rows it earns written, in the caller's transaction.

``record`` is what the feature services call just before they commit, so an action and its
award are saved together or not at all. It locks the players (``store`` says how that
serializes on SQLite and PostgreSQL), reads the small ``LedgerView`` the rules need with a fixed
number of indexed queries, lets ``game.decide`` choose the rows, writes the new ones, moves the
cached totals by what was new, and awards the badges the event may have earned.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import g, has_request_context

import game
from game.metrics import Metric

from .. import clock, core_writes
from ..calendars import calendar_of, matched_week, program_calendar
from ..extensions import db
from ..models import (
    BadgeEarned,
    Goal,
    Kudos,
    Mentorship,
    PointsAward,
    Program,
    Role,
    StreakRepair,
    Survey,
)
from ..nudges import causes as nudge_causes
from . import sources, store

RULES = {rule.id: rule for rule in game.BADGES}


@dataclass(frozen=True)
class EarnedBadge:
    user_id: int
    rule: game.BadgeRule
    tier: int

    @property
    def tier_label(self) -> str:
        return self.rule.tiers[self.tier - 1].label


@dataclass(frozen=True)
class Outcome:
    """What one recording changed: new ledger rows, new badges, each payee's points before and
    after, and the streak when the event was a check-in."""

    entries: tuple[game.Entry, ...] = ()
    badges: tuple[EarnedBadge, ...] = ()
    points: Mapping[int, tuple[int, int]] = field(default_factory=dict)
    streak: game.StreakState | None = None


@dataclass(frozen=True)
class _Reading:
    view: game.LedgerView = field(default_factory=game.LedgerView)
    streak: game.StreakState | None = None
    checkins: int = 0
    held: sources.Held | None = None  # badges held, when the reading had them already
    known_keys: frozenset[str] = frozenset()  # keys already in the ledger: not written again


@dataclass(frozen=True)
class Mentee:
    """A check-in's mentee membership and the week they joined, when the caller has them."""

    membership_id: int
    joined: game.WeekKey


BadgeGroup = tuple[frozenset[int], str, dict[str, int]]
"""People, the subject they earn as (``user``, ``mentor``, ``pair:<id>``) and their metrics."""


def record(event: game.Event, mentee: Mentee | None = None) -> Outcome:
    """Write what ``event`` earns; recording it again writes nothing and returns an empty
    outcome. Raises ``game.NotTheMentor`` when someone else confirms or sends back.
    ``mentee``: a check-in's membership, when the caller has it (one read fewer)."""
    program_id = _program_of(event)
    every_program = isinstance(event, game.MeetingHeld)  # the weekly cap spans programs
    payees = _payees(event)
    store.lock_players(payees, program_id, every_program)
    reading = _read(event, program_id, mentee)
    decided = [e for e in game.decide(event, reading.view) if e.key not in reading.known_keys]
    written = store.write_entries(decided, program_id)
    deltas: Counter[int] = Counter()
    for entry in written:
        deltas[entry.user_id] += entry.amount
    totals = store.add_points({user: deltas[user] for user in payees | set(deltas)}, program_id)
    groups = _badge_groups(event, program_id, reading)
    badges = award_badges(groups, program_id, reading.held)
    nudge_causes.badges_earned(badges, program_id)
    outcome = Outcome(
        entries=written,
        badges=badges,
        points={user: (total - deltas[user], total) for user, total in totals.items()},
        streak=reading.streak,
    )
    _remember(outcome)
    return outcome


def recognise_mentor(mentor_id: int, program_id: int) -> Outcome:
    """Responsive Mentor, after the mentor acknowledged a check-in."""
    metrics = {Metric.TIMELY_RESPONSES: sources.timely_responses(mentor_id, program_id)}
    outcome = Outcome(
        badges=award_badges([(frozenset({mentor_id}), "mentor", metrics)], program_id)
    )
    nudge_causes.badges_earned(outcome.badges, program_id)
    _remember(outcome)
    return outcome


def award_badges(
    groups: Iterable[BadgeGroup], program_id: int, held: sources.Held | None = None
) -> tuple[EarnedBadge, ...]:
    """Insert each tier now earned and not yet held; only rows that were new are returned.
    ``held``: the badges the groups' people hold here, when the caller read them already."""
    groups = list(groups)
    if not groups:
        return ()
    if held is None:
        people = {user for users, _, _ in groups for user in users}
        held = sources.badges_held(people, program_id)
    earned = []
    for users, subject, metrics in groups:
        rules = [rule for rule in game.BADGES if rule.metric in metrics]
        for user in sorted(users):
            for award in game.evaluate(rules, metrics, held[user]):
                values = {
                    "user_id": user,
                    "program_id": program_id,
                    "badge_id": award.badge_id,
                    "tier": award.tier,
                    "rule_version": award.rule_version,
                    "subject": subject,
                }
                unique = ["user_id", "badge_id", "tier", "program_id"]
                if store.insert_once(BadgeEarned, values, unique):
                    earned.append(EarnedBadge(user, RULES[award.badge_id], award.tier))
                held[user].add((award.badge_id, award.tier))
    return tuple(earned)


def _remember(outcome: Outcome) -> None:
    """Keep the outcome for this request's celebration (``celebrations`` sends it)."""
    if has_request_context() and (outcome.entries or outcome.badges):
        g.setdefault("game_outcomes", []).append(outcome)


def _program_of(event: game.Event) -> int:
    match event:
        case game.MilestoneSentBack():
            return db.session.scalar(
                sa.select(Mentorship.program_id)
                .join(Goal, Goal.mentorship_id == Mentorship.id)
                .where(Goal.id == event.goal_id)
            )
        case game.SurveyAnswered():
            return db.session.scalar(
                sa.select(Survey.program_id).where(Survey.id == event.survey_id)
            )
    return event.program_id


def _payees(event: game.Event) -> set[int]:
    """Whose totals the event may move: they are locked before anything is read."""
    match event:
        case game.CheckIn() | game.SurveyAnswered():
            return {event.user_id}
        case game.MeetingHeld():
            return set(event.participant_ids - event.mentor_ids)
        case game.MilestoneConfirmed() | game.MilestoneSentBack() | game.GoalCompleted():
            return {event.mentee_id}
    return set()


def _read(event: game.Event, program_id: int, mentee: Mentee | None) -> _Reading:
    match event:
        case game.CheckIn():
            return _checkin_reading(event, program_id, mentee)
        case game.MeetingHeld():
            counts = db.session.execute(
                sa.select(PointsAward.user_id, sa.func.count(PointsAward.id))
                .where(
                    PointsAward.user_id.in_(sorted(event.participant_ids)),
                    PointsAward.reason == game.Reason.MEETING.value,
                    PointsAward.week_key == str(event.week),
                )
                .group_by(PointsAward.user_id)
            )
            return _Reading(game.LedgerView(meeting_awards_in_week=dict(counts.all())))
        case game.MilestoneConfirmed() | game.MilestoneSentBack():
            return _Reading(_milestone_view(event.milestone_id, event.goal_id))
    return _Reading()


def _checkin_reading(event: game.CheckIn, program_id: int, mentee: Mentee | None) -> _Reading:
    """The streak as of the check-in's week, from the membership's stored week keys, with the
    badges held and the ledger keys already there: one statement after the lock (two when
    the caller did not know the membership)."""
    if mentee is None:
        found = sources.mentee_membership(event.user_id, program_id)
        if found is None:
            comeback_paid = db.session.scalar(
                sa.select(
                    sa.exists().where(
                        PointsAward.user_id == event.user_id,
                        PointsAward.program_id == program_id,
                        PointsAward.reason == game.Reason.COMEBACK.value,
                    )
                )
            )
            return _Reading(game.LedgerView(comeback_paid_in_program=comeback_paid))
        mentee = Mentee(*found)
    inputs = sources.checkin_inputs(event.user_id, program_id, mentee.membership_id, event.week)
    weeks = inputs.weeks | {event.week}
    calendar = program_calendar(db.session.get(Program, program_id), inputs.break_mondays)
    state = game.compute_streak(weeks, calendar, event.week, inputs.repaired, mentee.joined)
    return _Reading(
        game.LedgerView(comeback_paid_in_program=inputs.comeback_paid, streak=state),
        streak=state,
        checkins=len(weeks),
        held=inputs.held,
        known_keys=inputs.known_keys,
    )


def _milestone_view(milestone_id: int, goal_id: int) -> game.LedgerView:
    """One indexed query for the goal's milestone rows (a handful), answered as
    ``game.Ledger.view_for`` answers it."""
    rows = db.session.execute(
        sa.select(
            PointsAward.key, PointsAward.amount, PointsAward.reason, PointsAward.target_key
        ).where(
            PointsAward.goal_id == goal_id,
            PointsAward.reason.in_(
                [game.Reason.MILESTONE.value, game.Reason.MILESTONE_SENT_BACK.value]
            ),
        )
    ).all()
    reversed_keys = {row.target_key for row in rows if row.target_key}
    prefix = game.milestone_reversal_key(milestone_id, 0).removesuffix("0")
    reversals = sum(1 for row in rows if row.key.startswith(prefix))
    standing_key = game.milestone_key(milestone_id, reversals + 1)
    return game.LedgerView(
        milestone_awards_in_goal=sum(
            1
            for row in rows
            if row.reason == game.Reason.MILESTONE.value and row.key not in reversed_keys
        ),
        milestone_reversals=reversals,
        standing_milestone_amount=next(
            (row.amount for row in rows if row.key == standing_key), None
        ),
    )


def _badge_groups(event: game.Event, program_id: int, reading: _Reading) -> list[BadgeGroup]:
    """Which badges the event may have moved, and for whom."""
    match event:
        case game.CheckIn() if reading.streak is not None:
            metrics = {Metric.CHECKINS: reading.checkins, **game.from_streak(reading.streak)}
            return [(frozenset({event.user_id}), "user", metrics)]
        case game.MilestoneConfirmed():
            confirmed = sources.milestones_confirmed(event.mentee_id, program_id)
            return [
                (frozenset({event.mentee_id}), "user", {Metric.MILESTONES_CONFIRMED: confirmed}),
                _mentor_group(event.confirmed_by, program_id),
            ]
        case game.MilestoneSentBack():
            return [_mentor_group(event.sent_back_by, program_id)]
        case game.GoalCompleted():
            completed = sources.goals_completed(event.mentee_id, program_id)
            return [(frozenset({event.mentee_id}), "user", {Metric.GOALS_COMPLETED: completed})]
        case game.KudosGiven():
            received = sources.kudos_received(event.mentee_id, program_id)
            return [(frozenset({event.mentee_id}), "user", {Metric.KUDOS_RECEIVED: received})]
        case game.MeetingHeld():
            return _meeting_groups(event, program_id)
    return []


def _mentor_group(mentor_id: int, program_id: int) -> BadgeGroup:
    responses = sources.timely_responses(mentor_id, program_id)
    return frozenset({mentor_id}), "mentor", {Metric.TIMELY_RESPONSES: responses}


def _meeting_groups(event: game.MeetingHeld, program_id: int) -> list[BadgeGroup]:
    """Dream Team and Full Term for everyone in the pair; Steady Guide for its mentors."""
    people = sources.mentorship_people(event.mentorship_id)
    calendar = calendar_of(program_id)
    weeks = sources.held_meeting_weeks([event.mentorship_id], calendar.zone)
    matched = matched_week(db.session.get(Mentorship, event.mentorship_id), calendar)
    members = frozenset(people[Role.MENTOR] | people[Role.MENTEE])
    groups: list[BadgeGroup] = [
        (
            members,
            f"pair:{event.mentorship_id}",
            sources.pair_metrics(weeks[event.mentorship_id], calendar, matched),
        )
    ]
    for mentor in sorted(people[Role.MENTOR]):
        meetings = sources.mentor_meetings(mentor, program_id)
        groups.append((frozenset({mentor}), "mentor", {Metric.MENTOR_MEETINGS: meetings}))
    return groups


def kudos_month(zone: str) -> str:
    """Kudos are counted per calendar month in the mentor's own zone."""
    return clock.utcnow().astimezone(ZoneInfo(zone)).strftime("%Y-%m")


class KudosAlreadyGiven(Exception):
    """This mentee already has kudos this month in this program."""


def give_kudos(
    mentorship: Mentorship, mentor_id: int, mentee_id: int, month: str, note: str
) -> Outcome:
    """Save the note (once a month per mentee in the program) and award the Kudos badge.

    The note is stored under ``game.kudos_key``, UNIQUE: a double submit, or a second mentor
    of the same mentee that month, is ignored and reported, nothing else is written.
    """
    values = {
        "key": game.kudos_key(mentorship.program_id, mentee_id, month),
        "mentorship_id": mentorship.id,
        "mentor_id": mentor_id,
        "mentee_id": mentee_id,
        "month": month,
        "note": note,
    }
    if not store.insert_once(Kudos, values, ["key"]):
        raise KudosAlreadyGiven(month)
    outcome = record(game.KudosGiven(mentor_id, mentee_id, mentorship.program_id, month, note))
    nudge_causes.kudos_given(values["key"], mentor_id, mentee_id)
    core_writes.pairs_written([mentorship.id])
    db.session.commit()
    return outcome


class RepairRefused(Exception):
    """That week cannot be repaired (any more): see ``repairable_weeks``."""


def repairable_weeks(
    weeks: set[game.WeekKey],
    calendar: game.ProgramCalendar,
    now_week: game.WeekKey,
    repair: StreakRepair | None,
    since: game.WeekKey,
) -> list[game.WeekKey]:
    """Missed program weeks a mentor may still repair: none once one was repaired in this
    program; else the weeks since the mentee joined (``since``) without a check-in that ended
    within the last 14 days."""
    if repair is not None:
        return []
    last, before = now_week.previous(), now_week.previous().previous()
    return [
        week
        for week in (last, before)
        if week in calendar
        and week >= since
        and not calendar.is_break(week)
        and week not in weeks
        and game.can_repair(now_week, week, repairs_used_in_program=0)
    ]


def repair_streak(
    mentee_membership_id: int,
    program_id: int,
    now_week: game.WeekKey,
    since: game.WeekKey,
    mentor_id: int,
    week: game.WeekKey,
    reason: str,
) -> None:
    """Make one missed week of the mentee's neutral (their streak carries on), once per
    program; the UNIQUE membership constraint settles two mentors repairing at once.
    ``now_week`` is the mentee's week now, ``since`` the week they joined."""
    weeks = sources.checkin_weeks([mentee_membership_id])[mentee_membership_id]
    calendar = calendar_of(program_id)
    if week not in repairable_weeks(weeks, calendar, now_week, None, since):
        raise RepairRefused(str(week))
    values = {
        "membership_id": mentee_membership_id,
        "week_key": str(week),
        "mentor_id": mentor_id,
        "reason": reason,
    }
    if not store.insert_once(StreakRepair, values, ["membership_id"]):
        raise RepairRefused(str(week))
    db.session.commit()
