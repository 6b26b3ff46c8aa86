"""``flask game rebuild``: every difference between the caches and their sources is reported,
and ``--fix`` repairs the caches without editing the ledger."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from game_support import (
    MENTEE,
    W07,
    W08,
    W10,
    W11,
    check_in,
    ledger,
    membership_id,
    pinned_fixture,  # noqa: F401
    total,
    totals_match_ledger,
    user_id,
)

from app.extensions import db
from app.models import BadgeEarned, CheckIn, PlayerTotal


@pytest.fixture(autouse=True)
def _clock(pinned):
    return pinned


@pytest.fixture
def four_weeks(world, new_client, pinned) -> None:
    """Four check-ins in a row: 40 + 20 points, First Step and Consistent (bronze)."""
    mentee = new_client("mentee")
    for week in (W07, W08, W10, W11):
        pinned(week)
        check_in(mentee)


def rebuild(runner, *args: str):
    return runner.invoke(args=["game", "rebuild", *args])


def test_a_consistent_database_reports_nothing(app, runner, four_weeks):
    result = rebuild(runner)
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "Everything matches: awards, badges and totals."


def test_a_tampered_total_is_reported_and_fixed(app, world, runner, four_weeks):
    with app.app_context():
        mentee = user_id(MENTEE)
        db.session.execute(sa.update(PlayerTotal).values(points=999))
        db.session.commit()
    result = rebuild(runner)
    assert result.exit_code == 1
    assert (
        f"total: user {mentee} in program {world.program_id}: cached total 999, "
        "the ledger sums to 60"
    ) in result.output
    fixed = rebuild(runner, "--fix")
    assert fixed.exit_code == 0 and "1 difference(s) found, 1 repaired." in fixed.output
    with app.app_context():
        assert total(MENTEE) == 60 and totals_match_ledger()
    assert rebuild(runner).exit_code == 0


def test_missing_badges_and_awards_are_reported_and_appended(app, world, runner, four_weeks):
    with app.app_context():
        mentee = user_id(MENTEE)
        db.session.execute(sa.delete(BadgeEarned).where(BadgeEarned.badge_id == "consistent"))
        # A check-in written before the game existed: in the source, not in the ledger.
        db.session.add(
            CheckIn(
                membership_id=membership_id(MENTEE),
                week_key="2026-W12",
                mood=3,
                zone="Europe/London",
            )
        )
        db.session.commit()
        before = ledger(MENTEE)
    result = rebuild(runner)
    assert result.exit_code == 1
    assert (
        f"badge: user {mentee} in program {world.program_id} earned consistent tier 1 (user)"
        in result.output
    )
    assert f"award: missing ledger row checkin:{mentee}:2026-W12" in result.output
    rebuild(runner, "--fix")
    with app.app_context():
        after = ledger(MENTEE)
        assert {k: v for k, v in after.items() if k in before} == before  # nothing edited
        assert after[f"checkin:{mentee}:2026-W12"] == 10
        assert total(MENTEE) == 70 and totals_match_ledger()
    assert rebuild(runner).exit_code == 0


def test_a_badge_no_longer_earned_is_reported_but_kept(app, world, runner, four_weeks):
    with app.app_context():
        mentee = user_id(MENTEE)
        db.session.add(
            BadgeEarned(
                user_id=mentee,
                program_id=world.program_id,
                badge_id="goal_getter",
                tier=1,
                rule_version=1,
                subject="user",
            )
        )
        db.session.commit()
    result = rebuild(runner, "--fix")
    assert "holds goal_getter tier 1, no longer earned (kept) (reported only)" in result.output
    with app.app_context():
        assert (
            db.session.scalar(
                sa.select(sa.func.count()).where(BadgeEarned.badge_id == "goal_getter")
            )
            == 1
        )
