"""Who is asked which survey now: a mentee or mentor of an active pair, while one is open."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from game import surveys as schedule
from game.surveys import SurveySlot
from game.weeks import local_date

from ..calendars import calendar_of
from ..extensions import db
from ..models import (
    Membership,
    Mentorship,
    MentorshipMember,
    MentorshipStatus,
    Role,
    Survey,
    SurveyResponse,
)

ASKED = frozenset({Role.MENTEE, Role.MENTOR})


def open_slot(program_id: int, now: datetime) -> SurveySlot | None:
    """The program's survey open today in its own zone (one query, for its break weeks)."""
    calendar = calendar_of(program_id)
    return schedule.open_on(calendar, local_date(now, calendar.zone))


def in_active_pair(membership: Membership) -> bool:
    return bool(
        db.session.scalar(
            sa.select(
                sa.exists().where(
                    MentorshipMember.membership_id == membership.id,
                    Mentorship.id == MentorshipMember.mentorship_id,
                    Mentorship.status == MentorshipStatus.ACTIVE,
                )
            )
        )
    )


def answered(user_id: int, program_id: int, slot: SurveySlot) -> bool:
    return bool(
        db.session.scalar(
            sa.select(
                sa.exists().where(
                    SurveyResponse.user_id == user_id,
                    SurveyResponse.survey_id == Survey.id,
                    Survey.program_id == program_id,
                    Survey.kind == slot.kind,
                    Survey.number == slot.number,
                )
            )
        )
    )


def answered_surveys(membership: Membership) -> sa.ScalarSelect:
    """The program's surveys the person answered, as one column of text ("pulse:1,pulse:2"):
    a home reads it in the statement of its other figures and hands ``answered_from`` it."""
    return (
        sa.select(
            sa.func.aggregate_strings(
                sa.type_coerce(Survey.kind, sa.String) + ":" + sa.cast(Survey.number, sa.String),
                ",",
            )
        )
        .join(SurveyResponse, SurveyResponse.survey_id == Survey.id)
        .where(
            SurveyResponse.user_id == membership.user_id, Survey.program_id == membership.program_id
        )
        .scalar_subquery()
    )


def answered_from(text: str | None) -> frozenset[str]:
    """The "kind:number" of each survey in ``answered_surveys``' text."""
    return frozenset(text.split(",")) if text else frozenset()


def survey_to_answer(
    membership: Membership,
    mentorships: list[Mentorship],
    now: datetime,
    answered_slots: frozenset[str] | None = None,
) -> SurveySlot | None:
    """For a home page: the survey this person should answer now, if any (its pairs are
    already loaded; two queries at most, none when the home read the program's calendar and
    ``answered_surveys`` itself and hands ``answered_slots`` from ``answered_from``)."""
    if membership.role not in ASKED or not any(
        m.status is MentorshipStatus.ACTIVE for m in mentorships
    ):
        return None
    slot = open_slot(membership.program_id, now)
    if slot is None:
        return None
    if answered_slots is None:
        done = answered(membership.user_id, membership.program_id, slot)
    else:
        done = f"{slot.kind.value}:{slot.number}" in answered_slots
    return None if done else slot
