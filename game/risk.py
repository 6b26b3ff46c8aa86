"""Pairs at risk: the four signals a coordinator reads, as rules over plain facts.

The app gathers the facts of a whole program in SQL (last held meeting, the mentor's last
action, each mentee's last counted moods, the oldest open help request) and asks here which
signals they raise. Each reason carries the instant it started, so the page can say since when.

- Quiet: the meeting rhythm's rule (``game.rhythm.is_quiet``): two cadence periods in a row
  without a held meeting, break-only periods skipped; it started at the last meeting, or at
  the match when there was none.
- Mentor silent: no acknowledged check-in, meeting logged or confirmed, milestone review or
  kudos by a mentor for 14 days; a pair matched less than 14 days ago is not silent.
- Low mood: the mentee's last three counted check-in weeks all had a mood of 2 or less.
- Help waiting: a help request nobody acknowledged for 48 hours.

A coordinator may mark an entry resolved: the resolution keeps the codes of the reasons it
covered (``Reason.code``: the signal, and the mentee's id for a mentee's signal). A reason stays
covered while it is the same spell, that is while it started (its ``since``) no later than the
resolution; the entry comes back as soon as one reason is not covered (``open_reasons``):

- a signal that was not part of what was resolved (another signal, or another mentee's);
- a quiet spell counted from a meeting held after the resolution (they met, then went quiet
  again), or from the match;
- mentor silence counted from a mentor action after the resolution;
- low mood whose three counted weeks all began after the resolution's day: three more low
  weeks, as a new spell;
- a help request waiting since after the resolution: every earlier request was answered and a
  new one has waited 48 hours (while the earlier one still waits, it is the same spell).

While a pair's facts stay as they are, time only adds signals (a spell goes on, the rhythm's
periods pass) and never changes whether a resolution covers one (a reason's start is a fact):
so the pair is on the list from one instant on (``listed_from``), which the app can store when
the facts change and compare with the clock on each visit.
"""

from __future__ import annotations

import enum
import functools
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from game.calendar import ProgramCalendar
from game.rhythm import quiet_bounds
from game.weeks import WeekKey

MENTOR_SILENT = timedelta(days=14)
LOW_MOOD = 2
"""A mood at or below this is low."""
LOW_MOOD_WEEKS = 3
HELP_WAIT = timedelta(hours=48)


class Signal(enum.Enum):
    QUIET = "quiet"
    MENTOR_SILENT = "mentor_silent"
    LOW_MOOD = "low_mood"
    HELP_WAITING = "help_waiting"


@dataclass(frozen=True, slots=True)
class Reason:
    signal: Signal
    since: datetime | date
    who: str = ""  # the mentee's first name, for the signals that are one mentee's
    mentee_id: int | None = None  # and the mentee's id, which tells two mentees apart

    @property
    def code(self) -> str:
        """What a resolution stores: ``quiet``, or ``low_mood:<mentee id>``."""
        if self.mentee_id is None:
            return self.signal.value
        return f"{self.signal.value}:{self.mentee_id}"


@dataclass(frozen=True, slots=True)
class MenteeFacts:
    first_name: str
    recent_moods: tuple[int, ...] = ()  # the last counted weeks' moods, newest first
    low_since: date | None = None  # the Monday of the oldest of those weeks
    help_asked_at: datetime | None = None  # the oldest open help request
    mentee_id: int | None = None


@dataclass(frozen=True, slots=True)
class PairFacts:
    matched_at: datetime
    quiet: bool
    last_met_at: datetime | None
    mentor_last_active: datetime | None
    mentees: tuple[MenteeFacts, ...] = ()


def mentor_silent(matched_at: datetime, last_active: datetime | None, now: datetime) -> bool:
    """No mentor action for ``MENTOR_SILENT``, counted from the match if there was none."""
    return now - max(matched_at, last_active or matched_at) >= MENTOR_SILENT


def low_mood(recent_moods: Sequence[int]) -> bool:
    """The last ``LOW_MOOD_WEEKS`` counted weeks (newest first) were all low."""
    last = recent_moods[:LOW_MOOD_WEEKS]
    return len(last) == LOW_MOOD_WEEKS and max(last) <= LOW_MOOD


