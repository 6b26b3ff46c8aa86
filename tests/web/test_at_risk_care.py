"""A pair's private notes and history: a coordinator writes notes (with JS off and through
htmx), marks an entry resolved and finds it under Resolved; the entry comes back with a new
sign by the rules of ``game.risk``; nobody but the program's coordinators ever reads a note; the
list and the pair's page cost a fixed number of queries (the clock is pinned: "now" is
Wednesday noon of week 11, and the world's pair is quiet and its mentor silent)."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa
from checkins_support import add_checkin, add_mentees, membership_id, user_id
from game_support import NOW, W08, W09, W10, W11, W12, add_mentee, pinned_fixture  # noqa: F401
from meetings_support import add_meeting
from risk_support import COORDINATOR, MENTEE, MENTOR, active_mentor, mine, noon
from test_access_matrix import MATRIX, ROLES, fill

from app import clock
from app.extensions import db
from app.models import (
    CareKind,
    CareRecord,
    CheckIn,
    MeetingStatus,
    Mentorship,
    MentorshipStatus,
)
from app.models.risk import NOTE_LENGTH
from app.programs.risk_service import resolve
from game.risk import Signal
from game.weeks import WeekKey

SECRET = "Private note 9c2e"


@pytest.fixture(autouse=True)
def _clock(pinned):
    return pinned


def _urls(world) -> tuple[str, str]:
    pair = f"/programs/{world.program_id}/at-risk/{world.mentorship_id}"
    return f"/programs/{world.program_id}/at-risk", pair


def _records(app, world, kind: CareKind | None = None) -> list[CareRecord]:
    with app.app_context():
        query = sa.select(CareRecord).where(CareRecord.mentorship_id == world.mentorship_id)
        if kind is not None:
            query = query.where(CareRecord.kind == kind)
        return list(db.session.scalars(query.order_by(CareRecord.id)))


def _resolve(client, world, note: str = "") -> None:
    response = client.submit(_urls(world)[1] + "/resolve", {"note": note})
    assert response.status_code == 303
    assert response.location == _urls(world)[0]


# --- notes --------------------------------------------------------------------------------


def test_a_note_without_javascript_is_saved_and_shown_with_its_author(app, world, login):
    client = login("coordinator")
    listing, pair = _urls(world)
    assert f'href="{pair}"' in client.get(listing).get_data(as_text=True)
    response = client.submit(pair + "/notes", {"body": "  Called Omar: exams week.\nFine.  "})
    assert response.status_code == 303 and response.location == pair + "#care-history"
    page = client.get(pair).get_data(as_text=True)
    assert "Called Omar: exams week.\nFine." in page
    assert "Cora Coordinator, Wed 11 Mar" in page
    assert "Note saved. Only the program&#39;s coordinators see it." in page
    (note,) = _records(app, world)
    assert note.kind is CareKind.NOTE and note.body == "Called Omar: exams week.\nFine."


def test_htmx_adds_a_note_in_place_newest_first_and_escaped(app, world, login):
    client = login("coordinator")
    pair = _urls(world)[1]
    client.submit(pair + "/notes", {"body": "First note"})
    response = client.htmx("POST", pair + "/notes", {"body": "<b>Second</b> note"})
    assert response.status_code == 200
    fragment = response.get_data(as_text=True)
    assert fragment.lstrip().startswith('<section id="care-history"')
    assert "<html" not in fragment
    assert "&lt;b&gt;Second&lt;/b&gt; note" in fragment and "<b>Second</b>" not in fragment
    assert fragment.index("Second") < fragment.index("First note")
    assert 'name="body"' in fragment and "&lt;b&gt;" not in fragment.split("</form>")[0]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("", "Write the note first."),
        ("   \n ", "Write the note first."),
        ("x" * (NOTE_LENGTH + 1), "Keep this to 2,000 characters or fewer."),
    ],
)
def test_a_bad_note_gets_its_message_by_the_field(app, world, login, body, message):
    client = login("coordinator")
    pair = _urls(world)[1]
    for response in (
        client.submit(pair + "/notes", {"body": body}),
        client.htmx("POST", pair + "/notes", {"body": body}),
    ):
        assert response.status_code == 422
        page = response.get_data(as_text=True)
        assert f'<p class="error" id="body-error">{message}</p>' in page
        assert 'aria-invalid="true"' in page
    assert _records(app, world) == []


def test_a_too_long_resolution_note_gets_its_message(app, world, login):
    response = login("coordinator").submit(
        _urls(world)[1] + "/resolve", {"note": "x" * (NOTE_LENGTH + 1)}
    )
    assert response.status_code == 422
    assert "Keep this to 2,000 characters or fewer." in response.get_data(as_text=True)
    assert mine(app, world)


# --- resolving, and coming back -----------------------------------------------------------


def test_resolving_takes_the_entry_off_the_list_and_keeps_its_history(app, world, login):
    client = login("coordinator")
    listing, pair = _urls(world)
    client.submit(f"{pair}/nudge?from=pair")
    _resolve(client, world, "Spoke to both; they meet on Monday.")
    assert mine(app, world) == []
    page = client.get(listing).get_data(as_text=True)
    assert "Marked resolved. Its history stays under Resolved." in page
    assert f'id="pair-{world.mentorship_id}"' not in page
    resolved = page[page.index('id="resolved"') :]
    assert "Omar Mentor" in resolved and "resolved on Wed 11 Mar by Cora Coordinator" in resolved
    assert f'href="{pair}"' in resolved
    history = client.get(pair).get_data(as_text=True)
    assert "Resolved on Wed 11 Mar by Cora Coordinator" in history
    assert history.index("Marked resolved") < history.index("Nudged the pair")
    assert "Resolved: no meetings, mentor silent" in history
    assert "Spoke to both; they meet on Monday." in history
    (record,) = _records(app, world, CareKind.RESOLVED)
    assert record.signals == ["quiet", "mentor_silent"]
    assert record.author_id == _user(app, COORDINATOR)


def _user(app, email: str) -> int:
    with app.app_context():
        return user_id(email)


def test_resolving_a_pair_not_on_the_list_records_nothing(app, world, login):
    client = login("coordinator")
    _resolve(client, world)
    _resolve(client, world)  # a double submit
    assert len(_records(app, world, CareKind.RESOLVED)) == 1
    assert "This pair is not on the list any more." in client.get(_urls(world)[0]).get_data(
        as_text=True
    )


def test_a_signal_that_was_not_resolved_brings_the_entry_back(app, world, login, pinned):
    active_mentor(app, world, NOW - timedelta(days=1))  # only quiet now
    client = login("coordinator")
    _resolve(client, world)
    clock.set_now(NOW + timedelta(days=13))  # still the same quiet spell, and now silent too
    assert mine(app, world) == [Signal.QUIET, Signal.MENTOR_SILENT]
    page = client.get(_urls(world)[0]).get_data(as_text=True)
    entry = page[page.index(f'id="pair-{world.mentorship_id}"') :]
    assert "Back on the list with a new sign since it was resolved on Wed 11 Mar" in entry


def test_quiet_comes_back_after_a_meeting_and_two_new_quiet_periods(app, world, login, pinned):
    active_mentor(app, world, NOW - timedelta(days=1))
    _resolve(login("coordinator"), world)
    pinned(W12)
    assert mine(app, world) == []  # still quiet since week 7: the spell that was resolved
    with app.app_context():
        add_meeting(world.mentorship_id, noon(W12, days=0), MeetingStatus.HELD)
    active_mentor(app, world, noon(W12, days=0))
    assert mine(app, world) == []
    pinned(WeekKey(2026, 14))  # weeks 13 and 14 without a meeting: a new spell
    active_mentor(app, world, clock.utcnow())
    assert mine(app, world) == [Signal.QUIET]


def test_mentor_silence_comes_back_after_the_mentor_acts_and_falls_silent(app, world, login):
    with app.app_context():
        for n in (11, 12, 13, 14):  # a meeting every week: never quiet
            add_meeting(world.mentorship_id, noon(WeekKey(2026, n), days=0), MeetingStatus.HELD)
    assert mine(app, world) == [Signal.MENTOR_SILENT]
    _resolve(login("coordinator"), world)
    clock.set_now(NOW + timedelta(days=5))
    assert mine(app, world) == []  # still silent since the match
    active_mentor(app, world, NOW + timedelta(days=6))
    clock.set_now(NOW + timedelta(days=19, hours=23))
    assert mine(app, world) == []
    clock.set_now(NOW + timedelta(days=20))  # 14 days after that action
    assert Signal.MENTOR_SILENT in mine(app, world)


def _low_week(app, week: WeekKey, mood: int = 1) -> None:
    with app.app_context():
        add_checkin(membership_id(MENTEE), week, mood=mood)


def test_low_mood_comes_back_after_three_more_low_weeks(app, world, login, pinned):
    for week in (W08, W09, W10):
        _low_week(app, week)
    active_mentor(app, world, NOW - timedelta(days=1))
    with app.app_context():
        add_meeting(world.mentorship_id, noon(W11, days=0), MeetingStatus.HELD)
    assert mine(app, world) == [Signal.LOW_MOOD]
    _resolve(login("coordinator"), world)
    for n in (11, 12, 13):
        week = WeekKey(2026, n)
        _low_week(app, week)
        pinned(week)
        active_mentor(app, world, clock.utcnow())
        with app.app_context():
            add_meeting(world.mentorship_id, noon(week, days=0), MeetingStatus.HELD)
        assert mine(app, world) == [], week  # the three counted weeks began before: same spell
    week = WeekKey(2026, 14)
    pinned(week)
    _low_week(app, week)
    active_mentor(app, world, clock.utcnow())
    with app.app_context():
        add_meeting(world.mentorship_id, noon(week, days=0), MeetingStatus.HELD)
    assert mine(app, world) == [Signal.LOW_MOOD]  # weeks 12 to 14, all after the resolution


def test_help_comes_back_only_for_a_request_made_after_the_resolution(app, world, login):
    active_mentor(app, world, NOW - timedelta(days=1))
    with app.app_context():
        add_meeting(world.mentorship_id, noon(W11, days=0), MeetingStatus.HELD)
        first = add_checkin(membership_id(MENTEE), W10, mood=3, wants_help=True)
    clock.set_now(NOW + timedelta(days=2))
    assert mine(app, world) == [Signal.HELP_WAITING]
    _resolve(login("coordinator"), world)
    clock.set_now(NOW + timedelta(days=3))
    with app.app_context():  # a second request while the first still waits: the same spell
        add_checkin(membership_id(MENTEE), W12, mood=3, wants_help=True)
    clock.set_now(NOW + timedelta(days=5))
    active_mentor(app, world, clock.utcnow())
    assert mine(app, world) == []
    with app.app_context():
        db.session.get(CheckIn, first).acknowledged_at = clock.utcnow()
        db.session.commit()  # the second, asked after the resolution, has waited 48 h
    assert mine(app, world) == [Signal.HELP_WAITING]


def test_another_mentees_signal_in_a_group_brings_the_entry_back(app, world, login, pinned):
    for week in (W08, W09, W10):
        _low_week(app, week)
    active_mentor(app, world, NOW - timedelta(days=1))
    with app.app_context():
        add_meeting(world.mentorship_id, noon(W11, days=0), MeetingStatus.HELD)
        second = add_mentee(world.mentorship_id, "Nia Second", "nia@test.example")
    _resolve(login("coordinator"), world)
    with app.app_context():
        for week in (W08, W09, W10):  # written late, but weeks that began before
            add_checkin(second, week, mood=2)
    assert mine(app, world) == [Signal.LOW_MOOD, Signal.LOW_MOOD]
    (record,) = _records(app, world, CareKind.RESOLVED)
    with app.app_context():
        assert record.signals == [f"low_mood:{membership_id(MENTEE)}"]


def test_ten_resolutions_at_once_record_one(app, world):
    """Each thread has its own session and connection: the row lock makes them take turns."""
    start = threading.Barrier(10)
    errors: list[BaseException] = []
    done: list[bool] = []

    def run() -> None:
        try:
            with app.app_context():
                mentorship = db.session.get(Mentorship, world.mentorship_id)
                coordinator = user_id(COORDINATOR)
                start.wait(timeout=30)
                done.append(resolve(mentorship, coordinator))
        except BaseException as error:  # noqa: BLE001 - every failure is the test's business
            errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert sorted(done) == [False] * 9 + [True]
    assert len(_records(app, world, CareKind.RESOLVED)) == 1


# --- who reads it -------------------------------------------------------------------------


def _plant(app, ids) -> None:
    """A note and a resolution note with the secret on every pair of both programs."""
    with app.app_context():
        author = user_id(COORDINATOR)
        for pair in (ids["mentorship_id"], ids["other_mentorship_id"]):
            for kind in (CareKind.NOTE, CareKind.RESOLVED):
                db.session.add(
                    CareRecord(mentorship_id=pair, kind=kind, author_id=author, body=SECRET)
                )
        db.session.add(
            CareRecord(
                mentorship_id=ids["other_program_mentorship_id"],
                kind=CareKind.NOTE,
                body=SECRET,
            )
        )
        db.session.commit()


def _pages(role: str) -> list[str]:
    """Every page of the access matrix ``role`` may open, but the pair's notes themselves."""
    column = ROLES.index(role)
    return sorted(
        {
            row.url
            for row in MATRIX
            if row.method == "GET"
            and row.expect[column] == 200
            and "{url}" not in row.url
            and row.endpoint != "programs.at_risk_pair"
        }
    )


