"""Times in the words people use: "Tue 1 Dec, 4:30–5:15 pm your time", and the other side's
time only when their clock shows something else. Never a zone's database name."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from zoneinfo import ZoneInfo


def clock(moment: datetime, *, meridiem: bool = True) -> str:
    """``4:30 pm``, ``4 pm``; without the meridiem when the next time says it."""
    hour = moment.hour % 12 or 12
    text = f"{hour}:{moment.minute:02d}" if moment.minute else str(hour)
    return f"{text} {'am' if moment.hour < 12 else 'pm'}" if meridiem else text


def day(moment: datetime) -> str:
    return f"{moment:%a} {moment.day} {moment:%b}"


def span(starts: datetime, ends: datetime, zone: str) -> str:
    """``Tue 1 Dec, 4:30–5:15 pm`` in ``zone``; ``11:30 am–12:15 pm`` across noon."""
    start, end = starts.astimezone(ZoneInfo(zone)), ends.astimezone(ZoneInfo(zone))
    same_half = (start.hour < 12) == (end.hour < 12) and start.date() == end.date()
    return f"{day(start)}, {clock(start, meridiem=not same_half)}–{clock(end)}"


def elsewhere(starts: datetime, my_zone: str, people: Iterable) -> list[str]:
    """``5:30 pm for Maya`` for each other person whose clock shows another time (or day)."""
    mine = starts.astimezone(ZoneInfo(my_zone))
    found = []
    for person in people:
        theirs = starts.astimezone(ZoneInfo(person.time_zone))
        if theirs.replace(tzinfo=None) != mine.replace(tzinfo=None):
            when = (
                clock(theirs) if theirs.date() == mine.date() else f"{day(theirs)}, {clock(theirs)}"
            )
            found.append(f"{when} for {person.first_name}")
    return found
