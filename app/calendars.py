"""The one program calendar: a program row and its break weeks as the game's calendar value.

The game's rules (streaks, the meeting rhythm, Full Term) and the app's own signals (the
coordinator's quiet pairs) all read a program's weeks, break weeks and cadence periods through
``program_calendar``, so they never disagree about which weeks count.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime

import sqlalchemy as sa
from flask import g, has_request_context, request

import game
from game.weeks import WeekKey, local_date, week_of

from .extensions import db
from .models import BreakWeek, Membership, Mentorship, Program


def program_calendar(program: Program, break_mondays: Iterable[date]) -> game.ProgramCalendar:
    """The program's weeks, breaks and cadence as the game sees them."""
    return _calendar(
        program.starts_on,
        program.ends_on,
        program.cadence.name,
        frozenset(break_mondays),
        program.time_zone,
    )


@functools.lru_cache(maxsize=256)
def _calendar(
    start: date, end: date, cadence: str, break_mondays: frozenset[date], zone: str
) -> game.ProgramCalendar:
    """Made once per process for each set of dates: a calendar is an immutable value that
    lays out every week of the term, and most pages need their program's."""
    return game.ProgramCalendar(
        start=start,
        end=end,
        cadence=game.Cadence[cadence],
        break_weeks=frozenset(week_of(monday) for monday in break_mondays),
        zone=zone,
    )


BREAK_MONDAYS = sa.select(BreakWeek.monday).where(
    BreakWeek.program_id == sa.bindparam("program_id")
)
"""The Mondays of the break weeks of the program ``program_id``."""


def _page_cache() -> dict[int, game.ProgramCalendar]:
    """A page (a GET, which changes nothing) reads a program's calendar once however many of
    its parts ask: the mentee's home asks for its streak and for its survey."""
    if has_request_context() and request.method == "GET":
        return g.setdefault("calendars", {})
    return {}


def calendar_of(program_id: int) -> game.ProgramCalendar:
    """One program's calendar (the program usually comes from the identity map; one query for
    its break weeks)."""
    cache = _page_cache()
    if program_id not in cache:
        program = db.session.get(Program, program_id)
        mondays = db.session.scalars(BREAK_MONDAYS, {"program_id": program_id})
        cache[program_id] = program_calendar(program, mondays)
    return cache[program_id]


def calendar_read(program: Program, break_mondays: Iterable[date]) -> game.ProgramCalendar:
    """The calendar of a program whose break weeks the page read itself (``BREAK_MONDAYS``):
    the page's later asks (``calendar_of``) find it."""
    calendar = _page_cache()[program.id] = program_calendar(program, break_mondays)
    return calendar


def all_calendars() -> dict[int, game.ProgramCalendar]:
    """Every program's calendar, in two queries (the rebuild reads them all at once)."""
    mondays: dict[int, list[date]] = defaultdict(list)
    for program_id, monday in db.session.execute(sa.select(BreakWeek.program_id, BreakWeek.monday)):
        mondays[program_id].append(monday)
    return {
        program.id: program_calendar(program, mondays[program.id])
        for program in db.session.scalars(sa.select(Program).order_by(Program.id))
    }


def week_at(instant: datetime, zone: str) -> WeekKey:
    return week_of(local_date(instant, zone))


def joined_week(membership: Membership, zone: str) -> WeekKey:
    """The week a person joined the program, in their own zone: their streak starts there."""
    return week_at(membership.joined_at, zone)


def matched_week(mentorship: Mentorship, calendar: game.ProgramCalendar) -> WeekKey:
    """The program week a pair was matched (created) in: its meeting rhythm starts there."""
    return week_at(mentorship.created_at, calendar.zone)
