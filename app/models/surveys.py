"""Surveys: who answered is kept apart from what was answered.

``SurveyResponse`` says that a person answered a survey (UNIQUE per survey and person: it pays
the points once and stops a second answer). ``SurveyAnswer`` holds the scores and the comment
with the answerer's role only: no user, no time, and a random key rather than a counter, so
nothing in an answer leads back to the response written beside it.
"""

from __future__ import annotations

import enum
import secrets
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from game.surveys import SurveyKind

from ..extensions import db
from .programs import Role
from .types import enum_column

COMMENT_LIMIT = 500


class GoalsReached(enum.Enum):
    YES = "yes"
    PARTLY = "partly"
    NO = "no"


class Again(enum.Enum):
    YES = "yes"
    MAYBE = "maybe"
    NO = "no"


class Survey(db.Model):
    """One survey of a program (``game.surveys.schedule`` says when), made the first time
    someone opens or answers it."""

    __tablename__ = "surveys"

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(sa.ForeignKey("programs.id", ondelete="CASCADE"))
    kind: Mapped[SurveyKind] = mapped_column(enum_column(SurveyKind))
    number: Mapped[int]
    opens_on: Mapped[date]
    closes_on: Mapped[date]

    __table_args__ = (sa.UniqueConstraint("program_id", "kind", "number"),)


class SurveyResponse(db.Model):
    """That ``user_id`` answered ``survey_id``; never what they answered."""

    __tablename__ = "survey_responses"

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(sa.ForeignKey("surveys.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))

    __table_args__ = (sa.UniqueConstraint("survey_id", "user_id"),)


def _random_key() -> str:
    return secrets.token_hex(16)


class SurveyAnswer(db.Model):
    """What one person answered, by role only. Pulse: ``relationship`` and ``usefulness``
    (1–5) and an optional comment. End: ``goals_reached``, ``again`` and what should change
    (the comment)."""

    __tablename__ = "survey_answers"

    id: Mapped[str] = mapped_column(sa.String(32), primary_key=True, default=_random_key)
    survey_id: Mapped[int] = mapped_column(sa.ForeignKey("surveys.id", ondelete="CASCADE"))
    role: Mapped[Role] = mapped_column(enum_column(Role))
    relationship: Mapped[int | None]
    usefulness: Mapped[int | None]
    goals_reached: Mapped[GoalsReached | None] = mapped_column(enum_column(GoalsReached))
    again: Mapped[Again | None] = mapped_column(enum_column(Again))
    comment: Mapped[str] = mapped_column(sa.String(COMMENT_LIMIT), default="")

    __table_args__ = (
        sa.CheckConstraint("relationship BETWEEN 1 AND 5", name="relationship_range"),
        sa.CheckConstraint("usefulness BETWEEN 1 AND 5", name="usefulness_range"),
        # the outcomes' sums read this index alone, already in group order
        sa.Index(
            "ix_survey_answers_tally",
            "survey_id",
            "role",
            "goals_reached",
            "again",
            "relationship",
            "usefulness",
        ),
        # a survey's first comments by their text, without reading the others
        sa.Index("ix_survey_answers_comments", "survey_id", "comment"),
    )
