"""The home page: what this person should do now, in the role they are acting in."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask import render_template, request
from flask_login import current_user

from ..access import active_membership
from ..calendars import BREAK_MONDAYS, calendar_of, calendar_read
from ..certificates.queries import OF_PERSON
from ..checkins.queries import CHECKIN_FIGURES, checkin_figures
from ..clock import utcnow
from ..figures import Asked, Figures
from ..goals.queries import GOAL_FIGURES, REVIEW_QUEUE, ReviewItem, goal_figures
from ..lists_query import Lists
from ..meetings.queries import MEETING_FIGURES, meeting_aggregate, meeting_figures
from ..member_states import PAIR
from ..mentor_cards import mentor_cards
from ..mentorships_query import mentorships_of
from ..models import Invite, Mentorship, MentorshipStatus, Program, Role
from ..notices.service import UNREAD
from ..onboarding.status import CHECKLIST, checklist_from
from ..programs.people_query import CURRENT_STATES, PARTICIPANTS, State, state_counts
from ..programs.risk_query import HELP_COUNT, HELP_WAITING, help_count, help_waiting
from ..rendering import render
from ..surveys.queries import ANSWERED, survey_to_answer
from . import bp
from .mentee import mentee_home

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


OPEN_INVITES = Figures(
    sa.select(sa.func.count()).where(
        Invite.program_id == sa.bindparam("program_id"),
        Invite.uses_left > 0,
        Invite.expires_at > sa.bindparam("now"),
    )
)
"""The program's invites that can still be used at ``now``."""


def _program_counts(program: Program, now: datetime) -> Asked[dict[str, int]]:
    """Headline numbers for a coordinator, each one a filter of the people list: the people's
    states and the pairs' statuses in one query (the program's counters), the open invites
    asked alongside other figures."""
    people = state_counts(program)

    def count(states, roles=PARTICIPANTS) -> int:
        return sum(people.get((role.value, s.value), 0) for role in roles for s in states)

    def build(values) -> dict[str, int]:
        (invites,) = values
        return {
            "mentees": count(CURRENT_STATES, (Role.MENTEE,)),
            "mentors": count(CURRENT_STATES, (Role.MENTOR,)),
            "invited": count((State.INVITED,)),
            "joined": count((State.JOINED,)),
            "waiting": count((State.ONBOARDED,), (Role.MENTEE,)),
            "left": count((State.LEFT,)),
            "active": people.get((PAIR, MentorshipStatus.ACTIVE.value), 0),
            "proposed": people.get((PAIR, MentorshipStatus.PROPOSED.value), 0),
            "open_invites": invites,
        }

    return Asked(OPEN_INVITES, {"program_id": program.id, "now": now}, build)


COORDINATOR_FIGURES = Figures.of(
    MEETING_FIGURES, OPEN_INVITES, CHECKIN_FIGURES, GOAL_FIGURES, HELP_COUNT
)
"""Every figure of the coordinator's home but the people's states, in one statement built
once: the meeting counts, the open invites, the check-in weeks, the goal counts and how many
mentees wait for help."""


COORDINATOR_LISTS = Lists(notices=UNREAD, break_mondays=BREAK_MONDAYS, help_waiting=HELP_WAITING)
"""The coordinator's notices, the program's break weeks (its calendar) and the people of
the pairs waiting longest for help, for ``user_id`` coordinating ``program_id``."""


def _coordinator_home(membership):
    """The program's figures: the coordinator's short lists (``COORDINATOR_LISTS``), the
    people's states, then one statement for the meeting counts and every other count (read from
    the program's summary rows), then the names of the first quiet pairs."""
    program, now = membership.program, utcnow()
    lists = COORDINATOR_LISTS.run(user_id=membership.user_id, program_id=program.id)
    calendar_read(program, [monday for (monday,) in lists["break_mondays"]])
    held, counts, checkins, goals, waiting = COORDINATOR_FIGURES.read(
        meeting_figures(program.id, calendar_of(program.id), now),
        _program_counts(program, now),
        checkin_figures(program),
        goal_figures(program.id),
        help_count(program.id),
    )
    return render(
        "home/coordinator.html",
        membership=membership,
        notices=lists["notices"],
        counts=counts,
        meeting_aggregate=meeting_aggregate(program.id, now, held),
        checkin_aggregate=checkins,
        goal_aggregate=goals,
        help_waiting=help_waiting(lists["help_waiting"]),
        waiting=waiting,
        now=now,
    )


MENTOR_SLOTS = Lists(
    notices=UNREAD,
    certificates=OF_PERSON,
    checklist=CHECKLIST,
    break_mondays=BREAK_MONDAYS,
    answered=ANSWERED,
    reviews=REVIEW_QUEUE,
)
"""The mentor's notices, certificates and checklist, the program's break weeks (its calendar,
for the survey), the surveys answered and the milestones waiting longest for review, for
``user_id`` in the membership ``membership_id`` of ``program_id``: the
same SELECTs the mentee's home reads, and the review queue."""


def _mentor_slots(membership, mentorships: list[Mentorship]) -> dict:
    """The mentor's notices, certificates, checklist, survey and first reviews, from one
    statement."""
    lists = MENTOR_SLOTS.run(
        user_id=membership.user_id,
        membership_id=membership.id,
        program_id=membership.program_id,
        review_limit=REVIEWS_ON_HOME,
    )
    calendar_read(membership.program, [monday for (monday,) in lists["break_mondays"]])
    return {
        "notices": lists["notices"],
        "certificates": lists["certificates"],
        "checklist": checklist_from(membership, lists["checklist"][0]),
        "survey_slot": survey_to_answer(membership, mentorships, utcnow(), lists["answered"]),
        "review_queue": [ReviewItem(*row) for row in lists["reviews"]],
    }


@bp.get("/")
def index():
    if not current_user.is_authenticated:
        return render_template("home/welcome.html")
    membership = active_membership()
    if membership is None:
        return render("home/no_program.html")
    if membership.role is Role.MENTEE:
        return render("home/mentee.html", **mentee_home(membership))
    if membership.role is Role.COORDINATOR:
        return _coordinator_home(membership)
    mentorships = mentorships_of(membership)
    if membership.role is Role.MENTOR:
        cards = mentor_cards(mentorships)
        shown, hidden = _cards_shown(mentorships, cards)
        return render(
            "home/mentor.html",
            shown=shown,
            hidden=hidden,
            membership=membership,
            mentorships=mentorships,
            **_mentor_slots(membership, mentorships),
            **cards,
        )
