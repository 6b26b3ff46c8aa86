"""Points for mentees: what each event pays, under which key, within which caps.

``decide`` turns one event and a small view of the ledger into the rows to write. Every row has
an idempotency key (see ``game.keys``), so writing the same decision twice changes nothing.

Caps: at most 2 meeting awards per user per week, at most 6 standing milestone awards per goal
(a milestone sent back frees its place). A cap is read from the view, so the app must read the
view and write the rows in one serialized transaction (BEGIN IMMEDIATE on SQLite, a row lock on
PostgreSQL); the UNIQUE key alone protects against repeats, not against two different meetings
racing for the last place.

Streak awards are paid when the best streak of the program reaches 4, 12 and 26 weeks (once
each per program). The comeback award is paid for the check-in that starts a new streak after an
earlier one ended, once per program term. A completed goal is paid once; sending one of its
milestones back later does not take that away. Mentors earn badges, not points.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Collection, Container, Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from game.calendar import ProgramCalendar
from game.events import (
    CheckIn,
    Event,
    GoalCompleted,
    KudosGiven,
    MeetingHeld,
    MilestoneConfirmed,
    MilestoneSentBack,
    SurveyAnswered,
)
from game.keys import (
    checkin_key,
    comeback_key,
    goal_key,
    meeting_key,
    milestone_key,
    milestone_reversal_key,
    streak_key,
    survey_key,
)
from game.streaks import (
    STREAK_MILESTONES,
    StreakState,
    compute_streak,
    is_comeback,
    streak_milestones_reached,
    streak_steps,
)
from game.weeks import WeekKey

CHECKIN_POINTS = 10
MEETING_POINTS = 15
MILESTONE_POINTS = 30
GOAL_POINTS = 75
STREAK_POINTS = 20
COMEBACK_POINTS = 10
SURVEY_POINTS = 10

MEETINGS_PAID_PER_WEEK = 2
MILESTONES_PAID_PER_GOAL = 6


class Reason(StrEnum):
    """What a row is for; stored with it and turned into words by the app."""

    CHECKIN = "checkin"
    MEETING = "meeting"
    MILESTONE = "milestone"
    MILESTONE_SENT_BACK = "milestone_sent_back"
    GOAL = "goal"
    STREAK = "streak"
    COMEBACK = "comeback"
    SURVEY = "survey"


@dataclass(frozen=True, slots=True)
class Award:
    key: str
    user_id: int
    amount: int
    reason: Reason
    week: WeekKey | None = None
    goal_id: int | None = None
    program_id: int | None = None

    def __post_init__(self) -> None:
        if self.amount <= 0:
            raise ValueError("an award pays a positive amount")


@dataclass(frozen=True, slots=True)
class Reversal:
    """A new negative row that cancels exactly one award; the award itself is never edited."""

    key: str
    target_key: str
    user_id: int
    amount: int
    reason: Reason = Reason.MILESTONE_SENT_BACK
    goal_id: int | None = None

    def __post_init__(self) -> None:
        if self.amount >= 0:
            raise ValueError("a reversal takes back a positive award")


Entry = Award | Reversal


class NotTheMentor(PermissionError):
    """Only a mentor of the mentorship, and never the mentee, may confirm or send back."""


@dataclass(frozen=True, slots=True)
class LedgerView:
    """What ``decide`` needs from the ledger; each field is one cheap query.

    ``meeting_awards_in_week``: participant id -> meeting awards already paid to them in the
    meeting's week (any program). ``milestone_awards_in_goal``: milestone awards of the goal
    minus its reversals. ``milestone_reversals``: reversal rows written for this milestone.
    ``standing_milestone_amount``: amount of the row under
    ``milestone_key(milestone, milestone_reversals + 1)`` if it exists, else None.
    ``comeback_paid_in_program``: whether this user already had the comeback award here.
    ``streak``: the user's streak in this program as of now, this check-in included (None
    pays the check-in alone).
    """

    meeting_awards_in_week: Mapping[int, int] = field(default_factory=dict)
    milestone_awards_in_goal: int = 0
    milestone_reversals: int = 0
    standing_milestone_amount: int | None = None
    comeback_paid_in_program: bool = False
    streak: StreakState | None = None


def decide(event: Event, view: LedgerView) -> list[Entry]:
    """The rows ``event`` adds to the ledger; the store skips keys it already holds."""
    match event:
        case CheckIn():
            return _checkin(event, view)
        case MeetingHeld():
            return _meeting(event, view)
        case MilestoneConfirmed():
            return _milestone_confirmed(event, view)
        case MilestoneSentBack():
            return _milestone_sent_back(event, view)
        case GoalCompleted():
            return [
                Award(
                    goal_key(event.goal_id),
                    event.mentee_id,
                    GOAL_POINTS,
                    Reason.GOAL,
                    goal_id=event.goal_id,
                    program_id=event.program_id,
                )
            ]
        case SurveyAnswered():
            key = survey_key(event.survey_id, event.user_id)
            return [Award(key, event.user_id, SURVEY_POINTS, Reason.SURVEY)]
        case KudosGiven():
            return []
    raise TypeError(f"not a game event: {event!r}")


def _checkin(event: CheckIn, view: LedgerView) -> list[Entry]:
    user, program, week = event.user_id, event.program_id, event.week
    entries: list[Entry] = [
        Award(
            checkin_key(user, week),
            user,
            CHECKIN_POINTS,
            Reason.CHECKIN,
            week=week,
            program_id=program,
        )
    ]
    if view.streak is None:
        return entries
    entries += [
        Award(
            streak_key(user, program, weeks), user, STREAK_POINTS, Reason.STREAK, program_id=program
        )
        for weeks in streak_milestones_reached(view.streak)
    ]
    if is_comeback(view.streak, week) and not view.comeback_paid_in_program:
        entries.append(
            Award(
                comeback_key(user, week),
                user,
                COMEBACK_POINTS,
                Reason.COMEBACK,
                week=week,
                program_id=program,
            )
        )
    return entries


def _meeting(event: MeetingHeld, view: LedgerView) -> list[Entry]:
    return [
        Award(
            meeting_key(event.meeting_id, user),
            user,
            MEETING_POINTS,
            Reason.MEETING,
            week=event.week,
            program_id=event.program_id,
        )
        for user in sorted(event.participant_ids - event.mentor_ids)
        if view.meeting_awards_in_week.get(user, 0) < MEETINGS_PAID_PER_WEEK
    ]


def _check_mentor(actor: int, mentee: int, mentors: frozenset[int]) -> None:
    if actor not in mentors or actor == mentee:
        raise NotTheMentor(f"user {actor} is not a mentor of this mentee")


def _milestone_confirmed(event: MilestoneConfirmed, view: LedgerView) -> list[Entry]:
    _check_mentor(event.confirmed_by, event.mentee_id, event.mentorship_mentor_ids)
    if view.standing_milestone_amount is not None:
        return []
    if view.milestone_awards_in_goal >= MILESTONES_PAID_PER_GOAL:
        return []
    key = milestone_key(event.milestone_id, view.milestone_reversals + 1)
    return [
        Award(
            key,
            event.mentee_id,
            MILESTONE_POINTS,
            Reason.MILESTONE,
            goal_id=event.goal_id,
            program_id=event.program_id,
        )
    ]


def _milestone_sent_back(event: MilestoneSentBack, view: LedgerView) -> list[Entry]:
    _check_mentor(event.sent_back_by, event.mentee_id, event.mentorship_mentor_ids)
    if view.standing_milestone_amount is None:
        return []
    cycle = view.milestone_reversals + 1
    return [
        Reversal(
            milestone_reversal_key(event.milestone_id, cycle),
            milestone_key(event.milestone_id, cycle),
            event.mentee_id,
            -view.standing_milestone_amount,
            goal_id=event.goal_id,
        )
    ]


Row = tuple[str, int, Reason, WeekKey | None]
"""A replayed award as plain data: key, amount, reason, week (user and program are the
caller's)."""


def replay_checkins(
    user_id: int,
    program_id: int,
    weeks: Collection[WeekKey],
    calendar: ProgramCalendar,
    up_to: WeekKey,
    repairs: Collection[WeekKey] = (),
    since: WeekKey | None = None,
    comeback_paid: bool = False,
    taken: Container[str] = (),
) -> tuple[list[Row], StreakState]:
    """The rows a person's check-ins add to a ledger, and their streak as of ``up_to``.

    The same rows as deciding the check-in of each week, in week order, with the streak as of
    that week (``compute_streak``) into a ledger that already holds the keys in ``taken`` and,
    when ``comeback_paid``, the person's comeback in this program; but from one walk and
    without an event, a view or an award object per check-in: ``flask game rebuild`` replays a
    year of check-ins for thousands of people (``replay_checkins_at``).
    """
    positions = calendar.positions()
    at = {positions[week] for week in weeks if week in positions}
    off = [week for week in weeks if week not in positions]
    return replay_checkins_at(
        user_id, program_id, at, calendar, up_to, repairs, since, comeback_paid, taken, off
    )


def replay_checkins_at(
    user_id: int,
    program_id: int,
    counted: Collection[int],
    calendar: ProgramCalendar,
    up_to: WeekKey,
    repairs: Collection[WeekKey] = (),
    since: WeekKey | None = None,
    comeback_paid: bool = False,
    taken: Container[str] = (),
    off: Collection[WeekKey] = (),
) -> tuple[list[Row], StreakState]:
    """``replay_checkins`` with the program weeks checked in given by their positions in
    ``calendar.weeks()`` (``counted``) and the weeks off the calendar, if any, as ``off``: the
    walk compares small ints and each key is made from the week's stored form."""
    steps, now = streak_steps(counted, calendar, up_to, repairs, since)
    weeks, texts = calendar.weeks(), calendar.week_texts()
    order: list[int | WeekKey] = list(steps)
    if off or len(steps) < len(counted):  # weeks off the walk
        order = [*sorted(w for w in off if w < weeks[0]), *sorted(counted)]
        order += sorted(w for w in off if w > weeks[-1])
        joined = 0 if since is None else bisect_left(weeks, since)
        steps.update((index, (0, False)) for index in counted if index < joined)  # no walk yet
    rows: list[Row] = []
    written: set[str] = set()

    def write(key: str, amount: int, reason: Reason, week: WeekKey | None) -> bool:
        if key in taken or key in written:
            return False
        written.add(key)
        rows.append((key, amount, reason, week))
        return True

    reached = 0  # how many of STREAK_MILESTONES are paid
    for index in order:
        step = steps.get(index) if type(index) is int else None
        if step is None:  # after ``up_to`` or off the calendar: decided on its own
            week = weeks[index] if type(index) is int else index
            every = {weeks[index] for index in counted}.union(off)
            state = compute_streak(every, calendar, week, repairs, since)
            step = state.best, is_comeback(state, week)
            text: WeekKey | str = week
        else:
            week, text = weeks[index], texts[index]
        best, comeback = step
        write(checkin_key(user_id, text), CHECKIN_POINTS, Reason.CHECKIN, week)
        while reached < len(STREAK_MILESTONES) and STREAK_MILESTONES[reached] <= best:
            key = streak_key(user_id, program_id, STREAK_MILESTONES[reached])
            write(key, STREAK_POINTS, Reason.STREAK, None)
            reached += 1
        if comeback and not comeback_paid:
            key = comeback_key(user_id, text)
            comeback_paid = write(key, COMEBACK_POINTS, Reason.COMEBACK, week)
    return rows, now


def replay_meetings(
    payments: Iterable[tuple[int, int, WeekKey]], taken: Container[str] = ()
) -> list[tuple[str, int, int, WeekKey]]:
    """The payments that pay, with their keys: ``payments`` are (meeting, participant, meeting
    week) of each participant who is not a mentor, in the order they were paid.

    The rows as (key, meeting, user, week) are those deciding a ``MeetingHeld`` for each
    payment in turn writes into a ledger that holds the keys in ``taken`` (and no meeting award
    of these weeks), with the weekly cap counted as it goes.
    """
    paid: dict[tuple[int, WeekKey], int] = {}
    rows: list[tuple[str, int, int, WeekKey]] = []
    written: set[str] = set()
    for meeting, user, week in payments:
        key = meeting_key(meeting, user)
        if key in taken or key in written:
            continue
        count = paid.get((user, week), 0)
        if count < MEETINGS_PAID_PER_WEEK:
            paid[user, week] = count + 1
            written.add(key)
            rows.append((key, meeting, user, week))
    return rows


Review = tuple[int, int, int, int | None, Container[int], bool]
"""A milestone review as plain data: milestone, goal, mentee, reviewer, the mentors of the
mentorship, and whether it confirmed (else it sent the milestone back)."""

ReviewRow = tuple[str, int, int, Reason, int, str | None]
"""A replayed review row: key, user, amount, reason, goal, the key it reverses."""


def replay_reviews(reviews: Iterable[Review]) -> tuple[list[ReviewRow], list[int]]:
    """The rows milestone reviews add to a ledger, and the positions of the reviews refused
    (``NotTheMentor``): ``reviews`` in the order they happened.

    The same rows as deciding a ``MilestoneConfirmed`` or ``MilestoneSentBack`` for each review
    in turn into a ledger of their own rows, with each milestone's cycle and each goal's
    standing awards counted as it goes instead of read from a view.
    """
    cycles: dict[int, int] = {}  # milestone -> reversals written
    standing: dict[int, int] = {}  # milestone -> goal of its unreversed award
    per_goal: dict[int, int] = {}  # goal -> unreversed milestone awards
    rows: list[ReviewRow] = []
    refused: list[int] = []
    for position, (milestone, goal, mentee, reviewer, mentors, confirmed) in enumerate(reviews):
        if reviewer not in mentors or reviewer == mentee:
            refused.append(position)
            continue
        cycle = cycles.get(milestone, 0) + 1
        if confirmed:
            if milestone in standing or per_goal.get(goal, 0) >= MILESTONES_PAID_PER_GOAL:
                continue
            standing[milestone] = goal
            per_goal[goal] = per_goal.get(goal, 0) + 1
            key = milestone_key(milestone, cycle)
            rows.append((key, mentee, MILESTONE_POINTS, Reason.MILESTONE, goal, None))
        elif milestone in standing:
            paid_in = standing.pop(milestone)
            per_goal[paid_in] -= 1
            cycles[milestone] = cycle
            key = milestone_reversal_key(milestone, cycle)
            target = milestone_key(milestone, cycle)
            rows.append((key, mentee, -MILESTONE_POINTS, Reason.MILESTONE_SENT_BACK, goal, target))
    return rows, refused
