"""The mentee's weekly check-in: two taps from home, editing, help, weeks and validation."""

from __future__ import annotations

import json
import re

import pytest
from checkins_support import (
    add_checkin,
    at_fixture,  # noqa: F401
    card,
    membership_id,
    rows_of,
    user_id,
)
from web_support import field_error, shown, snapshot

import app.checkins.service as service
from app.checkins.forms import MOOD_MISSING
from app.checkins.queries import ThisWeek
from app.extensions import db
from app.models import BreakWeek, User
from app.models.checkins import NOTE_LIMIT
from game.weeks import WeekKey, week_of

MENTEE = "mentee@test.example"
W10, W11 = WeekKey(2026, 10), WeekKey(2026, 11)  # the weeks of Mon 2 and Mon 9 March 2026


def rows(app, email: str = MENTEE) -> list[tuple]:
    with app.app_context():
        return [(c.week_key, c.mood, c.wants_help, c.progress_note) for c in rows_of(email)]


def test_home_card_asks_for_a_mood_with_five_labelled_choices(login):
    page = login("mentee").get("/").get_data(as_text=True)
    form = card(page)
    assert 'action="/checkins/this-week"' in form and 'hx-post="/checkins/this-week"' in form
    assert 'hx-disabled-elt="find button"' in form
    assert re.search(
        r"<fieldset[^>]*>\s*<legend><h2[^>]*>How are you this week\?</h2></legend>", form
    )
    labels = re.findall(
        r'type="radio" value="(\d)">\s*<span[^>]*aria-hidden="true">[^<]+</span>'
        r'\s*<span class="mood-word">([^<]+)</span>',
        form,
    )
    assert labels == [
        ("1", "1 – Rough"),
        ("2", "2 – Low"),
        ("3", "3 – Okay"),
        ("4", "4 – Good"),
        ("5", "5 – Great"),
    ]
    assert "<summary>Add a note</summary>" in form
    assert ">Check in</button>" in form
    assert 'action="/checkins/help"' in form and "I'd like help</button>" in form


