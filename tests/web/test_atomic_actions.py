"""An action and what it earns commit together or not at all, on SQLite and PostgreSQL.

Each paying action runs with the game's recording made to fail *after* it has written its
awards, totals and badges: the request answers the friendly error page and the database is
exactly as it was before, the action's own rows included. On SQLite this is what the
transaction recipe in ``app.database`` guarantees (without it the check-in's savepoint
committed the check-in on its own).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from game_support import MENTEE, NOW, check_in, pinned_fixture, user_id  # noqa: F401
from goals_support import add_goal, milestone_ids
from meetings_support import add_meeting
from web_support import snapshot

from app.extensions import db
from app.gamification import service
from app.models import CheckIn, MeetingConfirmation, MilestoneStatus, PointsAward

C, W = MilestoneStatus.CONFIRMED, MilestoneStatus.WAITING


class RecordingFailed(Exception):
    """Raised by the game after it wrote its rows, to prove they are rolled back."""


@pytest.fixture(autouse=True)
def _clock(pinned):
    return pinned


def fail_after(monkeypatch, name: str) -> list:
    """Make ``service.<name>`` do its real work, then raise; returns its calls."""
    real = getattr(service, name)
    calls = []

    def run_then_fail(*args, **kwargs):
        calls.append(real(*args, **kwargs))
        raise RecordingFailed(name)

    monkeypatch.setattr(service, name, run_then_fail)
    return calls


@pytest.fixture
def as_browser(make_app, world):
    """``as_browser(role)``: a client of an app that answers errors with its 500 page, as in
    production, instead of raising them into the test."""
    from web_support import log_in

    app = make_app(PROPAGATE_EXCEPTIONS=False)

    def make(role: str):
        client = app.test_client()
        assert log_in(client, world.email(role)).status_code == 303
        return client

    return make


def failing_request_changes_nothing(app, monkeypatch, name: str, send) -> None:
    before = snapshot(app)
    calls = fail_after(monkeypatch, name)
    response = send()
    assert calls, f"the action never reached service.{name}"
    assert response.status_code == 500
    assert "Something went wrong" in response.get_data(as_text=True)
    assert snapshot(app) == before


def test_a_first_check_in_is_not_saved_without_its_points(app, world, as_browser, monkeypatch):
    mentee = as_browser("mentee")
    failing_request_changes_nothing(app, monkeypatch, "record", lambda: check_in(mentee))
    with app.app_context():
        assert db.session.query(CheckIn).count() == 0
    monkeypatch.undo()
    assert check_in(mentee).status_code == 200  # and the same action then works, paid once
    with app.app_context():
        assert db.session.query(PointsAward).filter_by(user_id=user_id(MENTEE)).count() == 1


def test_a_changed_check_in_keeps_its_old_answer_when_recording_fails(
    app, world, as_browser, monkeypatch
):
    """The week's row asks for help without a mood, so it counts nothing yet; the mood that
    makes it count is what the game records (an edit of a counted week earns nothing)."""
    mentee = as_browser("mentee")
    assert mentee.htmx("POST", "/checkins/help").status_code == 200
    failing_request_changes_nothing(app, monkeypatch, "record", lambda: check_in(mentee, mood=5))
    with app.app_context():
        assert db.session.query(CheckIn).one().mood is None


def test_we_met_that_makes_a_meeting_held(app, world, as_browser, monkeypatch):
    with app.app_context():
        meeting = add_meeting(world.mentorship_id, NOW - timedelta(hours=2))
    assert as_browser("mentee").htmx("POST", f"/meetings/{meeting}/confirm").status_code == 200
    mentor = as_browser("own_mentor")
    failing_request_changes_nothing(
        app, monkeypatch, "record", lambda: mentor.htmx("POST", f"/meetings/{meeting}/confirm")
    )
    with app.app_context():
        assert db.session.query(MeetingConfirmation).count() == 1


def test_confirming_the_last_milestone_of_a_goal(app, world, as_browser, monkeypatch):
    with app.app_context():
        _, last = milestone_ids(add_goal(world.mentorship_id, milestones=(C, W)))
    mentor = as_browser("own_mentor")
    failing_request_changes_nothing(
        app, monkeypatch, "record", lambda: mentor.htmx("POST", f"/milestones/{last}/confirm")
    )


def test_sending_back_a_paid_milestone(app, world, as_browser, monkeypatch):
    with app.app_context():
        first, _ = milestone_ids(add_goal(world.mentorship_id, milestones=(W, W)))
    mentor = as_browser("own_mentor")
    assert mentor.htmx("POST", f"/milestones/{first}/confirm").status_code == 200
    failing_request_changes_nothing(
        app,
        monkeypatch,
        "record",
        lambda: mentor.htmx(
            "POST", f"/milestones/{first}/send-back", {f"milestone-{first}-note": "Redo it"}
        ),
    )


def test_kudos(app, world, as_browser, monkeypatch):
    mentor = as_browser("own_mentor")
    with app.app_context():
        mentee = user_id(MENTEE)
    prefix = f"kudos-{world.mentorship_id}-"
    failing_request_changes_nothing(
        app,
        monkeypatch,
        "record",
        lambda: mentor.htmx(
            "POST",
            f"/mentorships/{world.mentorship_id}/kudos",
            {f"{prefix}note": "Great week", f"{prefix}mentee": str(mentee)},
        ),
    )


def test_acknowledging_a_check_in_and_the_mentor_badge(app, world, as_browser, monkeypatch):
    assert check_in(as_browser("mentee")).status_code == 200
    with app.app_context():
        checkin = db.session.query(CheckIn).one().id
    mentor = as_browser("own_mentor")
    failing_request_changes_nothing(
        app,
        monkeypatch,
        "recognise_mentor",
        lambda: mentor.htmx(
            "POST", f"/checkins/{checkin}/acknowledge", {f"checkin-{checkin}-reply": "Well done"}
        ),
    )
