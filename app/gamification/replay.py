"""The game's recorded facts, read in a fixed number of queries, replayed through the rules.

``flask game rebuild`` must know which ledger rows and badges the facts call for without
restating a rule. Each completed goal and answered survey becomes the event its feature hook
records, and ``game.decide`` chooses its rows (they read nothing from the ledger). Check-ins,
held meetings and milestone reviews, the bulk of a year, go through the rules' one-pass replays
(``game.points.replay_checkins_at``, ``replay_meetings``, ``replay_reviews``), which write the
same rows without an event or a view per fact. Badges are evaluated from the same metrics the
live recording reads.

Events of one kind depend only on earlier events of that kind (a comeback on earlier check-ins,
the weekly cap on earlier meetings, a milestone's cycle on its earlier reviews), so each kind is
replayed in its own time order. A mentor's repair counts for every check-in of the membership,
also those made before the repair: a comeback paid before it is then not expected, and since the
rebuild reports only missing rows, that is no difference.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import aliased

import game
from game.metrics import Answer, Metric
from game.points import replay_checkins_at, replay_meetings, replay_reviews
from game.weeks import WeekKey, WeekZones, week_of

from ..calendars import all_calendars, week_at
from ..extensions import db
from ..models import (
    CheckIn,
    Goal,
    Kudos,
    Meeting,
    MeetingConfirmation,
    MeetingStatus,
    Membership,
    Mentorship,
    MentorshipMember,
    Milestone,
    MilestoneAction,
    MilestoneEvent,
    Role,
    StreakRepair,
    Survey,
    SurveyResponse,
    User,
)
from ..weeks import request_now
from . import sources
from .service import BadgeGroup

STREAM_ROWS = 20_000  # rows fetched at a time


@dataclass(frozen=True)
class Member:
    user_id: int
    program_id: int
    role: Role
    zones: WeekZones  # which zone decides the person's weeks (a new zone waits a week)
    joined: WeekKey  # in the person's own zone


@dataclass(frozen=True)
class Pair:
    program_id: int
    matched: WeekKey  # in the program's zone
    members: tuple[int, ...]  # membership ids


Review = tuple[int, int, int | None, bool, int, int]
"""(milestone, goal, actor, confirmed, mentee membership, mentorship) of a milestone review."""

Payment = tuple[int, int, WeekKey]
"""(meeting, user, the meeting's program week): one person, not a mentor of the pair, whom a
held meeting pays."""


@dataclass
class Facts:
    """Everything the game is derived from, across all programs."""

    calendars: dict[int, game.ProgramCalendar]
    members: dict[int, Member]
    pairs: dict[int, Pair]
    mentors: dict[int, frozenset[int]]  # mentorship -> its mentors' user ids
    checkins: dict[int, set[str]]  # mentee membership -> counted weeks (stored form)
    repairs: dict[int, WeekKey]
    payments: list[Payment]  # who each held meeting pays, in the order they were paid
    meeting_programs: dict[int, int]  # held meeting -> its program
    meeting_weeks: dict[int, list[WeekKey]]  # mentorship -> the week of each held meeting
    reviews: list[Review]  # in time order
    timely: Counter[tuple[int, int]]  # (mentor user, program) -> asks answered within 72 hours
    goals: list[tuple[int, int]]  # (goal, mentee membership), in completion order
    kudos: Counter[tuple[int, int]]  # (mentee user, program) -> received
    surveys: list[tuple[int, int, int]]  # (survey, user, program) of each survey answered


def read() -> Facts:
    """Thirteen queries, however many programs, people and rows; the large ones read plain
    columns as tuples, a batch at a time, and instants as naive UTC (see ``_naive``)."""
    calendars = all_calendars()
    members = {
        row.id: Member(
            row.user_id,
            row.program_id,
            row.role,
            WeekZones(
                row.time_zone,
                row.previous_zone,
                None if row.zone_from_week is None else WeekKey.parse(row.zone_from_week),
            ),
            week_at(row.joined_at, row.time_zone),
        )
        for row in db.session.execute(
            sa.select(
                Membership.id,
                Membership.user_id,
                Membership.program_id,
                Membership.role,
                Membership.joined_at,
                User.time_zone,
                User.previous_zone,
                User.zone_from_week,
            )
            .join(User, User.id == Membership.user_id)
            .where(Membership.role != Role.COORDINATOR)
        )
    }
    pairs = _pairs(calendars)
    mentors = _mentors_of_pairs(members, pairs)
    return Facts(
        calendars=calendars,
        members=members,
        pairs=pairs,
        checkins=_checkin_weeks(),
        repairs={
            membership: WeekKey.parse(week)
            for membership, week in stream(
                sa.select(StreakRepair.membership_id, StreakRepair.week_key)
            )
        },
        mentors=mentors,
        **_meetings(calendars, pairs, mentors),
        **_reviews(pairs),
        goals=[
            (goal, membership)
            for goal, membership in stream(
                sa.select(Goal.id, Goal.membership_id)
                .where(Goal.completed_at.is_not(None))
                .order_by(Goal.completed_at, Goal.id)
            )
        ],
        kudos=Counter(
            {
                (mentee, program): count
                for mentee, program, count in db.session.execute(
                    sa.select(Kudos.mentee_id, Mentorship.program_id, sa.func.count(Kudos.id))
                    .join(Mentorship, Mentorship.id == Kudos.mentorship_id)
                    .group_by(Kudos.mentee_id, Mentorship.program_id)
                )
            }
        ),
        surveys=[
            tuple(row)
            for row in stream(
                sa.select(SurveyResponse.survey_id, SurveyResponse.user_id, Survey.program_id)
                .join(Survey, Survey.id == SurveyResponse.survey_id)
                .order_by(SurveyResponse.id)
            )
        ],
    )


def _mentors_of_pairs(
    members: dict[int, Member], pairs: dict[int, Pair]
) -> dict[int, frozenset[int]]:
    """Each mentorship's mentors, as user ids."""
    return {
        mentorship: frozenset(
            members[m].user_id
            for m in pair.members
            if m in members and members[m].role is Role.MENTOR
        )
        for mentorship, pair in pairs.items()
    }


def _pairs(calendars: dict[int, game.ProgramCalendar]) -> dict[int, Pair]:
    members: dict[int, list[int]] = defaultdict(list)
    matched: dict[int, tuple[int, WeekKey]] = {}
    for mentorship_id, program_id, created_at, membership_id in db.session.execute(
        sa.select(
            Mentorship.id,
            Mentorship.program_id,
            Mentorship.created_at,
            MentorshipMember.membership_id,
        ).outerjoin(MentorshipMember, MentorshipMember.mentorship_id == Mentorship.id)
    ):
        matched[mentorship_id] = program_id, week_at(created_at, calendars[program_id].zone)
        if membership_id is not None:
            members[mentorship_id].append(membership_id)
    return {
        mentorship_id: Pair(program_id, week, tuple(members[mentorship_id]))
        for mentorship_id, (program_id, week) in matched.items()
    }


def stream(statement: sa.Select) -> Iterator[tuple]:
    """Plain tuples with the values a ``Row`` would hold, fetched a batch at a time.

    A ``Row`` costs about a microsecond to make and the rebuild reads 1.7 million: the batches
    come straight from the driver's cursor, and only the columns whose type converts the
    driver's value (an instant stored as text by SQLite, an enum) go through that type's own
    result processor, a column at a time. The statement still runs through the connection,
    so its events and its transaction are the same."""
    result = db.session.connection().execute(statement)
    try:
        cursor = result.cursor
        processors = _processors(statement, cursor.description)
        while batch := cursor.fetchmany(STREAM_ROWS):
            if processors:
                columns = list(zip(*batch, strict=True))
                for index, process in processors:
                    columns[index] = map(process, columns[index])
                batch = zip(*columns, strict=True)
            yield from batch
    finally:
        result.close()


def _processors(statement: sa.Select, description) -> list[tuple[int, Callable]]:
    """(column position, result processor) of each selected column whose type has one."""
    dialect = db.session.get_bind().dialect
    found = []
    for index, (column, described) in enumerate(
        zip(statement.selected_columns, description, strict=True)
    ):
        process = column.type.dialect_impl(dialect).result_processor(dialect, described[1])
        if process is not None:
            found.append((index, process))
    return found


def _naive(column):
    """An instant column read as the naive UTC value it is stored as: the rebuild reads
    hundreds of thousands and only compares and subtracts them (or finds their week)."""
    return sa.type_coerce(column, sa.DateTime())


def _stored(column):
    """An enum column read as the value string it is stored as: hundreds of thousands of
    meetings and milestone events are only told apart by it, an enum object each costs more."""
    return sa.type_coerce(column, sa.String())


def _week_in(zone: str) -> Callable[[datetime], WeekKey]:
    """The week of a naive UTC instant in ``zone``, found once per distinct instant (meetings
    start on the hour or the half hour: a few thousand instants for a year of them)."""
    tz, weeks = ZoneInfo(zone), {}

    def week(instant: datetime) -> WeekKey:
        found = weeks.get(instant)
        if found is None:
            found = weeks[instant] = week_of(instant.replace(tzinfo=UTC).astimezone(tz).date())
        return found

    return week


def _meetings(
    calendars: dict[int, game.ProgramCalendar],
    pairs: dict[int, Pair],
    mentors: dict[int, frozenset[int]],
) -> dict:
    """Held meetings: each pair's meeting weeks, each meeting's program, and who each meeting
    pays in the order they were paid: at the "held", or at a group's late confirmation, the
    later of the two. A mentor's confirmation pays nobody (``service._payees``).

    Both tables are read whole, in their own order, and Python keeps the held meetings, leaves
    the mentors out and sorts the payments: SQLite would otherwise walk the index of held
    meetings and look up each meeting, each confirmation and each confirming mentor, and sort
    on the later of two instants, four times the cost at 400,000 confirmations."""
    weeks, held, held_status = defaultdict(list), {}, MeetingStatus.HELD.value
    in_zone = {program: _week_in(calendar.zone) for program, calendar in calendars.items()}
    for meeting, mentorship, status, starts_at, held_at in stream(
        sa.select(
            Meeting.id,
            Meeting.mentorship_id,
            _stored(Meeting.status),
            _naive(Meeting.starts_at),
            _naive(Meeting.held_at),
        )
    ):
        if status == held_status:
            program = pairs[mentorship].program_id
            week = in_zone[program](starts_at)
            held[meeting] = week, program, held_at, mentors[mentorship]
            weeks[mentorship].append(week)
    paid = []
    for meeting, user, at in stream(
        sa.select(
            MeetingConfirmation.meeting_id,
            MeetingConfirmation.user_id,
            _naive(MeetingConfirmation.at),
        )
    ):
        found = held.get(meeting)
        if found is not None and user not in found[3]:
            held_at = found[2]
            paid_at = held_at if held_at is not None and held_at > at else at
            paid.append((paid_at, meeting, user, found[0]))
    paid.sort()  # (meeting, user) is unique: the week is never compared
    payments = [row[1:] for row in paid]
    programs = {meeting: found[1] for meeting, found in held.items()}
    return {"payments": payments, "meeting_weeks": weeks, "meeting_programs": programs}


def _checkin_weeks() -> dict[int, set[str]]:
    """The stored week of each counted check-in, per mentee membership: one row per mentee,
    its weeks joined into one string by the database."""
    weeks = sa.func.aggregate_strings(CheckIn.week_key, ",")
    return {
        membership_id: set(joined.split(","))
        for membership_id, joined in stream(
            sa.select(CheckIn.membership_id, weeks)
            .join(Membership, Membership.id == CheckIn.membership_id)
            .where(Membership.role == Role.MENTEE, CheckIn.mood.is_not(None))
            .group_by(CheckIn.membership_id)
        )
    }


def _reviews(pairs: dict[int, Pair]) -> dict:
    """Milestone reviews in time order, and each mentor's asks answered in time (as
    ``sources.timely_responses`` counts them, for every mentor at once): a review answers the
    milestone's latest submission at or before it, an acknowledged check-in its update."""
    submitted: dict[int, tuple[list[datetime], list[int]]] = defaultdict(lambda: ([], []))
    reviews, answered_at = [], []
    submission, confirmation = MilestoneAction.SUBMITTED.value, MilestoneAction.CONFIRMED.value
    for event_id, milestone, goal, actor, action, at, membership, pair in stream(
        sa.select(
            MilestoneEvent.id,
            MilestoneEvent.milestone_id,
            Milestone.goal_id,
            MilestoneEvent.actor_id,
            _stored(MilestoneEvent.action),
            _naive(MilestoneEvent.at),
            Goal.membership_id,
            Goal.mentorship_id,
        )
        .join(Milestone, Milestone.id == MilestoneEvent.milestone_id)
        .join(Goal, Goal.id == Milestone.goal_id)
        .where(
            MilestoneEvent.action.in_(
                [MilestoneAction.SUBMITTED, MilestoneAction.CONFIRMED, MilestoneAction.SENT_BACK]
            )
        )
        .order_by(MilestoneEvent.at, MilestoneEvent.id)
    ):
        if action == submission:
            times, ids = submitted[milestone]
            times.append(at)
            ids.append(event_id)
            continue
        confirmed = action == confirmation
        reviews.append((milestone, goal, actor, confirmed, membership, pair))
        answered_at.append(at)
    answers: dict[tuple[int, int], list[Answer]] = defaultdict(list)
    for (milestone, _, actor, _, _, pair), at in zip(reviews, answered_at, strict=True):
        times, ids = submitted.get(milestone, ((), ()))
        latest = bisect_right(times, at)  # ordered by (at, id): the last one is the latest
        if actor is not None and latest:
            answers[actor, pairs[pair].program_id].append(
                (("milestone", ids[latest - 1]), times[latest - 1], at)
            )
    timely = Counter({key: game.timely_answers(asks) for key, asks in answers.items()})
    mentee, in_time = aliased(Membership), game.answered_in_time
    for mentor, program, asked, answered in stream(
        sa.select(
            CheckIn.acknowledged_by_id,
            mentee.program_id,
            _naive(CheckIn.updated_at),
            _naive(CheckIn.acknowledged_at),
        )
        .join(mentee, mentee.id == CheckIn.membership_id)
        .where(CheckIn.acknowledged_by_id.is_not(None))
    ):  # each check-in is one ask of its own: counted as it comes, no set of asks needed
        if asked is not None and answered is not None and in_time(asked, answered):
            timely[mentor, program] += 1
    return {"reviews": reviews, "timely": timely}


Row = tuple[int, int, int, game.Reason, WeekKey | None, int | None, str | None]
"""An expected ledger row: user, amount, program, reason, week, goal, the key it reverses."""


@dataclass
class Replay:
    """What the facts call for: every ledger row by key (in ledger order), the goals paid per
    person and program, the badge groups of each program, and the facts the rules refused.
    Check-ins, meetings and milestone reviews are replayed in one pass each
    (``game.points.replay_checkins_at``, ``replay_meetings``, ``replay_reviews``); completed
    goals and surveys are decided one by one: what they pay reads nothing from the ledger, so
    the first row under a key is the one kept, as the reference ledger keeps it."""

    rows: dict[str, Row] = field(default_factory=dict)
    goals: Counter[tuple[int, int]] = field(default_factory=Counter)
    groups: dict[int, list[BadgeGroup]] = field(default_factory=lambda: defaultdict(list))
    refused: list[str] = field(default_factory=list)

    def record(self, event: game.GoalCompleted | game.SurveyAnswered, program_id: int) -> None:
        for entry in game.decide(event, _NO_VIEW):
            if entry.key in self.rows:
                continue
            self.rows[entry.key] = (
                entry.user_id,
                entry.amount,
                program_id,
                entry.reason,
                getattr(entry, "week", None),
                entry.goal_id,
                None,
            )
            if entry.reason is game.Reason.GOAL:
                self.goals[entry.user_id, program_id] += 1


_NO_VIEW = game.LedgerView()


def replay(facts: Facts) -> Replay:
    """Every event through the rules into the expected rows, then every badge group."""
    result = Replay()
    streaks = _checkins(facts, result)
    _meetingstream(facts, result)
    _reviews_and_goals(facts, result, facts.mentors)
    _surveys(facts, result)
    _badge_groups(facts, result, streaks)
    return result


def _checkins(facts: Facts, result: Replay) -> dict[int, game.StreakState]:
    """Each mentee's check-ins in week order, each decided with the streak as of its week (one
    walk per mentee, over the weeks' positions in the calendar); returns each mentee
    membership's streak as of now."""
    now: dict[int, game.StreakState] = {}
    instant = request_now()
    rows = result.rows
    positions = {
        program: {text: index for index, text in enumerate(calendar.week_texts())}
        for program, calendar in facts.calendars.items()
    }
    for membership, member in _mentees(facts):
        user, program = member.user_id, member.program_id
        repairs = (facts.repairs[membership],) if membership in facts.repairs else ()
        texts = facts.checkins.get(membership, ())
        counted = set(map(positions[program].get, texts))
        off = ()
        if None in counted:  # weeks off the program's calendar
            counted.discard(None)
            off = [WeekKey.parse(text) for text in texts if text not in positions[program]]
        entries, now[membership] = replay_checkins_at(
            user,
            program,
            counted,
            facts.calendars[program],
            member.zones.week_at(instant),
            repairs,
            member.joined,
            taken=rows,
            off=off,
        )
        for key, amount, reason, week in entries:
            rows[key] = user, amount, program, reason, week, None, None
    return now


def _meetingstream(facts: Facts, result: Replay) -> None:
    """Each payee in turn, under the weekly cap."""
    rows, programs = result.rows, facts.meeting_programs
    for key, meeting, user, week in replay_meetings(facts.payments, rows):
        rows[key] = (
            user,
            game.MEETING_POINTS,
            programs[meeting],
            game.Reason.MEETING,
            week,
            None,
            None,
        )


def _mentees(facts: Facts) -> Iterator[tuple[int, Member]]:
    return ((m, member) for m, member in facts.members.items() if member.role is Role.MENTEE)


def _reviews_and_goals(facts: Facts, result: Replay, mentors: dict[int, frozenset[int]]) -> None:
    """Milestone reviews in one pass (``game.points.replay_reviews``), then completed goals."""
    members, none = facts.members, frozenset()
    reviews = [
        (milestone, goal, members[membership].user_id, actor, mentors.get(pair, none), confirmed)
        for milestone, goal, actor, confirmed, membership, pair in facts.reviews
    ]
    rows, refused = replay_reviews(reviews)
    program_of = {goal: members[m].program_id for _, goal, _, _, m, _ in facts.reviews}
    for key, user, amount, reason, goal, target in rows:
        result.rows.setdefault(key, (user, amount, program_of[goal], reason, None, goal, target))
    for position in refused:
        milestone, _, actor, *_ = facts.reviews[position]
        result.refused.append(
            f"milestone {milestone} was reviewed by user {actor}, "
            "who is not a mentor of its mentorship"
        )
    for goal, membership in facts.goals:
        mentee = facts.members[membership]
        event = game.GoalCompleted(goal, mentee.program_id, mentee.user_id)
        result.record(event, mentee.program_id)


def _surveys(facts: Facts, result: Replay) -> None:
    """Surveys answered pay mentees only, as the live answer does."""
    mentees = {(member.user_id, member.program_id) for _, member in _mentees(facts)}
    for survey, user, program in facts.surveys:
        if (user, program) in mentees:
            result.record(game.SurveyAnswered(survey, user), program)


def _badge_groups(facts: Facts, result: Replay, streaks: dict[int, game.StreakState]) -> None:
    """Each subject's metrics as the live recording reads them, per program."""
    confirmed: dict[int, set[int]] = defaultdict(set)
    for milestone, _, _, is_confirmed, membership, _ in facts.reviews:
        if is_confirmed:
            confirmed[membership].add(milestone)
    for membership, member in _mentees(facts):
        user, program = member.user_id, member.program_id
        metrics = {
            Metric.CHECKINS: len(facts.checkins.get(membership, ())),
            **game.from_streak(streaks[membership]),
            Metric.MILESTONES_CONFIRMED: len(confirmed[membership]),
            Metric.GOALS_COMPLETED: result.goals[user, program],
            Metric.KUDOS_RECEIVED: facts.kudos[user, program],
        }
        result.groups[program].append((frozenset({user}), "user", metrics))
    meetings_of: Counter[int] = Counter()
    for mentorship, pair in facts.pairs.items():
        for membership in pair.members:
            meetings_of[membership] += len(facts.meeting_weeks.get(mentorship, ()))
    for membership, member in facts.members.items():
        if member.role is Role.MENTOR:
            metrics = {
                Metric.TIMELY_RESPONSES: facts.timely[member.user_id, member.program_id],
                Metric.MENTOR_MEETINGS: meetings_of[membership],
            }
            result.groups[member.program_id].append(
                (frozenset({member.user_id}), "mentor", metrics)
            )
    now = {program: sources.week_now(c.zone) for program, c in facts.calendars.items()}
    for mentorship, pair in facts.pairs.items():
        people = frozenset(facts.members[m].user_id for m in pair.members if m in facts.members)
        program = pair.program_id
        metrics = sources.pair_metrics(
            facts.meeting_weeks.get(mentorship, []),
            facts.calendars[program],
            pair.matched,
            now[program],
        )
        result.groups[pair.program_id].append((people, f"pair:{mentorship}", metrics))