def test_two_taps_from_home_swap_the_card_in_place(app, login, at):
    at(2026, 3, 11, 18, 0)
    client = login("mentee")
    response = client.htmx("POST", "/checkins/this-week", {"mood": "4"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert page.startswith('<section class="card checkin-card"') and "<html" not in page
    assert "Checked in ✓ this week" in page and "You said 4 – Good" in page
    assert 'hx-get="/checkins/this-week"' in page and ">Edit</a>" in page
    # The first check-in earns points: its thanks come inside the one celebration.
    events = json.loads(response.headers["HX-Trigger"])
    assert events["waypoint:celebrate"]["note"] == "Checked in for this week. Thank you!"
    assert "waypoint:toast" not in events
    assert rows(app) == [(str(W11), 4, False, "")]
    with app.app_context():
        assert rows_of(MENTEE)[0].zone == "Europe/London"
    assert "Checked in ✓ this week" in card(client.get("/").get_data(as_text=True))


def test_check_in_works_without_javascript(app, login, at):
    at(2026, 3, 11, 18, 0)
    client = login("mentee")
    form = client.get("/checkins/this-week").get_data(as_text=True)
    assert '<details class="checkin-more" open>' in form  # the full page shows every field
    response = client.submit(
        "/checkins/this-week",
        {"mood": "3", "progress_note": "Finished my essay plan.", "blocker": "Maths homework"},
    )
    assert response.status_code == 303 and response.location == "/"
    home = client.get("/").get_data(as_text=True)
    assert "Checked in for this week. Thank you!" in home
    assert "Checked in ✓ this week" in card(home)
    assert rows(app) == [(str(W11), 3, False, "Finished my essay plan.")]


def test_editing_in_the_same_week_changes_the_one_row(app, login, at):
    at(2026, 3, 9, 9, 0)
    client = login("mentee")
    client.htmx("POST", "/checkins/this-week", {"mood": "2"})
    edit = client.htmx("GET", "/checkins/this-week").get_data(as_text=True)
    assert '<input checked id="mood-1" name="mood" type="radio" value="2">' in edit
    assert ">Save changes</button>" in edit
    at(2026, 3, 15, 23, 30)  # Sunday night: still the same week
    client.htmx("POST", "/checkins/this-week", {"mood": "4", "progress_note": "Better now"})
    assert rows(app) == [(str(W11), 4, False, "Better now")]
    with app.app_context():
        checkin = rows_of(MENTEE)[0]
        assert checkin.updated_at > checkin.created_at


def test_a_double_submit_writes_one_row(app, login, at):
    client = login("mentee")
    at(2026, 3, 11, 18, 0)  # mid-week: before 06:00 on a Monday the first would fill last week
    for _ in range(2):
        assert client.submit("/checkins/this-week", {"mood": "5"}).status_code == 303
    assert len(rows(app)) == 1


def test_a_racing_first_submit_updates_the_row_that_won(app, login, at, monkeypatch):
    """Two first submits at once: the second insert hits the unique constraint."""
    at(2026, 3, 11, 18, 0)
    client = login("mentee")
    client.submit("/checkins/this-week", {"mood": "2"})
    monkeypatch.setattr(service, "this_week", lambda *_: ThisWeek(W11, None))  # it saw no row
    response = client.htmx("POST", "/checkins/this-week", {"mood": "5", "progress_note": "Won"})
    assert response.status_code == 200 and "You said 5 – Great" in response.get_data(as_text=True)
    assert rows(app) == [(str(W11), 5, False, "Won")]


@pytest.mark.parametrize(
    ("wall_time", "week"),
    [
        ((2026, 3, 9, 5, 59), W10),  # Monday before 06:00, last week empty: grace
        ((2026, 3, 9, 6, 0), W11),
        ((2026, 3, 8, 23, 59), W10),
        ((2026, 3, 15, 23, 59), W11),
    ],
)
def test_the_week_is_the_mentees_own_with_a_monday_grace(app, login, at, wall_time, week):
    at(*wall_time)
    login("mentee").submit("/checkins/this-week", {"mood": "3"})
    assert rows(app) == [(str(week), 3, False, "")]


def test_no_grace_when_last_week_is_already_checked_in(app, login, at):
    at(2026, 3, 9, 5, 59)
    with app.app_context():
        add_checkin(membership_id(MENTEE), W10, mood=4)
    login("mentee").submit("/checkins/this-week", {"mood": "2"})
    assert rows(app) == [(str(W10), 4, False, ""), (str(W11), 2, False, "")]


def test_a_help_request_alone_does_not_count_as_last_weeks_check_in(app, login, at):
    at(2026, 3, 9, 5, 0)
    with app.app_context():
        add_checkin(membership_id(MENTEE), W10, mood=None, wants_help=True)
    login("mentee").submit("/checkins/this-week", {"mood": "3", "wants_help": "y"})
    assert rows(app) == [(str(W10), 3, True, "")]


def test_the_week_follows_the_mentees_time_zone(app, login, at):
    at(2026, 3, 8, 22, 0)  # Sunday night in London is Monday 11:00 in Auckland
    with app.app_context():
        db.session.get(User, user_id(MENTEE)).time_zone = "Pacific/Auckland"
        db.session.commit()
    login("mentee").submit("/checkins/this-week", {"mood": "5"})
    with app.app_context():
        (checkin,) = rows_of(MENTEE)
        assert (checkin.week_key, checkin.zone) == (str(W11), "Pacific/Auckland")


def test_check_ins_are_allowed_in_a_break_week(app, login, world, at):
    with app.app_context():
        monday = db.session.get(BreakWeek, world.break_id).monday
    at(monday.year, monday.month, monday.day, 12, 0)
    assert login("mentee").submit("/checkins/this-week", {"mood": "4"}).status_code == 303
    assert rows(app) == [(str(week_of(monday)), 4, False, "")]


def test_help_is_one_tap_from_home_even_before_a_mood(app, login, at):
    at(2026, 3, 11, 18, 0)
    client = login("mentee")
    response = client.htmx("POST", "/checkins/help")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and page.startswith('<section class="card checkin-card"')
    assert "You asked for help this week. Your mentor can see it." in page
    assert "How are you this week?" in page  # the mood can still follow
    assert re.search(r'<input[^>]* checked id="wants_help"', page)
    assert rows(app) == [(str(W11), None, True, "")]
    client.htmx("POST", "/checkins/help")  # asking twice changes nothing
    client.htmx("POST", "/checkins/this-week", {"mood": "2", "wants_help": "y"})
    assert rows(app) == [(str(W11), 2, True, "")]


def test_help_without_javascript_goes_back_home(app, login):
    client = login("mentee")
    response = client.submit("/checkins/help")
    assert response.status_code == 303 and response.location == "/"
    assert shown("Your mentor can see that you'd like help.") in client.get("/").get_data(
        as_text=True
    )


def test_help_after_a_done_check_in_updates_it(app, login, at):
    at(2026, 3, 11, 18, 0)
    client = login("mentee")
    client.submit("/checkins/this-week", {"mood": "4", "progress_note": "Good week"})
    assert "I'd like help</button>" in card(client.get("/").get_data(as_text=True))
    client.submit("/checkins/help")
    assert rows(app) == [(str(W11), 4, True, "Good week")]


@pytest.mark.parametrize("mood", ["", "0", "6", "7", "-1", "abc", "3.5"])
def test_a_mood_outside_1_to_5_is_refused_next_to_the_field(app, login, mood):
    client = login("mentee")
    before = snapshot(app)
    response = client.submit("/checkins/this-week", {"mood": mood, "progress_note": "kept"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert f'<p class="error" id="mood-error">{MOOD_MISSING}</p>' in page
    assert 'aria-describedby="mood-error"' in page
    assert "kept</textarea>" in page  # what was typed is still there
    assert snapshot(app) == before


def test_a_note_over_the_limit_is_refused_in_place(app, login):
    client = login("mentee")
    before = snapshot(app)
    too_long = "x" * (NOTE_LIMIT + 1)
    response = client.htmx("POST", "/checkins/this-week", {"mood": "3", "blocker": too_long})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert page.startswith('<section class="card checkin-card"')
    assert field_error(page, "blocker") == f"Keep it to {NOTE_LIMIT} characters or fewer."
    assert '<details class="checkin-more" open>' in page
    assert snapshot(app) == before


def test_a_note_at_the_limit_is_kept(app, login):
    login("mentee").submit("/checkins/this-week", {"mood": "3", "progress_note": "y" * NOTE_LIMIT})
    assert rows(app)[0][3] == "y" * NOTE_LIMIT


@pytest.mark.parametrize("role", ["own_mentor", "coordinator", "other_coordinator"])
def test_only_a_mentee_has_a_check_in_form(app, login, role):
    client = login(role)
    before = snapshot(app)
    assert client.get("/checkins/this-week").status_code == 404
    assert client.submit("/checkins/this-week", {"mood": "3"}).status_code == 404
    assert client.submit("/checkins/help").status_code == 404
    assert snapshot(app) == before
