"""The demo's surveys: one pulse shown with its comments, one hidden under the threshold, the
mentees who answered paid once by the game's replay."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from app import clock
from app.demo import seed_demo
from app.extensions import db
from app.gamification import rebuild
from app.models import PointsAward, Program, Survey, SurveyAnswer, SurveyResponse, User
from app.surveys.demo import ANSWERED

NOW = datetime(2026, 11, 25, 18, 0, tzinfo=UTC)  # a Wednesday


@pytest.fixture(autouse=True)
def _clock():
    clock.set_now(NOW)
    yield
    clock.set_now(None)


def test_the_demo_surveys_are_seeded_once_and_paid_to_mentees(app):
    with app.app_context():
        seed_demo(NOW.date())
        seed_demo(NOW.date())  # idempotent
        assert db.session.scalar(sa.select(sa.func.count(Survey.id))) == 2
        assert db.session.scalar(sa.select(sa.func.count(SurveyAnswer.id))) == 11
        assert db.session.scalar(sa.select(sa.func.count(SurveyResponse.id))) == 11
        paid = db.session.scalars(
            sa.select(User.email)
            .join(PointsAward, PointsAward.user_id == User.id)
            .where(PointsAward.key.like("survey:%"))
        ).all()
        mentees = [e for emails in ANSWERED.values() for e in emails if e not in MENTORS]
        assert sorted(paid) == sorted(mentees)
        assert rebuild.check() == []


MENTORS = {"maya@example.org", "daniel@example.org", "priya@example.org"}


def test_the_dashboard_shows_the_first_pulse_and_hides_the_second(app, client):
    with app.app_context():
        seed_demo(NOW.date())
        program_id = db.session.scalar(sa.select(Program.id).order_by(Program.id))
    client.submit("/login", {"email": "coordinator@example.org", "password": "waypoint-demo-2026"})
    page = client.get(f"/programs/{program_id}/outcomes").get_data(as_text=True)
    assert "<li>The study timetable we made together works.</li>" in page
    assert "Still finding it useful." not in page
    assert "<td>8</td><td>4.2</td><td>4</td>" in page  # pulse 1, everyone
    assert page.count("hidden (a group under 5 answers)") >= 3  # pulse 2, and pulse 1's roles