@pytest.mark.parametrize("role", [r for r in ROLES if r != "anonymous"])
def test_notes_reach_no_other_page_and_no_export(app, ids, new_client, role):
    _plant(app, ids)
    client = new_client(role)
    pages = _pages(role)
    assert len(pages) > 5
    for template in pages:
        url = fill(template, ids)
        with client.get(url) as response:
            assert response.status_code == 200, url
            assert SECRET not in response.get_data(as_text=True), f"{url} shows a note"
    if role == "coordinator":
        assert any(url.endswith(".csv") for url in pages)
        for pair in ("mentorship_id", "other_mentorship_id"):
            page = client.get(f"/programs/{ids['program_id']}/at-risk/{ids[pair]}")
            assert page.get_data(as_text=True).count(SECRET) == 2  # planted where it is read


def test_the_nudge_is_recorded_in_the_history_by_its_author(app, world, login):
    client = login("coordinator")
    pair = _urls(world)[1]
    response = client.submit(f"{pair}/nudge?from=pair")
    assert response.status_code == 303 and response.location == pair
    (record,) = _records(app, world, CareKind.NUDGE)
    assert record.author_id == _user(app, COORDINATOR)
    page = client.get(pair).get_data(as_text=True)
    assert "Nudged the pair" in page and "Cora Coordinator, Wed 11 Mar" in page


