"""Two first check-ins of one week sent at once (a double tap, the offline copy beside the
online one): both read the week empty, one inserts, the other's insert is ignored and it
changes the winner's row. One row, one award, and the summaries count it once."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from game_support import (
    MENTEE,
    ledger,
    membership_id,
    mentee_submits,
    pinned_fixture,  # noqa: F401
    user_id,
)

from app import summaries
from app.checkins import service
from app.checkins.queries import this_week
from app.extensions import db
from app.models import CheckIn, User

pytestmark = pytest.mark.usefixtures("pinned")  # the world's weeks are always the same


def test_the_first_check_in_that_lost_the_race_changes_the_winners_row(app, world, monkeypatch):
    with app.app_context():
        mentee = db.session.get(User, user_id(MENTEE))
        empty = this_week(membership_id(MENTEE), mentee.week_zones)  # read before the winner
        assert empty.checkin is None
        mentee_submits(2, "the winner")
        monkeypatch.setattr(service, "_week_for", lambda *_args: empty)
        mentee_submits(5, "the one that lost", wants_help=True)
        db.session.expire_all()
        [row] = db.session.scalars(sa.select(CheckIn))
        assert (row.mood, row.progress_note, row.wants_help) == (5, "the one that lost", True)
        paid = [key for key in ledger(MENTEE) if key.startswith("checkin:")]
        assert paid == [f"checkin:{user_id(MENTEE)}:{empty.week}"]  # the week paid once
        assert summaries.check() == []
