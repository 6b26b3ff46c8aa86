"""Helpers for the goal tests: rows written straight to the database, people, clients.

Call the row helpers inside an app context; they return ids, so tests never hold on to
instances from a session that has gone.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import sqlalchemy as sa
from flask import Flask

from app import clock
from app.extensions import db
from app.models import (
    Goal,
    GoalStatus,
    Membership,
    Mentorship,
    MentorshipMember,
    MentorshipStatus,
    Milestone,
    MilestoneAction,
    MilestoneEvent,
    MilestoneStatus,
    Program,
    Role,
    User,
)
from app.passwords import hash_password

PASSWORD = "correct horse battery"  # every person of the ``world`` fixture has it
MENTEE = "mentee@test.example"
MENTOR = "mentor@test.example"


def membership_id(email: str, role: Role | None = None) -> int:
    query = sa.select(Membership.id).join(User).where(User.email == email)
    if role is not None:
        query = query.where(Membership.role == role)
    return db.session.scalar(query)


def user_id(email: str) -> int:
    return db.session.scalar(sa.select(User.id).where(User.email == email))


def program_of(mentorship_id: int) -> Program:
    return db.session.scalar(
        sa.select(Program).join(Mentorship).where(Mentorship.id == mentorship_id)
    )


def add_goal(
    mentorship_id: int,
    owner_email: str = MENTEE,
    title: str = "Raise my maths grade from C to B",
    milestones: tuple[MilestoneStatus, ...] = (),
    status: GoalStatus = GoalStatus.ACTIVE,
) -> int:
    """A goal with one milestone per status given, in that order; returns the goal id."""
    program = program_of(mentorship_id)
    goal = Goal(
        mentorship_id=mentorship_id,
        membership_id=membership_id(owner_email, Role.MENTEE),
        title=title,
        measure="My end-of-term grade",
        target_date=program.ends_on - timedelta(days=7),
        why="I want to take A-level maths.",
        status=status,
    )
    now = clock.utcnow()
    mentee = user_id(owner_email)
    for position, milestone_status in enumerate(milestones):
        milestone = Milestone(title=f"Step {position + 1}", position=position)
        milestone.status = milestone_status
        milestone.events = [MilestoneEvent(actor_id=mentee, action=MilestoneAction.CREATED)]
        if milestone_status is not MilestoneStatus.OPEN:
            milestone.submitted_at = now
            milestone.events.append(
                MilestoneEvent(actor_id=mentee, action=MilestoneAction.SUBMITTED, note="Done!")
            )
        if milestone_status is MilestoneStatus.CONFIRMED:
            milestone.confirmed_at = now
            milestone.events.append(
                MilestoneEvent(actor_id=user_id(MENTOR), action=MilestoneAction.CONFIRMED)
            )
        goal.milestones.append(milestone)
    db.session.add(goal)
    db.session.commit()
    return goal.id


def milestone_ids(goal_id: int) -> list[int]:
    return list(
        db.session.scalars(
            sa.select(Milestone.id)
            .where(Milestone.goal_id == goal_id)
            .order_by(Milestone.position, Milestone.id)
        )
    )


def milestone_state(milestone_id: int) -> tuple[MilestoneStatus, list[MilestoneAction]]:
    db.session.expire_all()
    milestone = db.session.get(Milestone, milestone_id)
    actions = db.session.scalars(
        sa.select(MilestoneEvent.action)
        .where(MilestoneEvent.milestone_id == milestone_id)
        .order_by(MilestoneEvent.id)
    ).all()
    return milestone.status, list(actions)


def goal_status(goal_id: int) -> GoalStatus:
    db.session.expire_all()
    return db.session.get(Goal, goal_id).status


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def add_group(world, mentees: int = 2) -> tuple[int, list[str]]:
    """A group mentorship of the world's own mentor with new mentees; (id, their e-mails)."""
    program_id = world.program_id
    password_hash = hash_password(PASSWORD)
    members = [MentorshipMember(membership_id=membership_id(MENTOR, Role.MENTOR))]
    emails = []
    for number in range(1, mentees + 1):
        email = f"group-mentee-{number}@test.example"
        user = User(
            name=f"Gita Groupmember{number}",
            email=email,
            password_hash=password_hash,
            time_zone="Europe/London",
        )
        membership = Membership(user=user, program_id=program_id, role=Role.MENTEE)
        members.append(MentorshipMember(membership=membership))
        emails.append(email)
    group = Mentorship(
        program_id=program_id,
        name="Future Engineers",
        status=MentorshipStatus.ACTIVE,
        members=members,
    )
    db.session.add(group)
    db.session.commit()
    return group.id, emails


def client_for(app: Flask, email: str):
    """Another browser, logged in as ``email``."""
    client = app.test_client()
    response = client.submit("/login", {"email": email, "password": PASSWORD})
    assert response.status_code == 303, response.get_data(as_text=True)
    return client


def error_next_to(page: str, field_id: str) -> str | None:
    """The message the forms macro shows next to a field."""
    match = re.search(rf'<p class="error" id="{re.escape(field_id)}-error">([^<]*)</p>', page)
    return match.group(1) if match else None


def iso(day: date) -> str:
    return day.isoformat()
