"""Helpers for the people tests: participants in each state, written straight to the database
(one by one, or thousands at once with bulk inserts)."""

from __future__ import annotations

import re
from datetime import timedelta

import sqlalchemy as sa

from app import clock, member_states
from app.extensions import db
from app.models import (
    Invite,
    Membership,
    ParticipantProfile,
    Program,
    Role,
    TrainingCompletion,
    TrainingModule,
    User,
)
from app.passwords import hash_password

PASSWORD = "correct horse battery"  # every person of the ``world`` fixture has it
STATE_PILL = re.compile(r'<span class="pill pill-state-(\w+)">')


def add_member(
    program_id: int,
    name: str,
    role: Role = Role.MENTEE,
    *,
    profile: bool = False,
    signed: int | None = None,
    modules_done: int = 0,
    left: bool = False,
) -> int:
    """A person with a membership of the program (``signed``: the agreement version they
    signed; ``modules_done``: how many of the program's training modules); its id."""
    email = name.lower().replace(" ", ".") + "@test.example"
    user = User(name=name, email=email, password_hash=hash_password(PASSWORD))
    member = Membership(
        user=user,
        program_id=program_id,
        role=role,
        agreed_version=signed,
        left_at=clock.utcnow() if left else None,
    )
    db.session.add(member)
    db.session.flush()
    if profile:
        db.session.add(
            ParticipantProfile(
                membership_id=member.id, availability="mon-lunch", style="direct", capacity=2
            )
        )
    modules = db.session.scalars(
        sa.select(TrainingModule.id)
        .where(TrainingModule.program_id == program_id)
        .order_by(TrainingModule.id)
    ).all()
    for module_id in modules[:modules_done]:
        db.session.add(TrainingCompletion(membership_id=member.id, module_id=module_id))
    db.session.commit()
    return member.id


def add_modules(program_id: int, count: int) -> None:
    for number in range(count):
        db.session.add(
            TrainingModule(
                program_id=program_id,
                position=number,
                title=f"Module {number + 1}",
                question="Ready?",
                choices="Yes\nNo",
            )
        )
    db.session.commit()


def add_invite(program_id: int, name: str, email: str, **columns) -> int:
    invite = Invite(program_id=program_id, role=Role.MENTEE, name=name, email=email, **columns)
    db.session.add(invite)
    db.session.commit()
    return invite.id


def add_many(program_id: int, count: int, prefix: str = "bulk") -> None:
    """``count`` participants in a few bulk inserts: mentees and mentors, some with a profile
    and the agreement signed, and one personal invite per ten people."""
    version = db.session.get(Program, program_id).agreement_version
    db.session.execute(
        sa.insert(User),
        [
            {
                "name": f"{prefix.title()} Person {n:05d}",
                "email": f"{prefix}-{n:05d}@test.example",
                "password_hash": "not-a-real-hash",
                "calendar_token": f"{prefix}-token-{n:05d}",
            }
            for n in range(count)
        ],
    )
    users = db.session.execute(
        sa.select(User.id, User.email).where(User.email.like(f"{prefix}-%")).order_by(User.email)
    ).all()
    db.session.execute(
        sa.insert(Membership),
        [
            {
                "user_id": user_id,
                "program_id": program_id,
                "role": Role.MENTOR if n % 4 == 0 else Role.MENTEE,
                "agreed_version": version if n % 2 else None,
            }
            for n, (user_id, _) in enumerate(users)
        ],
    )
    members = db.session.scalars(
        sa.select(Membership.id)
        .join(User)
        .where(User.email.like(f"{prefix}-%"))
        .order_by(Membership.id)
    ).all()
    db.session.execute(
        sa.insert(ParticipantProfile),
        [{"membership_id": member_id} for member_id in members[::3]],
    )
    member_states.touch(members=members)  # written in Core, like the roster import's
    expires = clock.utcnow() + timedelta(days=30)
    db.session.execute(
        sa.insert(Invite),
        [
            {
                "program_id": program_id,
                "role": Role.MENTEE,
                "code": f"{prefix[:3].upper()}{n:05d}",
                "email": f"{prefix}-invited-{n:05d}@test.example",
                "name": f"{prefix.title()} Invited {n:05d}",
                "uses_left": 1,
                "expires_at": expires,
            }
            for n in range(max(1, count // 10))
        ],
    )
    db.session.commit()


def states_shown(page: str) -> list[str]:
    """The state pill of each row of the people list, in order."""
    listing = page.split('<ul class="list people">', 1)[1].split("</ul>", 1)[0]
    return STATE_PILL.findall(listing)


def row_of(page: str, name: str) -> str:
    """The ``<li>`` of the people list that shows ``name``."""
    listing = page.split('<ul class="list people">', 1)[1].split("</ul>", 1)[0]
    for row in listing.split("<li>")[1:]:
        if f">{name}</a>" in row:
            return row
    raise AssertionError(f"{name} is not in the list")
