"""ISO weeks in the user's own time zone.

A week runs Monday 00:00 to Sunday 24:00 local time and is named by its ISO year and number, so
2024-12-30 belongs to 2025-W01. The key is computed once, when the check-in happens, and stored
with it: a later change of time zone must not rewrite history.

Grace: a check-in before Monday 06:00 local counts for the previous week when that week has
none, so a late Sunday night that ran past midnight still keeps the week.

A check-in kept on a phone while it was offline counts for the week in which it was made, if
it arrives within ``LATE_ARRIVAL`` of that week's end; later it is refused (only a mentor's
repair may reach further back). A phone clock ahead of the server's is read as now.

A change of time zone takes effect from the next week on (``WeekZones``): otherwise a hop
across the date line (Pago Pago, UTC-11, to Kiritimati, UTC+14) would let a person check in
for two weeks on the same day, or go back and fill a week already over.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

GRACE_UNTIL = time(6, 0)
"""Monday local time before which a check-in may still fill an empty previous week."""

LATE_ARRIVAL = timedelta(days=2)
"""How long after its week ended (Sunday 24:00 local) a check-in made offline may still arrive
and count for that week: a phone without a connection over the weekend is back online at
school by Tuesday night. Longer would let a made-up time fill a week long over."""

_KEY = re.compile(r"(\d{4})-W(\d{2})")
_WEEK = timedelta(days=7)
_GRACE_SPAN = timedelta(hours=GRACE_UNTIL.hour, minutes=GRACE_UNTIL.minute)


@dataclass(frozen=True, slots=True, order=True)
class WeekKey:
    """An ISO week; ``str()`` gives the stored form, e.g. ``2025-W01``."""

    year: int
    week: int

    def __post_init__(self) -> None:
        last = date(self.year, 12, 28).isocalendar().week
        if not 1 <= self.week <= last:
            raise ValueError(f"{self.year} has ISO weeks 1..{last}, not {self.week}")

    def __hash__(self) -> int:  # week keys fill the sets and dicts of every walk: no tuple
        return self.year * 64 + self.week

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not WeekKey:
            return NotImplemented
        return self.week == other.week and self.year == other.year  # type: ignore[attr-defined]

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


def _with_grace(week: WeekKey, local: datetime, previous_week_counted: bool) -> WeekKey:
    """``week`` began at ``local``'s Monday: before 06:00 an empty previous week is still open."""
    monday = week_of(local.date()) == week and local.weekday() == 0
    in_grace = monday and local.time() < GRACE_UNTIL
    return week.previous() if in_grace and not previous_week_counted else week


def checkin_week(instant_utc: datetime, zone_name: str, previous_week_counted: bool) -> WeekKey:
    """The week a check-in made at ``instant_utc`` counts for, grace included."""
    local = local_datetime(instant_utc, zone_name)
    return _with_grace(week_of(local.date()), local, previous_week_counted)


@dataclass(frozen=True, slots=True)
class WeekZones:
    """Which time zone decides a person's check-in week, across changes of zone.

    ``zone`` is the person's zone now. After a change, ``previous`` (the zone that decided the
    week when it was changed) keeps deciding until its week ``since`` begins; from then on the
    week is ``zone``'s, but never earlier than ``since``. So the week in force only moves
    forward, and only when a week really began in one of the person's zones.
    """

    zone: str
    previous: str | None = None
    since: WeekKey | None = None

    def _in_force(self, instant_utc: datetime) -> tuple[WeekKey, datetime]:
        """The week in force and the local time that decided it."""
        if self.previous is not None and self.since is not None:
            local = local_datetime(instant_utc, self.previous)
            if week_of(local.date()) < self.since:
                return self.since.previous(), local
        local = local_datetime(instant_utc, self.zone)
        week = week_of(local.date())
        return (week if self.since is None else max(week, self.since)), local

    def week_at(self, instant_utc: datetime) -> WeekKey:
        """The person's week at that instant, without grace."""
        return self._in_force(instant_utc)[0]

    def checkin_week(self, instant_utc: datetime, previous_week_counted: bool) -> WeekKey:
        """The week a check-in made at ``instant_utc`` counts for, grace included.

        Grace needs the week in force to have begun less than six hours ago as well: a move
        west must not reopen the previous week on the new zone's Monday morning.
        """
        week, local = self._in_force(instant_utc)
        if self.week_at(instant_utc - _GRACE_SPAN) == week:
            return week
        return _with_grace(week, local, previous_week_counted)

    def made_week(
        self, made_at: datetime, now: datetime, previous_week_counted: bool
    ) -> WeekKey | None:
        """The week a check-in made at ``made_at`` and sent at ``now`` counts for, or None when
        it arrived more than ``LATE_ARRIVAL`` after that week ended.

        ``previous_week_counted`` is about the week before the one in force at ``made_at``
        (Monday's grace). A ``made_at`` after ``now`` is a phone clock running ahead: it is now.
        """
        made = min(made_at, now)
        week = self.checkin_week(made, previous_week_counted)
        return None if self.week_at(now - LATE_ARRIVAL) > week else week

    def moved_to(self, zone: str, instant_utc: datetime) -> WeekZones:
        """The person changes zone at ``instant_utc``: it decides from their next week on."""
        if zone == self.zone:
            return self
        week, _ = self._in_force(instant_utc)
        if self.since is not None and week < self.since:  # the last change is still pending
            return replace(self, zone=zone)
        return WeekZones(zone=zone, previous=self.zone, since=week.next())


def weeks_between(a: WeekKey, b: WeekKey) -> int:
    """How many weeks ``b`` comes after ``a`` (negative when it comes before)."""
    return (b.monday() - a.monday()).days // 7
