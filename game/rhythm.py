"""The pair's meeting rhythm: consecutive cadence periods with a meeting held.

The same walk as the check-in streak, over the program's cadence periods instead of weeks. A
period made only of break weeks is neutral; the period in progress is not a miss. The rhythm has
no freeze tokens: it is the signal the pair and the coordinator read to see whether meetings
still happen, so it should show a missed period as it is.

Full Term asks that the pair be active in at least 5 of every 6 periods: read here as a share of
the whole term (break-only periods left out), measured once the program's last week has come.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from game.calendar import ProgramCalendar
from game.runs import NO_FREEZES, Mark, tally
from game.weeks import WeekKey


@dataclass(frozen=True, slots=True)
class RhythmState:
    current: int
    best: int
    total_periods: int
    last_counted: tuple[WeekKey, ...] | None


def compute_rhythm(
    meeting_weeks: Iterable[WeekKey], calendar: ProgramCalendar, up_to: WeekKey
) -> RhythmState:
    """The rhythm as of week ``up_to``, from the weeks in which the pair held a meeting."""
    run = tally(_marks({w for w in meeting_weeks if w <= up_to}, calendar, up_to), NO_FREEZES)
    return RhythmState(run.current, run.best, run.total, run.last_counted)


def full_term_sixths(state: RhythmState, calendar: ProgramCalendar, up_to: WeekKey) -> int:
    """Sixths of the term's periods with a meeting (0 until the last week); Full Term needs 5."""
    if up_to < calendar.weeks()[-1]:
        return 0
    eligible = sum(1 for period in calendar.periods() if not _all_break(period, calendar))
    return 6 * state.total_periods // eligible if eligible else 0


def _all_break(period: tuple[WeekKey, ...], calendar: ProgramCalendar) -> bool:
    return all(calendar.is_break(week) for week in period)


def _marks(
    met: set[WeekKey], calendar: ProgramCalendar, up_to: WeekKey
) -> Iterator[tuple[tuple[WeekKey, ...], Mark]]:
    for period in calendar.periods():
        held = not met.isdisjoint(period)
        if period[0] > up_to or (up_to in period and not held):
            return
        if _all_break(period, calendar):
            yield period, Mark.NEUTRAL
        else:
            yield period, Mark.COUNTED if held else Mark.MISSED
