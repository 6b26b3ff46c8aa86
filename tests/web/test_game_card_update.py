"""A check-in that earns something answers with the mentee's level and streak as an out-of-band
swap: the game card changes without a second request for the home page, and without
JavaScript the redirect home shows it. A check-in of this week takes them from its recording,
without reading the card; they must be what the home page then reads."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import pytest
from checkins_support import LONDON, send
from game_support import (
    MENTEE,
    MENTOR,
    W10,
    W11,
    W12,
    check_in,
    ledger,
    pinned_fixture,  # noqa: F401
    user_id,
)

import game
from app.extensions import db
from app.models import Kudos
from game.weeks import WeekKey

OOB_PROGRESS = re.compile(r'<div id="game-progress" hx-swap-oob="true">')
APP_JS = Path(__file__).parents[2] / "app" / "static" / "js" / "app.js"


@pytest.fixture(autouse=True)
def _clock(pinned):
    return pinned


def progress_of(page: str) -> str:
    """The level and streak shown in the page's ``#game-progress`` (its attributes aside)."""
    start = page.index(">", page.index('<div id="game-progress"'))
    return page[start : page.index("</p>", page.index('class="game-streak"', start))]


def test_the_check_in_answers_with_its_level_and_streak_out_of_band(login):
    client = login("mentee")
    response = check_in(client)
    page = response.get_data(as_text=True)
    assert OOB_PROGRESS.search(page)
    assert "10 points" in progress_of(page) and "1-week streak" in progress_of(page)
    assert 'id="game-card"' not in page  # kudos cannot change by a check-in: not sent again
    assert 'class="card checkin-card"' in page  # the swapped card itself is still there
    again = check_in(client, mood=5).get_data(as_text=True)  # nothing earned: no progress
    assert 'id="game-progress"' not in again
    help_request = client.htmx("POST", "/checkins/help").get_data(as_text=True)
    assert 'id="game-progress"' not in help_request


@pytest.mark.parametrize("weeks", [(W10, W11, W12), (W10, W12, WeekKey(2026, 14))])
def test_the_progress_sent_is_what_the_home_page_reads(login, pinned, weeks):
    """Weeks in a row, then weeks missed (a freeze, a comeback): each answer's level and streak
    are the home page's right after."""
    client = login("mentee")
    for week in weeks:
        pinned(week)
        sent = check_in(client).get_data(as_text=True)
        assert progress_of(sent) == progress_of(client.get("/").get_data(as_text=True))


def test_a_check_in_kept_offline_for_last_week_shows_this_weeks_streak(app, login, pinned):
    """Its recording's streak is last week's; the card shows this week's, not checked in yet,
    so the progress sent is read as the home page reads it."""
    client = login("mentee")
    pinned(W11, days=0)
    response = send(client, datetime(2026, 3, 8, 20, 0, tzinfo=LONDON))  # Sunday of week 10
    assert response.status_code == 200
    with app.app_context():
        assert f"checkin:{user_id(MENTEE)}:{W10}" in ledger(MENTEE)
    home = client.get("/").get_data(as_text=True)
    assert progress_of(response.get_data(as_text=True)) == progress_of(home)


def test_the_game_card_no_longer_fetches_the_home_page(login):
    home = login("mentee").get("/").get_data(as_text=True)
    card = re.search(r'<section class="card game-card"[^>]*>', home)[0]
    assert "hx-get" not in card and "hx-trigger" not in card and "hx-swap-oob" not in card
    script = APP_JS.read_text()
    assert "htmx.ajax" not in script and "location.reload" not in script


def test_without_javascript_the_redirect_home_shows_the_new_points(login):
    client = login("mentee")
    assert check_in(client, htmx=False).status_code == 303
    home = client.get("/").get_data(as_text=True)
    assert "10 points" in home[home.index('id="game-card"') :]


AWARD_STATEMENTS = {"postgresql": 4, "sqlite": 3}
"""The award's statements: the streak facts read, the ledger row, the total added to (returning
it), after the player's total is locked; SQLite needs no lock once the check-in's INSERT holds
its write lock."""


def _count(query_counter, request) -> int:
    with query_counter as counter:
        assert request().status_code == 200
    return counter.count


def test_the_check_in_costs_its_award_and_nothing_for_the_card(
    app, world, login, query_counter, pinned
):
    client = login("mentee")
    pinned(W10)
    check_in(client)
    pinned(W11)
    earning = _count(query_counter, lambda: check_in(client))
    editing = _count(query_counter, lambda: check_in(client, mood=2))
    # Beyond an edit (whose UPDATE the first check-in's INSERT stands for), earning makes its
    # award and reads nothing for the card: the level and streak sent are the award's.
    with app.app_context():
        assert earning == editing + AWARD_STATEMENTS[db.engine.dialect.name]
    with app.app_context():
        mentee, mentor = user_id(MENTEE), user_id(MENTOR)
        db.session.add_all(
            Kudos(
                mentorship_id=world.mentorship_id,
                mentor_id=mentor,
                mentee_id=mentee,
                month=(month := f"20{10 + n // 12}-{n % 12 + 1:02d}"),
                key=game.kudos_key(world.program_id, mentee, month),
                note=f"Note {n}",
            )
            for n in range(30)
        )
        db.session.commit()
    pinned(W12)
    client.get("/")  # a week later the login's "last seen" is written once: not the card's cost
    assert _count(query_counter, lambda: check_in(client)) == earning
