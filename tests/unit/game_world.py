"""The app in miniature for the property tests.

It keeps the facts (check-in weeks, meetings, confirmations), asks the rules what to write and
writes it into the reference ledger, then evaluates badges, the way the app does with its
database. Scenarios are drawn as chains: events whose order is fixed by time (one user's
check-ins, one milestone's confirm / send-back history); everything else may interleave freely.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from game_strategies import calendars, subsets
from hypothesis import strategies as st

from game import (
    CheckIn,
    Event,
    GoalCompleted,
    KudosGiven,
    Ledger,
    MeetingHeld,
    Metric,
    Metrics,
    MilestoneConfirmed,
    MilestoneSentBack,
    ProgramCalendar,
    Scope,
    StreakState,
    SurveyAnswered,
    WeekKey,
    compute_rhythm,
    compute_streak,
    decide,
    evaluate,
    from_streak,
    full_term_sixths,
    rules_for,
)

PROGRAM = 7
MENTEES = (1, 2, 3)
MENTOR_OF = {1: 100, 2: 100, 3: 101}
# mentorship id -> (mentees, mentors); 20 is a group mentorship
MENTORSHIPS = {
    11: (frozenset({1}), frozenset({100})),
    12: (frozenset({2}), frozenset({100})),
    13: (frozenset({3}), frozenset({101})),
    20: (frozenset({1, 2}), frozenset({100})),
}


class World:
    def __init__(self, calendar: ProgramCalendar) -> None:
        self.calendar = calendar
        self.ledger = Ledger()
        self.checkins: dict[int, set[WeekKey]] = defaultdict(set)
        self.streaks: dict[int, StreakState] = {}
        self.meetings: dict[int, MeetingHeld] = {}
        self.confirmed: dict[int, set[int]] = defaultdict(set)  # mentee -> milestones ever
        self.goals: dict[int, set[int]] = defaultdict(set)
        self.kudos: dict[int, set[str]] = defaultdict(set)
        self.badges: dict[tuple[Scope, int], set[tuple[str, int]]] = defaultdict(set)
        self.sources: dict[str, Event] = {}
        self.clock: WeekKey | None = None

    def handle(self, event: Event, copies: int = 1) -> None:
        """Apply ``event``; with ``copies`` > 1 the copies race: all decided from one view."""
        streak = self._record(event)
        view = self.ledger.view_for(event, streak)
        decisions = [decide(event, view) for _ in range(copies)]
        for entries in decisions:
            for row in self.ledger.apply(entries):
                self.sources[row.key] = event
        self._award_badges()

    def _record(self, event: Event) -> StreakState | None:
        match event:
            case CheckIn(user_id=user, week=week):
                self._tick(week)
                weeks = self.checkins[user]
                weeks.add(week)
                # as of the user's latest check-in: in time order, the week being checked in
                self.streaks[user] = compute_streak(weeks, self.calendar, max(weeks))
                return self.streaks[user]
            case MeetingHeld():
                self._tick(event.week)
                self.meetings[event.meeting_id] = event
            case MilestoneConfirmed():
                self.confirmed[event.mentee_id].add(event.milestone_id)
            case GoalCompleted():
                self.goals[event.mentee_id].add(event.goal_id)
            case KudosGiven():
                self.kudos[event.mentee_id].add(event.month)
        return None

    def _tick(self, week: WeekKey) -> None:
        self.clock = week if self.clock is None else max(self.clock, week)

    def metrics(self, scope: Scope, subject: int) -> Metrics:
        if scope is Scope.USER:
            streak = self.streaks.get(subject)
            return Metrics(
                {
                    Metric.CHECKINS: len(self.checkins[subject]),
                    **(from_streak(streak) if streak else {}),
                    Metric.MILESTONES_CONFIRMED: len(self.confirmed[subject]),
                    Metric.GOALS_COMPLETED: len(self.goals[subject]),
                    Metric.KUDOS_RECEIVED: len(self.kudos[subject]),
                }
            )
        if scope is Scope.PAIR:
            held = [m for m in self.meetings.values() if m.mentorship_id == subject]
            sixths = 0
            if self.clock is not None:
                rhythm = compute_rhythm([m.week for m in held], self.calendar, self.clock)
                sixths = full_term_sixths(rhythm, self.calendar, self.clock)
            return Metrics({Metric.PAIR_MEETINGS: len(held), Metric.PAIR_ACTIVE_SIXTHS: sixths})
        held = [m for m in self.meetings.values() if subject in m.mentor_ids]
        return Metrics({Metric.MENTOR_MEETINGS: len(held)})

    def subjects(self) -> Iterable[tuple[Scope, int]]:
        yield from ((Scope.USER, user) for user in MENTEES)
        yield from ((Scope.PAIR, pair) for pair in MENTORSHIPS)
        yield from ((Scope.MENTOR, mentor) for mentor in set(MENTOR_OF.values()))

    def _award_badges(self) -> None:
        for scope, subject in self.subjects():
            held = self.badges[scope, subject]
            for award in evaluate(rules_for(scope), self.metrics(scope, subject), held):
                held.add((award.badge_id, award.tier))

    def badges_from_scratch(self) -> dict[tuple[Scope, int], set[tuple[str, int]]]:
        earned = {
            (scope, subject): {
                (award.badge_id, award.tier)
                for award in evaluate(rules_for(scope), self.metrics(scope, subject), set())
            }
            for scope, subject in self.subjects()
        }
        return {subject: held for subject, held in earned.items() if held}

    def summary(self, *, without_comebacks: bool = False) -> dict[str, object]:
        """Everything derived from the events, comparable between two worlds."""
        totals: dict[tuple[int, str], int] = defaultdict(int)
        for row in self.ledger.rows():
            if not (without_comebacks and row.reason == "comeback"):
                totals[row.user_id, row.reason] += row.amount
        badges = {
            subject: held - ({("comeback", 1)} if without_comebacks else set())
            for subject, held in self.badges.items()
        }
        streaks = {
            user: (s.best, s.total_weeks) if without_comebacks else s
            for user, s in self.streaks.items()
        }
        return {"totals": dict(totals), "badges": badges, "streaks": streaks}


@dataclass(frozen=True)
class Scenario:
    calendar: ProgramCalendar
    chains: tuple[tuple[Event, ...], ...]

    def events(self) -> list[Event]:
        return [event for chain in self.chains for event in chain]

    def slots(self) -> list[int]:
        """One chain index per event; a permutation of this list is an interleaving."""
        return [index for index, chain in enumerate(self.chains) for _ in chain]

    def interleave(self, slots: Sequence[int]) -> list[Event]:
        """Events in the order the slots name their chains, each chain keeping its own order."""
        cursors = [iter(chain) for chain in self.chains]
        return [next(cursors[index]) for index in slots]


@st.composite
def scenarios(
    draw: st.DrawFn, *, send_backs: bool = False, max_milestones_per_goal: int = 8
) -> Scenario:
    cal = draw(calendars(max_weeks=20))
    weeks = st.sampled_from(cal.weeks())
    chains: list[tuple[Event, ...]] = []
    for user in MENTEES:
        chains.append(tuple(CheckIn(user, PROGRAM, w) for w in sorted(draw(subsets(cal.weeks())))))
    for meeting_id, (pair, week) in enumerate(
        draw(st.lists(st.tuples(st.sampled_from(sorted(MENTORSHIPS)), weeks), max_size=14))
    ):
        mentees, mentors = MENTORSHIPS[pair]
        chains.append((MeetingHeld(meeting_id, PROGRAM, pair, week, mentees | mentors, mentors),))
    milestone_ids = iter(range(1, 1000))
    for goal_id in range(1, draw(st.integers(1, 3)) + 1):
        mentee = draw(st.sampled_from(MENTEES))
        mentors = frozenset({MENTOR_OF[mentee]})
        for _ in range(draw(st.integers(1, max_milestones_per_goal))):
            milestone = next(milestone_ids)
            rounds = draw(st.integers(0, 4 if send_backs else 1))
            chains.append(
                tuple(
                    MilestoneConfirmed(
                        milestone, goal_id, PROGRAM, mentee, MENTOR_OF[mentee], mentors
                    )
                    if step % 2 == 0
                    else MilestoneSentBack(milestone, goal_id, mentee, MENTOR_OF[mentee], mentors)
                    for step in range(rounds)
                )
            )
        if draw(st.booleans()):
            chains.append((GoalCompleted(goal_id, PROGRAM, mentee),))
    for survey, user in draw(st.sets(st.tuples(st.integers(1, 3), st.sampled_from(MENTEES)))):
        chains.append((SurveyAnswered(survey, user),))
    for mentee, month in draw(
        st.sets(st.tuples(st.sampled_from(MENTEES), st.sampled_from(["2025-01", "2025-02"])))
    ):
        chains.append((KudosGiven(MENTOR_OF[mentee], mentee, PROGRAM, month, "Well done."),))
    return Scenario(cal, tuple(chain for chain in chains if chain))


def run(scenario: Scenario, events: Iterable[Event]) -> World:
    world = World(scenario.calendar)
    for event in events:
        world.handle(event)
    return world
