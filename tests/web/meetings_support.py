"""Helpers for the meetings tests: meetings written straight to the database, the clock pinned.

Imported by the test_meetings_* modules (tests/web is on sys.path); the two fixtures are
imported by name (``now_fixture``, ``browser_fixture``) and used as ``now`` and ``browser``.
Database helpers run inside an app context.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from app import clock
from app.extensions import db
from app.models import (
    ActionItem,
    AgendaItem,
    Meeting,
    MeetingConfirmation,
    MeetingMode,
    MeetingStatus,
    Membership,
    Mentorship,
    MentorshipMember,
    MentorshipStatus,
    Program,
    Role,
    User,
)
from game import clock_words

HOUR = timedelta(hours=1)


def user_id(email: str) -> int:
    return db.session.scalar(sa.select(User.id).where(User.email == email))


def set_zone(email: str, zone: str) -> None:
    db.session.get(User, user_id(email)).time_zone = zone
    db.session.commit()


def add_meeting(
    mentorship_id: int,
    starts_at: datetime,
    status: MeetingStatus = MeetingStatus.SCHEDULED,
    **fields,
) -> int:
    meeting = Meeting(
        mentorship_id=mentorship_id,
        starts_at=starts_at,
        zone="Europe/London",
        minutes=fields.pop("minutes", 45),
        mode=fields.pop("mode", MeetingMode.IN_PERSON),
        location=fields.pop("location", "Room 12"),
        status=status,
        **fields,
    )
    db.session.add(meeting)
    db.session.commit()
    return meeting.id


def add_agenda(meeting_id: int, count: int, author_email: str) -> None:
    author = user_id(author_email)
    db.session.add_all(
        AgendaItem(meeting_id=meeting_id, author_id=author, text=f"Topic {n}") for n in range(count)
    )
    db.session.commit()


def add_actions(
    meeting_id: int, count: int, owner_email: str, text: str = "Task", **fields
) -> list[int]:
    owner = user_id(owner_email)
    items = [
        ActionItem(meeting_id=meeting_id, owner_id=owner, text=f"{text} {n}", **fields)
        for n in range(count)
    ]
    db.session.add_all(items)
    db.session.commit()
    return [item.id for item in items]


def confirm(meeting_id: int, email: str) -> None:
    db.session.add(MeetingConfirmation(meeting_id=meeting_id, user_id=user_id(email)))
    db.session.commit()


def meeting(meeting_id: int) -> Meeting:
    db.session.expire_all()
    return db.session.get(Meeting, meeting_id)


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def add_group_mentee(mentorship_id: int, name: str, email: str) -> None:
    """Another mentee in the mentorship, which makes it a group."""
    mentorship = db.session.get(Mentorship, mentorship_id)
    user = User(name=name, email=email, password_hash="x", time_zone="Europe/London")
    membership = Membership(user=user, program_id=mentorship.program_id, role=Role.MENTEE)
    db.session.add_all([user, membership])
    db.session.flush()
    db.session.add(MentorshipMember(mentorship_id=mentorship_id, membership_id=membership.id))
    db.session.commit()


def set_mentorship_status(mentorship_id: int, status: MentorshipStatus) -> None:
    db.session.get(Mentorship, mentorship_id).status = status
    db.session.commit()


def program_covers(program_id: int, day: date) -> None:
    """Stretch the program so that ``day`` is inside it."""
    program = db.session.get(Program, program_id)
    program.starts_on = min(program.starts_on, day - timedelta(days=7))
    program.ends_on = max(program.ends_on, day + timedelta(days=7))
    db.session.commit()


def next_dst_start(zone: str, after: datetime) -> date:
    """The next day after ``after`` on which ``zone``'s clocks jump forward."""
    day = after.date() + timedelta(days=1)
    tz = ZoneInfo(zone)
    while True:
        noon = datetime(day.year, day.month, day.day, 12, tzinfo=tz)
        midnight = datetime(day.year, day.month, day.day, tzinfo=tz)
        if noon.utcoffset() > midnight.utcoffset():
            return day
        day += timedelta(days=1)


def local(instant: datetime, zone: str, minutes: int = 45) -> str:
    """How a meeting from ``instant`` shows on the clock of someone in ``zone``."""
    return clock_words.span(instant, instant + timedelta(minutes=minutes), zone)


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


PASSWORD = "correct horse battery"  # every person of the ``world`` fixture has it


@pytest.fixture(name="now")
def now_fixture(app):
    """The clock pinned to this minute, so "past" and "upcoming" do not drift mid-test."""
    instant = datetime.now(UTC).replace(second=0, microsecond=0)
    clock.set_now(instant)
    yield instant
    clock.set_now(None)


@pytest.fixture(name="browser")
def browser_fixture(app, world):
    """``browser("mentee")``: a separate logged-in test client per person."""

    def make(role: str):
        client = app.test_client()
        response = client.submit("/login", {"email": world.email(role), "password": PASSWORD})
        assert response.status_code == 303, response.get_data(as_text=True)
        return client

    return make
