"""Survey results for coordinators: sums per survey and role in SQL, shown by group only when
the group is large enough (``game.surveys.shown``), and the comments of shown groups alone.

Three groups exist for every survey: everyone, mentees and mentors. The rule is applied to each
group the page, the exports or the report could show, so no filter and no pair of tables gives
away a group smaller than ``THRESHOLD``. Comments come out in the order of their text, never of
their writing, and without any name or role.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa

from game.surveys import EVERYONE, SurveyKind, shown

from ..extensions import db
from ..models import Again, GoalsReached, Role, Survey, SurveyAnswer

GROUPS = (EVERYONE, Role.MENTEE.value, Role.MENTOR.value)
GROUP_LABELS = {EVERYONE: "Everyone", "mentee": "Mentees", "mentor": "Mentors"}
COMMENTS_PER_SURVEY = 30
"""A page, not an archive: the first comments by their text, of each survey shown."""


@dataclass(frozen=True)
class Tally:
    """One group's answers to one survey: sums, never rows."""

    answers: int = 0
    relationship: int = 0
    usefulness: int = 0
    goals: dict[str, int] = field(default_factory=dict)
    again: dict[str, int] = field(default_factory=dict)

    def __add__(self, other: Tally) -> Tally:
        def both(a: dict, b: dict) -> dict:
            return {k: a.get(k, 0) + b.get(k, 0) for k in a.keys() | b.keys()}

        return Tally(
            self.answers + other.answers,
            self.relationship + other.relationship,
            self.usefulness + other.usefulness,
            both(self.goals, other.goals),
            both(self.again, other.again),
        )

    def mean(self, total: int) -> float | None:
        return round(total / self.answers, 1) if self.answers else None


@dataclass(frozen=True)
class SurveyResult:
    kind: SurveyKind
    number: int
    opens_on: date
    tallies: dict[str, Tally]  # by group
    visible: frozenset[str]  # the groups a coordinator may see

    @property
    def title(self) -> str:
        return "End of program" if self.kind is SurveyKind.END else f"Pulse {self.number}"

    def tally(self, group: str) -> Tally | None:
        """The group's sums, or None when it must stay hidden."""
        return self.tallies.get(group, Tally()) if group in self.visible else None


@dataclass(frozen=True)
class SurveyResults:
    group: str  # the filter chosen on the dashboard
    pulses: list[SurveyResult]
    end: SurveyResult | None
    comments: dict[str, list[str]]  # survey title -> comments of the chosen group, if shown


def _counted(column, value) -> sa.ColumnElement:
    return sa.func.sum(sa.case((column == value, 1), else_=0))


def _tallies(program_id: int) -> list[tuple[Survey, dict[str, Tally]]]:
    """One GROUP BY over the program's answers, by survey and role."""
    columns = [
        sa.func.count(SurveyAnswer.id),
        sa.func.coalesce(sa.func.sum(SurveyAnswer.relationship), 0),
        sa.func.coalesce(sa.func.sum(SurveyAnswer.usefulness), 0),
        *(_counted(SurveyAnswer.goals_reached, v) for v in GoalsReached),
        *(_counted(SurveyAnswer.again, v) for v in Again),
    ]
    surveys: dict[int, Survey] = {}
    by_role: dict[int, dict[str, Tally]] = defaultdict(dict)
    for survey, role, count, rel, use, *choices in db.session.execute(
        sa.select(Survey, SurveyAnswer.role, *columns)
        .join(SurveyAnswer, SurveyAnswer.survey_id == Survey.id)
        .where(Survey.program_id == program_id)
        .group_by(Survey.id, SurveyAnswer.role)
    ):
        goals = {v.value: n or 0 for v, n in zip(GoalsReached, choices[:3], strict=True)}
        again = {v.value: n or 0 for v, n in zip(Again, choices[3:], strict=True)}
        surveys[survey.id] = survey
        by_role[survey.id][role.value] = Tally(count, rel, use, goals, again)
    ordered = sorted(surveys.values(), key=lambda s: (s.opens_on, s.kind.value, s.number))
    return [(survey, by_role[survey.id]) for survey in ordered]


def _result(survey: Survey, roles: dict[str, Tally]) -> SurveyResult:
    tallies = dict(roles)
    tallies[EVERYONE] = sum(roles.values(), Tally())
    counts = {group: roles.get(group, Tally()).answers for group in GROUPS[1:]}
    return SurveyResult(
        survey.kind, survey.number, survey.opens_on, tallies, frozenset(shown(counts))
    )


def _comments(results: list[tuple[int, SurveyResult]], group: str) -> dict[str, list[str]]:
    """The comments of each survey whose ``group`` is shown, in one query (capped per
    survey), ordered by their text."""
    ids = [survey_id for survey_id, result in results if group in result.visible]
    titles = {survey_id: result.title for survey_id, result in results}
    place = sa.func.row_number().over(
        partition_by=SurveyAnswer.survey_id, order_by=(SurveyAnswer.comment, SurveyAnswer.id)
    )
    wanted = sa.select(SurveyAnswer.survey_id, SurveyAnswer.comment, place.label("place")).where(
        SurveyAnswer.survey_id.in_(ids), SurveyAnswer.comment != ""
    )
    if group != EVERYONE:
        wanted = wanted.where(SurveyAnswer.role == Role(group))
    wanted = wanted.subquery()
    comments: dict[str, list[str]] = defaultdict(list)
    for survey_id, comment in db.session.execute(
        sa.select(wanted.c.survey_id, wanted.c.comment)
        .where(wanted.c.place <= COMMENTS_PER_SURVEY)
        .order_by(wanted.c.survey_id, wanted.c.place)
    ):
        comments[titles[survey_id]].append(comment)
    return dict(comments)


def survey_results(program_id: int, group: str = EVERYONE) -> SurveyResults:
    """Everything the outcomes pages show of the program's surveys, in two queries."""
    group = group if group in GROUPS else EVERYONE
    results = [(survey.id, _result(survey, roles)) for survey, roles in _tallies(program_id)]
    return SurveyResults(
        group=group,
        pulses=[r for _, r in results if r.kind is SurveyKind.PULSE],
        end=next((r for _, r in results if r.kind is SurveyKind.END), None),
        comments=_comments(results, group),
    )