# --- query counts -------------------------------------------------------------------------


def _queries(client, query_counter, url) -> int:
    with query_counter as counted:
        assert client.get(url).status_code == 200
    return counted.count


def _care(app, mentorship_id: int, author: int, n: int) -> None:
    """A note, a nudge and (every other pair) a resolution with its note."""
    with app.app_context():
        for kind in (CareKind.NOTE, CareKind.NUDGE, *([CareKind.RESOLVED] * (n % 2))):
            db.session.add(
                CareRecord(
                    mentorship_id=mentorship_id,
                    kind=kind,
                    author_id=author,
                    body=f"Note {n}",
                    signals=["quiet"] if kind is CareKind.RESOLVED else [],
                )
            )
        db.session.commit()


def test_the_list_costs_the_same_queries_for_2_and_20_pairs(app, world, login, query_counter):
    client = login("coordinator")
    author = _user(app, COORDINATOR)
    _care(app, world.mentorship_id, author, 1)
    listing = _urls(world)[0]
    before = _queries(client, query_counter, listing)
    with app.app_context():
        pairs = add_mentees(world.program_id, MENTOR, 18)
    for n, (pair, _) in enumerate(pairs):
        _care(app, pair, author, n)
    page = client.get(listing).get_data(as_text=True)
    assert page.count("resolved on Wed 11 Mar") == 10
    assert _queries(client, query_counter, listing) == before


