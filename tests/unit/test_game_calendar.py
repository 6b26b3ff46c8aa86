"""The program calendar: its weeks, break weeks and cadence periods."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from game_strategies import PROPERTY, calendars, instants
from hypothesis import given

from game import Cadence, ProgramCalendar, WeekKey, local_date, week_of


def calendar(start: date, end: date, cadence: Cadence = Cadence.WEEKLY) -> ProgramCalendar:
    return ProgramCalendar(start, end, cadence, frozenset(), "Europe/London")


@PROPERTY
@given(calendars())
def test_weeks_run_from_start_to_end(cal: ProgramCalendar) -> None:
    weeks = cal.weeks()
    assert weeks[0] == week_of(cal.start) and weeks[-1] == week_of(cal.end)
    assert all(b == a.next() for a, b in zip(weeks, weeks[1:], strict=False))
    assert all(week in cal for week in weeks)
    assert weeks[0].previous() not in cal and weeks[-1].next() not in cal


@PROPERTY
@given(calendars())
def test_periods_partition_the_weeks(cal: ProgramCalendar) -> None:
    periods = cal.periods()
    assert tuple(week for period in periods for week in period) == cal.weeks()
    assert all(period for period in periods)
    assert all(cal.period_of(week) == period for period in periods for week in period)


@PROPERTY
@given(calendars())
def test_period_shapes(cal: ProgramCalendar) -> None:
    periods = cal.periods()
    if cal.cadence is Cadence.MONTHLY:
        months = [{_month(cal, week) for week in period} for period in periods]
        assert all(len(month) == 1 for month in months)
        assert all(a != b for a, b in zip(months, months[1:], strict=False))
    else:
        size = cal.cadence.value
        assert all(len(period) == size for period in periods[:-1])
        assert 1 <= len(periods[-1]) <= size


def _month(cal: ProgramCalendar, week: WeekKey) -> tuple[int, int]:
    first_day = max(week.monday(), cal.start)
    return first_day.year, first_day.month


def test_monthly_keeps_the_first_partial_week_in_the_first_month() -> None:
    cal = calendar(date(2025, 10, 1), date(2025, 11, 30), Cadence.MONTHLY)  # a Wednesday
    first, second = cal.periods()
    assert first[0] == week_of(date(2025, 9, 29)) and first[-1] == week_of(date(2025, 10, 27))
    assert second[0] == week_of(date(2025, 11, 3)) and second[-1] == week_of(date(2025, 11, 24))


def test_biweekly_pairs_from_the_start() -> None:
    cal = calendar(date(2025, 1, 8), date(2025, 2, 10), Cadence.BIWEEKLY)
    assert [len(p) for p in cal.periods()] == [2, 2, 2]
    assert cal.periods()[0] == (WeekKey(2025, 2), WeekKey(2025, 3))


def test_outside_the_program() -> None:
    cal = calendar(date(2025, 1, 6), date(2025, 1, 19))
    with pytest.raises(ValueError):
        cal.period_of(WeekKey(2025, 4))
    assert "2025-W02" not in cal


def test_invalid_calendars() -> None:
    with pytest.raises(ValueError):
        calendar(date(2025, 2, 1), date(2025, 1, 1))
    with pytest.raises(KeyError):
        ProgramCalendar(date(2025, 1, 1), date(2025, 2, 1), Cadence.WEEKLY, frozenset(), "Mars/X")


def test_break_weeks() -> None:
    cal = ProgramCalendar(
        date(2025, 1, 6), date(2025, 3, 30), Cadence.WEEKLY, {WeekKey(2025, 3)}, "Asia/Kolkata"
    )
    assert cal.is_break(WeekKey(2025, 3)) and not cal.is_break(WeekKey(2025, 4))
    assert isinstance(cal.break_weeks, frozenset)


@PROPERTY
@given(calendars(), instants)
def test_current_week_is_the_program_zone_week(cal: ProgramCalendar, now: datetime) -> None:
    assert cal.current_week(now) == week_of(local_date(now, cal.zone))


def test_current_week_example() -> None:
    cal = calendar(date(2024, 9, 2), date(2025, 6, 27))
    assert str(cal.current_week(datetime(2024, 12, 30, 0, 30, tzinfo=UTC))) == "2025-W01"
