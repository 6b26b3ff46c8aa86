"""The tables behind the outcomes charts, and the charts drawn from them: one definition
serves the page, the CSV exports and the printed report, so they always agree."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from ..checkins.trend import mood_trend
from ..programs.roster import csv_safe
from ..surveys.results import GROUP_LABELS, GROUPS, SurveyResult
from .charts import Chart, Slot, fmt
from .queries import THRESHOLD, Outcomes

TABLE_NAMES = ("retention", "rhythm", "checkins", "milestones", "surveys", "end_survey")
HIDDEN = f"hidden (fewer than {THRESHOLD} check-ins)"
HIDDEN_GROUP = f"hidden (a group under {THRESHOLD} answers)"


@dataclass(frozen=True)
class Table:
    name: str
    caption: str
    headers: tuple[str, ...]
    rows: list[tuple[str, ...]]

    def csv(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out)
        for row in (self.headers, *self.rows):
            writer.writerow([csv_safe(cell) for cell in row])
        return out.getvalue()


def _pct(value: int | None) -> str:
    return "–" if value is None else f"{value}%"


def _period_label(weeks) -> str:
    return str(weeks[0]) if len(weeks) == 1 else f"{weeks[0]}–{weeks[-1]}"


def tables(o: Outcomes) -> dict[str, Table]:
    listed = [
        Table(
            "retention",
            "Retention to date: joined, matched, still in an active mentorship",
            ("Role", "Joined", "Matched", "Matched share", "Still active", "Still active share"),
            [
                (
                    f.role.value,
                    str(f.joined),
                    str(f.matched),
                    _pct(f.share(f.matched)),
                    str(f.active),
                    _pct(f.share(f.active)),
                )
                for f in o.funnels
            ],
        ),
        Table(
            "rhythm",
            "Meeting rhythm per cadence period (break weeks left out)",
            ("Period", "Active pairs", "Pairs that met", "Share that met"),
            [
                (
                    _period_label(p.weeks) + (" (in progress)" if p.in_progress else ""),
                    str(p.pairs),
                    str(p.met),
                    _pct(p.share),
                )
                for p in o.periods
            ],
        ),
        Table(
            "checkins",
            f"Weekly check-ins and mood (mood shown from {THRESHOLD} check-ins in a week)",
            ("Week", "Break", "Mentees", "Checked in", "Check-in rate", "Average mood (1–5)"),
            [
                (
                    str(w.key),
                    w.break_label or "",
                    str(w.mentees),
                    str(w.checked_in),
                    _pct(w.rate),
                    HIDDEN if w.mood is None and w.checked_in else fmt(w.mood),
                )
                for w in o.weeks
            ],
        ),
        Table(
            "milestones",
            "Milestones confirmed by mentors and goals completed, per week",
            ("Week", "Break", "Milestones confirmed", "Goals completed"),
            [(str(w.key), w.break_label or "", str(w.milestones), str(w.goals)) for w in o.weeks],
        ),
        Table(
            "surveys",
            f"Pulse survey scores by group (each group shown from {THRESHOLD} answers)",
            ("Survey", "Opened", "Group", "Answers", "Relationship (1–5)", "Usefulness (1–5)"),
            [
                (r.title, str(r.opens_on), GROUP_LABELS[group], *_pulse_cells(r, group))
                for r in o.surveys.pulses
                for group in GROUPS
            ],
        ),
        Table(
            "end_survey",
            f"End-of-program survey by group (each group shown from {THRESHOLD} answers)",
            (
                "Group",
                "Answers",
                "Goals reached: yes",
                "Partly",
                "No",
                "Would take part again: yes",
                "Maybe",
                "No",
            ),
            [
                (GROUP_LABELS[group], *_end_cells(o.surveys.end, group))
                for group in (GROUPS if o.surveys.end else ())
            ],
        ),
    ]
    assert tuple(table.name for table in listed) == TABLE_NAMES
    return {table.name: table for table in listed}


def _hidden(result: SurveyResult) -> str:
    if result.open_until:
        return f"open: results after it closes on {result.open_until:%d %b}"
    return HIDDEN_GROUP


def _pulse_cells(result: SurveyResult, group: str) -> tuple[str, ...]:
    tally = result.tally(group)
    if tally is None:
        return (_hidden(result), "–", "–")
    return (
        str(tally.answers),
        fmt(tally.mean(tally.relationship)),
        fmt(tally.mean(tally.usefulness)),
    )


def _end_cells(result: SurveyResult, group: str) -> tuple[str, ...]:
    tally = result.tally(group)
    if tally is None:
        return (_hidden(result), *["–"] * 6)
    return (
        str(tally.answers),
        *(str(tally.goals.get(v, 0)) for v in ("yes", "partly", "no")),
        *(str(tally.again.get(v, 0)) for v in ("yes", "maybe", "no")),
    )


def charts(o: Outcomes) -> dict[str, Chart]:
    weeks = f"{len(o.weeks)} weeks"
    busiest = max((w.milestones for w in o.weeks), default=0)
    return {
        "rhythm": Chart(
            "chart-rhythm",
            "Meeting rhythm kept",
            f"Share of active pairs that held a meeting in each of {len(o.periods)} cadence "
            f"periods; break-only periods are left out. Overall: {_pct(o.rhythm_kept)}.",
            "bar",
            100,
            "%",
            tuple(Slot(_period_label(p.weeks), p.share) for p in o.periods),
        ),
        "checkins": _weekly(
            o,
            "chart-checkins",
            "Weekly check-in rate",
            "bar",
            100,
            "%",
            f"Share of mentees who checked in, each week over {weeks}; break weeks shaded.",
            lambda w: w.rate,
        ),
        "mood": _weekly(
            o,
            "chart-mood",
            "Mood trend",
            "line",
            5,
            "",
            f"Average mood from 1 to 5 each week over {weeks}, shown only for weeks with at "
            f"least {THRESHOLD} check-ins; break weeks shaded. "
            + mood_trend(w.mood for w in o.weeks),
            lambda w: w.mood,
        ),
        "milestones": _weekly(
            o,
            "chart-milestones",
            "Milestones confirmed",
            "bar",
            max(busiest, 1),
            "",
            f"Milestones confirmed by mentors each week over {weeks}; break weeks shaded.",
            lambda w: w.milestones,
        ),
        **_survey_charts(o),
    }


def _survey_charts(o: Outcomes) -> dict[str, Chart]:
    """Mean scores of each pulse for the chosen group; a hidden group draws nothing."""
    group = GROUP_LABELS[o.surveys.group].lower()

    def chart(key: str, title: str, what: str) -> Chart:
        slots = []
        for r in o.surveys.pulses:
            tally = r.tally(o.surveys.group)
            value = None if tally is None else tally.mean(getattr(tally, key))
            slots.append(Slot(r.title, value))
        desc = (
            f"Average {what} from 1 to 5 for {group}, per pulse survey over "
            f"{len(slots)} surveys; a pulse with fewer than {THRESHOLD} answers in the group "
            "is left out."
        )
        return Chart(f"chart-survey-{key}", title, desc, "bar", 5, "", tuple(slots))

    return {
        "survey_relationship": chart("relationship", "Relationship quality", "relationship"),
        "survey_usefulness": chart("usefulness", "Usefulness", "usefulness"),
    }


def _weekly(o: Outcomes, id, title, kind, y_max, unit, desc, value) -> Chart:
    slots = tuple(Slot(str(w.key), value(w), w.break_label) for w in o.weeks)
    return Chart(id, title, desc, kind, y_max, unit, slots)
