"""The weekly check-in streak: current, best and total weeks, with freeze tokens.

A program week counts when it has a check-in. Break weeks are neutral: they neither count nor
break. A missed week spends a freeze token automatically (the streak is kept and frozen, it does
not grow); with no token the streak starts again from zero. Tokens: 1 at the start, one more
each time the streak reaches a multiple of 4 weeks, at most 2 held. The starting token covers
the first missed week even before the first check-in (``game.runs`` says why). The week in
progress is never a miss. A late joiner's streak starts with the week they joined: the program
weeks before it are not theirs to miss.

A mentor may repair one missed week per program, within 14 days of its end; a repaired week
keeps the streak going as if it had been neutral: it does not grow the streak or the total, and
it spends no token. Check-ins are the only thing that add to "weeks checked in".

Wording never frames a pause as a loss: a streak at zero is a fresh start.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass

from game.calendar import ProgramCalendar
from game.runs import Freezes, Mark, Tally, _Run, tally, walk
from game.weeks import WeekKey, weeks_between

STREAK_FREEZES = Freezes(start=1, earn_every=4, hold_max=2)
STREAK_MILESTONES = (4, 12, 26)
REPAIR_WINDOW_WEEKS = 2
"""A missed week ended at most 14 days ago: it is one of the two weeks before the current one."""


@dataclass(frozen=True, slots=True)
class StreakState:
    """``frozen_weeks``: weeks a freeze token covered. ``broken_before``: an earlier streak
    ended, so the check-in that starts the next one is a comeback. ``comebacks``: streaks
    started after an earlier one ended."""

    current: int
    best: int
    total_weeks: int
    tokens: int
    frozen_weeks: tuple[WeekKey, ...]
    last_counted: WeekKey | None
    broken_before: bool
    comebacks: int = 0


def compute_streak(
    counted_weeks: Iterable[WeekKey],
    calendar: ProgramCalendar,
    up_to: WeekKey,
    repairs: Iterable[WeekKey] = (),
    since: WeekKey | None = None,
) -> StreakState:
    """The streak as of week ``up_to``, from the weeks with a check-in (in any order).

    ``since``: the week the person joined; earlier program weeks are not theirs to miss.
    """
    run = tally(_marks(set(counted_weeks), calendar, up_to, set(repairs), since), STREAK_FREEZES)
    return _state(run)


def streak_history(
    counted_weeks: Iterable[WeekKey],
    calendar: ProgramCalendar,
    up_to: WeekKey,
    repairs: Iterable[WeekKey] = (),
    since: WeekKey | None = None,
) -> dict[WeekKey, StreakState]:
    """The streak as of each counted program week up to ``up_to``, in one walk: for each such
    week ``w`` the same state as ``compute_streak(counted_weeks, calendar, w, ...)``, which is
    what the check-in of week ``w`` was decided with."""
    marks = _marks(set(counted_weeks), calendar, up_to, set(repairs), since)
    return {
        week: _state(run) for week, mark, run in walk(marks, STREAK_FREEZES) if mark is Mark.COUNTED
    }


def streak_steps(
    counted: Collection[int],
    calendar: ProgramCalendar,
    up_to: WeekKey,
    repairs: Iterable[WeekKey] = (),
    since: WeekKey | None = None,
) -> tuple[dict[int, tuple[int, bool]], StreakState]:
    """``streak_history`` reduced to what a check-in's points read, for a replay of thousands
    of people, by position in ``calendar.weeks()`` (``counted``: the positions of the weeks
    with a check-in): for each counted program week up to ``up_to``, in week order, the best
    streak as of it and whether its check-in starts a new streak after an earlier one ended
    (``is_comeback``); and the streak as of ``up_to``."""
    positions = calendar.positions()
    repaired = {positions[week] for week in repairs if week in positions}
    run: _Run[int] = _Run(STREAK_FREEZES)
    steps: dict[int, tuple[int, bool]] = {}
    step, counted_mark = run.step, Mark.COUNTED
    for index, mark in _positions(counted, calendar, up_to, repaired, since):
        step(index, mark, STREAK_FREEZES)
        if mark is counted_mark:
            steps[index] = run.best, run.current == 1 and run.resets > 0
    weeks, last = calendar.weeks(), run.last_counted
    return steps, StreakState(
        current=run.current,
        best=run.best,
        total_weeks=run.total,
        tokens=run.tokens,
        frozen_weeks=tuple(weeks[index] for index in run.frozen),
        last_counted=None if last is None else weeks[last],
        broken_before=run.resets > 0,
        comebacks=run.comebacks,
    )


def _state(run: Tally[WeekKey]) -> StreakState:
    return StreakState(
        current=run.current,
        best=run.best,
        total_weeks=run.total,
        tokens=run.tokens,
        frozen_weeks=run.frozen,
        last_counted=run.last_counted,
        broken_before=run.resets > 0,
        comebacks=run.comebacks,
    )


def _marks(
    counted: set[WeekKey],
    calendar: ProgramCalendar,
    up_to: WeekKey,
    repairs: set[WeekKey],
    since: WeekKey | None,
) -> Iterator[tuple[WeekKey, Mark]]:
    """The program weeks from ``since`` to ``up_to`` (left out while it has no check-in: the
    week in progress is never a miss), each with its mark."""
    weeks, positions = calendar.weeks(), calendar.positions()
    at = {positions[week] for week in counted if week in positions}
    repaired = {positions[week] for week in repairs if week in positions}
    for index, mark in _positions(at, calendar, up_to, repaired, since):
        yield weeks[index], mark


def _positions(
    counted: Collection[int],
    calendar: ProgramCalendar,
    up_to: WeekKey,
    repairs: Collection[int],
    since: WeekKey | None,
) -> Iterator[tuple[int, Mark]]:
    """``_marks`` by position in ``calendar.weeks()``, found by bisection so the walk compares
    no weeks."""
    weeks, breaks = calendar.weeks(), calendar.break_flags()
    stop = bisect_right(weeks, up_to)
    if stop and weeks[stop - 1] == up_to and stop - 1 not in counted:
        stop -= 1
    for index in range(0 if since is None else bisect_left(weeks, since), stop):
        if breaks[index]:
            yield index, Mark.NEUTRAL
        elif index in counted:
            yield index, Mark.COUNTED
        else:
            yield index, Mark.NEUTRAL if index in repairs else Mark.MISSED


def can_repair(now_week: WeekKey, missed_week: WeekKey, repairs_used_in_program: int) -> bool:
    """Whether a mentor may still repair ``missed_week``: once per program, within 14 days."""
    weeks_ago = weeks_between(missed_week, now_week)
    return repairs_used_in_program == 0 and 1 <= weeks_ago <= REPAIR_WINDOW_WEEKS


def streak_milestones_reached(state: StreakState) -> tuple[int, ...]:
    """The streak lengths (4, 12, 26) this program's streak has reached at some point."""
    return tuple(weeks for weeks in STREAK_MILESTONES if state.best >= weeks)


def is_comeback(state: StreakState, week: WeekKey) -> bool:
    """Whether the check-in for ``week`` starts a new streak after an earlier one ended."""
    return state.broken_before and state.current == 1 and state.last_counted == week


def describe(state: StreakState, week_counted: bool) -> str:
    """One encouraging line for the streak card; a streak at zero is a fresh start."""
    if state.current == 0:
        if state.broken_before:
            return "Fresh start — check in this week to begin a new streak."
        return "Check in this week to start your streak."
    weeks = f"{state.current}-week streak"
    if week_counted:
        return f"{weeks}. This week is in — nice rhythm!"
    if state.tokens:
        return f"{weeks}. Check in this week to grow it; a freeze token has your back if not."
    return f"{weeks}. Check in this week to grow it."
