"""The demo's closed past program: certificates with non-zero facts, reached from a demo
mentee's home, while everyone still lands in the current program."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from web_support import log_in

from app import clock
from app.demo import DEMO_PASSWORD, PAST_PROGRAM_NAME, PROGRAM_NAME, seed_demo
from app.extensions import db
from app.gamification import rebuild
from app.models import Certificate, Mentorship, MentorshipStatus, Program

NOW = datetime(2026, 11, 25, 18, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _clock():
    clock.set_now(NOW)
    yield
    clock.set_now(None)


def test_the_demo_has_a_closed_past_program_with_certificates(app):
    with app.app_context():
        seed_demo(NOW.date())
        seed_demo(NOW.date())  # idempotent
        past = db.session.scalar(sa.select(Program).where(Program.name == PAST_PROGRAM_NAME))
        assert past.closed_at is not None and past.ends_on < NOW.date()
        assert past.starts_on.month == 9 and past.starts_on.year == NOW.year - 1
        statuses = db.session.scalars(
            sa.select(Mentorship.status).where(Mentorship.program_id == past.id)
        ).all()
        assert set(statuses) == {MentorshipStatus.CLOSED}
        issued = {
            c.name: c
            for c in db.session.scalars(
                sa.select(Certificate).where(Certificate.program_id == past.id)
            )
        }
        assert set(issued) == {"Aisha Khan", "Priya Shah", "Ben Carter", "Daniel Reyes"}
        aisha = issued["Aisha Khan"]
        assert aisha.meetings_held > 0 and aisha.milestones_confirmed > 0 and aisha.badges
        assert db.session.scalar(sa.select(sa.func.count(Certificate.id))) == 4
        assert rebuild.check() == []  # its ledger is the one the rules call for


def test_a_demo_mentee_reaches_her_past_certificate_from_home(app):
    with app.app_context():
        seed_demo(NOW.date())
    aisha = app.test_client()
    assert log_in(aisha, "aisha@example.org", DEMO_PASSWORD).status_code == 303
    home = aisha.get("/").get_data(as_text=True)
    assert PROGRAM_NAME in home and "Your certificate" in home
    link = home.split('href="/certificates/', 1)[1].split('"', 1)[0]
    page = aisha.get(f"/certificates/{link}").get_data(as_text=True)
    assert PAST_PROGRAM_NAME in page and "Aisha Khan" in page and "Dream Team" in page


def test_the_coordinator_still_lands_in_the_current_program(app):
    with app.app_context():
        seed_demo(NOW.date())
    rosa = app.test_client()
    assert log_in(rosa, "coordinator@example.org", DEMO_PASSWORD).status_code == 303
    home = rosa.get("/").get_data(as_text=True)
    assert f"<h1>{PROGRAM_NAME}</h1>" in home
    with app.app_context():
        past = db.session.scalar(sa.select(Program.id).where(Program.name == PAST_PROGRAM_NAME))
    listing = rosa.get(f"/programs/{past}/certificates").get_data(as_text=True)
    assert "4 issued" in listing
