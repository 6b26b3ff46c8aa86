"""The term at a glance: one cell per program week, for the week grid of the progress page.

Each week's state comes from the same walk as the streak (``compute_streak``), so the grid
never disagrees with the numbers beside it. A program break is a break, even ahead; weeks
before the person joined were not theirs; a week with a check-in is counted; the week in
progress without one is still open (never a miss); a missed week a freeze token covered is
"freeze used", one a mentor repaired is "kept by your mentor"; any other past week simply had
no check-in, said neutrally (GAME.md: no loss framing). Later weeks are still to come.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum

from game.calendar import ProgramCalendar
from game.streaks import compute_streak
from game.weeks import WeekKey


class WeekState(Enum):
    COUNTED = "counted"
    BREAK = "break"
    FROZEN = "frozen"
    REPAIRED = "repaired"
    NO_CHECKIN = "no-checkin"
    OPEN = "open"
    FUTURE = "future"
    BEFORE = "before"


WORDS = {
    WeekState.COUNTED: "checked in",
    WeekState.BREAK: "break week",
    WeekState.FROZEN: "freeze token used",
    WeekState.REPAIRED: "kept by your mentor",
    WeekState.NO_CHECKIN: "no check-in",
    WeekState.OPEN: "open for a check-in",
    WeekState.FUTURE: "still to come",
    WeekState.BEFORE: "before you joined",
}


@dataclass(frozen=True, slots=True)
class GridWeek:
    """``number`` counts the program's weeks from 1; ``current``: the week in progress."""

    number: int
    week: WeekKey
    state: WeekState
    current: bool

    @property
    def words(self) -> str:
        return f"this week, {WORDS[self.state]}" if self.current else WORDS[self.state]

    @property
    def label(self) -> str:
        """The cell's accessible name, e.g. "Week 3, 14 Sep: checked in"."""
        monday = self.week.monday()
        return f"Week {self.number}, {monday.day} {monday:%b}: {self.words}"


def term_grid(
    calendar: ProgramCalendar,
    counted_weeks: Iterable[WeekKey],
    now: WeekKey,
    repairs: Iterable[WeekKey] = (),
    since: WeekKey | None = None,
) -> tuple[GridWeek, ...]:
    """Every program week with its state as of ``now`` (the person's week); the arguments are
    those of ``compute_streak``."""
    counted, repaired = set(counted_weeks), set(repairs)
    frozen = set(compute_streak(counted, calendar, now, repaired, since).frozen_weeks)

    def state(week: WeekKey) -> WeekState:
        if calendar.is_break(week):
            return WeekState.BREAK
        if week > now:
            return WeekState.FUTURE
        if since is not None and week < since:
            return WeekState.BEFORE
        if week in counted:
            return WeekState.COUNTED
        if week == now:
            return WeekState.OPEN
        if week in frozen:
            return WeekState.FROZEN
        if week in repaired:
            return WeekState.REPAIRED
        return WeekState.NO_CHECKIN

    return tuple(
        GridWeek(number, week, state(week), week == now)
        for number, week in enumerate(calendar.weeks(), start=1)
    )


def legend(grid: Iterable[GridWeek]) -> tuple[WeekState, ...]:
    """The states the grid shows, in the order of ``WeekState``: the legend explains no more."""
    shown = {cell.state for cell in grid}
    return tuple(state for state in WeekState if state in shown)
