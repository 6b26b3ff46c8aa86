"""Calendar export: one meeting as an .ics download, and the per-person feed behind a secret URL."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from meetings_support import (
    HOUR,
    add_actions,
    add_meeting,
    browser_fixture,  # noqa: F401
    now_fixture,  # noqa: F401
    user_id,
)

from app.extensions import db
from app.models import MeetingMode, MeetingStatus, User

ZERO = timedelta(0)


def events(body: bytes) -> dict[str, object]:
    """The VEVENTs of a calendar, by UID; parsing is the test that the file is valid."""
    return {str(event["uid"]): event for event in Calendar.from_ical(body).walk("VEVENT")}


def token_of(app, email: str) -> str:
    with app.app_context():
        return db.session.get(User, user_id(email)).calendar_token


def test_one_meeting_downloads_as_an_ics_file(app, world, login, now):
    starts = (now + timedelta(days=3)).replace(hour=16, minute=0)
    with app.app_context():
        meeting_id = add_meeting(
            world.mentorship_id,
            starts,
            minutes=50,
            mode=MeetingMode.VIDEO,
            location="https://meet.example.org/xyz",
        )
    response = login("own_mentor").get(f"/meetings/{meeting_id}.ics")
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert b"DTSTART:" + f"{starts:%Y%m%dT%H%M%S}Z".encode() in response.data
    event = events(response.data)[f"meeting-{meeting_id}@waypoint"]
    assert event.decoded("dtstart") == starts and event.decoded("dtstart").utcoffset() == ZERO
    assert event.decoded("dtend") == starts + timedelta(minutes=50)
    assert str(event["summary"]) == "Mentoring with Mina Mentee"
    assert str(event["location"]) == "https://meet.example.org/xyz"
    assert int(event["sequence"]) == 0 and "dtstamp" in event


def test_the_download_follows_a_move(app, world, login, now):
    with app.app_context():
        meeting_id = add_meeting(world.mentorship_id, now + timedelta(days=1))
    later = (now + timedelta(days=5)).replace(hour=9, minute=15)
    wall = later.astimezone(ZoneInfo("Europe/London"))  # the mentee's zone
    form = {
        "day": f"{wall:%Y-%m-%d}",
        "start": f"{wall:%H:%M}",
        "minutes": "45",
        "mode": "in_person",
        "location": "Room 12",
        "reason": "Clash with a test",
    }
    client = login("mentee")
    assert client.submit(f"/meetings/{meeting_id}/reschedule", form).status_code == 303
    body = client.get(f"/meetings/{meeting_id}.ics").data
    event = events(body)[f"meeting-{meeting_id}@waypoint"]
    assert int(event["sequence"]) == 1
    assert event.decoded("dtstart") == later


def test_the_feed_needs_no_login_and_holds_no_private_text(app, world, client, now):
    with app.app_context():
        upcoming = add_meeting(world.mentorship_id, now + timedelta(days=2), notes="Secret notes")
        cancelled = add_meeting(
            world.mentorship_id,
            now + timedelta(days=9),
            MeetingStatus.CANCELLED,
            change_reason="Private reason",
        )
        recent = add_meeting(world.mentorship_id, now - timedelta(days=6), MeetingStatus.HELD)
        long_ago = add_meeting(world.mentorship_id, now - timedelta(days=200), MeetingStatus.HELD)
        foreign = add_meeting(world.other_mentorship_id, now + timedelta(days=2))
        add_actions(upcoming, 1, world.email("mentee"))
    response = client.get(f"/calendar/{token_of(app, world.email('mentee'))}.ics")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    found = events(response.data)
    assert set(found) == {f"meeting-{i}@waypoint" for i in (upcoming, cancelled, recent)}
    assert (
        f"meeting-{long_ago}@waypoint" not in found and f"meeting-{foreign}@waypoint" not in found
    )
    assert str(found[f"meeting-{cancelled}@waypoint"]["status"]) == "CANCELLED"
    assert str(found[f"meeting-{upcoming}@waypoint"]["status"]) == "CONFIRMED"
    assert str(found[f"meeting-{upcoming}@waypoint"]["summary"]) == "Mentoring with Omar Mentor"
    for private in (b"Secret notes", b"Private reason", b"Task 0"):
        assert private not in response.data


@pytest.mark.parametrize("token", ["wrong", "x" * 500, ""])
def test_a_wrong_token_is_404(app, world, client, token):
    response = client.get(f"/calendar/{token}.ics")
    assert response.status_code == 404


def test_a_new_link_retires_the_old_one(app, world, login):
    old = token_of(app, world.email("mentee"))
    client = login("mentee")
    page = client.get("/account").get_data(as_text=True)
    assert f"/calendar/{old}.ics" in page and "webcal://" in page
    response = client.submit("/account/calendar-token")
    assert response.status_code == 303 and response.location == "/account#calendar"
    new = token_of(app, world.email("mentee"))
    assert new != old
    assert client.get(f"/calendar/{old}.ics").status_code == 404
    assert client.get(f"/calendar/{new}.ics").status_code == 200
    assert f"/calendar/{new}.ics" in client.get("/account").get_data(as_text=True)


def test_the_feed_costs_the_same_with_1_or_50_meetings(app, world, client, query_counter, now):
    with app.app_context():
        add_meeting(world.mentorship_id, now + HOUR)
        for n in range(50):
            add_meeting(world.other_mentorship_id, now + timedelta(days=n - 20))
    counts = []
    for role in ("mentee", "other_mentee"):
        url = f"/calendar/{token_of(app, world.email(role))}.ics"
        with query_counter as counted:
            assert client.get(url).status_code == 200
        counts.append(counted.count)
    assert counts[0] == counts[1]
