"""When surveys open, and which groups of answers may be shown to a coordinator.

Schedule (from the program's calendar alone, so every page agrees without storing it):

- A pulse survey opens after every ``PULSE_EVERY`` counted weeks (break weeks do not count):
  pulse 1 on the Monday of the fifth counted week, pulse 2 of the ninth, and so on. Counting
  only weeks that are not breaks means a pulse never opens in a break: it lands on the next
  counted week. A pulse stays open ``PULSE_OPEN`` days.
- The end-of-program survey opens on the Monday of the program's second-to-last counted week
  (its first day, for a program of one counted week) and stays open until the program's end
  plus ``END_GRACE``. Pulses that would open from then on are left out: the end survey asks
  more, and nobody should get two surveys at once.

Anonymity (``shown``): a coordinator sees a group's answers only when it holds at least
``THRESHOLD`` of them. Showing one role's group beside everyone's would let the other role's
answers be worked out by subtraction, so the groups by role are shown only when every role
that answered at all reaches the threshold.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from game.calendar import ProgramCalendar

PULSE_EVERY = 4
PULSE_OPEN = timedelta(days=7)
END_GRACE = timedelta(days=3)
"""Tuned: the last week is busy; a long weekend after the end still collects late answers."""
THRESHOLD = 5
"""Fewest answers a group may have before a coordinator sees anything of it."""
EVERYONE = "everyone"


class SurveyKind(StrEnum):
    PULSE = "pulse"
    END = "end"


@dataclass(frozen=True, slots=True, order=True)
class SurveySlot:
    """One survey of a program: ``kind`` and ``number`` identify it, the days are inclusive."""

    opens_on: date
    kind: SurveyKind
    number: int
    closes_on: date

    def is_open(self, day: date) -> bool:
        return self.opens_on <= day <= self.closes_on

    @property
    def title(self) -> str:
        if self.kind is SurveyKind.END:
            return "End-of-program survey"
        return f"Pulse survey {self.number}"


def schedule(calendar: ProgramCalendar) -> tuple[SurveySlot, ...]:
    """Every survey of the program, in the order they open."""
    counted = [week for week in calendar.weeks() if not calendar.is_break(week)]
    if not counted:
        return ()
    end_week = counted[-2] if len(counted) >= 2 else counted[0]
    end_opens = max(end_week.monday(), calendar.start)
    slots = [
        SurveySlot(week.monday(), SurveyKind.PULSE, number, week.monday() + PULSE_OPEN - _DAY)
        for number, week in enumerate(counted[PULSE_EVERY::PULSE_EVERY], start=1)
        if week.monday() < end_opens
    ]
    slots.append(SurveySlot(end_opens, SurveyKind.END, 1, calendar.end + END_GRACE))
    return tuple(slots)


def open_on(calendar: ProgramCalendar, day: date) -> SurveySlot | None:
    """The survey open on ``day`` (a local date in the program's zone), if any."""
    return next((slot for slot in schedule(calendar) if slot.is_open(day)), None)


def find(calendar: ProgramCalendar, kind: SurveyKind, number: int) -> SurveySlot | None:
    return next((s for s in schedule(calendar) if (s.kind, s.number) == (kind, number)), None)


def shown(counts: Mapping[str, int]) -> set[str]:
    """Which groups of one survey's answers a coordinator may see: ``EVERYONE`` when all the
    answers together reach ``THRESHOLD``, and the roles (keys of ``counts``, answers per role)
    only when every role with any answers reaches it."""
    total = sum(counts.values())
    if total < THRESHOLD:
        return set()
    answered = {role for role, count in counts.items() if count}
    if all(counts[role] >= THRESHOLD for role in answered):
        return {EVERYONE, *answered}
    return {EVERYONE}


_DAY = timedelta(days=1)
