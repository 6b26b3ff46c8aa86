"""Times said the way people say them: ``4:30 pm``, ``Tue 1 Dec, 4:30–5:15 pm``, and another
person's time only when their clock differs."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace

import pytest

from game.clock_words import clock, elsewhere, span


@pytest.mark.parametrize(
    ("hour", "minute", "said"),
    [(0, 0, "12 am"), (0, 5, "12:05 am"), (9, 0, "9 am"), (12, 0, "12 pm"), (16, 30, "4:30 pm")],
)
def test_a_clock_time(hour, minute, said):
    assert clock(datetime(2026, 12, 1, hour, minute, tzinfo=UTC)) == said


def at(hour: int, minute: int) -> datetime:
    return datetime(2026, 12, 1, hour, minute, tzinfo=UTC)


def test_a_span_says_am_or_pm_once_unless_it_crosses_noon():
    assert span(at(22, 30), at(23, 15), "America/Chicago") == "Tue 1 Dec, 4:30–5:15 pm"
    assert span(at(11, 30), at(12, 15), "UTC") == "Tue 1 Dec, 11:30 am–12:15 pm"


def test_a_span_is_on_the_viewers_own_day():
    starts = datetime(2026, 12, 2, 2, 0, tzinfo=UTC)  # Tuesday evening in Chicago
    ends = datetime(2026, 12, 2, 3, 0, tzinfo=UTC)
    assert span(starts, ends, "America/Chicago") == "Tue 1 Dec, 8–9 pm"
    assert span(starts, ends, "Asia/Tokyo") == "Wed 2 Dec, 11 am–12 pm"


def test_the_others_are_named_only_when_their_clock_differs():
    def person(name, zone):
        return SimpleNamespace(first_name=name, time_zone=zone)

    starts = datetime(2026, 12, 1, 22, 30, tzinfo=UTC)
    people = [
        person("Maya", "America/New_York"),
        person("Ben", "America/Winnipeg"),  # another zone, the same clock as Chicago's
        person("Kenji", "Asia/Tokyo"),
    ]
    assert elsewhere(starts, "America/Chicago", people) == [
        "5:30 pm for Maya",
        "Wed 2 Dec, 7:30 am for Kenji",
    ]
    assert elsewhere(starts, "America/Chicago", people[1:2]) == []
