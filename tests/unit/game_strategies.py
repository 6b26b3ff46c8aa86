"""Strategies, settings and small helpers shared by the game's property tests."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import settings
from hypothesis import strategies as st

from game import Cadence, ProgramCalendar, WeekKey, week_of

# The brief's four zones plus the awkward ones: a half-hour offset that changes at midnight
# (Santiago), a date-line jump that skipped a whole day (Apia, 2011) and a +14 zone.
NAMED_ZONES = ("Pacific/Chatham", "Asia/Kolkata", "America/New_York", "Europe/London")
ZONES = (
    *NAMED_ZONES,
    "UTC",
    "America/Santiago",
    "Pacific/Apia",
    "Pacific/Kiritimati",
    "Australia/Lord_Howe",
)

PROPERTY = settings(max_examples=80, deadline=None)
"""Cheap properties: a few milliseconds per example."""
SCENARIO = settings(max_examples=40, deadline=None)
"""Whole scenarios replayed several times per example."""

zones = st.sampled_from(ZONES)
# Hypothesis takes naive bounds and attaches the zone itself.
instants = st.datetimes(
    min_value=datetime(1995, 1, 1),  # noqa: DTZ001
    max_value=datetime(2040, 12, 31),  # noqa: DTZ001
    timezones=st.just(UTC),
)
days = st.dates(min_value=date(1995, 1, 1), max_value=date(2040, 12, 31))
week_keys = days.map(week_of)


@st.composite
def calendars(draw: st.DrawFn, max_weeks: int = 40) -> ProgramCalendar:
    start = draw(st.dates(min_value=date(2023, 1, 1), max_value=date(2027, 12, 31)))
    end = start + timedelta(days=draw(st.integers(0, 7 * max_weeks - 1)))
    weeks = ProgramCalendar(start, end, Cadence.WEEKLY, frozenset(), "UTC").weeks()
    breaks = draw(st.frozensets(st.sampled_from(weeks), max_size=len(weeks) // 4))
    return ProgramCalendar(
        start, end, draw(st.sampled_from(Cadence)), breaks, draw(st.sampled_from(NAMED_ZONES))
    )


def subsets(weeks: tuple[WeekKey, ...]) -> st.SearchStrategy[frozenset[WeekKey]]:
    return st.frozensets(st.sampled_from(weeks)) if weeks else st.just(frozenset())


History = tuple[ProgramCalendar, frozenset[WeekKey], WeekKey]


@st.composite
def histories(draw: st.DrawFn) -> History:
    """A calendar, the weeks with a check-in (or a meeting), and the week it is now."""
    cal = draw(calendars())
    weeks = cal.weeks()
    up_to = draw(st.sampled_from((*weeks, weeks[-1].next())))
    return cal, draw(subsets(weeks)), up_to


def at_local(day: date, clock: time, zone: str) -> datetime:
    """The UTC instant of a wall-clock time in ``zone``."""
    return datetime.combine(day, clock, tzinfo=ZoneInfo(zone)).astimezone(UTC)


LOSS_WORDS = re.compile(
    r"lost|lose|broke|fail|penalt|punish|reset|miss|gone|ruin|last chance|too late", re.I
)
"""Words that would frame a pause as a loss; no message may use them."""
