"""Helpers for the game's web tests: a pinned clock, posting as people, reading the ledger.

The clock is pinned before the ``world`` is built, so the program's weeks are always the same:
it starts on Wed 11 Feb 2026 (ISO week 7), its break week is week 9, and "now" is Wednesday of
week 11 unless a test moves it.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from app import clock
from app.checkins.service import submit_checkin
from app.extensions import db
from app.models import (
    Membership,
    Mentorship,
    MentorshipMember,
    Milestone,
    PlayerTotal,
    PointsAward,
    Role,
    User,
)
from app.passwords import hash_password
from game.weeks import WeekKey

PASSWORD = "correct horse battery"  # every person of the ``world`` has it
MENTEE = "mentee@test.example"
MENTOR = "mentor@test.example"
NOW = datetime(2026, 3, 11, 12, 0, tzinfo=UTC)
W07, W08, W09, W10, W11, W12 = (WeekKey(2026, n) for n in range(7, 13))


@pytest.fixture(name="pinned")
def pinned_fixture():
    """Pin the clock at NOW (before the world is built); ``pinned(week)`` moves it to that
    week's Wednesday noon."""

    def move(week: WeekKey, days: int = 2) -> datetime:
        instant = datetime.combine(week.monday() + timedelta(days=days), NOW.timetz())
        clock.set_now(instant)
        return instant

    clock.set_now(NOW)
    yield move
    clock.set_now(None)


def user_id(email: str) -> int:
    return db.session.scalar(sa.select(User.id).where(User.email == email))


def membership_id(email: str, role: Role = Role.MENTEE) -> int:
    return db.session.scalar(
        sa.select(Membership.id).join(User).where(User.email == email, Membership.role == role)
    )


def goal_of(milestone_id: int) -> int:
    return db.session.get(Milestone, milestone_id).goal_id


def add_mentee(mentorship_id: int, name: str, email: str) -> int:
    """Another mentee of the mentorship (which makes it a group), who can log in."""
    mentorship = db.session.get(Mentorship, mentorship_id)
    user = User(name=name, email=email, password_hash=hash_password(PASSWORD))
    membership = Membership(user=user, program_id=mentorship.program_id, role=Role.MENTEE)
    db.session.add_all([user, membership])
    db.session.flush()
    db.session.add(MentorshipMember(mentorship_id=mentorship_id, membership_id=membership.id))
    db.session.commit()
    return membership.id


def everyone_on_the_leaderboard() -> None:
    """Every membership opted in, through the ORM (the commit writes the board's rows)."""
    for membership in db.session.scalars(sa.select(Membership)):
        membership.leaderboard_opt_in = True


def mentee_submits(
    mood: int, progress_note: str = "", blocker: str = "", wants_help: bool = False
) -> None:
    """The mentee's check-in through the service, without a request."""
    mentee = db.session.get(User, user_id(MENTEE))
    submit_checkin(
        membership_id(MENTEE),
        mentee.week_zones,
        mood=mood,
        progress_note=progress_note,
        blocker=blocker,
        wants_help=wants_help,
    )


def check_in(client, mood: int = 4, htmx: bool = True):
    data = {"mood": str(mood)}
    if htmx:
        return client.htmx("POST", "/checkins/this-week", data)
    return client.submit("/checkins/this-week", data)


def celebration(response) -> dict | None:
    header = response.headers.get("HX-Trigger")
    return json.loads(header).get("waypoint:celebrate") if header else None


def ledger(email: str) -> dict[str, int]:
    """key -> amount of every ledger row of the person."""
    return dict(
        db.session.execute(
            sa.select(PointsAward.key, PointsAward.amount).where(
                PointsAward.user_id == user_id(email)
            )
        ).all()
    )


def total(email: str) -> int:
    db.session.expire_all()
    return (
        db.session.scalar(
            sa.select(sa.func.sum(PlayerTotal.points)).where(PlayerTotal.user_id == user_id(email))
        )
        or 0
    )


def totals_match_ledger() -> bool:
    """Every cached total equals the sum of its ledger rows."""
    sums = {
        (user, program): amount
        for user, program, amount in db.session.execute(
            sa.select(
                PointsAward.user_id, PointsAward.program_id, sa.func.sum(PointsAward.amount)
            ).group_by(PointsAward.user_id, PointsAward.program_id)
        )
    }
    cached = {
        (user, program): points
        for user, program, points in db.session.execute(
            sa.select(PlayerTotal.user_id, PlayerTotal.program_id, PlayerTotal.points)
        )
    }
    return all(cached.get(key, 0) == value for key, value in sums.items()) and all(
        sums.get(key, 0) == value for key, value in cached.items()
    )


def fact(page: str, name: str) -> str:
    """The text of a ``<dt>name</dt><dd>…</dd>`` fact on a page, its icons left out."""
    match = re.search(rf"<dt>{re.escape(name)}</dt><dd>(.*?)</dd>", page, re.S)
    assert match, f"no fact named {name!r}"
    return re.sub(r"<[^>]+>", "", re.sub(r"<svg.*?</svg>", "", match[1], flags=re.S)).strip()
