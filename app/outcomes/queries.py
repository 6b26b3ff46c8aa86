"""The outcomes of a program, by program week: numbers only, never text.

Every figure is a sum of the program's week rows (``ProgramWeek``, kept by
``app.program_weeks`` in the transaction of each action), by week or by cadence period, so the
page costs the same few statements (``program_outcomes`` says which) for 20 or 20,000 people
and reads a handful of rows per week, never a pair's rows.
A week's mood is shown only once ``THRESHOLD`` check-ins make it anonymous.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

import game
from game.weeks import WeekKey, local_date

from ..calendars import program_calendar
from ..extensions import db
from ..meetings.queries import held_counts
from ..models import BreakWeek, Program, ProgramWeek, Role
from ..summaries import WEEK_FIELDS
from ..surveys.results import SurveyResults, survey_results

PARTICIPANTS = (Role.MENTEE, Role.MENTOR)

THRESHOLD = 5
"""Fewest answers a group may have before a coordinator sees its mood (the issue's rule)."""


@dataclass(frozen=True)
class Funnel:
    role: Role
    joined: int
    matched: int
    active: int

    def share(self, count: int) -> int | None:
        return round(100 * count / self.joined) if self.joined else None


@dataclass(frozen=True)
class Week:
    key: WeekKey
    break_label: str | None  # None: not a break week
    mentees: int
    checked_in: int
    mood_total: int  # sum of the week's moods; shown only from THRESHOLD check-ins on
    milestones: int
    goals: int

    @property
    def rate(self) -> int | None:
        return round(100 * self.checked_in / self.mentees) if self.mentees else None

    @property
    def mood(self) -> float | None:
        return round(self.mood_total / self.checked_in, 1) if self.checked_in >= THRESHOLD else None


@dataclass(frozen=True)
class Period:
    weeks: tuple[WeekKey, ...]
    pairs: int  # pairs running in the period: matched by its end, not closed before it
    met: int  # of those, pairs with a held meeting in the period
    in_progress: bool

    @property
    def share(self) -> int | None:
        return round(100 * self.met / self.pairs) if self.pairs else None


@dataclass(frozen=True)
class Outcomes:
    program: Program
    today: WeekKey
    active_pairs: int
    funnels: list[Funnel]
    weeks: list[Week]
    periods: list[Period]
    held_last_four_weeks: int
    surveys: SurveyResults

    @property
    def rhythm_kept(self) -> int | None:
        """Share of finished periods (breaks left out) in which an active pair met."""
        done = [p for p in self.periods if not p.in_progress]
        pairs = sum(p.pairs for p in done)
        return round(100 * sum(p.met for p in done) / pairs) if pairs else None


WeekRows = dict[WeekKey, dict[str, int]]

WEEK_ROW = sa.select(
    ProgramWeek.week_key, *(getattr(ProgramWeek, name) for name in WEEK_FIELDS)
).where(ProgramWeek.program_id == sa.bindparam("program_id"))
"""Every week row of the program ``program_id``: a few dozen, whatever its size."""


def _week_rows(program_id: int) -> WeekRows:
    return {
        WeekKey.parse(key): dict(zip(WEEK_FIELDS, counts, strict=True))
        for key, *counts in db.session.execute(WEEK_ROW, {"program_id": program_id})
    }


def _spans(rows: WeekRows, lasts: list[WeekKey]) -> dict[int, dict[str, int]]:
    """The rows' counts summed by span: the first span whose last week is not before the row's
    week (``len(lasts)`` after them all), as the page means "in week (or period) n"."""
    found: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for week, counts in rows.items():
        span = bisect_left(lasts, week)
        for name, count in counts.items():
            found[span][name] += count
    return found


def _funnels(rows: WeekRows) -> list[Funnel]:
    """Joined → ever matched → still in an active pair and not left, per role. Once the
    program is closed, the pairs its closing ended count as still active: they lasted to the
    end."""
    totals = _totals(rows)
    return [
        Funnel(
            role,
            totals[f"{side}_joined"],
            totals[f"{side}_matched"],
            totals[f"{side}_lasting"],
        )
        for role, side in zip(PARTICIPANTS, ("mentees", "mentors"), strict=True)
    ]


def _totals(rows: WeekRows) -> dict[str, int]:
    totals: dict[str, int] = defaultdict(int)
    for counts in rows.values():
        for name, count in counts.items():
            totals[name] += count
    return totals


def _weeks(rows: WeekRows, calendar: game.ProgramCalendar, weeks, labels) -> list[Week]:
    """Mentees by the weeks they joined and left in, check-ins and moods per week key,
    milestones confirmed and goals completed per week."""
    spans = _spans(rows, weeks)
    result, present = [], 0
    for i, week in enumerate(weeks):
        # a mentee counts from the week they joined in to the week they left in
        present += spans[i]["mentees_joined"] - spans[i - 1]["mentees_left"]  # [-1]: none
        counts = rows.get(week, {})
        label = (labels.get(week.monday()) or "Break") if calendar.is_break(week) else None
        result.append(
            Week(
                week,
                label,
                present,
                counts.get("checkins", 0),
                counts.get("mood_total", 0),
                spans[i]["milestones"],
                spans[i]["goals"],
            )
        )
    return result


def _begun(calendar: game.ProgramCalendar, today: WeekKey) -> list[tuple[WeekKey, ...]]:
    return [p for p in calendar.periods() if p[0] <= today]


def _periods(rows: WeekRows, calendar: game.ProgramCalendar, today: WeekKey) -> list[Period]:
    """Per measured period (``game.measured_periods``): the pairs running in it (matched by its
    end and not closed before it began, so a pair that ended later still counts where it
    ran), and how many of them held a meeting in it. Rows are summed over every begun period,
    so a meeting in a break-only period counts in none of the measured ones. A pair closes no
    earlier than it was matched, so those running in period n are those matched up to it less
    those closed before it."""
    begun = _begun(calendar, today)
    spans = _spans(rows, [period[-1] for period in begun])
    measured = set(game.measured_periods(calendar, today))
    found, matched, closed = [], 0, 0
    for i, period in enumerate(begun):
        matched += spans[i]["pairs_matched"]
        running = matched - closed
        closed += spans[i]["pairs_closed"]
        if period in measured:
            found.append(Period(period, running, spans[i]["pairs_met"], today in period))
    return found


BREAK_LABELS = sa.select(BreakWeek.monday, BreakWeek.label).where(
    BreakWeek.program_id == sa.bindparam("program_id")
)


def program_outcomes(program: Program, now: datetime, survey_group: str = "everyone") -> Outcomes:
    """Everything the outcomes pages show, in a fixed number of queries (the break weeks,
    the grouped figures, the meetings held lately, the surveys); survey charts and comments
    for ``survey_group`` (everyone, mentee or mentor)."""
    labels = dict(db.session.execute(BREAK_LABELS, {"program_id": program.id}).all())
    calendar = program_calendar(program, labels)
    today = calendar.current_week(now)
    weeks = [w for w in calendar.weeks() if w <= today]
    rows = _week_rows(program.id)
    return Outcomes(
        program=program,
        today=today,
        active_pairs=_totals(rows)["pairs_active"],
        funnels=_funnels(rows),
        weeks=_weeks(rows, calendar, weeks, labels),
        periods=_periods(rows, calendar, today),
        held_last_four_weeks=held_counts(program.id, calendar, now).last_four_weeks,
        surveys=survey_results(program.id, local_date(now, program.time_zone), survey_group),
    )
