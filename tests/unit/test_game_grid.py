"""The week grid of the term: one state per program week, agreeing with the streak."""

from __future__ import annotations

from datetime import date, timedelta

from game_strategies import LOSS_WORDS, PROPERTY, History, histories
from hypothesis import given

from game import (
    Cadence,
    ProgramCalendar,
    WeekKey,
    WeekState,
    compute_streak,
    legend,
    term_grid,
    week_of,
)

S = WeekState


def program(weeks: int, breaks: tuple[int, ...] = ()) -> tuple[ProgramCalendar, list[WeekKey]]:
    """A weekly program starting Monday 2025-01-06 (index 0 = 2025-W02)."""
    start = date(2025, 1, 6)
    all_weeks = [week_of(start + timedelta(weeks=i)) for i in range(weeks)]
    end = start + timedelta(weeks=weeks, days=-1)
    cal = ProgramCalendar(
        start, end, Cadence.WEEKLY, frozenset(all_weeks[i] for i in breaks), "UTC"
    )
    return cal, all_weeks


def states(cal, weeks, counted: str, now: int, **kw) -> list[WeekState]:
    """``counted`` spells the weeks: x = check-in, . = none."""
    done = [weeks[i] for i, c in enumerate(counted) if c == "x"]
    return [cell.state for cell in term_grid(cal, done, weeks[now], **kw)]


def test_counted_break_freeze_missed_this_week_and_future():
    cal, weeks = program(8, breaks=(2, 6))
    # Checked in weeks 0-1, week 2 a break, 3 and 4 missed (the starting token covers 3).
    assert states(cal, weeks, "xx...", now=5) == [
        S.COUNTED, S.COUNTED, S.BREAK, S.FROZEN, S.NO_CHECKIN, S.OPEN, S.BREAK, S.FUTURE,
    ]  # fmt: skip


def test_this_week_is_counted_once_checked_in_and_marked_current():
    cal, weeks = program(4)
    grid = term_grid(cal, [weeks[0], weeks[1]], weeks[1])
    assert [(c.state, c.current) for c in grid] == [
        (S.COUNTED, False), (S.COUNTED, True), (S.FUTURE, False), (S.FUTURE, False),
    ]  # fmt: skip
    assert grid[1].label == "Week 2, 13 Jan: this week, checked in"
    assert grid[0].label == "Week 1, 6 Jan: checked in"


def test_weeks_before_joining_and_a_repaired_week():
    cal, weeks = program(6)
    got = states(cal, weeks, "..x..", now=5, since=weeks[2], repairs=[weeks[4]])
    # Week 3 spends the starting token; week 4 was repaired by the mentor.
    assert got == [S.BEFORE, S.BEFORE, S.COUNTED, S.FROZEN, S.REPAIRED, S.OPEN]


def test_a_program_not_started_yet_is_all_to_come_but_its_breaks():
    cal, weeks = program(3, breaks=(1,))
    grid = term_grid(cal, [], weeks[0].previous())
    assert [c.state for c in grid] == [S.FUTURE, S.BREAK, S.FUTURE]
    assert not any(c.current for c in grid)


def test_the_legend_lists_only_what_the_grid_shows_in_a_fixed_order():
    cal, weeks = program(5, breaks=(1,))
    grid = term_grid(cal, [weeks[0]], weeks[2])
    assert legend(grid) == (S.COUNTED, S.BREAK, S.OPEN, S.FUTURE)


def test_labels_never_frame_a_pause_as_a_loss():
    cal, weeks = program(8, breaks=(2,))
    for cell in term_grid(cal, [weeks[0]], weeks[6]):
        assert not LOSS_WORDS.search(cell.label), cell.label


@PROPERTY
@given(histories())
def test_the_grid_agrees_with_the_streak(history: History) -> None:
    """Counted cells are the total of weeks checked in, frozen cells the tokens spent, one
    cell per program week and at most one current."""
    cal, counted, up_to = history
    grid = term_grid(cal, counted, up_to)
    state = compute_streak(counted, cal, up_to)
    assert [c.week for c in grid] == list(cal.weeks())
    assert sum(c.state is S.COUNTED for c in grid) == state.total_weeks
    assert {c.week for c in grid if c.state is S.FROZEN} == set(state.frozen_weeks)
    assert sum(c.current for c in grid) == (1 if up_to in cal else 0)
    assert all(c.state in (S.FUTURE, S.BREAK) for c in grid if c.week > up_to)
