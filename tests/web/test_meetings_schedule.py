"""Planning and moving meetings: times in the scheduler's zone, the rules, what each side sees."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from meetings_support import (
    HOUR,
    add_meeting,
    browser_fixture,  # noqa: F401
    confirm,
    count,
    local,
    meeting,
    next_dst_start,
    now_fixture,  # noqa: F401
    program_covers,
    set_mentorship_status,
    set_zone,
)
from web_support import field_error, shown

from app.extensions import db
from app.models import (
    Meeting,
    MeetingConfirmation,
    MeetingMode,
    MeetingStatus,
    MentorshipStatus,
    Program,
)


def plan(when: datetime, zone: str, **changes) -> dict:
    """The form as a person in ``zone`` fills it in for the instant ``when``."""
    wall = when.astimezone(ZoneInfo(zone))
    return {
        "day": f"{wall:%Y-%m-%d}",
        "start": f"{wall:%H:%M}",
        "minutes": "45",
        "mode": "in_person",
        "location": "School library",
        **changes,
    }


def new_url(world) -> str:
    return f"/mentorships/{world.mentorship_id}/meetings/new"


def test_the_form_starts_from_the_programs_usual_meeting(login, world):
    page = login("mentee").get(new_url(world)).get_data(as_text=True)
    assert re.search(r'<input [^>]*name="minutes"[^>]*value="45"', page)
    assert re.search(r'<input checked [^>]*value="in_person"', page)
    assert "<legend>How you meet</legend>" in page
    assert "Europe/London" in page


def test_a_mentor_plans_a_meeting_in_their_own_zone(app, login, world, now):
    when = (now + timedelta(days=3)).replace(hour=16, minute=30)
    with app.app_context():
        set_zone(world.email("own_mentor"), "Asia/Tokyo")
    client = login("own_mentor")
    response = client.submit(new_url(world), plan(when, "Asia/Tokyo", minutes="60"))
    assert response.status_code == 303
    with app.app_context():
        [saved] = Meeting.query.all()
        assert response.location == f"/meetings/{saved.id}"
        assert saved.starts_at == when
        assert saved.zone == "Asia/Tokyo"
        assert (saved.minutes, saved.mode, saved.location) == (
            60,
            MeetingMode.IN_PERSON,
            "School library",
        )
        assert saved.status is MeetingStatus.SCHEDULED and saved.sequence == 0


def test_each_person_sees_the_time_in_their_own_zone(app, world, browser, now):
    with app.app_context():
        set_zone(world.email("own_mentor"), "Europe/London")
        set_zone(world.email("mentee"), "America/New_York")
    when = (now + timedelta(days=2)).replace(hour=18, minute=0)
    mentor = browser("own_mentor")
    response = mentor.submit(new_url(world), plan(when, "Europe/London"))
    assert response.status_code == 303
    mentor_page = mentor.get(response.location).get_data(as_text=True)
    mentee_page = browser("mentee").get(response.location).get_data(as_text=True)
    # 18:00 in London is 1 pm in New York: each sees their own clock, and the other's too
    assert f"{local(when, 'Europe/London')}</time>" in mentor_page
    assert f"{local(when, 'America/New_York')}</time>" in mentee_page
    assert "your time</span>" in mentor_page and "(1 pm for Mina)" in mentor_page
    assert "(6 pm for Omar)" in mentee_page
    assert local(when, "Europe/London") not in mentee_page
    assert "Europe/London" not in mentor_page and "America/New" not in mentee_page


def test_the_other_time_is_left_out_when_the_clocks_agree(app, world, browser, now):
    with app.app_context():
        set_zone(world.email("own_mentor"), "Europe/London")
        set_zone(world.email("mentee"), "Europe/Lisbon")  # another zone, the same clock
    when = (now + timedelta(days=2)).replace(hour=16, minute=30)
    mentor = browser("own_mentor")
    response = mentor.submit(new_url(world), plan(when, "Europe/London"))
    page = mentor.get(response.location).get_data(as_text=True)
    assert f"{local(when, 'Europe/London')}</time>" in page and " for Mina" not in page


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"mode": "video", "location": "meet.example.org/abc"}, "location", "https://"),
        ({"mode": "video", "location": "http://meet.example.org/abc"}, "location", "https://"),
        ({"mode": "in_person", "location": "  "}, "location", "Say where you will meet"),
        ({"location": "x" * 301}, "location", "under 300"),
        ({"minutes": "5"}, "minutes", "Between 10 and 240"),
        ({"minutes": "241"}, "minutes", "Between 10 and 240"),
        ({"minutes": "lots"}, "minutes", "integer"),
        ({"minutes": ""}, "minutes", "How long will you meet?"),
        ({"mode": "telepathy"}, "mode", "Pick one of the options."),
        ({"day": "2026-02-30"}, "day", "date"),
        ({"start": "25:99"}, "start", "time"),
        ({"day": ""}, "day", "Pick a date."),
    ],
)
def test_bad_input_is_explained_next_to_its_field(app, login, world, now, changes, field, message):
    client = login("mentee")
    response = client.submit(
        new_url(world), plan(now + timedelta(days=2), "Europe/London", **changes)
    )
    assert response.status_code == 422
    assert message in (field_error(response.get_data(as_text=True), field) or "")
    with app.app_context():
        assert count(Meeting) == 0


def test_a_video_meeting_with_an_https_link_is_fine(app, login, world, now):
    client = login("mentee")
    link = "https://meet.example.org/abc-defg"
    response = client.submit(
        new_url(world), plan(now + timedelta(days=2), "Europe/London", mode="video", location=link)
    )
    assert response.status_code == 303
    page = client.get(response.location).get_data(as_text=True)
    assert f'href="{link}"' in page and "Join the video call" in page


def test_a_meeting_in_the_past_is_refused(app, login, world, now):
    response = login("mentee").submit(new_url(world), plan(now - HOUR, "Europe/London"))
    assert response.status_code == 422
    assert "already passed" in field_error(response.get_data(as_text=True), "day")
    with app.app_context():
        assert count(Meeting) == 0


@pytest.mark.parametrize("when", ["before it starts", "after it ends"])
def test_a_meeting_outside_the_program_is_refused(app, login, world, now, when):
    with app.app_context():
        program = db.session.get(Program, world.program_id)
        if when == "before it starts":
            program.starts_on = now.date() + timedelta(weeks=2)
        meeting_day = (
            program.starts_on - timedelta(days=3)
            if when == "before it starts"
            else (program.ends_on + timedelta(days=1))
        )
        db.session.commit()
    at = datetime.combine(meeting_day, time(12), tzinfo=UTC)
    response = login("mentee").submit(new_url(world), plan(at, "Europe/London"))
    assert response.status_code == 422
    assert "while the program runs" in field_error(response.get_data(as_text=True), "day")
    with app.app_context():
        assert count(Meeting) == 0


@pytest.mark.parametrize(
    ("zone", "day", "start"),
    [("Asia/Tokyo", "0001-01-01", "00:30"), ("Pacific/Honolulu", "9999-12-31", "23:30")],
)
def test_the_ends_of_the_calendar_are_outside_the_program(app, login, world, zone, day, start):
    with app.app_context():
        set_zone(world.email("mentee"), zone)
    form = {"day": day, "start": start, "minutes": "45", "mode": "chat"}
    response = login("mentee").submit(new_url(world), form)
    assert response.status_code == 422
    assert "while the program runs" in field_error(response.get_data(as_text=True), "day")


def test_a_time_the_clocks_skip_is_explained(app, login, world, now):
    gap_day = next_dst_start("America/Chicago", now)
    with app.app_context():
        set_zone(world.email("mentee"), "America/Chicago")
        program_covers(world.program_id, gap_day)
    form = {"day": gap_day.isoformat(), "start": "02:30", "minutes": "45", "mode": "call"}
    response = login("mentee").submit(new_url(world), form)
    assert response.status_code == 422
    message = field_error(response.get_data(as_text=True), "start")
    assert message == shown(
        f"The clocks go forward that night in America/Chicago, so 02:30 doesn't exist "
        f"on {gap_day:%a %d %b}. Try 03:30."
    )
    with app.app_context():
        assert count(Meeting) == 0


def test_htmx_gets_the_form_back_with_its_messages(app, login, world, now):
    client = login("mentee")
    response = client.htmx("POST", new_url(world), plan(now - HOUR, "Europe/London"))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert page.lstrip().startswith("<form") and "<html" not in page
    assert 'hx-disabled-elt="find button"' in page


def test_a_proposed_match_cannot_plan_meetings_yet(app, login, world, now):
    with app.app_context():
        set_mentorship_status(world.mentorship_id, MentorshipStatus.PROPOSED)
    client = login("mentee")
    page = client.get(new_url(world)).get_data(as_text=True)
    assert "once your coordinator has confirmed" in page and 'name="day"' not in page
    response = client.submit(new_url(world), plan(now + timedelta(days=1), "Europe/London"))
    assert response.status_code == 409
    with app.app_context():
        assert count(Meeting) == 0


@pytest.mark.parametrize("role", ["other_mentor", "coordinator", "other_coordinator"])
def test_outsiders_cannot_plan_for_the_pair(app, login, world, now, role):
    client = login(role)
    assert client.get(new_url(world)).status_code == 404
    response = client.submit(new_url(world), plan(now + timedelta(days=1), "Europe/London"))
    assert response.status_code == 404
    with app.app_context():
        assert count(Meeting) == 0


# --- moving a meeting ----------------------------------------------------------------------


def test_the_move_form_shows_the_meeting_in_my_zone(app, login, world, now):
    when = (now + timedelta(days=2)).replace(hour=15, minute=30)
    with app.app_context():
        set_zone(world.email("mentee"), "America/New_York")
        meeting_id = add_meeting(world.mentorship_id, when, minutes=50)
    page = login("mentee").get(f"/meetings/{meeting_id}/reschedule").get_data(as_text=True)
    wall = when.astimezone(ZoneInfo("America/New_York"))
    assert f'value="{wall:%Y-%m-%d}"' in page and f'value="{wall:%H:%M}"' in page
    assert 'value="50"' in page


def test_moving_keeps_the_same_meeting_and_bumps_its_sequence(app, login, world, now):
    with app.app_context():
        meeting_id = add_meeting(world.mentorship_id, now - timedelta(minutes=10))
        confirm(meeting_id, world.email("mentee"))
    new_time = (now + timedelta(days=4)).replace(hour=17, minute=0)
    form = plan(new_time, "Europe/London", reason="Exam moved to that afternoon")
    response = login("own_mentor").submit(f"/meetings/{meeting_id}/reschedule", form)
    assert response.location == f"/meetings/{meeting_id}"
    with app.app_context():
        moved = meeting(meeting_id)
        assert moved.starts_at == new_time and moved.sequence == 1
        assert moved.change_reason == "Exam moved to that afternoon"
        assert count(Meeting) == 1
        assert count(MeetingConfirmation) == 0  # "we met" for the old time says nothing now


@pytest.mark.parametrize(
    ("changes", "field"), [({"reason": ""}, "reason"), ({"reason": "r" * 301}, "reason")]
)
def test_moving_needs_a_short_reason(app, login, world, now, changes, field):
    with app.app_context():
        meeting_id = add_meeting(world.mentorship_id, now + timedelta(days=1))
    form = plan(now + timedelta(days=3), "Europe/London", **changes)
    response = login("mentee").submit(f"/meetings/{meeting_id}/reschedule", form)
    assert response.status_code == 422 and field_error(response.get_data(as_text=True), field)
    with app.app_context():
        assert meeting(meeting_id).sequence == 0


def test_moving_into_the_past_is_refused(app, login, world, now):
    with app.app_context():
        meeting_id = add_meeting(world.mentorship_id, now + timedelta(days=1))
    form = plan(now - timedelta(days=1), "Europe/London", reason="Oops")
    response = login("mentee").submit(f"/meetings/{meeting_id}/reschedule", form)
    assert response.status_code == 422
    assert "already passed" in field_error(response.get_data(as_text=True), "day")
    with app.app_context():
        assert meeting(meeting_id).starts_at == now + timedelta(days=1)


def test_a_held_meeting_cannot_move(app, login, world, now):
    with app.app_context():
        meeting_id = add_meeting(world.mentorship_id, now - timedelta(days=1), MeetingStatus.HELD)
    client = login("mentee")
    assert "can't move" in client.get(f"/meetings/{meeting_id}/reschedule").get_data(as_text=True)
    form = plan(now + timedelta(days=3), "Europe/London", reason="Again")
    response = client.submit(f"/meetings/{meeting_id}/reschedule", form)
    assert response.status_code == 422
    with app.app_context():
        assert meeting(meeting_id).sequence == 0
