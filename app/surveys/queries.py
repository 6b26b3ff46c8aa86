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


ANSWERED = (
    sa.select(Survey.kind, Survey.number)
    .join(SurveyResponse, SurveyResponse.survey_id == Survey.id)
    .where(
        Survey.program_id == sa.bindparam("program_id"),
        SurveyResponse.user_id == sa.bindparam("user_id"),
    )
)
"""The surveys of the program ``program_id`` the person ``user_id`` answered."""


def survey_to_answer(
    membership: Membership,
    mentorships: list[Mentorship],
    now: datetime,
    answered_rows: list[tuple] | None = None,
) -> SurveySlot | None:
    """For a home page: the survey this person should answer now, if any (its pairs are
    already loaded; two queries at most, none when the page read the break weeks and gives the
    rows of ``ANSWERED``)."""
    if membership.role not in ASKED or not any(
        m.status is MentorshipStatus.ACTIVE for m in mentorships
    ):
        return None
    slot = open_slot(membership.program_id, now)
    if slot is None:
        return None
    if answered_rows is None:
        done = answered(membership.user_id, membership.program_id, slot)
    else:
        done = (slot.kind, slot.number) in {(kind, number) for kind, number in answered_rows}
    return None if done else slot
