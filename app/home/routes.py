"""The home page: what this person should do now, in the role they are acting in."""

from __future__ import annotations

import sqlalchemy as sa
from flask import render_template, request
from flask_login import current_user

from ..access import active_membership
from ..calendars import break_mondays, keep_calendar
from ..certificates.queries import certificates_of
from ..checkins.queries import program_checkin_aggregate
from ..checkins.routes import card_context
from ..clock import utcnow
from ..extensions import db
from ..gamification.routes import mentee_context
from ..goals.queries import (
    GoalSummary,
    goal_summaries,
    program_goal_aggregate,
    review_queue,
)
from ..meetings.queries import mentee_meetings, program_meeting_aggregate
from ..mentor_cards import mentor_cards
from ..mentorships_query import mentorships_of
from ..models import GoalStatus, Invite, Mentorship, MentorshipStatus, Program, Role
from ..notices.service import unread as unread_notices
from ..onboarding.status import checklist_figures, checklist_from, checklist_of
from ..programs.people_query import CURRENT_STATES, PARTICIPANTS, State, state_counts
from ..programs.risk_query import help_waiting
from ..rendering import render
from ..surveys.queries import answered_from, answered_surveys, survey_to_answer
from . import bp

REVIEWS_ON_HOME = 3
"""The longest-waiting reviews the mentor's home shows first; the cards count the rest."""
CARDS_ON_HOME = 12
"""Mentee cards the mentor's home shows before "Show all": a few phone screens."""


def _cards_shown(mentorships: list[Mentorship], cards: dict) -> tuple[list[Mentorship], int]:
    """The mentee cards to show, and how many wait behind "Show all": with more pairs than
    ``CARDS_ON_HOME``, those with a help request come first, then those with something new,
    each group in its usual order."""
    if len(mentorships) <= CARDS_ON_HOME or request.args.get("mentees") == "all":
        return mentorships, 0

    def calm(mentorship: Mentorship) -> tuple[bool, bool]:
        health = cards["checkin_health"][mentorship.id]
        news = health.unacknowledged or mentorship.id in cards["waiting_counts"]
        return not health.open_help, not news

    return sorted(mentorships, key=calm)[:CARDS_ON_HOME], len(mentorships) - CARDS_ON_HOME


def _program_counts(program: Program) -> dict[str, int]:
    """Headline numbers for a coordinator, each one a filter of the people list, in two
    queries whatever the program's size."""
    people = state_counts(program)

    def pairs(status: MentorshipStatus):
        return (
            sa.select(sa.func.count())
            .where(Mentorship.program_id == program.id, Mentorship.status == status)
            .scalar_subquery()
        )

    active, proposed, open_invites = db.session.execute(
        sa.select(
            pairs(MentorshipStatus.ACTIVE),
            pairs(MentorshipStatus.PROPOSED),
            sa.select(sa.func.count())
            .where(
                Invite.program_id == program.id,
                Invite.uses_left > 0,
                Invite.expires_at > utcnow(),
            )
            .scalar_subquery(),
        )
    ).one()

    def count(states, roles=PARTICIPANTS) -> int:
        return sum(people.get((role, state.value), 0) for role in roles for state in states)

    return {
        "mentees": count(CURRENT_STATES, (Role.MENTEE,)),
        "mentors": count(CURRENT_STATES, (Role.MENTOR,)),
        "invited": count((State.INVITED,)),
        "joined": count((State.JOINED,)),
        "waiting": count((State.ONBOARDED,), (Role.MENTEE,)),
        "left": count((State.LEFT,)),
        "active": active,
        "proposed": proposed,
        "open_invites": open_invites,
    }


def _mentor_slots(membership, mentorships: list[Mentorship]) -> dict:
    """The mentor's checklist and survey, from one statement: the checklist's figures, the
    program's break weeks (its calendar, for the survey) and the surveys answered."""
    *checklist, mondays, answered = db.session.execute(
        sa.select(
            *checklist_figures(membership),
            break_mondays(membership.program_id),
            answered_surveys(membership),
        )
    ).one()
    keep_calendar(membership.program, mondays)
    return {
        "checklist": checklist_from(membership, *checklist),
        "survey_slot": survey_to_answer(membership, mentorships, utcnow(), answered_from(answered)),
    }


def _next_action(week_done: bool, next_meeting, goals: list[GoalSummary]) -> dict:
    """The one thing the mentee's home puts first: this week's check-in until it is in, then
    the next meeting, then a goal with a milestone still to work on and mark done; with none
    of these, planning a meeting (the meeting card offers it)."""
    if not week_done:
        return {"next_action": "checkin"}
    if next_meeting is None:
        goal = next((g for g in goals if g.status is GoalStatus.ACTIVE and g.open_milestones), None)
        if goal is not None:
            return {"next_action": "milestone", "next_goal": goal}
    return {"next_action": "meeting"}


@bp.get("/")
def index():
    if not current_user.is_authenticated:
        return render_template("home/welcome.html")
    membership = active_membership()
    if membership is None:
        return render("home/no_program.html")
    notices = unread_notices(current_user.id)
    if membership.role is Role.COORDINATOR:
        return render(
            "home/coordinator.html",
            membership=membership,
            notices=notices,
            counts=_program_counts(membership.program),
            meeting_aggregate=program_meeting_aggregate(membership.program_id, utcnow()),
            checkin_aggregate=program_checkin_aggregate(membership.program_id),
            goal_aggregate=program_goal_aggregate(membership.program_id),
            help_waiting=help_waiting(membership.program_id),
            now=utcnow(),
        )
    mentorships = mentorships_of(membership)
    certificates = certificates_of(current_user.id)
    if membership.role is Role.MENTOR:
        cards = mentor_cards(mentorships)
        shown, hidden = _cards_shown(mentorships, cards)
        return render(
            "home/mentor.html",
            shown=shown,
            hidden=hidden,
            membership=membership,
            notices=notices,
            certificates=certificates,
            mentorships=mentorships,
            review_queue=review_queue(membership, REVIEWS_ON_HOME),
            **_mentor_slots(membership, mentorships),
            **cards,
        )
    meetings = mentee_meetings(mentorships, current_user.id, utcnow())
    goals = goal_summaries(membership)
    checkin_card = card_context(membership)
    return render(
        "home/mentee.html",
        membership=membership,
        checklist=checklist_of(membership),
        notices=notices,
        certificates=certificates,
        mentorships=mentorships,
        **meetings,
        goal_summaries=goals,
        survey_slot=survey_to_answer(membership, mentorships, utcnow()),
        **checkin_card,
        **_next_action(checkin_card["this_week"].done, meetings["next_meeting"], goals),
        **mentee_context(membership),
    )
