"""The meeting page: agenda, shared notes, action items, "we met", cancelling; who may see it."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from meetings_support import (
    HOUR,
    add_actions,
    add_agenda,
    add_group_mentee,
    add_meeting,
    browser_fixture,  # noqa: F401
    confirm,
    count,
    meeting,
    now_fixture,  # noqa: F401
    user_id,
)
from web_support import field_error

from app.extensions import db
from app.models import (
    ActionItem,
    AgendaItem,
    Meeting,
    MeetingConfirmation,
    MeetingStatus,
)


@pytest.fixture
def upcoming(app, world, now) -> int:
    with app.app_context():
        return add_meeting(world.mentorship_id, now + timedelta(days=2))


@pytest.fixture
def started(app, world, now) -> int:
    with app.app_context():
        return add_meeting(world.mentorship_id, now - timedelta(minutes=5))


def test_the_page_shows_the_meeting_to_both_sides(login, world, upcoming):
    page = login("mentee").get(f"/meetings/{upcoming}").get_data(as_text=True)
    assert "Meeting with Omar Mentor" in page
    assert "Room 12" in page and "45 minutes" in page and "In person" in page
    assert "Once the meeting starts" in page and ">We met</button>" not in page


# --- agenda --------------------------------------------------------------------------------


def test_an_agenda_item_is_appended_in_place(app, login, world, upcoming):
    client = login("mentee")
    with app.app_context():
        add_agenda(upcoming, 1, world.email("own_mentor"))
    response = client.htmx("POST", f"/meetings/{upcoming}/agenda", {"text": "  My UCAS essay  "})
    assert response.status_code == 200
    fragment = response.get_data(as_text=True)
    assert fragment.lstrip().startswith('<section class="card" id="agenda"')
    assert fragment.index("Topic 0") < fragment.index("My UCAS essay")
    with app.app_context():
        [_, item] = db.session.query(AgendaItem).order_by(AgendaItem.id).all()
        assert (item.text, item.author_id) == ("My UCAS essay", user_id(world.email("mentee")))


def test_without_javascript_adding_returns_to_the_page(login, upcoming):
    response = login("own_mentor").submit(f"/meetings/{upcoming}/agenda", {"text": "Goals"})
    assert response.status_code == 303
    assert response.location == f"/meetings/{upcoming}#agenda"


def test_a_double_submitted_agenda_item_is_one_row(app, login, upcoming):
    client = login("mentee")
    for _ in range(2):
        assert client.submit(f"/meetings/{upcoming}/agenda", {"text": "Mocks"}).status_code == 303
    with app.app_context():
        assert count(AgendaItem) == 1


@pytest.mark.parametrize(("text", "message"), [("", "Write what"), ("x" * 301, "under 300")])
def test_an_agenda_item_must_be_short_text(app, login, upcoming, text, message):
    response = login("mentee").htmx("POST", f"/meetings/{upcoming}/agenda", {"text": text})
    assert response.status_code == 422
    assert message in field_error(response.get_data(as_text=True), "agenda-text")
    with app.app_context():
        assert count(AgendaItem) == 0


# --- notes ---------------------------------------------------------------------------------


def test_shared_notes_are_saved_and_shown_to_the_other_side(app, world, browser, upcoming):
    response = browser("own_mentor").htmx(
        "POST", f"/meetings/{upcoming}/notes", {"notes": "Talked about revision.\nNext: maths."}
    )
    assert response.status_code == 200 and 'id="notes"' in response.get_data(as_text=True)
    page = browser("mentee").get(f"/meetings/{upcoming}").get_data(as_text=True)
    assert "Talked about revision.\nNext: maths." in page


def test_notes_over_the_limit_are_refused_and_kept_unchanged(app, login, upcoming):
    client = login("mentee")
    client.submit(f"/meetings/{upcoming}/notes", {"notes": "First version"})
    response = client.submit(f"/meetings/{upcoming}/notes", {"notes": "n" * 10001})
    assert response.status_code == 422
    assert "10,000" in field_error(response.get_data(as_text=True), "meeting-notes")
    with app.app_context():
        assert meeting(upcoming).notes == "First version"


# --- action items --------------------------------------------------------------------------


def test_an_action_item_gets_an_owner_and_a_due_date(app, world, login, upcoming, now):
    due = (now + timedelta(days=7)).date()
    with app.app_context():
        mentee = user_id(world.email("mentee"))
    response = login("own_mentor").htmx(
        "POST",
        f"/meetings/{upcoming}/actions",
        {"text": "Draft the personal statement", "owner": str(mentee), "due_on": due.isoformat()},
    )
    assert response.status_code == 200
    assert "Draft the personal statement" in response.get_data(as_text=True)
    with app.app_context():
        [item] = db.session.query(ActionItem).all()
        assert (item.owner_id, item.due_on, item.done_at) == (mentee, due, None)


def test_a_double_submitted_action_item_is_one_row(app, world, login, upcoming):
    with app.app_context():
        form = {"text": "Read chapter 3", "owner": str(user_id(world.email("mentee")))}
    client = login("own_mentor")
    for _ in range(2):
        assert client.submit(f"/meetings/{upcoming}/actions", form).status_code == 303
    with app.app_context():
        assert count(ActionItem) == 1


@pytest.mark.parametrize("owner", ["other_mentee", "coordinator", "nobody"])
def test_the_owner_must_be_in_the_mentorship(app, world, login, upcoming, owner):
    with app.app_context():
        owner_id = "99999" if owner == "nobody" else str(user_id(world.email(owner)))
    response = login("mentee").submit(
        f"/meetings/{upcoming}/actions", {"text": "Something", "owner": owner_id}
    )
    assert response.status_code == 422
    assert (
        field_error(response.get_data(as_text=True), "owner") == "Pick someone in this mentorship."
    )
    with app.app_context():
        assert count(ActionItem) == 0


def test_a_due_date_after_the_program_is_refused(app, world, login, upcoming, now):
    with app.app_context():
        mentee = user_id(world.email("mentee"))
    form = {"text": "Later", "owner": str(mentee), "due_on": "2099-01-01"}
    response = login("mentee").submit(f"/meetings/{upcoming}/actions", form)
    assert response.status_code == 422
    assert "while the program runs" in field_error(response.get_data(as_text=True), "due_on")


def test_an_action_item_toggles_in_place_and_repeats_agree(app, world, login, upcoming):
    with app.app_context():
        [item] = add_actions(upcoming, 1, world.email("mentee"))
    client = login("mentee")
    for _ in range(2):  # a double tap leaves it done
        response = client.htmx("POST", f"/actions/{item}/toggle", {"done": "1"})
        assert response.status_code == 200
        fragment = response.get_data(as_text=True)
        assert fragment.lstrip().startswith('<li class="action-item is-done">')
        assert 'aria-pressed="true"' in fragment
    with app.app_context():
        assert db.session.get(ActionItem, item).done_at is not None
    response = client.submit(f"/actions/{item}/toggle", {"done": "0"})
    assert response.location == f"/meetings/{upcoming}#actions"
    with app.app_context():
        assert db.session.get(ActionItem, item).done_at is None


def test_toggling_from_home_returns_home(app, world, login, upcoming):
    with app.app_context():
        [item] = add_actions(upcoming, 1, world.email("mentee"))
    response = login("mentee").submit(f"/actions/{item}/toggle", {"done": "1", "back": "home"})
    assert response.location == "/"


# --- "we met" ------------------------------------------------------------------------------


def test_we_met_is_only_possible_from_the_start(app, login, upcoming):
    response = login("mentee").htmx("POST", f"/meetings/{upcoming}/confirm")
    assert response.status_code == 422
    assert "once the meeting has started" in response.get_data(as_text=True)
    with app.app_context():
        assert count(MeetingConfirmation) == 0


def test_a_meeting_is_held_once_both_sides_confirmed(app, world, browser, started):
    mentee, mentor = browser("mentee"), browser("own_mentor")
    assert ">We met</button>" in mentee.get(f"/meetings/{started}").get_data(as_text=True)
    first = mentee.htmx("POST", f"/meetings/{started}/confirm")
    assert first.status_code == 200 and "HX-Trigger" not in first.headers
    assert 'hx-swap-oob="delete"' not in first.get_data(as_text=True)
    with app.app_context():
        assert meeting(started).status is MeetingStatus.SCHEDULED
    second = mentor.htmx("POST", f"/meetings/{started}/confirm")
    assert json.loads(second.headers["HX-Trigger"])["waypoint:toast"]["message"].startswith(
        "You met"
    )
    fragment = second.get_data(as_text=True)
    assert "Held ✓" in fragment
    assert 'id="summary" aria-labelledby="when-heading" hx-swap-oob="true"' in fragment
    assert "pill-meeting-held" in fragment
    assert '<div id="cancel" hx-swap-oob="delete"></div>' in fragment
    with app.app_context():
        held = meeting(started)
        assert held.status is MeetingStatus.HELD and held.held_at is not None


def test_a_double_confirmation_is_one_row(app, world, login, started):
    client = login("mentee")
    for _ in range(2):
        assert client.submit(f"/meetings/{started}/confirm").status_code == 303
    with app.app_context():
        assert count(MeetingConfirmation) == 1
        assert meeting(started).status is MeetingStatus.SCHEDULED


def test_confirm_met_reports_the_call_that_made_it_held(app, world, started):
    from app.meetings.service import confirm_met
    from app.models import User

    with app.app_context():
        the_meeting = meeting(started)
        mentee = db.session.get(User, user_id(world.email("mentee")))
        mentor = db.session.get(User, user_id(world.email("own_mentor")))
        assert confirm_met(the_meeting, mentee) is False
        assert confirm_met(meeting(started), mentor) is True
        assert confirm_met(meeting(started), mentor) is False
        assert confirm_met(meeting(started), mentee) is False


def test_in_a_group_the_mentor_and_one_mentee_make_it_held(app, world, browser, started):
    with app.app_context():
        add_group_mentee(world.mentorship_id, "Gus Groupmate", "gus@test.example")
    browser("mentee").submit(f"/meetings/{started}/confirm")
    with app.app_context():
        assert meeting(started).status is MeetingStatus.SCHEDULED
    page = browser("own_mentor").get(f"/meetings/{started}").get_data(as_text=True)
    assert "the mentor and a mentee confirm" in page and "Gus Groupmate" in page
    browser("own_mentor").submit(f"/meetings/{started}/confirm")
    with app.app_context():
        assert meeting(started).status is MeetingStatus.HELD


def test_two_mentees_without_the_mentor_are_not_enough(app, world, started):
    with app.app_context():
        add_group_mentee(world.mentorship_id, "Gus Groupmate", "gus@test.example")
        confirm(started, world.email("mentee"))
        confirm(started, "gus@test.example")
        from app.meetings.service import confirm_met
        from app.models import User

        assert not confirm_met(meeting(started), db.session.get(User, user_id("gus@test.example")))
        assert meeting(started).status is MeetingStatus.SCHEDULED


# --- cancelling ----------------------------------------------------------------------------


def test_cancelling_needs_a_reason(app, login, upcoming):
    response = login("mentee").htmx("POST", f"/meetings/{upcoming}/cancel", {"reason": " "})
    assert response.status_code == 422
    fragment = response.get_data(as_text=True)
    assert fragment.lstrip().startswith('<details class="card" id="cancel" open>')
    assert "Say why" in field_error(fragment, "reason")
    with app.app_context():
        assert meeting(upcoming).status is MeetingStatus.SCHEDULED


def test_a_cancelled_meeting_shows_why_and_takes_no_more_changes(app, world, login, upcoming):
    client = login("own_mentor")
    response = client.submit(f"/meetings/{upcoming}/cancel", {"reason": "Parents' evening"})
    assert response.location == f"/meetings/{upcoming}"
    again = client.submit(f"/meetings/{upcoming}/cancel", {"reason": "Twice"})
    assert again.status_code == 303
    with app.app_context():
        cancelled = meeting(upcoming)
        assert cancelled.status is MeetingStatus.CANCELLED and cancelled.sequence == 1
        assert cancelled.change_reason == "Parents' evening"
    page = client.get(f"/meetings/{upcoming}").get_data(as_text=True)
    assert "Why cancelled" in page and "Parents&#39; evening" in page
    assert 'name="text"' not in page and "Cancel this meeting" not in page
    late = client.htmx("POST", f"/meetings/{upcoming}/agenda", {"text": "Too late"})
    assert late.headers["HX-Redirect"] == f"/meetings/{upcoming}"
    assert "was cancelled" in client.get(f"/meetings/{upcoming}").get_data(as_text=True)
    with app.app_context():
        assert count(AgendaItem) == 0


def test_a_held_meeting_cannot_be_cancelled(app, world, login, now):
    with app.app_context():
        held = add_meeting(world.mentorship_id, now - HOUR, MeetingStatus.HELD)
    response = login("mentee").submit(f"/meetings/{held}/cancel", {"reason": "Hm"})
    assert response.status_code == 422
    with app.app_context():
        assert meeting(held).status is MeetingStatus.HELD


# --- the list ------------------------------------------------------------------------------


def test_the_list_splits_upcoming_and_past(app, world, login, now):
    with app.app_context():
        add_meeting(world.mentorship_id, now + timedelta(days=3), location="Upcoming room")
        add_meeting(world.mentorship_id, now - timedelta(days=3), MeetingStatus.HELD)
        add_meeting(world.mentorship_id, now - timedelta(minutes=10))  # under way: upcoming
    page = (
        login("mentee").get(f"/mentorships/{world.mentorship_id}/meetings").get_data(as_text=True)
    )
    coming, past = page.split("<h2", 2)[1:]
    assert coming.count("<li>") == 2 and past.count("<li>") == 1
    assert "held" in past


# --- who may see what ----------------------------------------------------------------------

PRIVATE = [
    ("GET", "/meetings/{id}"),
    ("GET", "/meetings/{id}.ics"),
    ("GET", "/meetings/{id}/reschedule"),
    ("POST", "/meetings/{id}/reschedule"),
    ("POST", "/meetings/{id}/agenda"),
    ("POST", "/meetings/{id}/notes"),
    ("POST", "/meetings/{id}/actions"),
    ("POST", "/meetings/{id}/confirm"),
    ("POST", "/meetings/{id}/cancel"),
    ("POST", "/actions/{action}/toggle"),
    ("GET", "/mentorships/{mentorship}/meetings"),
]


@pytest.mark.parametrize("role", ["other_mentor", "coordinator", "other_coordinator"])
@pytest.mark.parametrize(("method", "url"), PRIVATE)
def test_outsiders_get_404_and_change_nothing(app, world, login, started, role, method, url):
    with app.app_context():
        add_agenda(started, 1, world.email("mentee"))
        [action] = add_actions(started, 1, world.email("mentee"))
        db.session.get(Meeting, started).notes = "Private words"
        db.session.commit()
    target = url.format(id=started, action=action, mentorship=world.mentorship_id)
    client = login(role)
    data = {"text": "x", "notes": "overwritten", "reason": "x", "done": "1"}
    response = client.get(target) if method == "GET" else client.submit(target, data)
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert "Private words" not in page and "Topic 0" not in page and "Task 0" not in page
    with app.app_context():
        unchanged = meeting(started)
        assert unchanged.notes == "Private words" and unchanged.status is MeetingStatus.SCHEDULED
        assert count(AgendaItem) == 1 and count(MeetingConfirmation) == 0
        assert db.session.get(ActionItem, action).done_at is None


@pytest.mark.parametrize(
    "url",
    ["/meetings/999999", "/meetings/99999999999999999999", "/actions/99999999999999999999/toggle"],
)
def test_unknown_and_oversized_ids_are_404(login, url):
    client = login("mentee")
    response = client.get(url) if "toggle" not in url else client.submit(url, {"done": "1"})
    assert response.status_code == 404


# --- query counts --------------------------------------------------------------------------


def _page_queries(app, client, query_counter, url) -> int:
    client.get(url)  # warm caches (CSRF, zone data) outside the count
    with query_counter as counted:
        assert client.get(url).status_code == 200
    return counted.count


def test_the_meeting_page_costs_the_same_with_1_or_50_items(app, world, login, query_counter, now):
    with app.app_context():
        small = add_meeting(world.mentorship_id, now + HOUR)
        big = add_meeting(world.mentorship_id, now + 2 * HOUR)
        for meeting_id, n in ((small, 1), (big, 50)):
            add_agenda(meeting_id, n, world.email("mentee"))
            add_actions(meeting_id, n, world.email("own_mentor"))
            confirm(meeting_id, world.email("mentee"))
    client = login("mentee")
    one = _page_queries(app, client, query_counter, f"/meetings/{small}")
    fifty = _page_queries(app, client, query_counter, f"/meetings/{big}")
    assert one == fifty <= 8  # issue 12's budget, the session's and the layout's 3 included


def test_the_list_costs_the_same_with_1_or_50_meetings(app, world, browser, query_counter, now):
    with app.app_context():
        add_meeting(world.mentorship_id, now + HOUR)
        for n in range(50):
            add_meeting(world.other_mentorship_id, now + timedelta(days=n - 25))
    one = _page_queries(
        app, browser("own_mentor"), query_counter, f"/mentorships/{world.mentorship_id}/meetings"
    )
    fifty = _page_queries(
        app,
        browser("other_mentor"),
        query_counter,
        f"/mentorships/{world.other_mentorship_id}/meetings",
    )
    assert one == fifty
