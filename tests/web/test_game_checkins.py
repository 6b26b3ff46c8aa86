"""Check-ins earn: the celebration, the profile, no double pay, streak awards, the comeback."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from game_support import (
    MENTEE,
    W07,
    W08,
    W10,
    W11,
    W12,
    celebration,
    check_in,
    fact,
    ledger,
    pinned_fixture,  # noqa: F401
    total,
    totals_match_ledger,
    user_id,
)
from static_support import static_url

from app.extensions import db
from app.models import BadgeEarned


@pytest.fixture(autouse=True)
def _clock(pinned):
    return pinned


def test_a_check_in_celebrates_with_points_streak_and_first_badge(app, login):
    client = login("mentee")
    response = check_in(client)
    assert response.status_code == 200
    assert celebration(response) == {
        "title": "+10 points",
        "message": "Week checked in — your streak has begun · New badge: First Step",
        "badge": {
            "id": "first_step",
            "tier": "plain",
            "name": "First Step",
            "description": "Your first check-in.",
        },
        "sprite": static_url("icons/badges.svg"),
        "note": "Checked in for this week. Thank you!",
    }
    # One celebration: the check-in's own toast is folded into it, not shown beside it.
    assert "waypoint:toast" not in response.headers["HX-Trigger"]
    with app.app_context():
        assert ledger(MENTEE) == {f"checkin:{user_id(MENTEE)}:2026-W11": 10}
        assert total(MENTEE) == 10


def test_a_second_identical_check_in_pays_nothing_and_celebrates_nothing(app, login):
    client = login("mentee")
    check_in(client)
    again = check_in(client, mood=5)  # a change of mood, same week
    assert again.status_code == 200
    assert celebration(again) is None
    with app.app_context():
        assert len(ledger(MENTEE)) == 1
        assert total(MENTEE) == 10
        assert totals_match_ledger()


def test_without_javascript_the_celebration_is_a_flash_on_the_next_page(login):
    client = login("mentee")
    response = check_in(client, htmx=False)
    assert response.status_code == 303
    home = client.get("/").get_data(as_text=True)
    flashes = home[home.index('class="flashes"') : home.index("</main>")]
    card = re.search(
        r'<div class="flash flash-celebrate celebration celebration-badge">.*?</div>\s*</div>',
        flashes,
        re.S,
    )
    assert card, flashes
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", card[0])).strip()
    assert text == (
        "+10 points Week checked in — your streak has begun · New badge: First Step"
        " Your first check-in. Checked in for this week. Thank you!"
    )
    assert f'href="{static_url("icons/badges.svg")}#first_step"' in card[0]
    # The view's own "Thank you" flash is in the card, not a second message beside it.
    assert flashes.count('class="flash ') == 1


def test_the_profile_shows_level_points_history_badges_and_streak(login):
    client = login("mentee")
    check_in(client)
    page = client.get("/me/progress").get_data(as_text=True)
    assert "Level 1 · Starter" in page
    assert "90 points to level 2" in page
    assert re.search(
        r'class="game-amount">\+10</span>\s*<span>Checked in for the week of Mon 09 Mar', page
    )
    assert "<strong>First Step</strong>" in page
    assert "1-week streak. This week is in — nice rhythm!" in page
    # Weeks 7, 8 and 10 passed without a check-in: the starting token went on the first.
    assert fact(page, "Freeze tokens") == "0 of 2"
    assert "Within reach" in page and "3 more weeks with a check-in" in page


def test_four_program_weeks_in_a_row_pay_the_streak_award_over_a_break_week(app, login, pinned):
    client = login("mentee")
    for week in (W07, W08, W10):  # week 9 is the program's break week: neutral
        pinned(week)
        check_in(client)
    pinned(W11)
    response = check_in(client)
    payload = celebration(response)
    assert payload["title"] == "+30 points"
    assert payload["message"].startswith("Week checked in — 4 weeks in a row · Streak of 4 weeks")
    assert "Consistent (bronze)" in payload["message"]
    with app.app_context():
        assert total(MENTEE) == 60
        assert totals_match_ledger()


def test_a_missed_week_is_frozen_and_two_missed_weeks_bring_a_comeback(app, login, pinned):
    client = login("mentee")
    pinned(W07)
    check_in(client)
    pinned(W10)  # week 8 missed: the starting token keeps the streak (week 9 is a break)
    assert "Week checked in — 2 weeks in a row" in celebration(check_in(client))["message"]
    pinned(W12)  # week 11 missed with no token left: a fresh start
    payload = celebration(check_in(client))
    assert "Welcome back" in payload["message"] and "Comeback" in payload["message"]
    with app.app_context():
        reasons = sorted(key.split(":")[0] for key in ledger(MENTEE))
        assert reasons == ["checkin", "checkin", "checkin", "comeback"]
        assert total(MENTEE) == 40
        badges = set(db.session.scalars(sa.select(BadgeEarned.badge_id)))
        assert badges == {"first_step", "comeback"}


def test_a_help_request_without_a_mood_pays_nothing(app, login):
    client = login("mentee")
    response = client.htmx("POST", "/checkins/help")
    assert response.status_code == 200
    assert celebration(response) is None
    with app.app_context():
        assert ledger(MENTEE) == {}
