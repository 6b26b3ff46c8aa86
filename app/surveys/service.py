"""Answering a survey: the response, the answer and the points in one transaction.

The response row (survey, person; UNIQUE) is written first: a second answer, a double tap or
two tabs racing all stop there, before any answer is stored or any point paid. The answer is
written beside it with the role only. Points go to mentees (GAME.md: mentors earn badges,
not points).
"""

from __future__ import annotations

import sqlalchemy as sa

import game
from game.surveys import SurveySlot

from ..extensions import db
from ..gamification import service as game_service
from ..gamification.service import Outcome
from ..gamification.store import insert_once
from ..models import Membership, Role, Survey, SurveyAnswer, SurveyResponse


class AlreadyAnswered(Exception):
    """This person has answered this survey already."""


def survey_row(program_id: int, slot: SurveySlot) -> Survey:
    """The survey's row, made if it is not there yet (two people answering the first at once
    both end up with the one row: the UNIQUE constraint decides)."""
    values = {
        "program_id": program_id,
        "kind": slot.kind.value,
        "number": slot.number,
        "opens_on": slot.opens_on,
        "closes_on": slot.closes_on,
    }
    insert_once(Survey, values, ["program_id", "kind", "number"])
    return db.session.scalars(
        sa.select(Survey).where(
            Survey.program_id == program_id,
            Survey.kind == slot.kind,
            Survey.number == slot.number,
        )
    ).one()


def answer(membership: Membership, slot: SurveySlot, answers: dict) -> Outcome:
    """Save one person's answers to the open survey ``slot``; raises ``AlreadyAnswered``."""
    survey = survey_row(membership.program_id, slot)
    response = {"survey_id": survey.id, "user_id": membership.user_id}
    if not insert_once(SurveyResponse, response, ["survey_id", "user_id"]):
        raise AlreadyAnswered(survey.id)
    db.session.add(SurveyAnswer(survey_id=survey.id, role=membership.role, **answers))
    outcome = Outcome()
    if membership.role is Role.MENTEE:
        outcome = game_service.record(game.SurveyAnswered(survey.id, membership.user_id))
    db.session.commit()
    return outcome
