"""Read models for check-in pages, each in a fixed number of queries whatever the data size."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from game.weeks import WeekKey, WeekZones, local_date, week_of

from .. import clock
from ..extensions import db
from ..figures import Asked, Figures
from ..models import (
    CheckIn,
    CheckInState,
    Membership,
    Program,
    ProgramState,
    ProgramSummary,
    ProgramWeek,
    Role,
    User,
)
from ..weeks import request_now
from .forms import mood_label
from .trend import mood_trend

WEEK_COLUMNS = (ProgramWeek.checkins, ProgramWeek.mood_total)
TREND_WEEKS = 4
PROGRAM_WEEKS = 6

WITH_PEOPLE = (
    joinedload(CheckIn.membership).joinedload(Membership.user),
    joinedload(CheckIn.acknowledged_by),
)


def weeks_up_to(last: WeekKey, count: int) -> list[WeekKey]:
    """``count`` weeks ending with ``last``, oldest first."""
    weeks = [last]
    while len(weeks) < count:
        weeks.insert(0, weeks[0].previous())
    return weeks


@dataclass(frozen=True)
class ThisWeek:
    """The week a check-in made now counts for, and the row already written for it;
    ``rows``: the rows read to decide it, by week key."""

    week: WeekKey
    checkin: CheckIn | WeekCheckIn | None
    rows: dict[str, CheckIn | WeekCheckIn] = field(default_factory=dict, compare=False, repr=False)

    @property
    def done(self) -> bool:
        return self.checkin is not None and self.checkin.counted

    def after(self, checkin: CheckIn, zones: WeekZones) -> ThisWeek:
        """This week again once ``checkin`` (the row of ``week``) was written, without a query:
        counting last week's row in Monday's grace moves the week on to this one."""
        return this_week(checkin.membership_id, zones, {**self.rows, checkin.week_key: checkin})


def this_week(
    membership_id: int, zones: WeekZones, rows: dict[str, CheckIn] | None = None
) -> ThisWeek:
    """One query: this week's and the previous week's rows decide Monday's grace (none when
    ``rows`` holds them already).

    The week is the one in force for the person (``WeekZones``), read at the request's instant.
    """
    now = request_now()
    current = zones.week_at(now)
    if rows is None:
        rows = _week_rows(membership_id, current)
    week = zones.checkin_week(now, previous_week_counted=_counted(rows, current))
    return ThisWeek(week, rows.get(str(week)), rows)


def made_week(membership_id: int, zones: WeekZones, made_at: datetime) -> ThisWeek | None:
    """The week a check-in kept on the phone since ``made_at`` counts for, with its row; None
    when it arrived too late for that week (``WeekZones.made_week``). One query."""
    now = request_now()
    made = zones.week_at(min(made_at, now))
    rows = _week_rows(membership_id, made)
    week = zones.made_week(made_at, now, previous_week_counted=_counted(rows, made))
    return None if week is None else ThisWeek(week, rows.get(str(week)))


_WEEK_ROWS = (  # built once: building a statement costs more than SQLite running it
    sa.select(CheckIn)
    .where(
        CheckIn.membership_id == sa.bindparam("membership"),
        CheckIn.week_key.in_(sa.bindparam("weeks", expanding=True)),
    )
    .options(joinedload(CheckIn.acknowledged_by))
)


WEEK_CHECKINS = (
    sa.select(
        CheckIn.id,
        CheckIn.week_key,
        CheckIn.mood,
        CheckIn.progress_note,
        CheckIn.blocker,
        CheckIn.wants_help,
        CheckIn.acknowledged_at,
        CheckIn.reply,
        User.name.label("replied_by"),
    )
    .outerjoin(User, User.id == CheckIn.acknowledged_by_id)
    .where(
        CheckIn.membership_id == sa.bindparam("membership_id"),
        CheckIn.week_key.in_([sa.bindparam("checkin_week"), sa.bindparam("checkin_last_week")]),
    )
)
"""The rows ``this_week`` decides from, for a page that reads them with its other lists
(``Lists``): the mentee membership ``membership_id``'s check-ins of ``week_keys``."""


@dataclass(frozen=True)
class WeekCheckIn(CheckInState):
    """A row of ``WEEK_CHECKINS``: what the check-in card shows of a check-in and fills its
    form with, read without the ORM row (a page that only shows it)."""

    id: int
    week_key: str
    mood: int | None
    progress_note: str
    blocker: str
    wants_help: bool
    acknowledged_at: datetime | None
    reply: str
    replied_by: str | None


def week_keys(zones: WeekZones) -> dict[str, str]:
    """``WEEK_CHECKINS``' values: the person's week now and the week before it."""
    current = zones.week_at(request_now())
    return {"checkin_week": str(current), "checkin_last_week": str(current.previous())}


def week_read(membership_id: int, zones: WeekZones, rows: list[tuple]) -> ThisWeek:
    """This week, from the rows ``WEEK_CHECKINS`` read (no query)."""
    return this_week(membership_id, zones, {row.week_key: WeekCheckIn(*row) for row in rows})


