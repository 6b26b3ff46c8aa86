"""Weeks and time zones: invariants 10 (week bounds, one key per week, stored keys) and 11
(grace boundary)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from game_strategies import NAMED_ZONES, PROPERTY, at_local, days, instants, week_keys, zones
from hypothesis import given
from hypothesis import strategies as st

from game import WeekKey, checkin_week, local_date, local_datetime, week_of, weeks_between


@pytest.mark.parametrize(
    ("day", "key"),
    [
        (date(2024, 12, 29), "2024-W52"),
        (date(2024, 12, 30), "2025-W01"),
        (date(2025, 1, 5), "2025-W01"),
        (date(2021, 1, 3), "2020-W53"),
        (date(2026, 12, 31), "2026-W53"),
        (date(2027, 1, 4), "2027-W01"),
    ],
)
def test_iso_year_edges(day: date, key: str) -> None:
    assert str(week_of(day)) == key


def test_week_key_form_and_errors() -> None:
    assert str(WeekKey(2025, 1)) == "2025-W01"
    assert WeekKey.parse("2020-W53").monday() == date(2020, 12, 28)
    for bad in ("2025-W1", "2025W01", "2025-W54", "2025-W53", "2025-W00", " 2025-W01"):
        with pytest.raises(ValueError):
            WeekKey.parse(bad)


def test_naive_instants_are_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        local_date(datetime(2025, 1, 1, 12), "UTC")  # noqa: DTZ001 - the point of the test


@PROPERTY
@given(week_keys)
def test_key_round_trips_and_steps(week: WeekKey) -> None:
    assert WeekKey.parse(str(week)) == week
    assert week.next().previous() == week
    assert week.previous() < week < week.next()
    assert weeks_between(week, week.next()) == 1
    assert week.next().monday() - week.monday() == timedelta(days=7)


@PROPERTY
@given(week_keys, week_keys)
def test_order_follows_time(a: WeekKey, b: WeekKey) -> None:
    assert (a < b) == (a.monday() < b.monday())
    assert weeks_between(a, b) == -weeks_between(b, a)
    assert (weeks_between(a, b) > 0) == (a < b)


@PROPERTY
@given(instants, zones)
def test_monday_bounds_the_local_date(instant: datetime, zone: str) -> None:
    """Invariant 10: Monday <= local date < Monday + 7, whatever the zone or DST."""
    day = local_date(instant, zone)
    monday = week_of(day).monday()
    assert monday <= day < monday + timedelta(days=7)
    assert monday.weekday() == 0


@PROPERTY
@given(instants, st.integers(0, 7 * 24 * 60), zones)
def test_same_local_week_same_key(first: datetime, minutes: int, zone: str) -> None:
    """Invariant 10: check-ins in the same local week share one key, so they count once (the
    key is what the ledger and the streak see); different weeks get different keys."""
    second = first + timedelta(minutes=minutes)
    same_week = week_of(local_date(first, zone)) == week_of(local_date(second, zone))
    keys = {checkin_week(instant, zone, previous_week_counted=True) for instant in (first, second)}
    assert (len(keys) == 1) == same_week


@PROPERTY
@given(instants, zones, st.booleans())
def test_grace_only_on_early_monday(instant: datetime, zone: str, counted: bool) -> None:
    """Invariant 11: only Monday before 06:00 local may go to the previous week, and only if
    that week is empty."""
    local = local_datetime(instant, zone)
    week = week_of(local.date())
    early_monday = local.weekday() == 0 and local.time() < time(6)
    expected = week.previous() if early_monday and not counted else week
    assert checkin_week(instant, zone, counted) == expected


@pytest.mark.parametrize("zone", NAMED_ZONES)
@pytest.mark.parametrize(
    "monday",
    [
        date(2024, 12, 30),  # ISO-year edge: the previous week is 2024-W52
        date(2025, 3, 10),  # first Monday of US daylight time
        date(2025, 3, 31),  # first Monday of UK summer time
        date(2025, 4, 7),  # first Monday after Chatham's switch back
        date(2025, 9, 29),  # first Monday of Chatham daylight time
        date(2025, 11, 3),  # first Monday after US standard time returns
    ],
)
def test_grace_boundary(zone: str, monday: date) -> None:
    """Invariant 11: Monday 05:59 local goes to an empty previous week, 06:00 to the current."""
    this_week = week_of(monday)
    before, at_six = at_local(monday, time(5, 59), zone), at_local(monday, time(6), zone)
    assert checkin_week(before, zone, previous_week_counted=False) == this_week.previous()
    assert checkin_week(before, zone, previous_week_counted=True) == this_week
    assert checkin_week(at_six, zone, previous_week_counted=False) == this_week
    assert at_six - before == timedelta(minutes=1)


@PROPERTY
@given(st.lists(st.tuples(instants, zones), min_size=1, max_size=20), zones)
def test_stored_keys_survive_a_zone_change(
    checkins: list[tuple[datetime, str]], new_zone: str
) -> None:
    """Invariant 10: the key is computed once, in the zone of the moment, and stored; reading
    history after the user moves to another zone uses the stored keys, which do not move."""
    stored = [week_of(local_date(instant, zone)) for instant, zone in checkins]
    reread = [WeekKey.parse(str(key)) for key in stored]
    assert reread == stored
    for (instant, zone), key in zip(checkins, stored, strict=True):
        assert week_of(local_date(instant, zone)) == key
        assert abs(weeks_between(key, week_of(local_date(instant, new_zone)))) <= 1


def test_why_keys_are_stored() -> None:
    """Monday 00:30 in Chatham is still Sunday in New York: re-deriving would move the week."""
    instant = at_local(date(2025, 6, 2), time(0, 30), "Pacific/Chatham")
    assert str(week_of(local_date(instant, "Pacific/Chatham"))) == "2025-W23"
    assert str(week_of(local_date(instant, "America/New_York"))) == "2025-W22"


@PROPERTY
@given(days)
def test_week_of_matches_isocalendar(day: date) -> None:
    iso = day.isocalendar()
    assert (week_of(day).year, week_of(day).week) == (iso.year, iso.week)
