"""The demo's surveys: the first pulse answered by eight people (its scores and a few comments
show on the outcomes dashboard), the second by three (hidden: fewer than five answers).

Answers are written apart from who gave them, as the app does; ``seed_game`` then pays the
mentees' points from the responses.
"""

from __future__ import annotations

import sqlalchemy as sa

from game import surveys as schedule
from game.surveys import SurveyKind

from ..calendars import calendar_of
from ..extensions import db
from ..models import Membership, Program, Role, Survey, SurveyAnswer, SurveyResponse, User

# (who answered, by e-mail) and (role, relationship, usefulness, comment), per pulse number
ANSWERED = {
    1: [
        "aisha@example.org",
        "ben@example.org",
        "chloe@example.org",
        "diego@example.org",
        "emma@example.org",
        "grace@example.org",
        "maya@example.org",
        "priya@example.org",
    ],
    2: ["aisha@example.org", "emma@example.org", "daniel@example.org"],
}
ANSWERS = {
    1: [
        (Role.MENTEE, 5, 4, "Having someone to plan the week with really helps."),
        (Role.MENTEE, 4, 4, ""),
        (Role.MENTEE, 4, 5, "The study timetable we made together works."),
        (Role.MENTEE, 3, 3, "Meetings sometimes feel rushed at lunchtime."),
        (Role.MENTEE, 5, 5, ""),
        (Role.MENTEE, 4, 3, ""),
        (Role.MENTOR, 4, 4, "A quiet room for meetings would help."),
        (Role.MENTOR, 5, 4, ""),
    ],
    2: [
        (Role.MENTEE, 4, 4, "Still finding it useful."),
        (Role.MENTEE, 5, 5, ""),
        (Role.MENTOR, 3, 4, ""),
    ],
}


def seed_surveys(program: Program) -> None:
    """The program's past pulse surveys, unless it has surveys already."""
    if db.session.scalar(sa.select(Survey.id).where(Survey.program_id == program.id).limit(1)):
        return
    pulses = {
        slot.number: slot
        for slot in schedule.schedule(calendar_of(program.id))
        if slot.kind is SurveyKind.PULSE
    }
    users = dict(db.session.execute(sa.select(User.email, User.id)).all())
    for number, emails in ANSWERED.items():
        slot = pulses.get(number)
        if slot is None:
            continue
        survey = Survey(
            program_id=program.id,
            kind=slot.kind,
            number=number,
            opens_on=slot.opens_on,
            closes_on=slot.closes_on,
        )
        db.session.add(survey)
        db.session.flush()
        db.session.add_all(
            SurveyResponse(survey_id=survey.id, user_id=users[email]) for email in emails
        )
        db.session.add_all(
            SurveyAnswer(survey_id=survey.id, role=role, relationship=r, usefulness=u, comment=c)
            for role, r, u, c in ANSWERS[number]
        )
    db.session.commit()


def answered_by_mentees(program_id: int) -> list[tuple[int, int, object]]:
    """(survey, mentee user, the day it opened) of each survey a mentee answered: what the
    demo's game replays."""
    return db.session.execute(
        sa.select(SurveyResponse.survey_id, SurveyResponse.user_id, Survey.opens_on)
        .join(Survey, Survey.id == SurveyResponse.survey_id)
        .join(
            Membership,
            sa.and_(
                Membership.user_id == SurveyResponse.user_id,
                Membership.program_id == Survey.program_id,
            ),
        )
        .where(Survey.program_id == program_id, Membership.role == Role.MENTEE)
    ).all()