def _week_rows(membership_id: int, week: WeekKey) -> dict[str, CheckIn]:
    """The rows of ``week`` and of the week before it, by week key."""
    weeks = [str(week), str(week.previous())]
    rows = db.session.scalars(_WEEK_ROWS, {"membership": membership_id, "weeks": weeks})
    return {row.week_key: row for row in rows}


def _counted(rows: dict[str, CheckIn], week: WeekKey) -> bool:
    previous = rows.get(str(week.previous()))
    return previous is not None and previous.counted


def history(membership_ids: list[int]) -> list[CheckIn]:
    """Every check-in of these mentee memberships, newest week first."""
    return list(
        db.session.scalars(
            sa.select(CheckIn)
            .where(CheckIn.membership_id.in_(membership_ids))
            .options(*WITH_PEOPLE)
            .order_by(CheckIn.week_key.desc(), CheckIn.id)
        )
    )


def with_people(checkin_id: int) -> CheckIn:
    """A check-in already authorised, reloaded with its people (after a commit expired it)."""
    return db.session.scalars(
        sa.select(CheckIn).where(CheckIn.id == checkin_id).options(*WITH_PEOPLE)
    ).one()


@dataclass(frozen=True)
class Health:
    """A mentorship's check-ins at a glance, for its card on the mentor's home."""

    last_checkin_at: datetime | None = None
    moods: tuple[tuple[WeekKey, float | None], ...] = ()
    unacknowledged: int = 0
    open_help: int = 0

    @property
    def trend(self) -> str:
        """The moods' trend in words, for the card's text alternative."""
        return mood_trend(mood for _, mood in self.moods)

    @property
    def faces(self) -> list[int]:
        """Each week's mood as the face the style sheet draws (0: no check-in)."""
        return [round(mood) if mood else 0 for _, mood in self.moods]

    @property
    def said(self) -> str:
        """The moods in words, oldest first, then the trend: what the faces say to a screen
        reader (a group's mood is its mentees' average)."""
        words = [
            "no check-in" if not mood else mood_label(face) if mood == face else f"average {mood:g}"
            for (_, mood), face in zip(self.moods, self.faces, strict=True)
        ]
        return f"Mood, last {len(self.moods)} weeks, oldest first: {', '.join(words)}. {self.trend}"


@dataclass(frozen=True)
class WeekMood:
    week: WeekKey
    checkins: int
    average: float | None


@dataclass(frozen=True)
class ProgramCheckins:
    """What a coordinator sees of check-ins: counts and averages, never a word of the text."""

    mentees: int
    weeks: tuple[WeekMood, ...]  # oldest first; the last one is this week
    open_help: int

    @property
    def this_week(self) -> WeekMood:
        return self.weeks[-1]

    @property
    def rate(self) -> int | None:
        """Percentage of the program's mentees checked in this week."""
        if not self.mentees:
            return None
        return round(100 * self.this_week.checkins / self.mentees)


def _week_figure(column, number: int) -> sa.Select:
    """One value of the program's ``number``-th week of the figures (oldest first)."""
    return sa.select(sa.func.sum(column)).where(
        ProgramWeek.program_id == sa.bindparam("program_id"),
        ProgramWeek.week_key == sa.bindparam(f"checkin_week_{number}"),
    )


CHECKIN_FIGURES = Figures(
    sa.select(sa.func.coalesce(sa.func.sum(ProgramState.total), 0)).where(
        ProgramState.program_id == sa.bindparam("program_id"),
        ProgramState.kind == Role.MENTEE.value,
    ),
    sa.select(sa.func.sum(ProgramSummary.open_help)).where(
        ProgramSummary.program_id == sa.bindparam("program_id")
    ),
    *(_week_figure(column, n) for n in range(PROGRAM_WEEKS) for column in WEEK_COLUMNS),
)
"""The program's mentees (in every state: its counters of members, not one entry per
mentee), its open help flags and its last ``PROGRAM_WEEKS`` weeks' check-ins and mood sums,
from its summary rows."""


def checkin_figures(program: Program) -> Asked[ProgramCheckins]:
    """Check-in rate this week, average mood for the last six weeks and open help flags.

    Weeks are the program's (its time zone). The moods and help requests come from the
    program's summary rows (``app.summaries``: its weeks' counts and mood sums, its mentees'
    open help), kept up to date by the services: no check-in is read here.
    """
    weeks = weeks_up_to(week_of(local_date(clock.utcnow(), program.time_zone)), PROGRAM_WEEKS)
    params = {f"checkin_week_{n}": str(week) for n, week in enumerate(weeks)}

    def build(values) -> ProgramCheckins:
        mentees, open_help, *by_week = values
        moods = []
        for w, count, total in zip(weeks, by_week[::2], by_week[1::2], strict=True):
            count = count or 0
            moods.append(WeekMood(w, count, round(total / count, 1) if count else None))
        return ProgramCheckins(mentees=mentees, weeks=tuple(moods), open_help=open_help or 0)

    return Asked(CHECKIN_FIGURES, {"program_id": program.id, **params}, build)
