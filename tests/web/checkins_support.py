"""Helpers for the check-in tests: people and check-ins written straight to the database.

Imported by the test_checkins_* modules (tests/web is on sys.path); the fixture is imported
by name (``at_fixture``) and used as ``at``. Database helpers run inside an app context.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
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
OPENED = re.compile(r'<input[^>]*name="opened"[^>]*value="([^"]+)"')


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


def opened_form(client, at: datetime) -> str:
    """The signed opening of the check-in form, as the page rendered at ``at`` carries it."""
    now = clock.utcnow()
    clock.set_now(at)
    try:
        page = client.get("/checkins/this-week").get_data(as_text=True)
    finally:
        clock.set_now(now)
    match = OPENED.search(page)
    assert match, "the check-in form carries its signed opening"
    return match.group(1)


def send(client, made_at: datetime | str, mood: int = 4, opened: datetime | None = None, **fields):
    """What the service worker sends for a check-in it kept: the form as the page gave it
    (opened at ``made_at`` unless told, never later than now) plus ``made_at``."""
    if isinstance(made_at, str):
        made = made_at
        opened = opened or clock.utcnow()
    else:
        made = made_at.astimezone(UTC).isoformat()
        opened = opened or min(made_at, clock.utcnow())
    data = {"mood": str(mood), "opened": opened_form(client, opened), "made_at": made, **fields}
    return client.htmx("POST", "/checkins/this-week", data)
