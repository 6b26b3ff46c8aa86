"""ISO weeks in the user's own time zone.

A week runs Monday 00:00 to Sunday 24:00 local time and is named by its ISO year and number, so
2024-12-30 belongs to 2025-W01. The key is computed once, when the check-in happens, and stored
with it: a later change of time zone must not rewrite history.

Grace: a check-in before Monday 06:00 local counts for the previous week when that week has
none, so a late Sunday night that ran past midnight still keeps the week.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

GRACE_UNTIL = time(6, 0)
"""Monday local time before which a check-in may still fill an empty previous week."""

_KEY = re.compile(r"(\d{4})-W(\d{2})")
_WEEK = timedelta(days=7)


@dataclass(frozen=True, slots=True, order=True)
class WeekKey:
    """An ISO week; ``str()`` gives the stored form, e.g. ``2025-W01``."""

    year: int
    week: int

    def __post_init__(self) -> None:
        last = date(self.year, 12, 28).isocalendar().week
        if not 1 <= self.week <= last:
            raise ValueError(f"{self.year} has ISO weeks 1..{last}, not {self.week}")

    def __str__(self) -> str:
        return f"{self.year:04d}-W{self.week:02d}"

    @classmethod
    def parse(cls, text: str) -> WeekKey:
        """Read the stored form back; anything else is an error, not a guess."""
        match = _KEY.fullmatch(text)
        if match is None:
            raise ValueError(f"not a week key: {text!r}")
        return cls(int(match[1]), int(match[2]))

    def monday(self) -> date:
        return date.fromisocalendar(self.year, self.week, 1)

    def next(self) -> WeekKey:
        return week_of(self.monday() + _WEEK)

    def previous(self) -> WeekKey:
        return week_of(self.monday() - _WEEK)


def local_datetime(instant_utc: datetime, zone_name: str) -> datetime:
    """The wall-clock time in ``zone_name``; a naive instant is refused rather than guessed."""
    if instant_utc.tzinfo is None or instant_utc.utcoffset() is None:
        raise ValueError("instants must be timezone-aware")
    return instant_utc.astimezone(ZoneInfo(zone_name))


def local_date(instant_utc: datetime, zone_name: str) -> date:
    return local_datetime(instant_utc, zone_name).date()


def week_of(day: date) -> WeekKey:
    iso = day.isocalendar()
    return WeekKey(iso.year, iso.week)


def checkin_week(instant_utc: datetime, zone_name: str, previous_week_counted: bool) -> WeekKey:
    """The week a check-in made at ``instant_utc`` counts for, grace included."""
    local = local_datetime(instant_utc, zone_name)
    week = week_of(local.date())
    in_grace = local.weekday() == 0 and local.time() < GRACE_UNTIL
    return week.previous() if in_grace and not previous_week_counted else week


def weeks_between(a: WeekKey, b: WeekKey) -> int:
    """How many weeks ``b`` comes after ``a`` (negative when it comes before)."""
    return (b.monday() - a.monday()).days // 7
