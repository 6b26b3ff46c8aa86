"""A mentorship's check-in history: its people only, each mentee seeing only their own."""

from __future__ import annotations

import pytest
from checkins_support import add_checkin, add_mentees, at_fixture, membership_id  # noqa: F401
from web_support import log_in

from app.extensions import db
from app.models import CheckIn
from game.weeks import WeekKey

MENTEE, MENTOR = "mentee@test.example", "mentor@test.example"
W10, W11 = WeekKey(2026, 10), WeekKey(2026, 11)
NOTE = "Sorted out my revision timetable"


@pytest.fixture
def with_history(app, at):
    seen = at(2026, 3, 11, 18, 0)
    with app.app_context():
        add_checkin(membership_id(MENTEE), W10, mood=2, progress_note="Rough start")
        add_checkin(
            membership_id(MENTEE),
            W11,
            mood=4,
            progress_note=NOTE,
            reply="Well done",
            acknowledged_at=seen,
        )


@pytest.mark.parametrize("role", ["mentee", "own_mentor"])
def test_the_pair_sees_the_history_newest_first(login, world, with_history, role):
    response = login(role).get(f"/mentorships/{world.mentorship_id}/checkins")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert page.index(NOTE) < page.index("Rough start")
    assert "Week of Mon 09 Mar" in page and "Mood 4 – Good" in page and "Well done" in page


@pytest.mark.parametrize(("role", "forms"), [("own_mentor", 1), ("mentee", 0)])
def test_only_the_mentor_gets_acknowledge_forms(login, world, with_history, role, forms):
    page = login(role).get(f"/mentorships/{world.mentorship_id}/checkins").get_data(as_text=True)
    assert page.count('class="ack-form"') == forms  # the one not acknowledged yet


@pytest.mark.parametrize("role", ["other_mentor", "coordinator", "other_coordinator"])
def test_nobody_else_sees_the_history(login, world, with_history, role):
    response = login(role).get(f"/mentorships/{world.mentorship_id}/checkins")
    assert response.status_code == 404
    assert NOTE not in response.get_data(as_text=True)


def test_a_group_mentee_sees_only_their_own_check_ins(app, world, at):
    at(2026, 3, 11, 18, 0)
    with app.app_context():
        people = add_mentees(world.program_id, MENTOR, 2, group=True, can_log_in=True)
        (group_id, first), (_, second) = people
        add_checkin(first, W11, mood=5, progress_note="Mine to share")
        add_checkin(second, W11, mood=1, progress_note="Private to me and the mentor")
    client = app.test_client()
    log_in(client, "mentee0@bulk.example")
    page = client.get(f"/mentorships/{group_id}/checkins").get_data(as_text=True)
    assert "Mine to share" in page and "Private to me and the mentor" not in page

    mentor = app.test_client()
    log_in(mentor, MENTOR)
    page = mentor.get(f"/mentorships/{group_id}/checkins").get_data(as_text=True)
    assert "Mentee 0 · Week of" in page and "Private to me and the mentor" in page


def test_the_history_page_query_count_does_not_grow(app, login, world, query_counter, at):
    at(2026, 3, 11, 18, 0)
    client = login("own_mentor")
    url = f"/mentorships/{world.mentorship_id}/checkins"
    mentee = None
    with app.app_context():
        mentee = membership_id(MENTEE)
        add_checkin(mentee, W11, mood=3, progress_note="one", reply="ok")
    client.get(url)
    with query_counter as one:
        client.get(url)
    with app.app_context():
        week = W11
        for n in range(49):
            week = week.previous()
            add_checkin(mentee, week, mood=1 + n % 5, progress_note=f"note {n}", reply="ok")
        assert db.session.query(CheckIn).count() == 50
    with query_counter as fifty:
        page = client.get(url).get_data(as_text=True)
    assert page.count('class="checkin-item') == 50
    assert fifty.count == one.count, fifty.statements
