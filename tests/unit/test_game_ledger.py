"""Points and the ledger: invariants 1–6, plus the worked examples of GAME.md's table."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date

import pytest
from game_strategies import PROPERTY, SCENARIO
from game_world import MENTOR_OF, PROGRAM, Scenario, World, run, scenarios
from hypothesis import given
from hypothesis import strategies as st

from game import (
    Award,
    Cadence,
    CheckIn,
    GoalCompleted,
    Ledger,
    LedgerError,
    LedgerView,
    MeetingHeld,
    MilestoneConfirmed,
    MilestoneSentBack,
    NotTheMentor,
    ProgramCalendar,
    Reason,
    Reversal,
    SurveyAnswered,
    WeekKey,
    compute_streak,
    decide,
    week_of,
)


def slots_of(scenario: Scenario) -> st.SearchStrategy[list[int]]:
    return st.permutations(scenario.slots())


def check_ledger(ledger: Ledger) -> None:
    """Invariant 4: cached balance = sum of rows; reversals are exact, unique, of real awards;
    no balance below zero."""
    rows = ledger.rows()
    by_key = {row.key: row for row in rows}
    sums: Counter[int] = Counter()
    for row in rows:
        sums[row.user_id] += row.amount
    reversed_targets = [row.target_key for row in rows if isinstance(row, Reversal)]
    assert len(reversed_targets) == len(set(reversed_targets))
    for row in rows:
        if isinstance(row, Reversal):
            target = by_key[row.target_key]
            assert isinstance(target, Award) and target.user_id == row.user_id
            assert row.amount == -target.amount
            assert rows.index(target) < rows.index(row)
    for user, total in sums.items():
        assert ledger.balance(user) == total >= 0


def check_caps(world: World) -> None:
    """Invariant 6: at most 2 meeting awards per user per week, at most 6 standing milestone
    awards per goal; below the caps, everything due is paid."""
    rows = world.ledger.rows()
    paid: Counter[tuple[int, WeekKey | None]] = Counter(
        (row.user_id, row.week) for row in rows if row.reason is Reason.MEETING
    )
    attended: defaultdict[tuple[int, WeekKey], set[int]] = defaultdict(set)
    for meeting in world.meetings.values():
        for user in meeting.participant_ids - meeting.mentor_ids:
            attended[user, meeting.week].add(meeting.meeting_id)
    assert set(paid) <= set(attended)
    for slot, meetings in attended.items():
        assert paid[slot] == min(2, len(meetings))
    standing: Counter[int | None] = Counter()
    for row in rows:
        if row.reason in (Reason.MILESTONE, Reason.MILESTONE_SENT_BACK):
            standing[row.goal_id] += 1 if isinstance(row, Award) else -1
    assert all(0 <= count <= 6 for count in standing.values())


# Invariant 1 — idempotence


@SCENARIO
@given(scenarios(send_backs=True), st.data())
def test_applying_events_many_times_changes_nothing(
    scenario: Scenario, data: st.DataObject
) -> None:
    """Invariant 1: each event applied once, or repeated, or raced by copies decided from the
    same view, or retried late (events not tied to a send-back cycle), gives the same state."""
    events = scenario.interleave(data.draw(slots_of(scenario)))
    once = run(scenario, events)
    many = World(scenario.calendar)
    for event in events:
        many.handle(event, copies=data.draw(st.integers(1, 3)))
        many.handle(event)
    replayable = [e for e in events if not isinstance(e, MilestoneConfirmed | MilestoneSentBack)]
    for event in (
        data.draw(st.lists(st.sampled_from(replayable), max_size=10)) if replayable else []
    ):
        many.handle(event)
    assert many.ledger.rows() == once.ledger.rows()
    assert many.summary() == once.summary()


# Invariant 2 — order independence


@SCENARIO
@given(scenarios(send_backs=True, max_milestones_per_goal=6), st.data())
def test_any_interleaving_gives_the_same_state(scenario: Scenario, data: st.DataObject) -> None:
    """Invariant 2: events in any order (each user's check-ins and each milestone's own history
    keep the order time gives them) give the same points per user and reason, badges, streaks."""
    first = run(scenario, scenario.interleave(data.draw(slots_of(scenario))))
    second = run(scenario, scenario.interleave(data.draw(slots_of(scenario))))
    assert first.summary() == second.summary()


@SCENARIO
@given(scenarios(), st.data())
def test_any_permutation_at_all_gives_the_same_state(
    scenario: Scenario, data: st.DataObject
) -> None:
    """Invariant 2, with no order kept at all (check-ins included): the same points per user and
    reason, badges, best streaks and totals; only the comeback, which is about time order,
    may differ."""
    events = scenario.events()
    first = run(scenario, data.draw(st.permutations(events)))
    second = run(scenario, data.draw(st.permutations(events)))
    assert first.summary(without_comebacks=True) == second.summary(without_comebacks=True)


# Invariant 3 — replay


@SCENARIO
@given(scenarios(send_backs=True), st.data())
def test_replaying_the_store_reproduces_everything(scenario: Scenario, data: st.DataObject) -> None:
    """Invariant 3: rows replayed into an empty ledger (in their order, or any order that keeps
    each reversal after its award) give the same balances; streaks recomputed from the stored
    week keys and badges evaluated from scratch match what was built step by step."""
    world = run(scenario, scenario.interleave(data.draw(slots_of(scenario))))
    rows = world.ledger.rows()
    replayed = Ledger(rows)
    assert replayed.rows() == rows
    awards = data.draw(st.permutations([r for r in rows if isinstance(r, Award)]))
    reversals = data.draw(st.permutations([r for r in rows if isinstance(r, Reversal)]))
    shuffled = Ledger([*awards, *reversals])
    assert replayed.balances() == shuffled.balances() == world.ledger.balances()
    assert all(replayed.balance(user) == world.ledger.balance(user) for user in MENTOR_OF)
    for user, state in world.streaks.items():
        stored = [WeekKey.parse(str(week)) for week in world.checkins[user]]
        assert compute_streak(stored, scenario.calendar, max(stored)) == state
    assert world.badges_from_scratch() == {k: v for k, v in world.badges.items() if v}


# Invariants 4 and 6 — ledger rules and caps, after every step


@SCENARIO
@given(scenarios(send_backs=True), st.data())
def test_ledger_rules_and_caps_hold_after_every_event(
    scenario: Scenario, data: st.DataObject
) -> None:
    world = World(scenario.calendar)
    for event in scenario.interleave(data.draw(slots_of(scenario))):
        before = world.ledger.rows()
        world.handle(event)
        assert world.ledger.rows()[: len(before)] == before  # append-only
        check_ledger(world.ledger)
        check_caps(world)


# Invariant 5 — only the mentor


@PROPERTY
@given(
    st.integers(1, 6),
    st.integers(1, 6),
    st.frozensets(st.integers(1, 6), max_size=3),
    st.booleans(),
    st.integers(0, 3),
)
def test_only_a_mentor_of_the_mentorship_decides_a_milestone(
    actor: int, mentee: int, mentors: frozenset[int], confirm: bool, reversals: int
) -> None:
    event = (
        MilestoneConfirmed(1, 1, PROGRAM, mentee, actor, mentors)
        if confirm
        else MilestoneSentBack(1, 1, mentee, actor, mentors)
    )
    view = LedgerView(
        milestone_reversals=reversals, standing_milestone_amount=None if confirm else 30
    )
    if actor in mentors and actor != mentee:
        assert len(decide(event, view)) == 1
    else:
        with pytest.raises(NotTheMentor):
            decide(event, view)


@SCENARIO
@given(scenarios(send_backs=True), st.data())
def test_every_milestone_award_comes_from_the_mentor(
    scenario: Scenario, data: st.DataObject
) -> None:
    world = run(scenario, scenario.interleave(data.draw(slots_of(scenario))))
    for row in world.ledger.rows():
        if row.reason is Reason.MILESTONE:
            source = world.sources[row.key]
            assert isinstance(source, MilestoneConfirmed)
            assert source.confirmed_by in source.mentorship_mentor_ids
            assert source.confirmed_by == MENTOR_OF[row.user_id]


# Worked examples

CALENDAR = ProgramCalendar(date(2025, 1, 6), date(2025, 6, 29), Cadence.WEEKLY, frozenset(), "UTC")
WEEKS = CALENDAR.weeks()


def keys(world: World) -> list[str]:
    return [row.key for row in world.ledger.rows()]


def test_checkin_pays_once_per_week() -> None:
    world = World(CALENDAR)
    world.handle(CheckIn(1, PROGRAM, WEEKS[0]))
    world.handle(CheckIn(1, PROGRAM, WEEKS[0]))
    assert keys(world) == ["checkin:1:2025-W02"]
    assert world.ledger.balance(1) == 10


def test_streak_and_comeback_awards() -> None:
    world = World(CALENDAR)
    for week in (*WEEKS[:4], *WEEKS[7:9], *WEEKS[12:14]):
        world.handle(CheckIn(1, PROGRAM, week))
    streak_keys = [k for k in keys(world) if not k.startswith("checkin")]
    # 4 in a row pays the 4-week award; weeks 5-6 are frozen (2 tokens), week 7 restarts the
    # streak: the comeback at W09; the second comeback at W14 is not paid (once per program)
    assert streak_keys == ["streak:1:7:4", "comeback:1:2025-W09"]
    assert world.ledger.balance(1) == 8 * 10 + 20 + 10


def test_meetings_pay_mentees_at_most_twice_a_week() -> None:
    world = World(CALENDAR)
    for meeting in range(3):
        world.handle(
            MeetingHeld(meeting, PROGRAM, 11, WEEKS[0], frozenset({1, 100}), frozenset({100}))
        )
    assert keys(world) == ["meeting:0:1", "meeting:1:1"]
    assert world.ledger.balance(100) == 0
    world.handle(MeetingHeld(3, PROGRAM, 11, WEEKS[1], frozenset({1, 100}), frozenset({100})))
    assert world.ledger.balance(1) == 45


def test_milestone_cycles_have_their_own_keys() -> None:
    world = World(CALENDAR)
    mentors = frozenset({100})
    confirm = MilestoneConfirmed(5, 2, PROGRAM, 1, 100, mentors)
    send_back = MilestoneSentBack(5, 2, 1, 100, mentors)
    for event in (confirm, confirm, send_back, send_back, confirm, send_back, confirm):
        world.handle(event)
    assert keys(world) == [
        "milestone:5:confirmed",
        "milestone:5:confirmed:reversed:1",
        "milestone:5:confirmed:2",
        "milestone:5:confirmed:reversed:2",
        "milestone:5:confirmed:3",
    ]
    assert world.ledger.balance(1) == 30


def test_milestones_pay_at_most_six_per_goal_and_a_send_back_frees_a_place() -> None:
    world = World(CALENDAR)
    mentors = frozenset({100})
    for milestone in range(1, 8):
        world.handle(MilestoneConfirmed(milestone, 2, PROGRAM, 1, 100, mentors))
    assert world.ledger.balance(1) == 180
    world.handle(MilestoneSentBack(3, 2, 1, 100, mentors))
    world.handle(MilestoneConfirmed(7, 2, PROGRAM, 1, 100, mentors))  # the mentor confirms again
    assert world.ledger.balance(1) == 180
    assert "milestone:7:confirmed" in world.ledger


def test_goal_and_survey() -> None:
    world = World(CALENDAR)
    world.handle(GoalCompleted(2, PROGRAM, 1))
    world.handle(GoalCompleted(2, PROGRAM, 1))
    world.handle(SurveyAnswered(9, 1))
    assert keys(world) == ["goal:2:completed", "survey:9:1"]
    assert world.ledger.balance(1) == 85


def test_mentee_cannot_confirm_their_own_milestone() -> None:
    with pytest.raises(NotTheMentor):
        decide(MilestoneConfirmed(5, 2, PROGRAM, 1, 1, frozenset({1, 100})), LedgerView())
    with pytest.raises(NotTheMentor):
        decide(MilestoneConfirmed(5, 2, PROGRAM, 1, 101, frozenset({100})), LedgerView())


def test_invalid_reversals_are_refused_whole() -> None:
    award = Award("milestone:5:confirmed", 1, 30, Reason.MILESTONE, goal_id=2)
    ledger = Ledger([award])
    survey = Award("survey:1:1", 1, 10, Reason.SURVEY)
    bad = [
        Reversal("r:1", "milestone:6:confirmed", 1, -30),  # no such award
        Reversal("r:2", "milestone:5:confirmed", 1, -20),  # not exact
        Reversal("r:3", "milestone:5:confirmed", 2, -30),  # someone else's
    ]
    for reversal in bad:
        with pytest.raises(LedgerError):
            ledger.apply([survey, reversal])
        assert ledger.rows() == (award,)
    ledger.apply([Reversal("r:4", "milestone:5:confirmed", 1, -30)])
    with pytest.raises(LedgerError):
        ledger.apply([Reversal("r:5", "milestone:5:confirmed", 1, -30)])  # at most once
    with pytest.raises(LedgerError):
        ledger.apply([Reversal("r:6", "r:4", 1, -30)])  # a reversal cannot be reversed
    assert ledger.balance(1) == 0
    assert ledger.apply([Reversal("r:4", "milestone:5:confirmed", 1, -30)]) == ()


def test_amount_signs() -> None:
    with pytest.raises(ValueError):
        Award("x", 1, 0, Reason.SURVEY)
    with pytest.raises(ValueError):
        Reversal("y", "x", 1, 5)


def test_unknown_events_are_refused() -> None:
    with pytest.raises(TypeError):
        decide(object(), LedgerView())  # type: ignore[arg-type]


def test_calendar_week_keys_in_rows_are_iso() -> None:
    world = World(CALENDAR)
    world.handle(CheckIn(1, PROGRAM, week_of(date(2024, 12, 30))))
    assert keys(world) == ["checkin:1:2025-W01"]
