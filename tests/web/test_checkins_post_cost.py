"""The mentee's weekly check-in POST costs a fixed handful of statements, whatever the
mentee's history: more weeks, badges and ledger rows add none."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from checkins_support import add_checkin
from game_support import (
    MENTEE,
    NOW,
    W12,
    ledger,
    membership_id,
    pinned_fixture,  # noqa: F401
    user_id,
)

import game
from app import summaries
from app.extensions import db
from app.models import BadgeEarned, MenteeSummary, PointsAward, StreakRepair
from game.weeks import WeekKey

# An edit of the week's check-in: BEGIN (SQLite's own; PostgreSQL sends none), the person,
# the week's rows, the row's UPDATE, the summary row's lock and its UPDATE (returning its new
# open help, so the program's row needs a write only when that changed), and the mood added to
# the program's week. The week already counted, so the game is not asked (it could award
# nothing); rendering the card after the commit reads nothing.
EDIT_STATEMENTS = {"sqlite": 7, "postgresql": 6}


@pytest.fixture(autouse=True)
def _clock(pinned):
    return pinned


def _post(client, query_counter, token: str, mood: int):
    headers = {"HX-Request": "true", "X-CSRFToken": token}
    with query_counter as counted:
        response = client.post("/checkins/this-week", data={"mood": str(mood)}, headers=headers)
    assert response.status_code == 200
    return counted.count, response


def _first_then_edit(client, query_counter) -> tuple[int, int]:
    """Statements of the week's first check-in, and of an edit of it (the mood changed)."""
    token = client.csrf_token()
    first, response = _post(client, query_counter, token, 4)
    assert "Checked in ✓ this week" in response.get_data(as_text=True)
    edit, response = _post(client, query_counter, token, 2)
    assert "You said" in response.get_data(as_text=True)
    return first, edit


def _hold_badges(world, badges: list[tuple[str, int]]) -> None:
    mentee = user_id(MENTEE)
    held = set(
        db.session.execute(
            sa.select(BadgeEarned.badge_id, BadgeEarned.tier).where(BadgeEarned.user_id == mentee)
        ).all()
    )
    db.session.add_all(
        BadgeEarned(
            user_id=mentee,
            program_id=world.program_id,
            badge_id=badge,
            tier=tier,
            rule_version=1,
            subject="user",
        )
        for badge, tier in badges
        if (badge, tier) not in held
    )
    db.session.commit()


def _long_history(world) -> None:
    """Forty earlier counted weeks, every badge tier and fifty more, a repair and a thousand
    ledger rows of other weeks."""
    member, mentee = membership_id(MENTEE), user_id(MENTEE)
    week = WeekKey(2025, 1)
    for _ in range(40):
        add_checkin(member, week, mood=3)
        week = week.next()
    db.session.add(
        StreakRepair(membership_id=member, week_key="2025-W45", mentor_id=mentee, reason="Ill")
    )
    badges = [(rule.id, tier) for rule in game.BADGES for tier in range(1, len(rule.tiers) + 1)]
    _hold_badges(world, badges + [(f"old_{n}", 1) for n in range(50)])
    db.session.execute(
        sa.insert(PointsAward),
        [
            {
                "key": f"filler:{n}",
                "user_id": mentee,
                "program_id": world.program_id,
                "amount": 10,
                "reason": game.Reason.CHECKIN.value,
                "week_key": f"20{10 + n % 15}-W{1 + n % 52:02d}",
                "created_at": NOW - timedelta(minutes=n),
            }
            for n in range(1000)
        ],
    )
    db.session.commit()


def test_a_check_in_costs_the_same_with_a_long_history(app, world, login, query_counter, pinned):
    """The first check-in of a week and an edit of it, with one week behind and First Step
    held, then with a long history: the same statements (the history's week earns nothing new
    either, so both do the same work)."""
    client = login("mentee")
    with app.app_context():
        _hold_badges(world, [("first_step", 1)])
    first, edit = _first_then_edit(client, query_counter)  # week 11
    with app.app_context():
        dialect = db.engine.dialect.name
        paid = ledger(MENTEE)
        _long_history(world)
    assert edit == EDIT_STATEMENTS[dialect]
    pinned(W12)
    assert _first_then_edit(client, query_counter) == (first, edit)
    with app.app_context():
        after = ledger(MENTEE)
        assert after[game.checkin_key(user_id(MENTEE), W12)] == 10  # the new week is paid
        assert len(after) == len(paid) + 1000 + 1  # once, for all its posts
        assert summaries.check() == []
        row = db.session.get(MenteeSummary, membership_id(MENTEE))
        assert (row.mood_1, row.mood_2) == (2, 2)  # weeks 12 and 11, each as last edited
