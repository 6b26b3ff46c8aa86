"""Helpers for the check-in tests: people and check-ins written straight to the database.

Imported by the test_checkins_* modules (tests/web is on sys.path); the fixture is imported
by name (``at_fixture``) and used as ``at``. Database helpers run inside an app context.
"""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from web_support import PASSWORD

from app import clock
from app.extensions import db
from app.models import (
    CheckIn,
    Membership,
    Mentorship,
    MentorshipMember,
    MentorshipStatus,
    Role,
    User,
)
from app.passwords import hash_password
from game.weeks import WeekKey

LONDON = ZoneInfo("Europe/London")  # every person of the world fixture lives here


def membership_id(email: str) -> int:
    return db.session.scalar(sa.select(Membership.id).join(User).where(User.email == email))


def user_id(email: str) -> int:
    return db.session.scalar(sa.select(User.id).where(User.email == email))


def rows_of(email: str) -> list[CheckIn]:
    return list(
        db.session.scalars(
            sa.select(CheckIn)
            .where(CheckIn.membership_id == membership_id(email))
            .order_by(CheckIn.week_key)
        )
    )


def add_checkin(member_id: int, week: WeekKey, mood: int | None = 3, **fields) -> int:
    at = clock.utcnow()
    checkin = CheckIn(
        membership_id=member_id,
        week_key=str(week),
        zone="Europe/London",
        mood=mood,
        created_at=at,
        updated_at=at,
        **fields,
    )
    db.session.add(checkin)
    db.session.commit()
    return checkin.id


def add_mentees(
    program_id: int, mentor_email: str, count: int, group: bool = False, can_log_in: bool = False
) -> list[tuple[int, int]]:
    """``count`` new mentees (``mentee<n>@bulk.example``) of the mentor: each in their own pair,
    or all in one group. Returns (mentorship id, membership id) for each mentee.
    """
    password_hash = hash_password(PASSWORD) if can_log_in else "not a hash: cannot log in"
    mentor = membership_id(mentor_email)
    members = [
        Membership(
            user=User(
                name=f"Mentee {n}", email=f"mentee{n}@bulk.example", password_hash=password_hash
            ),
            program_id=program_id,
            role=Role.MENTEE,
        )
        for n in range(count)
    ]
    groups = [members] if group else [[m] for m in members]
    mentorships = [
        Mentorship(
            program_id=program_id,
            name="Study group" if group else "",
            status=MentorshipStatus.ACTIVE,
            members=[
                MentorshipMember(membership_id=mentor),
                *(MentorshipMember(membership=m) for m in mentees),
            ],
        )
        for mentees in groups
    ]
    db.session.add_all(mentorships)
    db.session.flush()
    made = [
        (mentorship.id, member.membership_id)
        for mentorship in mentorships
        for member in mentorship.members
        if member.membership_id != mentor
    ]
    db.session.commit()
    return made


@pytest.fixture(name="at")
def at_fixture():
    """``at(2026, 3, 9, 5, 59)`` pins the clock to that London wall time; reset afterwards."""

    def pin(*parts: int) -> datetime:
        instant = datetime(*parts, tzinfo=LONDON)
        clock.set_now(instant)
        return instant

    yield pin
    clock.set_now(None)


def card(page: str) -> str:
    """The check-in card of a page (or the fragment itself)."""
    match = re.search(r'<section class="card checkin-card".*?</section>', page, re.S)
    assert match, page[:2000]
    return match.group(0)
