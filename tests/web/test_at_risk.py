"""Pairs at risk: each signal appears and clears as the data changes, break weeks are skipped,
the page costs a fixed number of queries, the nudge tells both sides once a day, and no text
anyone wrote reaches the coordinator (the clock is pinned: the program starts in week 7, week 9
is its break, "now" is Wednesday noon of week 11; both pairs were matched in week 7)."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa
from checkins_support import add_checkin, add_mentees, membership_id, user_id
from game_support import NOW, W08, W09, W10, W11, W12, pinned_fixture  # noqa: F401
from meetings_support import add_meeting
from risk_support import COORDINATOR, MENTEE, MENTOR, active_mentor, mine, noon, signals

from app import clock
from app.extensions import db
from app.models import CheckIn, MeetingStatus, Membership, Mentorship, Notice, Nudge
from app.programs.risk_query import HELP_SHOWN, nudge_kind
from app.programs.risk_service import nudge_pair
from game.risk import Signal

SECRET = "Planted secret 7f3a"


@pytest.fixture(autouse=True)
def _clock(pinned):
    return pinned  # pinned before the world is built, so its weeks are always the same


def test_a_pair_quiet_for_two_periods_appears_and_leaves_when_it_meets(app, world, pinned):
    assert signals(app, world)[world.mentorship_id][0] is Signal.QUIET
    with app.app_context():
        add_meeting(world.mentorship_id, noon(W10), MeetingStatus.HELD)
    assert Signal.QUIET not in mine(app, world)
    pinned(W12)  # weeks 11 and 12 without a meeting
    assert Signal.QUIET in mine(app, world)


def test_break_weeks_are_skipped(app, world, pinned):
    with app.app_context():
        add_meeting(world.mentorship_id, noon(W08), MeetingStatus.HELD)
    pinned(W10)  # week 9 is the break: only week 10 passed without a meeting
    assert Signal.QUIET not in mine(app, world)
    pinned(W11)
    assert Signal.QUIET in mine(app, world)


def test_a_mentor_silent_for_fourteen_days(app, world, pinned):
    assert Signal.MENTOR_SILENT in mine(app, world)  # matched four weeks ago, nothing since
    active_mentor(app, world, NOW - timedelta(days=13))
    assert Signal.MENTOR_SILENT not in mine(app, world)
    clock.set_now(NOW + timedelta(days=1))
    assert Signal.MENTOR_SILENT in mine(app, world)


def test_each_kind_of_mentor_action_counts_and_the_mentees_do_not(app, world, pinned):
    with app.app_context():
        add_meeting(world.mentorship_id, noon(W10), created_by_id=user_id(MENTEE), created_at=NOW)
    assert Signal.MENTOR_SILENT in mine(app, world)
    with app.app_context():
        add_meeting(world.mentorship_id, noon(W12), created_by_id=user_id(MENTOR), created_at=NOW)
    assert Signal.MENTOR_SILENT not in mine(app, world)


def test_an_acknowledged_checkin_is_a_mentor_action(app, world, pinned):
    with app.app_context():
        add_checkin(membership_id(MENTEE), W10, mood=4, acknowledged_at=NOW - timedelta(days=2))
    assert Signal.MENTOR_SILENT not in mine(app, world)


def test_low_mood_three_weeks_running(app, world, pinned):
    with app.app_context():
        mentee = membership_id(MENTEE)
        add_checkin(mentee, W08, mood=2)
        add_checkin(mentee, W09, mood=1)
    assert Signal.LOW_MOOD not in mine(app, world)
    with app.app_context():
        add_checkin(mentee, W10, mood=2)
    assert Signal.LOW_MOOD in mine(app, world)
    with app.app_context():
        add_checkin(mentee, W11, mood=4)
    assert Signal.LOW_MOOD not in mine(app, world)


def test_a_help_request_unanswered_for_48_hours(app, world, pinned):
    with app.app_context():
        checkin_id = add_checkin(membership_id(MENTEE), W11, mood=None, wants_help=True)
    clock.set_now(NOW + timedelta(hours=47))
    assert Signal.HELP_WAITING not in mine(app, world)
    clock.set_now(NOW + timedelta(hours=48))
    assert Signal.HELP_WAITING in mine(app, world)
    with app.app_context():
        db.session.get(CheckIn, checkin_id).acknowledged_at = clock.utcnow()
        db.session.commit()
    assert Signal.HELP_WAITING not in mine(app, world)


def test_the_page_shows_reasons_in_words_and_links_to_the_people(app, world, login):
    client = login("coordinator")
    page = client.get(f"/programs/{world.program_id}/at-risk").get_data(as_text=True)
    assert "No meeting in two weeks" in page
    assert "Mentor silent for 28 days" in page
    assert "Mina Mentee" in page and "Omar Mentor" in page
    with app.app_context():
        person = f"/programs/{world.program_id}/people/{membership_id(MENTEE)}"
    assert f'href="{person}"' in page
    home = client.get("/").get_data(as_text=True)
    assert f'href="/programs/{world.program_id}/at-risk"' in home


def _page_queries(client, query_counter, url) -> int:
    with query_counter as counted:
        assert client.get(url).status_code == 200
    return counted.count


def _busy_pair(mentorship_id: int, mentee: int, n: int) -> None:
    for week, mood in ((W08, 1), (W09, 2), (W10, 2)):
        add_checkin(mentee, week, mood=mood, progress_note=SECRET)
    add_checkin(mentee, W11, mood=None, wants_help=n % 2 == 0, blocker=SECRET)
    add_meeting(mentorship_id, noon(W08), MeetingStatus.HELD, notes=SECRET)


def test_page_and_home_cost_the_same_queries_for_2_and_20_pairs(app, world, login, query_counter):
    clock.set_now(NOW + timedelta(days=3))
    client = login("coordinator")
    with app.app_context():
        _busy_pair(world.mentorship_id, membership_id(MENTEE), 0)
    url = f"/programs/{world.program_id}/at-risk"
    page, home = (_page_queries(client, query_counter, u) for u in (url, "/"))
    with app.app_context():
        for n, (pair, mentee) in enumerate(add_mentees(world.program_id, MENTOR, 18)):
            _busy_pair(pair, mentee, n)
    body = client.get(url).get_data(as_text=True)
    assert body.count("low mood three weeks running") == 19
    assert _page_queries(client, query_counter, url) == page
    assert _page_queries(client, query_counter, "/") == home


def test_no_text_anyone_wrote_reaches_the_coordinator(app, world, login):
    clock.set_now(NOW + timedelta(days=3))
    with app.app_context():
        _busy_pair(world.mentorship_id, membership_id(MENTEE), 0)
        db.session.execute(sa.update(CheckIn).values(reply=SECRET))
        db.session.commit()
    client = login("coordinator")
    for url in (f"/programs/{world.program_id}/at-risk", "/"):
        page = client.get(url).get_data(as_text=True)
        assert "Mina Mentee" in page
        assert SECRET not in page


def test_the_home_lists_who_waits_for_help_and_for_how_long(app, world, login):
    with app.app_context():
        add_checkin(membership_id(MENTEE), W11, mood=3, wants_help=True, blocker=SECRET)
    clock.set_now(NOW + timedelta(hours=50))
    home = login("coordinator").get("/").get_data(as_text=True)
    waiting = home[home.index("Waiting for help") :]
    assert "Mina Mentee" in waiting and "mentored by Omar Mentor" in waiting
    assert "waiting 2 days" in waiting and "asked Wed 11 Mar" in waiting
    assert "mentees are waiting" not in home  # all of them named: nothing to add
    assert SECRET not in home


def test_the_home_says_how_many_wait_beyond_those_it_names(app, world, login):
    with app.app_context():
        bulk = add_mentees(world.program_id, MENTOR, HELP_SHOWN + 1)
        for hours, (_, mentee) in enumerate(bulk):
            clock.set_now(NOW + timedelta(hours=hours))  # the later, the shorter the wait
            add_checkin(mentee, W11, wants_help=True)
        clock.set_now(NOW + timedelta(hours=len(bulk)))
        add_checkin(membership_id(MENTEE), W11, wants_help=True)
        left = db.session.get(Membership, bulk[0][1])
        left.left_at = clock.utcnow()  # the longest waiting, gone: neither named nor counted
        db.session.commit()
    home = login("coordinator").get("/").get_data(as_text=True)
    waiting = home[home.index("Waiting for help") : home.index("Average mood by week")]
    assert f"{HELP_SHOWN + 1} mentees are waiting; here are the {HELP_SHOWN} who" in waiting
    assert waiting.count("<li>") == HELP_SHOWN
    assert "Mentee 1<" in waiting and f"Mentee {HELP_SHOWN}<" in waiting
    assert "Mentee 0<" not in waiting and "Mina Mentee" not in waiting  # left; asked last


def _nudges(app, world) -> list[tuple[int, str]]:
    with app.app_context():
        return list(
            db.session.execute(
                sa.select(Notice.user_id, Notice.kind)
                .where(Notice.kind == nudge_kind(world.mentorship_id))
                .order_by(Notice.user_id)
            )
        )


def test_nudging_tells_both_once_a_day_and_is_shown(app, world, login):
    client = login("coordinator")
    url = f"/programs/{world.program_id}/at-risk/{world.mentorship_id}/nudge"
    assert client.submit(url).status_code == 303
    assert client.submit(url).status_code == 303  # a double submit
    with app.app_context():
        both = sorted([user_id(MENTEE), user_id(MENTOR)])
        pushed = db.session.scalar(
            sa.select(sa.func.count()).select_from(Nudge).where(Nudge.user_id.in_(both))
        )
    kind = nudge_kind(world.mentorship_id)
    assert _nudges(app, world) == [(both[0], kind), (both[1], kind)]
    assert pushed == 2
    page = client.get(f"/programs/{world.program_id}/at-risk").get_data(as_text=True)
    assert "Nudged on Wed 11 Mar" in page
    clock.set_now(NOW + timedelta(days=1))
    client.submit(url)
    assert len(_nudges(app, world)) == 4


def test_the_nudge_words_are_kind_and_never_the_pairs_text(app, world, login, new_client):
    with app.app_context():
        _busy_pair(world.mentorship_id, membership_id(MENTEE), 0)
    login("coordinator").submit(f"/programs/{world.program_id}/at-risk/{world.mentorship_id}/nudge")
    assert "Your program coordinator is thinking of you both" in new_client("mentee").get(
        "/"
    ).get_data(as_text=True)
    with app.app_context():
        written = db.session.execute(
            sa.select(Notice.text, Nudge.title, Nudge.body).join(
                Nudge, Nudge.user_id == Notice.user_id
            )
        ).all()
    assert written and not any(SECRET in " ".join(row) for row in written)


def test_ten_nudges_at_once_tell_each_person_once(app, world):
    """Each thread has its own session and connection: the row lock makes them take turns."""
    start = threading.Barrier(10)
    errors: list[BaseException] = []

    def run() -> None:
        try:
            with app.app_context():
                mentorship = db.session.get(Mentorship, world.mentorship_id)
                coordinator = user_id(COORDINATOR)
                start.wait(timeout=30)
                nudge_pair(mentorship, coordinator)
        except BaseException as error:  # noqa: BLE001 - every failure is the test's business
            errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert len(_nudges(app, world)) == 2
