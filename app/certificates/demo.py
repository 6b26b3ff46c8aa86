"""The demo's past program: last school year's round, run by the same coordinator, closed
through the same service as a live one, so its people already hold certificates.

Aisha (with Priya) and Ben (with Daniel) took part: weekly meetings held in the autumn, a goal
each with milestones their mentor confirmed (no check-ins: the demo's check-ins are the current
program's). The game replays that history, then the program closes at its end date. Logged in
as Aisha, the home page links her certificate.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from .. import clock
from ..extensions import db
from ..gamification.demo import seed_game
from ..models import (
    Goal,
    GoalStatus,
    Meeting,
    MeetingConfirmation,
    MeetingMode,
    MeetingStatus,
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
from .service import close_program

# (mentor, mentee, meetings held, goal, milestones: (title, confirmed?))
PAIRS = [
    (
        "priya@example.org",
        "aisha@example.org",
        9,
        "Finish a science fair project",
        (("Pick a question", True), ("Run the experiment", True), ("Present at the fair", True)),
    ),
    (
        "daniel@example.org",
        "ben@example.org",
        6,
        "Read one book a month",
        (("September's book", True), ("October's book", True), ("November's book", False)),
    ),
]


def past_year(today: date) -> tuple[date, date]:
    """Last school year: from the first Monday of September to forty weeks later."""
    year = today.year - 1 if today.month >= 9 else today.year - 2
    first = date(year, 9, 1)
    starts_on = first + timedelta(days=-first.weekday() % 7)
    return starts_on, starts_on + timedelta(weeks=40)


def seed_past_program(today: date, name: str, zone: str, coordinator_email: str) -> None:
    """The closed past program ``name``, with certificates, unless it exists."""
    if db.session.scalar(sa.select(Program.id).where(Program.name == name)):
        return
    starts_on, ends_on = past_year(today)
    program = Program(
        name=name,
        objectives="Build confidence and study habits\nSet and reach one meaningful goal",
        target_audience="Year 10–12 students",
        starts_on=starts_on,
        ends_on=ends_on,
        time_zone=zone,
        agreement="We meet every week during term and keep what we share between us.",
    )
    db.session.add(program)
    opened = datetime.combine(starts_on, time(8), tzinfo=ZoneInfo(zone))
    coordinator = _user(coordinator_email)
    _member(coordinator, program, Role.COORDINATOR, opened)
    for mentor_email, mentee_email, meetings, goal, milestones in PAIRS:
        mentor, mentee = _user(mentor_email), _user(mentee_email)
        mentee_member = _member(mentee, program, Role.MENTEE, opened)
        pair = Mentorship(
            program=program,
            status=MentorshipStatus.ACTIVE,
            created_at=opened,
            members=[
                MentorshipMember(membership=_member(mentor, program, Role.MENTOR, opened)),
                MentorshipMember(membership=mentee_member),
            ],
        )
        db.session.add(pair)
        db.session.flush()
        _meetings(pair, opened, zone, meetings, mentor, mentee)
        _goal(pair, mentee_member, goal, milestones, opened, mentor, mentee, ends_on)
    db.session.commit()
    seed_game(program, today)  # the ledger and badges the live app would have written
    closing = datetime.combine(ends_on, time(16), tzinfo=ZoneInfo(zone))
    with clock.pinned(closing):
        close_program(program, coordinator.id, closing)


def _user(email: str) -> User:
    return db.session.scalar(sa.select(User).where(User.email == email))


def _member(user: User, program: Program, role: Role, opened: datetime) -> Membership:
    member = Membership(user=user, program=program, role=role, joined_at=opened, agreed_at=opened)
    db.session.add(member)
    return member


def _meetings(pair, opened: datetime, zone: str, count: int, mentor: User, mentee: User) -> None:
    for week in range(count):
        starts = opened + timedelta(weeks=week, days=2, hours=7)
        db.session.add(
            Meeting(
                mentorship_id=pair.id,
                starts_at=starts,
                zone=zone,
                mode=MeetingMode.IN_PERSON,
                location="Library",
                status=MeetingStatus.HELD,
                created_by_id=mentor.id,
                created_at=starts - timedelta(days=3),
                held_at=starts + timedelta(hours=1),
                confirmations=[
                    MeetingConfirmation(user_id=person.id, at=starts + timedelta(hours=1))
                    for person in (mentor, mentee)
                ],
            )
        )


def _goal(pair, member, title, milestones, opened, mentor: User, mentee: User, ends_on) -> None:
    done = all(confirmed for _, confirmed in milestones)
    goal = Goal(
        mentorship_id=pair.id,
        membership_id=member.id,
        title=title,
        measure="My mentor confirms each step",
        target_date=ends_on - timedelta(weeks=2),
        status=GoalStatus.COMPLETED if done else GoalStatus.ACTIVE,
        created_at=opened + timedelta(days=2),
    )
    for position, (step, confirmed) in enumerate(milestones):
        created = opened + timedelta(days=2)
        submitted = opened + timedelta(weeks=3 * position + 3)
        milestone = Milestone(title=step, position=position, created_at=created)
        milestone.events = [
            MilestoneEvent(actor_id=mentee.id, action=MilestoneAction.CREATED, at=created)
        ]
        if confirmed:
            milestone.status = MilestoneStatus.CONFIRMED
            milestone.submitted_at = submitted
            milestone.confirmed_at = submitted + timedelta(days=1)
            milestone.events += [
                MilestoneEvent(actor_id=mentee.id, action=MilestoneAction.SUBMITTED, at=submitted),
                MilestoneEvent(
                    actor_id=mentor.id,
                    action=MilestoneAction.CONFIRMED,
                    at=milestone.confirmed_at,
                ),
            ]
        goal.milestones.append(milestone)
        goal.completed_at = milestone.confirmed_at if done else None
    db.session.add(goal)