def test_the_pair_page_costs_the_same_queries_for_1_and_30_records(
    app, world, login, query_counter
):
    client = login("coordinator")
    author = _user(app, COORDINATOR)
    pair = _urls(world)[1]
    client.submit(pair + "/notes", {"body": "One"})
    before = _queries(client, query_counter, pair)
    for n in range(10):
        _care(app, world.mentorship_id, author, n)
    with app.app_context():
        add_mentee(world.mentorship_id, "Nia Second", "nia@test.example")
    assert client.get(pair).get_data(as_text=True).count("Cora Coordinator,") == 26
    assert _queries(client, query_counter, pair) == before


def test_a_closed_pairs_history_stays_readable_and_cannot_be_resolved(app, world, login):
    client = login("coordinator")
    pair = _urls(world)[1]
    client.submit(pair + "/notes", {"body": "Ended at the mentee's request."})
    with app.app_context():
        mentorship = db.session.get(Mentorship, world.mentorship_id)
        mentorship.status, mentorship.closed_at = MentorshipStatus.CLOSED, clock.utcnow()
        db.session.commit()
    page = client.get(pair).get_data(as_text=True)
    assert "This pair is not active: its history stays here." in page
    assert "Ended at the mentee&#39;s request." in page and "Mark resolved" not in page
    _resolve(client, world)
    assert _records(app, world, CareKind.RESOLVED) == []
