"""A program's weeks, break weeks and meeting-cadence periods.

Periods group the program's weeks by cadence: each week (weekly), pairs of weeks counted from
the first program week (every two weeks), or the calendar month of the week's first program day
(monthly). The first week usually starts before the program does; grouping it by its first
program day rather than its Monday keeps it in the program's first month instead of making a
one-week month out of it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import Enum
from itertools import groupby
from types import MappingProxyType
from zoneinfo import ZoneInfo

from game.weeks import WeekKey, local_date, week_of


class Cadence(Enum):
    """How often a pair is expected to meet; the value is the nominal number of weeks."""

    WEEKLY = 1
    BIWEEKLY = 2
    MONTHLY = 4


@dataclass(frozen=True, slots=True)
class ProgramCalendar:
    start: date
    end: date
    cadence: Cadence
    break_weeks: frozenset[WeekKey]
    zone: str
    _weeks: tuple[WeekKey, ...] = field(init=False, repr=False, compare=False)
    _periods: tuple[tuple[WeekKey, ...], ...] = field(init=False, repr=False, compare=False)
    _breaks: tuple[bool, ...] = field(init=False, repr=False, compare=False)
    _resting: tuple[bool, ...] = field(init=False, repr=False, compare=False)
    _positions: dict[WeekKey, int] = field(init=False, repr=False, compare=False)
    _texts: tuple[str, ...] = field(init=False, repr=False, compare=False)
    _period_at: tuple[int, ...] = field(init=False, repr=False, compare=False)
    _period_bounds: tuple[tuple[WeekKey, ...], tuple[WeekKey, ...]] = field(
        init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError("a program cannot end before it starts")
        ZoneInfo(self.zone)  # an unknown zone fails here, not on the first check-in
        object.__setattr__(self, "break_weeks", frozenset(self.break_weeks))
        weeks, week, last = [], week_of(self.start), week_of(self.end)
        while week <= last:
            weeks.append(week)
            week = week.next()
        object.__setattr__(self, "_weeks", tuple(weeks))
        object.__setattr__(self, "_positions", {week: i for i, week in enumerate(weeks)})
        object.__setattr__(self, "_texts", tuple(map(str, weeks)))
        object.__setattr__(self, "_breaks", tuple(week in self.break_weeks for week in weeks))
        key = self._period_key()
        periods = groupby(enumerate(weeks), key=lambda item: key(*item))
        object.__setattr__(
            self, "_periods", tuple(tuple(week for _, week in group) for _, group in periods)
        )
        resting = tuple(self.break_weeks.issuperset(period) for period in self._periods)
        object.__setattr__(self, "_resting", resting)
        at = tuple(index for index, period in enumerate(self._periods) for _ in period)
        object.__setattr__(self, "_period_at", at)
        bounds = tuple(p[0] for p in self._periods), tuple(p[-1] for p in self._periods)
        object.__setattr__(self, "_period_bounds", bounds)

    def weeks(self) -> tuple[WeekKey, ...]:
        """Every week touched by the program, in order."""
        return self._weeks

    def positions(self) -> Mapping[WeekKey, int]:
        """Each of ``weeks()`` to its position: walks over thousands of people compare and
        look up small ints instead of week objects."""
        return MappingProxyType(self._positions)

    def week_texts(self) -> tuple[str, ...]:
        """The stored form of each of ``weeks()`` (``str(week)``), made once."""
        return self._texts

    def __contains__(self, week: object) -> bool:
        return isinstance(week, WeekKey) and self._weeks[0] <= week <= self._weeks[-1]

    def is_break(self, week: WeekKey) -> bool:
        return week in self.break_weeks

    def break_flags(self) -> tuple[bool, ...]:
        """For each of ``weeks()``, whether it is a break week (walks read it by position)."""
        return self._breaks

    def periods(self) -> tuple[tuple[WeekKey, ...], ...]:
        """The cadence periods, in order; together they hold every program week exactly once."""
        return self._periods

    def resting_periods(self) -> tuple[bool, ...]:
        """For each of ``periods()``, whether it is made only of break weeks."""
        return self._resting

    def period_at(self) -> tuple[int, ...]:
        """For each of ``weeks()``, the position of its period in ``periods()``."""
        return self._period_at

    def period_bounds(self) -> tuple[tuple[WeekKey, ...], tuple[WeekKey, ...]]:
        """The first weeks of ``periods()`` and their last weeks (walks bisect them)."""
        return self._period_bounds

    def period_of(self, week: WeekKey) -> tuple[WeekKey, ...]:
        for period in self._periods:
            if week in period:
                return period
        raise ValueError(f"{week} is not a week of this program")

    def current_week(self, now_utc: datetime) -> WeekKey:
        """The week it is now in the program's own zone (users' streaks use their own zone)."""
        return week_of(local_date(now_utc, self.zone))

    def _period_key(self) -> Callable[[int, WeekKey], object]:
        if self.cadence is Cadence.MONTHLY:

            def month(_: int, week: WeekKey) -> object:
                first_day = max(week.monday(), self.start)
                return first_day.year, first_day.month

            return month
        size = self.cadence.value
        return lambda index, _: index // size
