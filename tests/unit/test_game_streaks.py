"""The weekly check-in streak: invariant 9, order independence, and the worked examples."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from game_strategies import LOSS_WORDS, PROPERTY, History, histories
from hypothesis import given
from hypothesis import strategies as st

from game import (
    Cadence,
    ProgramCalendar,
    StreakState,
    WeekKey,
    can_repair,
    compute_streak,
    describe,
    is_comeback,
    streak_milestones_reached,
    week_of,
)


def program(weeks: int, breaks: tuple[int, ...] = ()) -> tuple[ProgramCalendar, list[WeekKey]]:
    """A weekly program starting Monday 2025-01-06; returns it and its weeks (index 0 = W02)."""
    start = date(2025, 1, 6)
    all_weeks = [week_of(start + timedelta(weeks=i)) for i in range(weeks)]
    breaks_ = frozenset(all_weeks[i] for i in breaks)
    end = start + timedelta(weeks=weeks, days=-1)
    return ProgramCalendar(start, end, Cadence.WEEKLY, breaks_, "UTC"), all_weeks


def streak(cal: ProgramCalendar, weeks: list[WeekKey], counted: str, **kw: object) -> StreakState:
    """``counted`` spells the history week by week: x = check-in, . = none; now = after it."""
    done = [weeks[i] for i, c in enumerate(counted) if c == "x"]
    return compute_streak(done, cal, weeks[len(counted)], **kw)  # type: ignore[arg-type]


@PROPERTY
@given(histories())
def test_bounds(history: History) -> None:
    """Invariant 9: 0 <= current <= best, 0 <= tokens <= 2."""
    cal, counted, up_to = history
    state = compute_streak(counted, cal, up_to)
    assert 0 <= state.current <= state.best <= state.total_weeks
    assert 0 <= state.tokens <= 2
    assert state.total_weeks == sum(
        1 for w in counted if w <= up_to and w in cal and not cal.is_break(w)
    )
    assert all(w not in counted and not cal.is_break(w) for w in state.frozen_weeks)


@PROPERTY
@given(histories(), st.data())
def test_adding_a_checkin_never_lowers_best(history: History, data: st.DataObject) -> None:
    """Invariant 9: adding a check-in never lowers best (nor current, nor the total)."""
    cal, counted, up_to = history
    extra = data.draw(st.sampled_from(cal.weeks()))
    before = compute_streak(counted, cal, up_to)
    after = compute_streak(counted | {extra}, cal, up_to)
    assert after.best >= before.best
    assert after.current >= before.current
    assert after.tokens >= before.tokens
    assert after.total_weeks >= before.total_weeks


@PROPERTY
@given(histories(), st.data())
def test_a_new_break_week_never_lowers_current(history: History, data: st.DataObject) -> None:
    """Invariant 9: turning an empty week into a break week never lowers current."""
    cal, counted, up_to = history
    empty = [w for w in cal.weeks() if w not in counted and not cal.is_break(w)]
    if not empty:
        return
    week = data.draw(st.sampled_from(empty))
    rebreak = replace(cal, break_weeks=cal.break_weeks | {week})
    before, after = compute_streak(counted, cal, up_to), compute_streak(counted, rebreak, up_to)
    assert after.current >= before.current
    assert after.best >= before.best
    assert after.tokens >= before.tokens


@PROPERTY
@given(histories(), st.data())
def test_a_repair_never_lowers_the_streak(history: History, data: st.DataObject) -> None:
    cal, counted, up_to = history
    repair = data.draw(st.sampled_from(cal.weeks()))
    before = compute_streak(counted, cal, up_to)
    after = compute_streak(counted, cal, up_to, repairs=[repair])
    assert after.current >= before.current and after.best >= before.best
    assert after.total_weeks == before.total_weeks


@PROPERTY
@given(histories(), st.randoms(use_true_random=False))
def test_order_and_repeats_do_not_matter(history: History, rnd: object) -> None:
    """Invariant 2 for streaks: the state depends on the set of weeks, not on their order."""
    cal, counted, up_to = history
    shuffled = [*counted, *counted]
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]
    assert compute_streak(shuffled, cal, up_to) == compute_streak(sorted(counted), cal, up_to)


@PROPERTY
@given(histories())
def test_the_week_in_progress_is_never_a_miss(
    history: History,
) -> None:
    """The current week, not yet checked in, weighs exactly as a break week would."""
    cal, counted, up_to = history
    if up_to not in cal:
        return
    counted -= {up_to}
    paused = replace(cal, break_weeks=cal.break_weeks | {up_to})
    assert compute_streak(counted, cal, up_to) == compute_streak(counted, paused, up_to)


@PROPERTY
@given(histories())
def test_milestones_follow_best(
    history: History,
) -> None:
    state = compute_streak(history[1], history[0], history[2])
    assert streak_milestones_reached(state) == tuple(n for n in (4, 12, 26) if state.best >= n)


def test_tokens_start_at_one_and_are_earned_every_four_weeks() -> None:
    cal, weeks = program(12)
    assert streak(cal, weeks, "").tokens == 1
    assert streak(cal, weeks, "xxx").tokens == 1
    assert streak(cal, weeks, "xxxx").tokens == 2
    assert streak(cal, weeks, "xxxxxxxx").tokens == 2  # held at most 2


def test_a_missed_week_spends_a_token_and_freezes() -> None:
    cal, weeks = program(8)
    state = streak(cal, weeks, "xxx.x")
    assert state.frozen_weeks == (weeks[3],)
    assert (state.current, state.best, state.total_weeks) == (4, 4, 4)
    assert state.tokens == 1  # 1 - 1 spent + 1 earned on reaching 4
    assert not state.broken_before


def test_a_break_week_is_neutral() -> None:
    cal, weeks = program(6, breaks=(2,))
    state = streak(cal, weeks, "xx.xx")
    assert (state.current, state.total_weeks, state.tokens, state.frozen_weeks) == (4, 4, 2, ())
    assert streak(cal, weeks, "xxxxx").current == 4  # a check-in in a break week adds nothing


def test_without_a_token_the_streak_starts_again() -> None:
    cal, weeks = program(8)
    state = streak(cal, weeks, "xx..")
    assert (state.current, state.best, state.tokens) == (0, 2, 0)
    assert state.broken_before and state.frozen_weeks == (weeks[2],)
    back = streak(cal, weeks, "xx..x")
    assert (back.current, back.best, back.comebacks) == (1, 2, 1)
    assert is_comeback(back, weeks[4])
    assert not is_comeback(streak(cal, weeks, "xx..xx"), weeks[5])


def test_the_starting_token_covers_the_first_missed_week() -> None:
    cal, weeks = program(6)
    state = streak(cal, weeks, "..x")
    assert (state.current, state.tokens, state.frozen_weeks) == (1, 0, (weeks[0],))
    assert not state.broken_before and not is_comeback(state, weeks[2])


def test_a_repair_keeps_the_streak_without_a_token() -> None:
    cal, weeks = program(8)
    state = streak(cal, weeks, "xx..x", repairs=[weeks[3]])
    assert (state.current, state.total_weeks, state.tokens) == (3, 3, 0)
    assert state.frozen_weeks == (weeks[2],)


def test_repair_window() -> None:
    now = WeekKey(2025, 10)
    assert can_repair(now, WeekKey(2025, 9), 0)  # ended at most 7 days ago
    assert can_repair(now, WeekKey(2025, 8), 0)  # ended at most 14 days ago
    assert not can_repair(now, WeekKey(2025, 7), 0)  # ended at least 14 days ago
    assert not can_repair(now, now, 0)  # still in progress, nothing to repair yet
    assert not can_repair(now, WeekKey(2025, 9), 1)  # once per program
    assert can_repair(week_of(date(2025, 1, 6)), week_of(date(2024, 12, 23)), 0)  # over New Year


def test_best_and_total_survive_a_pause() -> None:
    cal, weeks = program(30)
    state = streak(cal, weeks, "x" * 12 + "..." + "xx")
    assert (state.current, state.best, state.total_weeks) == (2, 12, 14)
    assert state.broken_before and len(state.frozen_weeks) == 2
    assert streak_milestones_reached(state) == (4, 12)


@PROPERTY
@given(histories(), st.booleans())
def test_wording_never_frames_loss(history: History, week_counted: bool) -> None:
    text = describe(compute_streak(history[1], history[0], history[2]), week_counted)
    assert text and not LOSS_WORDS.search(text)


@pytest.mark.parametrize(
    ("counted", "week_counted", "expected"),
    [
        ("", False, "Check in this week to start your streak."),
        ("xx..", False, "Fresh start — check in this week to begin a new streak."),
        (
            "xxx",
            False,
            "3-week streak. Check in this week to grow it; a freeze token has your back if not.",
        ),
        ("xxx", True, "3-week streak. This week is in — nice rhythm!"),
        ("x.x", False, "2-week streak. Check in this week to grow it."),
    ],
)
def test_wording(counted: str, week_counted: bool, expected: str) -> None:
    cal, weeks = program(8)
    assert describe(streak(cal, weeks, counted), week_counted) == expected
