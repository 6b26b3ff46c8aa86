"""Survey results for coordinators: sums per survey and role in SQL, shown by group only when
the group is large enough (``game.surveys.shown``), and the comments of shown groups alone.

Three groups exist for every survey: everyone, mentees and mentors. The rule is applied to each
group the page, the exports or the report could show, so no filter and no pair of tables gives
away a group smaller than ``THRESHOLD``. Comments come out in the order of their text, never of
their writing, and without any name or role.

Nothing of a survey shows while it is open: a coordinator who looked just before and just after
one person answered would otherwise read that person's scores and comment in the difference.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa

from game.surveys import EVERYONE, SurveyKind, shown

from ..extensions import db
from ..models import Role, Survey, SurveyAnswer

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
    open_until: date | None  # still open (nothing shown) until this day, else None

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


def _tallies_statement() -> sa.Select:
    """One GROUP BY over the program's answers, by survey, role and the two end answers (it
    reads ``ix_survey_answers_tally`` alone, in its order), each row with its survey."""
    answers = SurveyAnswer
    choices = (answers.goals_reached, answers.again)
    program_surveys = sa.select(Survey.id).where(Survey.program_id == sa.bindparam("program_id"))
    sums = (
        sa.select(
            answers.survey_id,
            answers.role,
            *choices,
            sa.func.count().label("answers"),
            sa.func.coalesce(sa.func.sum(answers.relationship), 0).label("relationship"),
            sa.func.coalesce(sa.func.sum(answers.usefulness), 0).label("usefulness"),
        )
        .where(answers.survey_id.in_(program_surveys))
        .group_by(answers.survey_id, answers.role, *choices)
        .subquery()
    )
    return sa.select(Survey, *sums.c).join(sums, sums.c.survey_id == Survey.id)


_TALLIES = _tallies_statement()
"""Built once: building it (and its cache key) on every dashboard cost more than running it."""


def _tallies(program_id: int) -> list[tuple[Survey, dict[str, Tally]]]:
    """Each survey of the program with its sums by role (the few groups are added up here)."""
    surveys: dict[int, Survey] = {}
    by_role: dict[int, dict[str, Tally]] = defaultdict(dict)
    for row in db.session.execute(_TALLIES, {"program_id": program_id}):
        survey = row.Survey
        goals = {row.goals_reached.value: row.answers} if row.goals_reached else {}
        again = {row.again.value: row.answers} if row.again else {}
        tally = Tally(row.answers, row.relationship, row.usefulness, goals, again)
        surveys[survey.id] = survey
        roles = by_role[survey.id]
        roles[row.role.value] = roles.get(row.role.value, Tally()) + tally
    ordered = sorted(surveys.values(), key=lambda s: (s.opens_on, s.kind.value, s.number))
    return [(survey, by_role[survey.id]) for survey in ordered]


def _result(survey: Survey, roles: dict[str, Tally], today: date) -> SurveyResult:
    tallies = dict(roles)
    tallies[EVERYONE] = sum(roles.values(), Tally())
    counts = {group: roles.get(group, Tally()).answers for group in GROUPS[1:]}
    still_open = survey.closes_on >= today
    visible = frozenset() if still_open else frozenset(shown(counts))
    return SurveyResult(
        survey.kind,
        survey.number,
        survey.opens_on,
        tallies,
        visible,
        survey.closes_on if still_open else None,
    )


def _comments(results: list[tuple[int, SurveyResult]], group: str) -> dict[str, list[str]]:
    """The first comments, by their text, of each survey whose ``group`` is shown: one
    statement of one short index range per survey (none when no survey is shown)."""
    ids = [survey_id for survey_id, result in results if group in result.visible]
    if not ids:
        return {}
    titles = {survey_id: result.title for survey_id, result in results}
    parts = []
    for survey_id in ids:
        part = sa.select(SurveyAnswer.survey_id, SurveyAnswer.comment).where(
            SurveyAnswer.survey_id == survey_id, SurveyAnswer.comment > ""
        )
        if group != EVERYONE:
            part = part.where(SurveyAnswer.role == Role(group))
        part = part.order_by(SurveyAnswer.comment).limit(COMMENTS_PER_SURVEY).subquery()
        parts.append(sa.select(part))
    comments: dict[str, list[str]] = defaultdict(list)
    for survey_id, comment in db.session.execute(sa.union_all(*parts)):
        comments[titles[survey_id]].append(comment)
    return {title: sorted(texts) for title, texts in comments.items()}


def survey_results(program_id: int, today: date, group: str = EVERYONE) -> SurveyResults:
    """Everything the outcomes pages show of the program's surveys on ``today`` (the
    program's day), in two queries (one when no group may be shown)."""
    group = group if group in GROUPS else EVERYONE
    results = [(survey.id, _result(survey, roles, today)) for survey, roles in _tallies(program_id)]
    return SurveyResults(
        group=group,
        pulses=[r for _, r in results if r.kind is SurveyKind.PULSE],
        end=next((r for _, r in results if r.kind is SurveyKind.END), None),
        comments=_comments(results, group),
    )
