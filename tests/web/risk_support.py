"""Helpers for the pairs-at-risk tests: the world's pair, its signals now, a mentor's action.

The clock is pinned by ``game_support`` (the program starts in week 7, week 9 is its break,
"now" is Wednesday noon of week 11; both pairs were matched in week 7). Database helpers open
their own app context.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import sqlalchemy as sa
from checkins_support import user_id

from app import clock
from app.extensions import db
from app.models import Kudos, PairSummary
from app.programs.risk_query import pairs_at_risk
from game.risk import Signal
from game.weeks import WeekKey

MENTEE, MENTOR = "mentee@test.example", "mentor@test.example"
COORDINATOR = "coordinator@test.example"


def noon(week: WeekKey, days: int = 2) -> datetime:
    return datetime.combine(week.monday() + timedelta(days=days), time(12), UTC)


def signals(app, world) -> dict[int, list[Signal]]:
    """The program's pairs on the list now, each with its signals."""
    with app.app_context():
        return {
            entry.mentorship.id: [reason.signal for reason in entry.reasons]
            for entry in pairs_at_risk(world.program_id, clock.utcnow())
        }


def mine(app, world) -> list[Signal]:
    """The signals of the world's pair, empty when it is not on the list."""
    return signals(app, world).get(world.mentorship_id, [])


def active_mentor(app, world, at: datetime) -> None:
    """The mentor gave kudos at ``at``: the pair's mentor is not silent then."""
    with app.app_context():
        db.session.add(
            Kudos(
                key=f"kudos-test:{at:%Y%m%d%H%M}",
                mentorship_id=world.mentorship_id,
                mentor_id=user_id(MENTOR),
                mentee_id=user_id(MENTEE),
                month=f"{at:%Y-%m}",
                note="Well done",
                created_at=at,
            )
        )
        db.session.commit()


def in_list_order(pair_ids: list[int]) -> list[int]:
    """``pair_ids`` as the list orders them: longest listed first (their rows' ``listed_from``),
    then by id."""
    listed_from = dict(
        db.session.execute(
            sa.select(PairSummary.mentorship_id, PairSummary.listed_from).where(
                PairSummary.mentorship_id.in_(pair_ids)
            )
        ).all()
    )
    return sorted(pair_ids, key=lambda pair: (listed_from[pair], pair))
