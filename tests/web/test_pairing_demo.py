"""The demo's matching pool: people waiting, people not ready and why, and matching at once."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from web_support import log_in

from app import clock
from app.demo import DEMO_PASSWORD, PROGRAM_NAME, seed_demo
from app.extensions import db
from app.models import MatchDraft, Mentorship, MentorshipStatus, Program
from app.pairing.pool import load_pool

NOW = datetime(2026, 11, 25, 18, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _clock():
    clock.set_now(NOW)
    yield
    clock.set_now(None)


def test_the_demo_has_a_pool_to_match_and_people_not_ready(app):
    with app.app_context():
        seed_demo(NOW.date())
        seed_demo(NOW.date())  # idempotent
        program = db.session.scalar(sa.select(Program).where(Program.name == PROGRAM_NAME))
        pool = load_pool(program)
        assert len(pool.waiting) == 8, [m.user.name for m in pool.waiting]
        assert len(pool.room) == 3 and sum(pool.room.values()) == 7
        not_ready = {m.user.name: missing for m, missing in pool.not_ready}
        assert not_ready == {"Sofia Rossi": ["training (1 of 3)"], "Nina Brooks": ["profile"]}
        pairs = db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Mentorship)
            .where(Mentorship.status != MentorshipStatus.CLOSED)
        )
        assert pairs == 6  # the existing pairs are untouched


def test_matching_can_be_tried_from_the_quick_start(app):
    with app.app_context():
        seed_demo(NOW.date())
        program_id = db.session.scalar(sa.select(Program.id).where(Program.name == PROGRAM_NAME))
    client = app.test_client()
    assert log_in(client, "coordinator@example.org", DEMO_PASSWORD).status_code == 303
    page = client.get(f"/programs/{program_id}/matching").get_data(as_text=True)
    assert "Nina Brooks" in page and "needs profile" in page
    assert client.submit(f"/programs/{program_id}/matching/suggest").status_code == 303
    with app.app_context():
        drafts = db.session.scalars(sa.select(MatchDraft)).all()
        assert len(drafts) == 7  # seven places for eight mentees
        assert all(d.reasons and d.score > 0 for d in drafts)
    assert client.submit(f"/programs/{program_id}/matching/accept", {"all": "1"}).status_code == 303
    assert client.submit(f"/programs/{program_id}/matching/publish").status_code == 303
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(MatchDraft)) == 0
        assert len(load_pool(db.session.get(Program, program_id)).waiting) == 1
