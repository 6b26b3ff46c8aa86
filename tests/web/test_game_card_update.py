"""A check-in that earns something answers with the mentee's game card as an out-of-band swap:
the card changes without a second request for the home page, and without JavaScript the
redirect home shows it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from game_support import (
    MENTEE,
    MENTOR,
    W10,
    W11,
    W12,
    check_in,
    pinned_fixture,  # noqa: F401
    user_id,
)

import game
from app.extensions import db
from app.models import Kudos

OOB_CARD = re.compile(r'<section class="card game-card" id="game-card"[^>]*hx-swap-oob="true"')
APP_JS = Path(__file__).parents[2] / "app" / "static" / "js" / "app.js"


@pytest.fixture(autouse=True)
def _clock(pinned):
    return pinned


def test_the_check_in_answers_with_the_game_card_out_of_band(login):
    client = login("mentee")
    response = check_in(client)
    page = response.get_data(as_text=True)
    assert OOB_CARD.search(page)
    card = page[page.index('id="game-card"') :]
    assert "10 points" in card and "1-week streak" in card
    assert 'class="card checkin-card"' in page  # the swapped card itself is still there
    again = check_in(client, mood=5).get_data(as_text=True)  # nothing earned: no game card
    assert 'id="game-card"' not in again
    help_request = client.htmx("POST", "/checkins/help").get_data(as_text=True)
    assert 'id="game-card"' not in help_request


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


AWARD_STATEMENTS = 6


def _count(query_counter, request) -> int:
    with query_counter as counter:
        assert request().status_code == 200
    return counter.count


def test_the_check_in_costs_a_fixed_number_of_queries_below_a_second_request(
    app, world, login, query_counter, pinned
):
    client = login("mentee")
    pinned(W10)
    check_in(client)
    pinned(W11)
    earning = _count(query_counter, lambda: check_in(client))
    editing = _count(query_counter, lambda: check_in(client, mood=2))  # the card alone
    home = _count(query_counter, lambda: client.get("/"))
    with app.app_context():
        home += db.engine.dialect.name != "sqlite"  # its BEGIN, sent unseen by psycopg
    # The game card is the few queries of its own, no more than the home page it fetched: beyond
    # an edit, earning makes its award (the check-in's savepoint and its release, the player's
    # total locked, the streak facts read, the ledger row, the total added to) and reads the
    # card, and that read is at most the home page.
    assert editing < earning <= editing + AWARD_STATEMENTS + home
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
