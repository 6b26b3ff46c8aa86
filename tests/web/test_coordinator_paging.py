"""The coordinator's long lists page by 25: the people page's mentorships, the pairs at risk
and the leaderboard (which keeps the viewer's own place in view). Each says which rows it
shows of how many, links its pages without JavaScript, swaps only the list for htmx, answers a
wrong page number with the nearest page, and costs the same statements with few or many rows.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from checkins_support import add_checkin, add_mentees
from game_support import (  # noqa: F401
    NOW,
    W08,
    W09,
    W10,
    everyone_on_the_leaderboard,
    pinned_fixture,
)
from risk_support import MENTOR

from app import clock
from app.extensions import db
from app.models import Membership, PlayerTotal, Program, Role

WRONG_PAGES = ("0", "-4", "abc", "9" * 40, "2.5", "99")
BUDGET = 10  # statements, BEGIN and the layout's own (user, membership) included


@pytest.fixture(autouse=True)
def _clock(pinned):
    return pinned


def _counted(client, query_counter, url: str) -> tuple[str, int]:
    with query_counter as counted:
        response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True), counted.count


def _low_moods(pairs) -> None:
    for _, mentee in pairs:
        for week in (W08, W09, W10):
            add_checkin(mentee, week, mood=1)


def test_pairs_at_risk_page_by_25_at_a_fixed_cost(app, world, login, query_counter) -> None:
    clock.set_now(NOW + timedelta(days=3))
    client = login("coordinator")
    url = f"/programs/{world.program_id}/at-risk"
    with app.app_context():
        pairs = add_mentees(world.program_id, MENTOR, 42)
        _low_moods(pairs[:2])
    _, few = _counted(client, query_counter, url)
    with app.app_context():
        _low_moods(pairs[2:])
    first, many = _counted(client, query_counter, url)
    assert many == few <= BUDGET
    total = int(re.search(r"Showing 1–25 of (\d+) pairs", first)[1])
    assert total >= 40 and first.count('class="card" id="pair-') == 25
    assert f'href="{url}?page=2"' in first and 'rel="prev"' not in first
    second = client.get(f"{url}?page=2").get_data(as_text=True)
    assert f"Showing 26–{total} of {total} pairs" in second and 'rel="next"' not in second
    # Past the end, the page's statement finds no row: the counts, then the last page.
    past_the_end, statements = _counted(client, query_counter, f"{url}?page=99")
    assert f"Showing 26–{total} of {total} pairs" in past_the_end and statements == many + 2
    fragment = client.htmx("GET", f"{url}?page=2").get_data(as_text=True)
    assert fragment.lstrip().startswith('<div id="at-risk-list">') and "<html" not in fragment
    for wrong in WRONG_PAGES:
        assert client.get(f"{url}?page={wrong}").status_code == 200, wrong


def _on_board(app, world, count: int) -> None:
    """``count`` more mentees on the leaderboard, with 10 to 10 × count points."""
    with app.app_context():
        db.session.get(Program, world.program_id).leaderboard_enabled = True
        pairs = add_mentees(world.program_id, MENTOR, count)
        everyone_on_the_leaderboard()
        users = dict(db.session.execute(sa.select(Membership.id, Membership.user_id)).all())
        db.session.add_all(
            PlayerTotal(user_id=users[mentee], program_id=world.program_id, points=10 * (n + 1))
            for n, (_, mentee) in enumerate(pairs)
        )
        db.session.commit()


def test_the_leaderboard_pages_and_keeps_my_place(app, world, login, query_counter) -> None:
    _on_board(app, world, 0)
    client = login("mentee")  # Mina, no points: last
    url = f"/programs/{world.program_id}/leaderboard"
    _, few = _counted(client, query_counter, url)
    _on_board(app, world, 60)
    first, many = _counted(client, query_counter, url)
    assert many == few <= BUDGET
    with app.app_context():
        total = db.session.scalar(
            sa.select(sa.func.count()).where(
                Membership.program_id == world.program_id,
                Membership.role == Role.MENTEE,
                Membership.left_at.is_(None),
            )
        )
    assert f"Showing 1–25 of {total} people" in first
    assert f"You are number {total} of {total}" in first, "my place, though not on this page"
    assert 'aria-label="Your place"' in first and "Mina (you)" in first
    assert first.index("600 points") < first.index("590 points"), "most points first"
    last_page = -(-total // 25)
    last = client.get(f"{url}?page={last_page}").get_data(as_text=True)
    assert "Mina (you)" in last and 'aria-label="Your place"' not in last, "shown once"
    fragment = client.htmx("GET", f"{url}?page=2").get_data(as_text=True)
    assert fragment.lstrip().startswith('<div id="standings">') and "Showing 26–50" in fragment
    for wrong in WRONG_PAGES:
        assert client.get(f"{url}?page={wrong}").status_code == 200, wrong
    assert len(first.encode()) <= 30_000


def test_the_people_page_pages_its_mentorships(app, world, login, query_counter) -> None:
    client = login("coordinator")
    url = f"/programs/{world.program_id}/people"
    _, few = _counted(client, query_counter, url)
    with app.app_context():
        add_mentees(world.program_id, MENTOR, 40)
    page, many = _counted(client, query_counter, url)
    assert many == few <= BUDGET + 2  # the list's chips and its reset links
    section = page.split('id="mentorships-list"', 1)[1]
    total = int(re.search(r"Showing 1–25 of (\d+) mentorships", section)[1])
    assert total >= 40 and f'href="{url}?pairs=2"' in section
    fragment = client.htmx(
        "GET", f"{url}?pairs=2", headers={"HX-Target": "mentorships-list"}
    ).get_data(as_text=True)
    assert fragment.lstrip().startswith('<div id="mentorships-list">')
    assert f"Showing 26–{total} of {total} mentorships" in fragment
    people = client.htmx("GET", f"{url}?page=2").get_data(as_text=True)
    assert people.lstrip().startswith('<div id="people-list">'), "the people pager swaps its list"
    for wrong in WRONG_PAGES:
        assert client.get(f"{url}?pairs={wrong}").status_code == 200, wrong
    assert len(page.encode()) <= 30_000
