"""Logging "we met today" for a meeting nobody planned, which the other side confirms like any
meeting and which pays the meeting points under the same weekly cap."""

from __future__ import annotations

import re
import threading
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from game_support import (
    MENTEE,
    MENTOR,
    NOW,
    add_mentee,
    celebration,
    ledger,
    pinned_fixture,  # noqa: F401
    total,
    totals_match_ledger,
    user_id,
)
from meetings_support import add_meeting, count, set_mentorship_status
from web_support import field_error, shown

from app.extensions import db
from app.meetings import service
from app.models import (
    Meeting,
    MeetingConfirmation,
    MeetingStatus,
    Mentorship,
    MentorshipStatus,
    Program,
    User,
)

HOUR = timedelta(hours=1)
TODAY = NOW.date()  # the world's people live in London, on UTC in March


@pytest.fixture(autouse=True)
def _clock(pinned):
    return pinned


def url(mentorship_id: int) -> str:
    return f"/mentorships/{mentorship_id}/meetings/met"


def log(client, world, day=TODAY, minutes="30", **kwargs):
    return client.submit(url(world.mentorship_id), {"day": str(day), "minutes": minutes}, **kwargs)


def meetings(app) -> list[Meeting]:
    with app.app_context():
        return list(db.session.scalars(sa.select(Meeting).order_by(Meeting.id)))


def confirmers(app, meeting_id: int) -> set[int]:
    with app.app_context():
        return set(
            db.session.scalars(
                sa.select(MeetingConfirmation.user_id).where(
                    MeetingConfirmation.meeting_id == meeting_id
                )
            )
        )


def test_the_form_starts_at_today_and_the_programs_usual_length(login, world):
    client = login("mentee")
    index = client.get(f"/mentorships/{world.mentorship_id}/meetings").get_data(as_text=True)
    assert f'href="{url(world.mentorship_id)}">We met today</a>' in index
    page = client.get(url(world.mentorship_id)).get_data(as_text=True)
    assert re.search(rf'<input [^>]*name="day"[^>]*value="{TODAY}"', page)
    assert re.search(rf'max="{TODAY}"', page)
    assert re.search(r'<input [^>]*name="minutes"[^>]*value="45"', page)


def test_the_mentee_logs_the_mentor_confirms_and_the_mentee_is_paid_once(app, world, new_client):
    mentee, mentor = new_client("mentee"), new_client("own_mentor")
    response = log(mentee, world)
    [logged] = meetings(app)
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/meetings/{logged.id}")
    assert logged.status is MeetingStatus.SCHEDULED
    assert logged.minutes == 30
    assert logged.starts_at == NOW - timedelta(minutes=30)  # it ended just now
    with app.app_context():
        assert confirmers(app, logged.id) == {user_id(MENTEE)}
        assert total(MENTEE) == 0  # not held until the mentor confirms

    index = mentor.get(f"/mentorships/{world.mentorship_id}/meetings").get_data(as_text=True)
    assert "did you meet?" in index
    page = mentor.get(f"/meetings/{logged.id}").get_data(as_text=True)
    assert f'action="/meetings/{logged.id}/confirm"' in page

    mentor.submit(f"/meetings/{logged.id}/confirm")
    mentor.submit(f"/meetings/{logged.id}/confirm")  # a second tap pays nothing more
    [held] = meetings(app)
    assert held.status is MeetingStatus.HELD
    with app.app_context():
        assert ledger(MENTEE) == {f"meeting:{logged.id}:{user_id(MENTEE)}": 15}
        assert ledger(MENTOR) == {}
        assert totals_match_ledger()
    index = mentor.get(f"/mentorships/{world.mentorship_id}/meetings").get_data(as_text=True)
    assert "did you meet?" not in index


def test_the_mentor_logs_an_earlier_day_and_the_mentees_confirmation_celebrates(
    app, world, new_client
):
    log(new_client("own_mentor"), world, day=TODAY - timedelta(days=3), minutes="60")
    [logged] = meetings(app)
    assert logged.starts_at == NOW - timedelta(days=3, minutes=60)
    response = new_client("mentee").htmx("POST", f"/meetings/{logged.id}/confirm")
    assert celebration(response) == {
        "title": "+15 points",
        "message": "Meeting counted",
        "note": "You met! This meeting now counts as held.",
    }
    with app.app_context():
        assert total(MENTEE) == 15


def test_a_double_tap_logs_one_meeting(app, world, new_client):
    mentee = new_client("mentee")
    first, second = log(mentee, world), log(mentee, world)
    [logged] = meetings(app)
    assert first.headers["Location"] == second.headers["Location"]
    assert confirmers(app, logged.id) == {user_id_in(app, MENTEE)}


