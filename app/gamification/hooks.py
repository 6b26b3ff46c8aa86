"""The features' actions as game events: each hook runs inside the action's own transaction,
just before it commits, so the action and what it earned are saved together.

The feature services call these and nothing else of the game.
"""

from __future__ import annotations

import sqlalchemy as sa

import game
from game.weeks import WeekKey, local_date, week_of

from ..calendars import joined_week
from ..extensions import db
from ..models import (
    CheckIn,
    Goal,
    Meeting,
    MeetingConfirmation,
    MeetingStatus,
    Membership,
    Mentorship,
    Program,
    Role,
    User,
)
from . import service, sources


def checkin_saved(checkin: CheckIn) -> None:
    """A check-in with a mood counts its week (a help request alone does not)."""
    if not checkin.counted:
        return
    membership = db.session.get(Membership, checkin.membership_id)  # the request's, loaded
    week = WeekKey.parse(checkin.week_key)
    mentee = None
    if membership.role is Role.MENTEE:
        person = db.session.get(User, membership.user_id)  # also the request's
        joined = joined_week(membership, person.time_zone)
        mentee = service.Mentee(membership.id, joined)
    service.record(game.CheckIn(membership.user_id, membership.program_id, week), mentee)


def checkin_acknowledged(checkin: CheckIn, mentor_id: int) -> None:
    """Answering a check-in may earn the mentor Responsive Mentor."""
    program_id = db.session.get(Membership, checkin.membership_id).program_id
    service.recognise_mentor(mentor_id, program_id)


def meeting_confirmed(meeting_id: int) -> None:
    """Once a meeting is held, each mentee who said "we met" is paid (a group's late
    confirmer too: the others' keys already exist). The week is the program's."""
    row = db.session.execute(
        sa.select(Meeting.status, Meeting.starts_at, Mentorship.id, Program.id, Program.time_zone)
        .join(Mentorship, Mentorship.id == Meeting.mentorship_id)
        .join(Program, Program.id == Mentorship.program_id)
        .where(Meeting.id == meeting_id)
    ).one()
    status, starts_at, mentorship_id, program_id, zone = row
    if status is not MeetingStatus.HELD:
        return
    confirmed = db.session.scalars(
        sa.select(MeetingConfirmation.user_id).where(MeetingConfirmation.meeting_id == meeting_id)
    )
    mentors = sources.mentorship_people(mentorship_id)[Role.MENTOR]
    service.record(
        game.MeetingHeld(
            meeting_id=meeting_id,
            program_id=program_id,
            mentorship_id=mentorship_id,
            week=week_of(local_date(starts_at, zone)),
            participant_ids=frozenset(confirmed),
            mentor_ids=frozenset(mentors),
        )
    )


def _goal_context(goal_id: int) -> tuple[int, int, frozenset[int]]:
    """The goal's mentee, its program and its mentorship's mentors."""
    mentee_id, program_id, mentorship_id = db.session.execute(
        sa.select(Membership.user_id, Mentorship.program_id, Mentorship.id)
        .join(Goal, Goal.membership_id == Membership.id)
        .join(Mentorship, Mentorship.id == Goal.mentorship_id)
        .where(Goal.id == goal_id)
    ).one()
    mentors = sources.mentorship_people(mentorship_id)[Role.MENTOR]
    return mentee_id, program_id, frozenset(mentors)


def milestone_reviewed(milestone_id: int, goal_id: int, actor_id: int, confirmed: bool) -> None:
    """A mentor confirmed a milestone (paid) or sent it back (a paid one is reversed)."""
    mentee_id, program_id, mentors = _goal_context(goal_id)
    if confirmed:
        event = game.MilestoneConfirmed(
            milestone_id, goal_id, program_id, mentee_id, actor_id, mentors
        )
    else:
        event = game.MilestoneSentBack(milestone_id, goal_id, mentee_id, actor_id, mentors)
    service.record(event)


def goal_completed(goal_id: int) -> None:
    mentee_id, program_id, _ = _goal_context(goal_id)
    service.record(game.GoalCompleted(goal_id, program_id, mentee_id))
