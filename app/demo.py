"""The demo program: realistic people and pairs so every page has something to show.

Seeding is idempotent: running it again finds what exists and adds only what is missing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from .certificates.demo import seed_past_program
from .checkins.demo import seed_checkins
from .extensions import db
from .gamification.demo import seed_game
from .goals.demo import seed_goals
from .meetings.demo import seed_meetings
from .models import (
    BreakWeek,
    Cadence,
    Invite,
    MeetingMode,
    Membership,
    Mentorship,
    MentorshipMember,
    MentorshipModel,
    MentorshipStatus,
    Program,
    Role,
    User,
)
from .pairing.demo import seed_pool
from .passwords import hash_password
from .programs.risk_demo import seed_risk_care
from .surveys.demo import seed_surveys

DEMO_PASSWORD = "waypoint-demo-2026"
DEMO_ZONE = "America/Chicago"
PROGRAM_NAME = "Riverside High Mentoring"
PAST_PROGRAM_NAME = "Riverside High Mentoring, last year"

COORDINATOR = ("Rosa Delgado", "coordinator@example.org")
MENTORS = [
    ("Maya Okafor", "maya@example.org"),
    ("Daniel Reyes", "daniel@example.org"),
    ("Priya Shah", "priya@example.org"),
]
MENTEES = [
    ("Aisha Khan", "aisha@example.org"),
    ("Ben Carter", "ben@example.org"),
    ("Chloé Martin", "chloe@example.org"),
    ("Diego Alvarez", "diego@example.org"),
    ("Emma Nguyen", "emma@example.org"),
    ("Felix Wagner", "felix@example.org"),
    ("Grace Kim", "grace@example.org"),
    ("Hamza Ali", "hamza@example.org"),
]
# (mentor index, mentee indexes, status, group name)
PAIRINGS = [
    (0, [0], MentorshipStatus.ACTIVE, ""),
    (0, [1], MentorshipStatus.ACTIVE, ""),
    (1, [2], MentorshipStatus.ACTIVE, ""),
    (1, [3], MentorshipStatus.ACTIVE, ""),
    (2, [4, 5, 6], MentorshipStatus.ACTIVE, "Future Engineers"),
    (1, [7], MentorshipStatus.PROPOSED, ""),
]

# A few of the people waiting to be matched (app/pairing/demo.py adds them all).
POOL_LOGINS = [
    ("mentor", ("Tomás Rivera", "tomas@example.org")),
    ("mentee", ("Ivy Chen", "ivy@example.org")),
]

AGREEMENT = """\
We meet every week during term, for about 45 minutes, at school or by video.
We tell each other in advance if we can't make it.
What we share stays between us, unless someone's safety is at risk.
Mentees check in once a week in the app; mentors reply within a few days.
The mentorship runs until the end of the school year."""


@dataclass(frozen=True)
class DemoLogin:
    role: str
    name: str
    email: str


def _user(name: str, email: str, password_hash: str) -> User:
    user = db.session.scalar(sa.select(User).where(User.email == email))
    if user is None:
        user = User(name=name, email=email, password_hash=password_hash, time_zone=DEMO_ZONE)
        db.session.add(user)
        db.session.flush()
    return user


def _membership(user: User, program: Program, role: Role) -> Membership:
    membership = db.session.scalar(
        sa.select(Membership).where(
            Membership.user_id == user.id,
            Membership.program_id == program.id,
            Membership.role == role,
        )
    )
    if membership is None:
        opened = _opening(program)
        membership = Membership(
            user=user, program=program, role=role, joined_at=opened, agreed_at=opened
        )
        db.session.add(membership)
        db.session.flush()
    return membership


def _opening(program: Program) -> datetime:
    """The program's first morning: everyone joined and was matched then, so their streaks
    and meeting rhythm cover the whole demo history."""
    return datetime.combine(program.starts_on, time(8), tzinfo=ZoneInfo(program.time_zone))


def _program(today: date) -> Program:
    program = db.session.scalar(sa.select(Program).where(Program.name == PROGRAM_NAME))
    if program is None:
        monday = today - timedelta(days=today.weekday())
        starts_on = monday - timedelta(weeks=10)
        program = Program(
            name=PROGRAM_NAME,
            objectives="Build confidence and study habits\n"
            "Explore careers and next steps after school\n"
            "Set and reach one meaningful goal each term",
            target_audience="Year 10–12 students",
            model=MentorshipModel.ONE_ON_ONE,
            starts_on=starts_on,
            ends_on=starts_on + timedelta(weeks=36),
            cadence=Cadence.WEEKLY,
            meeting_minutes=45,
            meeting_mode=MeetingMode.IN_PERSON,
            time_zone=DEMO_ZONE,
            agreement=AGREEMENT,
        )
        program.break_weeks = [
            BreakWeek(monday=starts_on + timedelta(weeks=6), label="Mid-term break")
        ]
        db.session.add(program)
        db.session.flush()
    return program


def seed_demo(today: date) -> list[DemoLogin]:
    """Create the demo program around ``today`` unless it exists; return the logins."""
    password_hash = hash_password(DEMO_PASSWORD)
    program = _program(today)
    coordinator = _user(*COORDINATOR, password_hash)
    _membership(coordinator, program, Role.COORDINATOR)
    mentors = [_membership(_user(*p, password_hash), program, Role.MENTOR) for p in MENTORS]
    mentees = [_membership(_user(*p, password_hash), program, Role.MENTEE) for p in MENTEES]

    has_mentorships = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Mentorship)
        .where(Mentorship.program_id == program.id)
    )
    if not has_mentorships:
        for mentor_index, mentee_indexes, status, name in PAIRINGS:
            people = [mentors[mentor_index], *(mentees[i] for i in mentee_indexes)]
            db.session.add(
                Mentorship(
                    program=program,
                    name=name,
                    status=status,
                    created_at=_opening(program),
                    members=[MentorshipMember(membership=m) for m in people],
                )
            )
    has_invites = db.session.scalar(
        sa.select(sa.func.count()).select_from(Invite).where(Invite.program_id == program.id)
    )
    if not has_invites:
        db.session.add_all(
            [
                Invite(program=program, role=Role.MENTEE, uses_left=25),
                Invite(program=program, role=Role.MENTOR, uses_left=5),
            ]
        )
    db.session.commit()
    seed_pool(
        program,
        _opening(program),
        lambda name, email, role: _membership(_user(name, email, password_hash), program, role),
    )
    seed_checkins(program, today)
    seed_meetings(program, today)
    seed_goals(program, today)
    seed_surveys(program)
    seed_risk_care(program, today)
    seed_past_program(today, PAST_PROGRAM_NAME, DEMO_ZONE, COORDINATOR[1])
    seed_game(program, today)  # it replays what the seeds above wrote
    return [
        DemoLogin("coordinator", *COORDINATOR),
        *(DemoLogin("mentor", *p) for p in MENTORS),
        *(DemoLogin("mentee", *p) for p in MENTEES),
        *(DemoLogin(role, *p) for role, p in POOL_LOGINS),
    ]