def test_both_people_tapping_at_once_log_one_meeting(app, world):
    """The mentorship row is locked before the day is searched, so ten taps at the same
    moment, from both sides, find one another's meeting."""
    start, errors = threading.Barrier(10), []

    def tap(email: str) -> None:
        try:
            with app.app_context():
                mentorship = db.session.get(Mentorship, world.mentorship_id)
                person = db.session.scalar(sa.select(User).where(User.email == email))
                start.wait(timeout=30)
                service.log_met(mentorship, person, TODAY, 30)
        except BaseException as error:  # noqa: BLE001 - every failure is the test's business
            errors.append(error)

    threads = [threading.Thread(target=tap, args=((MENTEE, MENTOR)[n % 2],)) for n in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    [logged] = meetings(app)
    assert logged.status is MeetingStatus.HELD
    with app.app_context():
        assert ledger(MENTEE) == {f"meeting:{logged.id}:{user_id(MENTEE)}": 15}


def user_id_in(app, email: str) -> int:
    with app.app_context():
        return user_id(email)


def test_both_sides_logging_the_same_day_hold_one_meeting(app, world, new_client):
    log(new_client("mentee"), world)
    response = log(new_client("own_mentor"), world, minutes="45")
    [logged] = meetings(app)
    assert logged.status is MeetingStatus.HELD
    assert logged.minutes == 30  # the first log stands
    assert response.status_code == 303
    with app.app_context():
        assert total(MENTEE) == 15


def test_logging_a_day_with_a_planned_meeting_confirms_that_one(app, world, new_client):
    with app.app_context():
        planned = add_meeting(world.mentorship_id, NOW - timedelta(hours=3))
    log(new_client("own_mentor"), world)
    assert [m.id for m in meetings(app)] == [planned]
    assert confirmers(app, planned) == {user_id_in(app, MENTOR)}


def test_logged_meetings_pay_at_most_two_a_week(app, world, new_client):
    mentee, mentor = new_client("mentee"), new_client("own_mentor")
    for days_ago in (2, 1, 0):  # Monday to Wednesday of one week
        log(mentee, world, day=TODAY - timedelta(days=days_ago))
    logged = meetings(app)
    assert len(logged) == 3
    for meeting in logged:
        mentor.submit(f"/meetings/{meeting.id}/confirm")
    assert all(m.status is MeetingStatus.HELD for m in meetings(app))
    with app.app_context():
        assert len(ledger(MENTEE)) == 2
        assert total(MENTEE) == 30
        assert totals_match_ledger()


@pytest.mark.parametrize(
    ("day", "minutes", "field", "message"),
    [
        (TODAY + timedelta(days=1), "30", "day", "That day hasn't come yet."),
        (TODAY - timedelta(days=15), "30", "day", "Only meetings from the last 14 days."),
        (TODAY, "5", "minutes", "Between 10 and 240."),
        (TODAY, "241", "minutes", "Between 10 and 240."),
        ("2026-02-30", "30", "day", "Not a valid date value."),
        (TODAY, "", "minutes", "How long did you meet?"),
    ],
)
def test_a_bad_day_or_length_is_refused_next_to_its_field(
    app, world, login, day, minutes, field, message
):
    client = login("mentee")
    for response in (
        log(client, world, day=day, minutes=minutes),
        client.htmx("POST", url(world.mentorship_id), {"day": str(day), "minutes": minutes}),
    ):
        assert response.status_code == 422
        assert (field_error(response.get_data(as_text=True), field) or "").startswith(
            shown(message)
        )
    assert meetings(app) == []


def test_a_day_before_the_program_is_refused(app, world, login):
    with app.app_context():
        db.session.get(Program, world.program_id).starts_on = TODAY - timedelta(days=2)
        db.session.commit()
    response = log(login("mentee"), world, day=TODAY - timedelta(days=3))
    assert response.status_code == 422
    assert "while the program ran" in field_error(response.get_data(as_text=True), "day")
    assert meetings(app) == []


def test_someone_outside_the_pair_gets_404(world, login):
    client = login("other_mentor")
    assert client.get(url(world.mentorship_id)).status_code == 404
    assert log(client, world).status_code == 404


def test_a_closed_program_refuses_and_writes_nothing(app, world, login):
    with app.app_context():
        db.session.get(Program, world.program_id).closed_at = NOW
        db.session.commit()
    client = login("mentee")
    page = client.get(url(world.mentorship_id)).get_data(as_text=True)
    assert "Hillside Mentoring has closed" in page and 'name="minutes"' not in page
    response = log(client, world)
    assert response.status_code == 409
    assert "Hillside Mentoring has closed" in response.get_data(as_text=True)
    assert meetings(app) == []


def test_a_pair_not_confirmed_yet_cannot_log(app, world, login):
    with app.app_context():
        set_mentorship_status(world.mentorship_id, MentorshipStatus.PROPOSED)
    response = log(login("mentee"), world)
    assert response.status_code == 409
    with app.app_context():
        assert count(Meeting) == 0


def test_in_a_group_one_mentee_logs_and_the_mentor_confirms(app, world, new_client):
    with app.app_context():
        add_mentee(world.mentorship_id, "Sam Second", "second-mentee@test.example")
    mentee = new_client("mentee")
    log(mentee, world)
    assert "once someone on the other side confirms" in mentee.get("/").get_data(as_text=True)
    [logged] = meetings(app)
    new_client("own_mentor").submit(f"/meetings/{logged.id}/confirm")
    with app.app_context():
        assert total(MENTEE) == 15
        assert total("second-mentee@test.example") == 0


def _post_queries(app, client, world, query_counter, day) -> int:
    with query_counter as counted:
        assert log(client, world, day=day).status_code == 303
    return counted.count


def test_logging_costs_the_same_however_many_meetings_the_pair_has(
    app, world, login, query_counter
):
    client = login("mentee")
    client.get(url(world.mentorship_id))  # warm the session's token outside the count
    first = _post_queries(app, client, world, query_counter, TODAY - timedelta(days=10))
    with app.app_context():
        for hours in range(1, 30):
            add_meeting(world.mentorship_id, datetime(2026, 3, 20, tzinfo=UTC) + hours * HOUR)
    later = _post_queries(app, client, world, query_counter, TODAY - timedelta(days=9))
    assert first == later


def test_the_list_costs_the_same_with_1_or_30_meetings(app, world, login, query_counter):
    client = login("mentee")
    index = f"/mentorships/{world.mentorship_id}/meetings"
    log(client, world)
    client.get(index)
    with query_counter as one:
        assert client.get(index).status_code == 200
    with app.app_context():
        for days in range(1, 30):
            add_meeting(world.mentorship_id, NOW - timedelta(days=days))
    with query_counter as thirty:
        assert client.get(index).status_code == 200
    assert one.count == thirty.count
