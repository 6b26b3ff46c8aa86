"""A person's streak from the week they joined, a pair's rhythm from the week it was matched,
the quiet-pair signal, the streak's history in one walk, and the ledger's indexed view."""

from __future__ import annotations

from dataclasses import replace

from game_strategies import PROPERTY, SCENARIO, History, histories
from game_world import Scenario, run, scenarios
from hypothesis import given
from hypothesis import strategies as st

from game import (
    QUIET_PERIODS,
    Award,
    CheckIn,
    LedgerView,
    MeetingHeld,
    MilestoneConfirmed,
    MilestoneSentBack,
    Reason,
    compute_rhythm,
    compute_streak,
    full_term_sixths,
    is_quiet,
    milestone_key,
    milestone_reversal_key,
    periods_without_meeting,
    streak_history,
)


def _joined(history: History, data: st.DataObject):
    cal = history[0]
    return data.draw(st.sampled_from(cal.weeks()))


@PROPERTY
@given(histories(), st.data())
def test_weeks_before_joining_count_as_if_they_were_breaks(history: History, data) -> None:
    """Nothing before the joining week is counted or missed, whatever it holds."""
    cal, counted, up_to = history
    since = _joined(history, data)
    before = {week for week in cal.weeks() if week < since}
    paused = replace(cal, break_weeks=cal.break_weeks | before)
    state = compute_streak(counted, cal, up_to, since=since)
    assert state == compute_streak(counted - before, paused, up_to)
    assert state == compute_streak(counted - before, cal, up_to, since=since)


@PROPERTY
@given(histories(), st.data())
def test_joining_later_never_lowers_the_tokens_or_the_current_streak(history, data) -> None:
    cal, counted, up_to = history
    since = _joined(history, data)
    late = compute_streak({w for w in counted if w >= since}, cal, up_to, since=since)
    early = compute_streak({w for w in counted if w >= since}, cal, up_to)
    assert late.tokens >= early.tokens and late.current >= early.current


@PROPERTY
@given(histories(), st.data())
def test_the_history_is_compute_streak_as_of_each_counted_week(history, data) -> None:
    cal, counted, up_to = history
    since = data.draw(st.none() | st.sampled_from(cal.weeks()))
    repairs = data.draw(st.frozensets(st.sampled_from(cal.weeks()), max_size=1))
    states = streak_history(counted, cal, up_to, repairs, since)
    assert set(states) == {
        w
        for w in counted
        if w <= up_to and w in cal and not cal.is_break(w) and (not since or w >= since)
    }
    for week, state in states.items():
        assert state == compute_streak(counted, cal, week, repairs, since)


@PROPERTY
@given(histories(), st.data())
def test_periods_before_the_match_count_as_if_they_were_breaks(history, data) -> None:
    cal, met, up_to = history
    since = _joined(history, data)
    early = [period for period in cal.periods() if period[-1] < since]
    before = {week for period in early for week in period}
    paused = replace(cal, break_weeks=cal.break_weeks | before)
    state = compute_rhythm(met, cal, up_to, since)
    assert state == compute_rhythm(met - before, paused, up_to)
    assert full_term_sixths(state, cal, up_to, since) == full_term_sixths(state, paused, up_to)
    assert periods_without_meeting(met, cal, up_to, since) == periods_without_meeting(
        met - before, paused, up_to
    )


@PROPERTY
@given(histories(), st.data())
def test_a_pair_that_met_in_every_period_since_its_match_earns_full_term(history, data) -> None:
    cal = history[0]
    since = _joined(history, data)
    met = {period[-1] for period in cal.periods() if period[-1] >= since}
    last = cal.weeks()[-1]
    state = compute_rhythm(met, cal, last, since)
    eligible = any(
        not all(cal.is_break(w) for w in period) for period in cal.periods() if period[-1] >= since
    )
    assert full_term_sixths(state, cal, last, since) == (6 if eligible else 0)


@PROPERTY
@given(histories(), st.data())
def test_quiet_only_after_periods_without_a_meeting(history, data) -> None:
    """A meeting in the period in progress, another meeting or another break never makes a
    pair quieter; a pair matched in the period in progress is never quiet."""
    cal, met, up_to = history
    since = data.draw(st.none() | st.sampled_from(cal.weeks()))
    without = periods_without_meeting(met, cal, up_to, since)
    assert is_quiet(met, cal, up_to, since) == (without >= QUIET_PERIODS)
    extra = data.draw(st.sampled_from(cal.weeks()))
    assert periods_without_meeting(met | {extra}, cal, up_to, since) <= without
    paused = replace(cal, break_weeks=cal.break_weeks | {extra})
    assert periods_without_meeting(met, paused, up_to, since) <= without
    if up_to in cal:
        period = cal.period_of(up_to)
        assert periods_without_meeting(met | {up_to}, cal, up_to, since) == 0
        assert periods_without_meeting(met, cal, up_to, period[0]) <= 1


def _naive_view(rows, event) -> LedgerView:
    """What ``Ledger.view_for`` must answer, by scanning every row."""
    reversed_keys = {row.target_key for row in rows if not isinstance(row, Award)}
    keys = {row.key for row in rows}
    match event:
        case CheckIn():
            return LedgerView(
                comeback_paid_in_program=any(
                    isinstance(row, Award)
                    and row.reason is Reason.COMEBACK
                    and (row.user_id, row.program_id) == (event.user_id, event.program_id)
                    for row in rows
                )
            )
        case MeetingHeld():
            return LedgerView(
                meeting_awards_in_week={
                    user: sum(
                        1
                        for row in rows
                        if isinstance(row, Award)
                        and row.reason is Reason.MEETING
                        and row.user_id == user
                        and row.week == event.week
                    )
                    for user in event.participant_ids
                }
            )
        case MilestoneConfirmed() | MilestoneSentBack():
            reversals = 0
            while milestone_reversal_key(event.milestone_id, reversals + 1) in keys:
                reversals += 1
            standing = {row.key: row.amount for row in rows}.get(
                milestone_key(event.milestone_id, reversals + 1)
            )
            return LedgerView(
                milestone_awards_in_goal=sum(
                    1
                    for row in rows
                    if isinstance(row, Award)
                    and row.reason is Reason.MILESTONE
                    and row.goal_id == event.goal_id
                    and row.key not in reversed_keys
                ),
                milestone_reversals=reversals,
                standing_milestone_amount=standing,
            )
    return LedgerView()


@SCENARIO
@given(scenarios(send_backs=True))
def test_the_ledgers_indexed_view_matches_a_scan_of_its_rows(scenario: Scenario) -> None:
    world = run(scenario, scenario.events())
    rows = world.ledger.rows()
    for event in scenario.events():
        if isinstance(event, CheckIn | MeetingHeld | MilestoneConfirmed | MilestoneSentBack):
            assert world.ledger.view_for(event) == _naive_view(rows, event)
