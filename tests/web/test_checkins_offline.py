"""A check-in kept on the phone while offline, sent later by the service worker with
``made_at``: it counts for the week it was made in, once, and not after its week's allowance.

The worker sends it as htmx would (``HX-Request``, the stored CSRF token) and keeps the
message of the ``waypoint:toast`` trigger for the person; a 4xx tells it to stop trying.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from checkins_support import LONDON, OPENED, opened_form, rows_of, send
from game_support import (
    MENTEE,
    NOW,
    W07,
    W08,
    W10,
    W11,
    celebration,
    check_in,
    ledger,
    pinned_fixture,  # noqa: F401
    total,
    totals_match_ledger,
    user_id,
)
from web_support import field_error, shown, snapshot

from app import clock
from app.checkins.forms import MADE_AT_UNREADABLE, opened_token
from game.weeks import LATE_ARRIVAL

SUNDAY_EVENING_W10 = datetime(2026, 3, 8, 20, 0, tzinfo=LONDON)
TOO_LATE = "reached us after its week had closed, so it can&#39;t count any more"


@pytest.fixture(autouse=True)
def _clock(pinned):
    return pinned


def crafted(client, made_at: datetime, opened: str | None):
    """A check-in posted by hand with a ``made_at`` and whatever ``opened`` it likes."""
    data = {"mood": "4", "made_at": made_at.astimezone(UTC).isoformat()}
    if opened is not None:
        data["opened"] = opened
    return client.htmx("POST", "/checkins/this-week", data)


def toast(response) -> str:
    """What the service worker keeps (sw-offline.js toastOf): the toast, or the note of the
    celebration that took it in."""
    events = json.loads(response.headers["HX-Trigger"])
    if "waypoint:toast" in events:
        return events["waypoint:toast"]["message"]
    return events["waypoint:celebrate"]["note"]


def weeks(app) -> list[tuple[str, int | None, str]]:
    with app.app_context():
        return [(c.week_key, c.mood, c.progress_note) for c in rows_of(MENTEE)]


def test_made_this_week_counts_for_this_week(app, login):
    client = login("mentee")
    response = send(client, NOW - timedelta(days=1), progress_note="Wrote it on the bus")
    assert response.status_code == 200
    assert toast(response) == "Your check-in saved on this phone is in. Thank you!"
    assert "Checked in ✓ this week" in response.get_data(as_text=True)
    assert celebration(response)["title"] == "+10 points"
    assert weeks(app) == [(str(W11), 4, "Wrote it on the bus")]
    with app.app_context():
        assert ledger(MENTEE) == {f"checkin:{user_id(MENTEE)}:{W11}": 10}


def test_made_last_week_within_its_allowance_counts_for_last_weeks_streak(app, login, pinned):
    client = login("mentee")
    for week in (W07, W08):  # week 9 is the program's break week
        pinned(week)
        check_in(client)
    pinned(W11, days=1)  # Tuesday: last week ended less than two days ago
    response = send(client, SUNDAY_EVENING_W10)
    assert response.status_code == 200
    assert toast(response) == (
        "Your check-in saved on this phone is in, for the week of Mon 02 Mar. Thank you!"
    )
    payload = celebration(response)
    assert payload["title"] == "+10 points"
    assert payload["message"].startswith("Week checked in — 3 weeks in a row")
    assert [w for w, _, _ in weeks(app)] == [str(W07), str(W08), str(W10)]
    with app.app_context():
        uid = user_id(MENTEE)
        assert f"checkin:{uid}:{W10}" in ledger(MENTEE)
        assert totals_match_ledger()

    # This week is still open: checking in now grows the streak that last week kept going.
    payload = celebration(check_in(client))
    assert payload["title"] == "+30 points"  # the check-in and the 4-week streak award
    assert payload["message"].startswith("Week checked in — 4 weeks in a row")
    assert [w for w, _, _ in weeks(app)] == [str(W07), str(W08), str(W10), str(W11)]
    page = client.get("/me/progress").get_data(as_text=True)
    assert "4-week streak. This week is in — nice rhythm!" in page


def test_the_last_minute_of_the_allowance_still_counts(app, login):
    end_of_w10 = datetime.combine(W11.monday(), datetime.min.time(), tzinfo=LONDON)
    clock.set_now(end_of_w10 + LATE_ARRIVAL - timedelta(minutes=1))  # Tuesday 23:59
    response = send(login("mentee"), SUNDAY_EVENING_W10)
    assert response.status_code == 200
    assert [w for w, _, _ in weeks(app)] == [str(W10)]


def test_one_older_than_its_allowance_is_refused_with_a_message_and_nothing_written(app, login):
    end_of_w10 = datetime.combine(W11.monday(), datetime.min.time(), tzinfo=LONDON)
    clock.set_now(end_of_w10 + LATE_ARRIVAL + timedelta(minutes=1))  # Wednesday 00:01
    client = login("mentee")
    before = snapshot(app)
    response = send(client, SUNDAY_EVENING_W10)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    message = field_error(page, "made_at")
    assert message and message.startswith("Your check-in saved on this phone on Sun 08 Mar")
    assert TOO_LATE in message
    assert toast(response) == (
        "Your check-in saved on this phone on Sun 08 Mar reached us after its week had closed, "
        "so it can't count any more. You can check in for this week."
    )
    assert snapshot(app) == before


def test_two_weeks_old_is_refused_even_when_the_week_between_is_empty(app, login):
    response = send(login("mentee"), NOW - timedelta(days=14))
    assert response.status_code == 422
    assert weeks(app) == []


def test_a_copy_sent_twice_is_answered_as_already_in_and_kept_once(app, login):
    client = login("mentee")
    made = NOW - timedelta(hours=3)
    first = send(client, made, progress_note="Once")
    assert first.status_code == 200
    second = send(client, made, progress_note="Once")
    assert second.status_code == 200
    assert toast(second) == "Your check-in saved on this phone was already in."
    assert celebration(second) is None
    assert weeks(app) == [(str(W11), 4, "Once")]
    with app.app_context():
        assert total(MENTEE) == 10 and len(ledger(MENTEE)) == 1


def test_a_copy_older_than_a_later_edit_changes_nothing(app, login):
    client = login("mentee")
    made = NOW - timedelta(hours=3)  # kept on the phone; meanwhile the laptop checked in
    check_in(client, mood=2)
    response = send(client, made, mood=5)
    assert response.status_code == 200
    assert toast(response) == "Your check-in saved on this phone was already in."
    assert weeks(app) == [(str(W11), 2, "")]


def test_a_copy_made_after_the_last_change_is_an_edit(app, login):
    client = login("mentee")
    check_in(client, mood=2)
    clock.set_now(NOW + timedelta(hours=5))
    response = send(client, NOW + timedelta(hours=1), mood=5, progress_note="Better")
    assert response.status_code == 200
    assert weeks(app) == [(str(W11), 5, "Better")]


def test_made_before_six_on_monday_fills_an_empty_last_week(app, login, pinned):
    pinned(W11, days=1)  # sent on Tuesday, within last week's allowance
    early_monday = datetime.combine(W11.monday(), datetime.min.time(), tzinfo=LONDON)
    response = send(login("mentee"), early_monday + timedelta(hours=5, minutes=59))
    assert response.status_code == 200
    assert [w for w, _, _ in weeks(app)] == [str(W10)]


@pytest.mark.parametrize("ahead", [timedelta(seconds=30), timedelta(days=3), timedelta(days=3650)])
def test_a_made_at_in_the_future_is_read_as_now(app, login, ahead):
    sunday_night = datetime(2026, 3, 15, 23, 50, tzinfo=LONDON)  # the last minutes of W11
    clock.set_now(sunday_night)
    response = send(login("mentee"), sunday_night + ahead)
    assert response.status_code == 200
    assert toast(response) == "Your check-in saved on this phone is in. Thank you!"
    assert [w for w, _, _ in weeks(app)] == [str(W11)]


@pytest.mark.parametrize(
    "made_at",
    [
        "yesterday",
        "2026-03-10T12:00:00",  # no offset: a time without a zone is not an instant
        "1970-01-01T00:00:00Z",  # a phone clock reset to zero
        "9999-12-31T23:59:59-05:00",  # past the end of time once in UTC
    ],
)
def test_an_unreadable_made_at_is_a_clear_422_and_writes_nothing(app, login, made_at):
    client = login("mentee")
    before = snapshot(app)
    response = send(client, made_at)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert field_error(page, "made_at") == shown(MADE_AT_UNREADABLE)
    assert toast(response) == MADE_AT_UNREADABLE
    assert snapshot(app) == before


def test_without_made_at_the_form_is_unchanged(app, login):
    client = login("mentee")
    response = check_in(client)
    assert toast(response) == "Checked in for this week. Thank you!"
    assert 'name="made_at"' not in client.get("/").get_data(as_text=True)
    assert [w for w, _, _ in weeks(app)] == [str(W11)]


@pytest.mark.parametrize("opened", [None, "", "not-a-token"])
def test_without_made_at_the_opening_is_never_looked_at(app, login, pinned, opened):
    pinned(W11, days=1)  # Tuesday: last week is empty and still within its allowance
    client = login("mentee")
    data = {"mood": "3"} if opened is None else {"mood": "3", "opened": opened}
    response = client.htmx("POST", "/checkins/this-week", data)
    assert response.status_code == 200
    assert toast(response) == "Checked in for this week. Thank you!"
    assert weeks(app) == [(str(W11), 3, "")]


def test_the_form_carries_its_opening_signed_for_its_reader(app, login):
    client = login("mentee")
    for page in ("/", "/checkins/this-week"):
        match = OPENED.search(client.get(page).get_data(as_text=True))
        with app.app_context():
            assert match and match.group(1) == opened_token(user_id(MENTEE), NOW)


def test_a_made_at_before_the_form_was_opened_is_read_as_the_opening(app, login, pinned):
    """A phone cannot make a check-in on a form it had not been shown yet."""
    monday_morning = datetime.combine(W11.monday(), datetime.min.time(), tzinfo=LONDON)
    monday_morning += timedelta(hours=9)
    pinned(W11, days=1)  # Tuesday: last week is empty and still within its allowance
    response = send(login("mentee"), SUNDAY_EVENING_W10, opened=monday_morning)
    assert response.status_code == 200
    assert toast(response) == "Your check-in saved on this phone is in. Thank you!"
    assert [w for w, _, _ in weeks(app)] == [str(W11)]


def _tampered(token: str) -> str:
    payload, signature = token.rsplit(".", 1)
    return f"{payload}.{signature[:-2]}{'AA' if signature[-2:] != 'AA' else 'BB'}"


@pytest.mark.parametrize(
    "forge",
    [
        pytest.param(lambda app: None, id="no token"),
        pytest.param(lambda app: "", id="empty token"),
        pytest.param(lambda app: "[1, 2]", id="not signed"),
        pytest.param(
            lambda app: opened_token(user_id("other-mentee@test.example"), SUNDAY_EVENING_W10),
            id="another user's token",
        ),
        pytest.param(
            lambda app: _tampered(opened_token(user_id(MENTEE), SUNDAY_EVENING_W10)),
            id="tampered signature",
        ),
    ],
)
def test_a_crafted_made_at_without_a_true_opening_counts_as_made_now(app, login, pinned, forge):
    """Game integrity: a missed week cannot be filled by claiming a check-in was kept then."""
    pinned(W11, days=1)  # Tuesday: last week is empty and still within its allowance
    client = login("mentee")
    with app.app_context():
        opened = forge(app)
    response = crafted(client, SUNDAY_EVENING_W10, opened)
    assert response.status_code == 200
    assert toast(response) == "Your check-in saved on this phone is in. Thank you!"
    assert [w for w, _, _ in weeks(app)] == [str(W11)]


def test_a_token_signed_with_another_key_is_not_trusted(app, login, pinned):
    pinned(W11, days=1)
    client = login("mentee")
    with app.app_context():
        secret = app.config["SECRET_KEY"]
        app.config["SECRET_KEY"] = "not-the-server-secret"
        try:
            forged = opened_token(user_id(MENTEE), SUNDAY_EVENING_W10)
        finally:
            app.config["SECRET_KEY"] = secret
    response = crafted(client, SUNDAY_EVENING_W10, forged)
    assert response.status_code == 200
    assert [w for w, _, _ in weeks(app)] == [str(W11)]


def test_a_true_opening_of_last_week_lets_the_kept_copy_count_there(app, login, pinned):
    """The same post as the crafted ones, with the token the page of last Sunday gave."""
    pinned(W11, days=1)
    client = login("mentee")
    response = crafted(client, SUNDAY_EVENING_W10, opened_form(client, SUNDAY_EVENING_W10))
    assert response.status_code == 200
    assert [w for w, _, _ in weeks(app)] == [str(W10)]


def test_a_copy_from_a_login_that_has_ended_is_never_sent_as_someone_else(app, login):
    """A shared phone: the kept copy carries its own login's CSRF token, so once someone else
    has logged in it is refused (and dropped by the worker), never written as theirs."""
    client = login("mentee")
    kept_token = client.csrf_token()
    assert client.submit("/logout").status_code == 303
    login("other_mentee")  # the next person on the same phone: a new session
    before = snapshot(app)
    response = client.post(
        "/checkins/this-week",
        data={"mood": "4", "made_at": NOW.isoformat(), "csrf_token": kept_token},
        headers={"HX-Request": "true", "X-CSRFToken": kept_token},
    )
    assert response.status_code == 400
    assert snapshot(app) == before
