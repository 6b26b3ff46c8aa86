"""The pair's meeting rhythm: consecutive cadence periods with a meeting held.

The same walk as the check-in streak, over the program's cadence periods instead of weeks. A
period made only of break weeks is neutral; the period in progress is not a miss. The rhythm has
no freeze tokens: it is the signal the pair and the coordinator read to see whether meetings
still happen, so it should show a missed period as it is.

A pair's periods start with the one it was matched in (``since``, the week of the match): the
periods before it were not the pair's to miss.

Full Term asks that the pair be active in at least 5 of every 6 periods: read here as a share of
the pair's term (break-only periods left out, periods before the match too), measured once the
program's last week has come, so a pair matched late can still earn it.

A pair has gone quiet when ``QUIET_PERIODS`` periods in a row, the one in progress included,
passed without a meeting: break-only periods are skipped, so a declared break never makes a
pair look quiet.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from game.calendar import ProgramCalendar
from game.runs import NO_FREEZES, Mark, tally
from game.weeks import WeekKey

QUIET_PERIODS = 2
"""Periods in a row without a meeting after which the coordinator sees the pair as quiet."""

Period = tuple[WeekKey, ...]


@dataclass(frozen=True, slots=True)
class RhythmState:
    current: int
    best: int
    total_periods: int
    last_counted: Period | None


def compute_rhythm(
    meeting_weeks: Iterable[WeekKey],
    calendar: ProgramCalendar,
    up_to: WeekKey,
    since: WeekKey | None = None,
) -> RhythmState:
    """The rhythm as of week ``up_to``, from the weeks in which the pair held a meeting."""
    run = tally(_marks(_held(meeting_weeks, calendar, up_to), calendar, up_to, since), NO_FREEZES)
    last = None if run.last_counted is None else calendar.periods()[run.last_counted]
    return RhythmState(run.current, run.best, run.total, last)


def full_term_sixths(
    state: RhythmState, calendar: ProgramCalendar, up_to: WeekKey, since: WeekKey | None = None
) -> int:
    """Sixths of the pair's periods with a meeting (0 until the last week); Full Term needs 5."""
    if up_to < calendar.weeks()[-1]:
        return 0
    eligible = calendar.resting_periods()[_first(calendar, since) :].count(False)
    return 6 * state.total_periods // eligible if eligible else 0


def periods_without_meeting(
    meeting_weeks: Iterable[WeekKey],
    calendar: ProgramCalendar,
    up_to: WeekKey,
    since: WeekKey | None = None,
) -> int:
    """Periods in a row, up to the one holding ``up_to`` and including it, without a meeting;
    break-only periods are skipped and periods before ``since`` are not counted."""
    met = {w for w in meeting_weeks if w <= up_to}
    without = 0
    for period, resting in _periods(calendar, since):
        if period[0] > up_to:
            break
        if not met.isdisjoint(period):
            without = 0
        elif not resting:
            without += 1
    return without


def is_quiet(
    meeting_weeks: Iterable[WeekKey],
    calendar: ProgramCalendar,
    up_to: WeekKey,
    since: WeekKey | None = None,
) -> bool:
    """Whether the coordinator should see the pair as gone quiet (``QUIET_PERIODS``)."""
    return periods_without_meeting(meeting_weeks, calendar, up_to, since) >= QUIET_PERIODS


def quiet_bounds(calendar: ProgramCalendar, up_to: WeekKey) -> tuple[WeekKey, WeekKey] | None:
    """``is_quiet`` as two week bounds, so a database can count quiet pairs without walking
    each one: a pair is quiet exactly when its latest meeting (if any) falls before the first
    bound and it was matched before the second. The first bound opens the latest period from
    which ``QUIET_PERIODS`` counted periods reach ``up_to``, the second opens the period after
    it; ``None`` while fewer periods than that have passed (nobody can be quiet yet)."""
    begun = [p for p in calendar.periods() if p[0] <= up_to]
    resting = calendar.resting_periods()
    counted = 0
    for index in range(len(begun) - 1, -1, -1):
        if not resting[index]:
            counted += 1
        if counted == QUIET_PERIODS:
            return begun[index][0], begun[index + 1][0]
    return None


def measured_periods(calendar: ProgramCalendar, up_to: WeekKey) -> list[Period]:
    """The program's periods a rhythm is measured over as of ``up_to``: those begun, break-only
    ones left out (they are neutral for every pair)."""
    periods = zip(calendar.periods(), calendar.resting_periods(), strict=True)
    return [period for period, resting in periods if period[0] <= up_to and not resting]


def _periods(calendar: ProgramCalendar, since: WeekKey | None) -> Iterator[tuple[Period, bool]]:
    """The pair's periods, from the one holding ``since`` on, each with whether it is made only
    of break weeks."""
    for period, resting in zip(calendar.periods(), calendar.resting_periods(), strict=True):
        if since is None or period[-1] >= since:
            yield period, resting


def _first(calendar: ProgramCalendar, since: WeekKey | None) -> int:
    """The position in ``periods()`` of the pair's first period: the one holding ``since``."""
    if since is None:
        return 0
    return bisect_left(calendar.period_bounds()[1], since)


def _held(meeting_weeks: Iterable[WeekKey], calendar: ProgramCalendar, up_to: WeekKey) -> set[int]:
    """The positions in ``periods()`` of the periods with a meeting up to ``up_to``."""
    positions, period_at = calendar.positions(), calendar.period_at()
    stop = bisect_right(calendar.weeks(), up_to)
    return {
        period_at[index]
        for index in map(positions.get, meeting_weeks)
        if index is not None and index < stop
    }


def _marks(
    held: set[int], calendar: ProgramCalendar, up_to: WeekKey, since: WeekKey | None
) -> Iterator[tuple[int, Mark]]:
    """The pair's periods by position, from its first to the last begun by ``up_to`` (the
    period in progress left out while it has no meeting), found by bisection so the walk
    compares no weeks."""
    (firsts, lasts), resting = calendar.period_bounds(), calendar.resting_periods()
    stop, in_progress = bisect_right(firsts, up_to), bisect_left(lasts, up_to)
    for index in range(_first(calendar, since), stop):
        met = index in held
        if not met and index >= in_progress:
            return
        if resting[index]:
            yield index, Mark.NEUTRAL
        else:
            yield index, Mark.COUNTED if met else Mark.MISSED
