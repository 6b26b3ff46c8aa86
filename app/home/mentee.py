"""The mentee's home, the page a mentee opens most: what to do now, their game card, their pair,
goals and meetings, in a fixed handful of statements.

Each module keeps the query of its own subject (``UNREAD`` in notices, ``SUMMARIES`` in goals,
...); the home reads its short lists side by side in one statement (``MENTEE_HOME``): its
pairs with their people (``PAIR_PEOPLE``, read as rows), this week's check-in and the rest.
"""

from __future__ import annotations

from flask_login import current_user

from ..certificates.queries import OF_PERSON
from ..checkins.queries import WEEK_CHECKINS, week_keys, week_read
from ..checkins.routes import card_context
from ..clock import utcnow
from ..gamification.queries import CARD_LISTS, mentee_card
from ..goals.queries import SUMMARIES, GoalSummary, goal_summaries
from ..lists_query import Lists
from ..meetings.queries import HOME_ACTIONS, HOME_NEXT, home_values, mentee_meetings
from ..mentorships_query import PAIR_PEOPLE, pairs_from
from ..models import GoalStatus, Membership
from ..notices.service import UNREAD
from ..onboarding.status import CHECKLIST, checklist_from
from ..surveys.queries import ANSWERED, survey_to_answer
from ..weeks import week_now

MENTEE_HOME = Lists(
    **CARD_LISTS,
    pairs=PAIR_PEOPLE,
    notices=UNREAD,
    checklist=CHECKLIST,
    answered=ANSWERED,
    next_meetings=HOME_NEXT,
    actions=HOME_ACTIONS,
    goals=SUMMARIES,
    certificates=OF_PERSON,
    week_checkins=WEEK_CHECKINS,
)
"""Everything short the mentee's home lists, for ``user_id`` in the mentee membership
``membership_id`` of the program ``program_id`` (and the meetings' ``home_values``)."""


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


def mentee_home(membership: Membership) -> dict:
    """What ``home/mentee.html`` shows: one statement after the person's own."""
    now = utcnow()
    zones = current_user.week_zones
    lists = MENTEE_HOME.run(
        user_id=membership.user_id,
        membership_id=membership.id,
        program_id=membership.program_id,
        **home_values(now),
        **week_keys(zones),
    )
    mentorships = pairs_from(lists["pairs"])
    meetings = mentee_meetings(mentorships, lists["next_meetings"], lists["actions"], now)
    goals = goal_summaries(lists["goals"])
    checkin_card = card_context(
        membership, week=week_read(membership.id, zones, lists["week_checkins"])
    )
    # The card reads the program's calendar from the lists: the survey then finds it.
    game = mentee_card(membership, week_now(current_user), current_user.time_zone, lists)
    return {
        "membership": membership,
        "checklist": checklist_from(membership, lists["checklist"][0]),
        "notices": lists["notices"],
        "certificates": lists["certificates"],
        "mentorships": mentorships,
        **meetings,
        "goal_summaries": goals,
        "survey_slot": survey_to_answer(membership, mentorships, now, lists["answered"]),
        **checkin_card,
        **_next_action(checkin_card["this_week"].done, meetings["next_meeting"], goals),
        "mentee_game": game,
    }
