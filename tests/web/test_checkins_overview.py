"""Check-ins at a glance: mentor health per mentorship, the coordinator's numbers, demo data,
and home pages whose query count does not grow with the data."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from checkins_support import add_checkin, add_mentees, at_fixture, membership_id  # noqa: F401

from app.checkins.queries import checkin_figures
from app.demo import seed_demo
from app.extensions import db
from app.mentor_cards import card_figures
from app.models import CheckIn, Program
from game.weeks import WeekKey

MENTEE, MENTOR = "mentee@test.example", "mentor@test.example"
W08, W09, W10, W11 = (WeekKey(2026, n) for n in (8, 9, 10, 11))
SECRETS = ("A private progress note", "A private blocker", "A private reply")


def checkin_health(ids: list[int], now) -> dict:
    return card_figures(ids, now, "Europe/London")["checkin_health"]


def test_health_gives_the_mood_trend_oldest_first_and_open_counts(app, world, at):
    now = at(2026, 3, 11, 18, 0)  # in 2026-W11
    with app.app_context():
        mentee = membership_id(MENTEE)
        add_checkin(mentee, W08, mood=3, acknowledged_at=now)
        add_checkin(mentee, W10, mood=4)
        add_checkin(mentee, W11, mood=None, wants_help=True)
        health = checkin_health([world.mentorship_id, world.other_mentorship_id], now)
    mine, other = health[world.mentorship_id], health[world.other_mentorship_id]
    assert [(str(week), mood) for week, mood in mine.moods] == [
        ("2026-W08", 3.0),
        ("2026-W09", None),
        ("2026-W10", 4.0),
        ("2026-W11", None),
    ]
    assert (mine.unacknowledged, mine.open_help) == (2, 1)
    assert mine.last_checkin_at is not None and mine.last_checkin_at.tzinfo is not None
    assert other.last_checkin_at is None and other.unacknowledged == other.open_help == 0


def test_a_groups_trend_is_its_mentees_average(app, world, at):
    now = at(2026, 3, 11, 18, 0)
    with app.app_context():
        (group, first), (_, second) = add_mentees(world.program_id, MENTOR, 2, group=True)
        add_checkin(first, W11, mood=2)
        add_checkin(second, W11, mood=5)
        assert checkin_health([group], now)[group].moods[-1] == (W11, 3.5)


def _seed_program_checkins(app, world) -> None:
    with app.app_context():
        mentee, other = membership_id(MENTEE), membership_id("other-mentee@test.example")
        add_checkin(mentee, W10, mood=2, progress_note=SECRETS[0], blocker=SECRETS[1])
        add_checkin(mentee, W11, mood=4, wants_help=True, reply=SECRETS[2])
        add_checkin(other, W11, mood=5)


def test_the_coordinator_sees_numbers_and_never_the_text(app, login, world, at):
    at(2026, 3, 11, 18, 0)
    _seed_program_checkins(app, world)
    with app.app_context():
        aggregate = checkin_figures(db.session.get(Program, world.program_id)).read()
    assert (aggregate.mentees, aggregate.this_week.checkins, aggregate.rate) == (2, 2, 100)
    assert aggregate.open_help == 1
    assert [(str(w.week), w.checkins, w.average) for w in aggregate.weeks[-2:]] == [
        ("2026-W10", 1, 2.0),
        ("2026-W11", 2, 4.5),
    ]
    assert len(aggregate.weeks) == 6
    page = login("coordinator").get("/").get_data(as_text=True)
    assert "Checked in this week" in page and "100%" in page and "4.5" in page
    for secret in SECRETS:
        assert secret not in page


def test_the_other_programs_coordinator_sees_none_of_it(login, app, world, at):
    at(2026, 3, 11, 18, 0)
    _seed_program_checkins(app, world)
    page = login("other_coordinator").get("/").get_data(as_text=True)
    assert "0 of 0 mentees this week." in page and "4.5" not in page


def test_the_demo_has_ten_weeks_and_exactly_one_pending_help_request(app):
    today = date(2026, 11, 25)
    with app.app_context():
        seed_demo(today)
        seed_demo(today)  # idempotent
        checkins = db.session.scalars(sa.select(CheckIn)).all()
        program = db.session.scalar(sa.select(Program))
        weeks = {c.week_key for c in checkins}
    assert len(weeks) == 10
    assert str(WeekKey.parse(max(weeks)).next()) == "2026-W48"  # this week is left open
    assert sum(c.help_open for c in checkins) == 1
    moods = [c.mood for c in checkins]
    assert {2, 3, 4, 5} <= set(moods) and sum(m in (3, 4) for m in moods) > len(moods) / 2
    assert sum(bool(c.reply) for c in checkins) >= 3
    assert program is not None


def _home_queries(client, query_counter) -> int:
    client.get("/")
    with query_counter as counted:
        assert client.get("/").status_code == 200
    return counted.count


def test_mentee_home_query_count_does_not_grow(app, login, query_counter, at):
    at(2026, 3, 11, 18, 0)
    client = login("mentee")
    with app.app_context():
        mentee = membership_id(MENTEE)
        add_checkin(mentee, W11, mood=4, reply="Nice")
    one = _home_queries(client, query_counter)
    with app.app_context():
        week = W11
        for n in range(49):
            week = week.previous()
            add_checkin(mentee, week, mood=1 + n % 5, reply="ok")
    assert _home_queries(client, query_counter) == one <= 16  # down from 22; issue 12 asks for 8


def test_mentor_home_query_count_does_not_grow(app, login, world, query_counter, at):
    at(2026, 3, 11, 18, 0)
    client = login("own_mentor")
    with app.app_context():
        add_checkin(membership_id(MENTEE), W11, mood=2, wants_help=True, progress_note="help")
    one = _home_queries(client, query_counter)
    with app.app_context():
        for n, (_, member) in enumerate(add_mentees(world.program_id, MENTOR, 49)):
            add_checkin(member, W10, mood=1 + n % 5, reply="ok")
            add_checkin(member, W11, mood=1 + n % 5, wants_help=n % 7 == 0)
    page = client.get("/?mentees=all").get_data(as_text=True)
    assert page.count('class="mood-trend"') == 50
    assert page.count(">Reply<") == 50 and page.count("1 help request") == 1 + 7
    assert "-reply" not in page  # the reply forms are built when asked for, not on the home
    assert _home_queries(client, query_counter) == one <= 10
