"""The demo on its first run: two pairs at risk for different reasons, a coordinator's note on
one of them, an older entry resolved with its history, and the healthy pairs left alone."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from web_support import log_in

from app import clock
from app.demo import DEMO_PASSWORD, PROGRAM_NAME, seed_demo
from app.extensions import db
from app.models import CareKind, CareRecord, Program
from app.programs.risk_query import board
from game.risk import Signal

NOW = datetime(2026, 11, 25, 18, 0, tzinfo=UTC)  # a Wednesday


@pytest.fixture(autouse=True)
def _clock():
    clock.set_now(NOW)
    yield
    clock.set_now(None)


def _names(entry) -> set[str]:
    return {member.membership.user.first_name for member in entry.mentorship.members}


def test_the_demo_shows_two_pairs_at_risk_a_note_and_a_resolved_entry(app, client):
    with app.app_context():
        seed_demo(NOW.date())
        seed_demo(NOW.date())  # idempotent
        program_id = db.session.scalar(sa.select(Program.id).where(Program.name == PROGRAM_NAME))
        found = board(program_id, clock.utcnow())
        at_risk = {frozenset(_names(e)): [r.signal for r in e.reasons] for e in found.at_risk}
        assert at_risk == {
            frozenset({"Maya", "Ben"}): [Signal.HELP_WAITING],
            frozenset({"Daniel", "Diego"}): [Signal.QUIET],
        }
        assert [_names(e) for e in found.resolved] == [{"Daniel", "Chloé"}]
        kinds = db.session.scalars(sa.select(CareRecord.kind).order_by(CareRecord.id)).all()
        assert kinds == [CareKind.NOTE, CareKind.RESOLVED, CareKind.NOTE]
        diego = next(e for e in found.at_risk if "Diego" in _names(e)).mentorship.id
    assert log_in(client, "coordinator@example.org", DEMO_PASSWORD).status_code == 303
    page = client.get(f"/programs/{program_id}/at-risk").get_data(as_text=True)
    assert "No meeting in two weeks" in page and "help request waiting" in page
    assert "resolved on Fri 30 Oct by Rosa Delgado" in page
    notes = client.get(f"/programs/{program_id}/at-risk/{diego}").get_data(as_text=True)
    assert "Daniel&#39;s shifts changed this month." in notes