def help_waiting(asked_at: datetime | None, now: datetime) -> bool:
    return asked_at is not None and now - asked_at >= HELP_WAIT


def reasons(facts: PairFacts, now: datetime) -> list[Reason]:
    """Every signal the pair raises, in a fixed order (pair first, then each mentee)."""
    found = []
    if facts.quiet:
        found.append(Reason(Signal.QUIET, facts.last_met_at or facts.matched_at))
    if mentor_silent(facts.matched_at, facts.mentor_last_active, now):
        last = max(facts.matched_at, facts.mentor_last_active or facts.matched_at)
        found.append(Reason(Signal.MENTOR_SILENT, last))
    for mentee in facts.mentees:
        if low_mood(mentee.recent_moods) and mentee.low_since is not None:
            found.append(
                Reason(Signal.LOW_MOOD, mentee.low_since, mentee.first_name, mentee.mentee_id)
            )
        if help_waiting(mentee.help_asked_at, now):
            found.append(
                Reason(
                    Signal.HELP_WAITING, mentee.help_asked_at, mentee.first_name, mentee.mentee_id
                )
            )
    return found


@dataclass(frozen=True, slots=True)
class Resolution:
    codes: frozenset[str]
    at: datetime
    on: date  # the day of ``at`` in the program's zone, for the signals counted in weeks


def covered(reason: Reason, resolution: Resolution | None) -> bool:
    """The reason is part of what ``resolution`` resolved and has gone on since."""
    if resolution is None or reason.code not in resolution.codes:
        return False
    if isinstance(reason.since, datetime):
        return reason.since <= resolution.at
    return reason.since <= resolution.on


def open_reasons(found: Sequence[Reason], resolution: Resolution | None) -> list[Reason]:
    """The reasons the last resolution does not cover: the pair is on the list while any is."""
    return [reason for reason in found if not covered(reason, resolution)]


def silent_from(matched_at: datetime, last_active: datetime | None) -> datetime:
    """The instant from which ``mentor_silent`` holds, unless the mentor acts again."""
    return max(matched_at, last_active or matched_at) + MENTOR_SILENT


def help_from(asked_at: datetime) -> datetime:
    """The instant from which ``help_waiting`` holds, unless the request is answered."""
    return asked_at + HELP_WAIT


@functools.lru_cache(maxsize=64)
def _quiet_steps(calendar: ProgramCalendar) -> tuple[tuple[WeekKey, ...], ...]:
    """(first week, first bound, second bound) of each period from which ``quiet_bounds``
    holds, as three sorted columns: the bounds change only when a period begins, and never go
    back."""
    steps = []
    for period in calendar.periods():
        bounds = quiet_bounds(calendar, period[0])
        if bounds is not None:
            steps.append((period[0], *bounds))
    return tuple(zip(*steps, strict=True)) if steps else ((), (), ())


def quiet_from(calendar: ProgramCalendar, met: WeekKey | None, matched: WeekKey) -> WeekKey | None:
    """The first week from which a pair matched in week ``matched``, whose latest meeting of the
    program's weeks was in week ``met`` (``None``: none), is quiet by ``quiet_bounds`` (and so
    by ``game.rhythm.is_quiet``) in that week and every later one, unless it meets; ``None``:
    never within the program."""
    starts, met_before, matched_before = _quiet_steps(calendar)
    first = bisect_right(matched_before, matched)  # the first step whose bound is after it
    if met is not None:
        first = max(first, bisect_right(met_before, met))
    return starts[first] if first < len(starts) else None


def listed_from(
    raised: Iterable[tuple[Reason, datetime | None]], resolution: Resolution | None
) -> datetime | None:
    """The instant from which a pair is on the list, as long as its facts stay as they are:
    the earliest instant at which it raises a reason (each of ``raised`` with the instant it
    starts to hold; ``None``: never) that ``resolution`` does not cover. ``None``: never."""
    return min(
        (at for reason, at in raised if at is not None and not covered(reason, resolution)),
        default=None,
    )
