"""The demo program's game: replayed from the other seeds, consistent, and showing the story."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from app import clock, summaries
from app.calendars import calendar_of, joined_week
from app.demo import PROGRAM_NAME, seed_demo
from app.extensions import db
from app.gamification import rebuild, sources
from app.models import BadgeEarned, Membership, PlayerTotal, PointsAward, Program, User

NOW = datetime(2026, 11, 25, 18, 0, tzinfo=UTC)  # a Wednesday
TODAY = NOW.date()


@pytest.fixture(autouse=True)
def _clock():
    clock.set_now(NOW)
    yield
    clock.set_now(None)


def _streak(email: str):
    """In the current program (Aisha also took part in last year's, now closed)."""
    membership = db.session.scalar(
        sa.select(Membership)
        .join(User)
        .join(Program, Program.id == Membership.program_id)
        .where(User.email == email, Program.name == PROGRAM_NAME)
    )
    weeks = sources.checkin_weeks([membership.id])[membership.id]
    calendar = calendar_of(membership.program_id)
    since = joined_week(membership, "America/Chicago")
    return sources.streak(weeks, calendar, sources.week_now("America/Chicago"), None, since)


def _points(email: str) -> int:
    return db.session.scalar(
        sa.select(PlayerTotal.points)
        .join(User, User.id == PlayerTotal.user_id)
        .join(Program, Program.id == PlayerTotal.program_id)
        .where(User.email == email, Program.name == PROGRAM_NAME)
    )


def test_the_demo_replays_into_a_consistent_ledger_once(app):
    with app.app_context():
        seed_demo(TODAY)
        rows = db.session.scalar(sa.select(sa.func.count(PointsAward.id)))
        seed_demo(TODAY)  # idempotent
        assert db.session.scalar(sa.select(sa.func.count(PointsAward.id))) == rows > 50
        assert rebuild.check() == []
        assert summaries.check() == []  # what the coordinator's pages read agrees with the facts


def test_the_demo_shows_streaks_badges_and_a_level_up_close(app):
    with app.app_context():
        seed_demo(TODAY)
        hamza = _streak("hamza@example.org")
        assert hamza.comebacks == 1 and hamza.frozen_weeks and hamza.current == 4
        assert _points("hamza@example.org") == 90  # level 2 is at 100
        chloe = _streak("chloe@example.org")
        assert len(chloe.frozen_weeks) == 2 and chloe.current == 7 and not chloe.broken_before
        assert {_streak(e).current for e in ("aisha@example.org", "hamza@example.org")} == {9, 4}
        tiers = set(db.session.execute(sa.select(BadgeEarned.badge_id, BadgeEarned.tier)))
        assert ("milestone_maker", 2) in tiers and ("responsive_mentor", 1) in tiers
        assert clock.utcnow() == NOW  # the replay put the clock back
