"""The progress page: the term's week grid with a name for every cell, the streak and level,
and the points history a page at a time behind its disclosure (links that work without JS)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from game_support import (
    MENTEE,
    NOW,
    W07,
    W08,
    W11,
    check_in,
    pinned_fixture,  # noqa: F401
    user_id,
)

from app.extensions import db
from app.models import PointsAward

CELL = re.compile(
    r'<li class="game-week game-week-([a-z-]+)( game-week-now)?">'
    r'<span role="img" aria-label="([^"]+)">'
)


@pytest.fixture(autouse=True)
def _clock(pinned):
    """The clock is pinned before the world is built: the program starts in 2026-W07."""
    return pinned


def cells(page: str) -> list[tuple[str, bool, str]]:
    return [(state, bool(now), label) for state, now, label in CELL.findall(page)]


def test_the_grid_shows_counted_break_freeze_this_week_and_weeks_to_come(login, pinned):
    client = login("mentee")
    for week in (W07, W08):
        pinned(week)
        check_in(client)
    pinned(W11)
    page = client.get("/me/progress").get_data(as_text=True)
    grid = cells(page)
    assert grid[:6] == [
        ("counted", False, "Week 1, 9 Feb: checked in"),
        ("counted", False, "Week 2, 16 Feb: checked in"),
        ("break", False, "Week 3, 23 Feb: break week"),
        ("frozen", False, "Week 4, 2 Mar: freeze token used"),
        ("open", True, "Week 5, 9 Mar: this week, open for a check-in"),
        ("future", False, "Week 6, 16 Mar: still to come"),
    ]
    assert len(grid) == 31 and {state for state, _, _ in grid[5:]} == {"future"}
    legend = re.search(r'<ul class="game-legend".*?</ul>', page, re.S)[0]
    assert re.findall(r"</span> ([^<]+)</li>", legend) == [
        "Checked in", "Break week", "Freeze token used", "Open for a check-in", "Still to come",
        "This week",
    ]  # fmt: skip
    # The grid comes first, above the level ring and the badges.
    assert page.index("game-grid") < page.index("game-ring") < page.index("badges-heading")


def test_a_week_without_a_check_in_is_said_neutrally_once_the_token_is_spent(login, pinned):
    client = login("mentee")
    pinned(W08)
    check_in(client)
    pinned(W11)
    page = client.get("/me/progress").get_data(as_text=True)
    states = [state for state, _, _ in cells(page)[:5]]
    assert states == ["frozen", "counted", "break", "no-checkin", "open"]
    assert "Week 4, 2 Mar: no check-in" in page
    assert "missed" not in re.search(r'<ol class="game-grid".*?</ol>', page, re.S)[0]


def test_the_level_ring_draws_the_share_of_the_level_done(login):
    client = login("mentee")
    check_in(client)  # 10 points of the 100 that level 2 needs
    page = client.get("/me/progress").get_data(as_text=True)
    assert 'pathLength="100" stroke-dasharray="10.0 100"' in page
    assert 'aria-label="Level 1: 10 of 100 points on the way to level 2"' in page
    assert "Level 1 · Starter" in page and "90 points to level 2" in page
    assert " style=" not in page


def add_awards(app, world, count: int) -> None:
    """``count`` awards, newest first numbered from 0."""
    with app.app_context():
        mentee = user_id(MENTEE)
        db.session.execute(
            sa.insert(PointsAward),
            [
                {
                    "key": f"survey:{n}:{mentee}",
                    "user_id": mentee,
                    "program_id": world.program_id,
                    "amount": n + 1,
                    "reason": "survey",
                    "week_key": str(W11),
                    "created_at": NOW - timedelta(hours=n),
                }
                for n in range(count)
            ],
        )
        db.session.commit()


def amounts(page: str) -> list[int]:
    return [int(a) for a in re.findall(r'class="game-amount">\+(\d+)<', page)]


def history(page: str) -> str:
    return re.search(r'<details class="game-history-box".*?</details>', page, re.S)[0]


@pytest.fixture
def paged(app, world, login, pinned):
    add_awards(app, world, 45)
    return login("mentee")


def test_the_history_is_closed_and_pages_twenty_at_a_time(paged):
    first = paged.get("/me/progress").get_data(as_text=True)
    assert '<details class="game-history-box" id="points-history">' in first  # closed
    assert amounts(first) == list(range(1, 21))
    assert 'href="/me/progress?page=2#points-history">Older</a>' in history(first)
    assert "Newer" not in history(first)

    second = paged.get("/me/progress?page=2").get_data(as_text=True)
    assert '<details class="game-history-box" id="points-history" open>' in second
    assert amounts(second) == list(range(21, 41))
    assert 'href="/me/progress?page=1#points-history">Newer</a>' in history(second)
    assert 'href="/me/progress?page=3#points-history">Older</a>' in history(second)

    third = paged.get("/me/progress?page=3").get_data(as_text=True)
    assert amounts(third) == [41, 42, 43, 44, 45]
    assert "Older" not in history(third) and "Page 3" in history(third)


@pytest.mark.parametrize(
    ("asked", "lines", "words"),
    [
        ("abc", 20, "Page 1"),
        ("-4", 20, "Page 1"),
        ("99999999999999999999", 0, "Nothing further back"),
    ],
)
def test_a_page_out_of_range_is_answered_calmly(paged, asked, lines, words):
    response = paged.get(f"/me/progress?page={asked}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert len(amounts(page)) == lines and words in history(page)


def test_paging_costs_the_same_queries_as_the_first_page(paged, query_counter):
    with query_counter as counter:
        paged.get("/me/progress")
    first = counter.count
    with query_counter as counter:
        paged.get("/me/progress?page=3")
    assert counter.count == first


def test_htmx_paging_gets_the_page_and_swaps_only_the_history(paged):
    page = paged.get("/me/progress?page=2").get_data(as_text=True)
    nav = re.search(r'<nav class="game-pages"[^>]*>', page)[0]
    assert 'hx-target="#points-history"' in nav and 'hx-select="#points-history"' in nav
    boosted = paged.get(
        "/me/progress?page=3", headers={"HX-Request": "true", "HX-Boosted": "true"}
    ).get_data(as_text=True)
    assert 'id="points-history" open' in boosted and amounts(boosted)[-1] == 45
