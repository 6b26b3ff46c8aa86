"""A check-in kept on a phone while offline: the week it was made in counts, until
``LATE_ARRIVAL`` after that week ended; a phone clock ahead of ours is read as now."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from game_strategies import NAMED_ZONES, PROPERTY, at_local, instants, zones
from hypothesis import given
from hypothesis import strategies as st

from game import WeekKey, WeekZones, weeks_between
from game.weeks import GRACE_UNTIL, LATE_ARRIVAL

delays = st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=30))


@PROPERTY
@given(instants, delays, zones, st.booleans())
def test_it_counts_for_the_week_it_was_made_in_or_not_at_all(made, delay, zone, counted):
    person = WeekZones(zone)
    now = made + delay
    week = person.made_week(made, now, counted)
    if week is not None:
        assert week == person.checkin_week(made, counted)
        assert 0 <= weeks_between(week, person.week_at(now)) <= 1  # this week or the last
    else:  # made at the latest on Monday before 06:00 (the grace), sent after Tuesday
        assert delay > LATE_ARRIVAL - timedelta(hours=GRACE_UNTIL.hour)


@PROPERTY
@given(instants, zones, st.booleans())
def test_sent_at_once_it_is_the_ordinary_check_in(now, zone, counted):
    person = WeekZones(zone)
    assert person.made_week(now, now, counted) == person.checkin_week(now, counted)


@PROPERTY
@given(instants, delays.filter(bool), zones, st.booleans())
def test_a_clock_ahead_is_read_as_now(now, ahead, zone, counted):
    person = WeekZones(zone)
    assert person.made_week(now + ahead, now, counted) == person.checkin_week(now, counted)


@pytest.mark.parametrize("zone", NAMED_ZONES)
def test_the_allowance_ends_on_tuesday_at_midnight_local(zone: str) -> None:
    person = WeekZones(zone)
    sunday = date(2026, 3, 8)  # the last day of 2026-W10
    made = at_local(sunday, time(20, 0), zone)
    midnight = at_local(sunday + timedelta(days=1), time(0, 0), zone) + LATE_ARRIVAL
    assert person.made_week(made, midnight - timedelta(minutes=1), False) == WeekKey(2026, 10)
    assert person.made_week(made, midnight, False) is None


def test_monday_grace_at_the_making_moves_the_allowance_with_it() -> None:
    """Made at 05:59 on Monday with last week empty: it fills last week, and last week's
    allowance still ends on Tuesday night."""
    person = WeekZones("Europe/London")
    made = at_local(date(2026, 3, 9), time(5, 59), "Europe/London")
    tuesday = at_local(date(2026, 3, 10), time(23, 0), "Europe/London")
    assert person.made_week(made, tuesday, False) == WeekKey(2026, 10)
    assert person.made_week(made, tuesday, True) == WeekKey(2026, 11)
    wednesday = tuesday + timedelta(hours=2)
    assert person.made_week(made, wednesday, False) is None
