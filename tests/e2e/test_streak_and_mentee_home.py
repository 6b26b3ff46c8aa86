"""Issue 11, points 3 and 4 on a phone: the progress page's week grid (counted, break, freeze
used, this week), its History disclosure paged with and without JavaScript, and the mentee's
home with the next action first and the game card on the first screen after checking in."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from app.clock import utcnow
from app.extensions import db
from app.models import CheckIn, Meeting, MeetingMode, Membership, PointsAward, Program, Role, User
from game.weeks import week_of

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("midweek")]

SCREEN = {"width": 390, "height": 844}
SMALL = {"width": 320, "height": 568}


def mentee_membership(email: str) -> Membership:
    return db.session.scalar(
        sa.select(Membership).join(User).where(User.email == email, Membership.role == Role.MENTEE)
    )


def program_weeks(app, world) -> list:
    """The world's program weeks: it started four weeks ago, the third week is a break."""
    with app.app_context():
        start = db.session.get(Program, world.program_id).starts_on
    first = week_of(start)
    weeks = [first]
    for _ in range(5):
        weeks.append(weeks[-1].next())
    return weeks


def label(number: int, week, words: str) -> str:
    monday = week.monday()
    return f"Week {number}, {monday.day} {monday:%b}: {words}"


def seed_streak_and_history(app, world, awards: int = 45) -> None:
    """Check-ins in weeks 1 and 2 (week 3 is the break), none in week 4, and ``awards`` points
    rows, newest first, for a history of three pages."""
    weeks = program_weeks(app, world)
    with app.app_context():
        membership = mentee_membership(world.email("mentee"))
        db.session.add_all(
            CheckIn(membership_id=membership.id, week_key=str(w), mood=4, zone="Europe/London")
            for w in weeks[:2]
        )
        db.session.execute(
            sa.insert(PointsAward),
            [
                {
                    "key": f"survey:{n}:{membership.user_id}",
                    "user_id": membership.user_id,
                    "program_id": world.program_id,
                    "amount": n + 1,
                    "reason": "survey",
                    "week_key": str(weeks[4]),
                    "created_at": utcnow() - timedelta(hours=n),
                }
                for n in range(awards)
            ],
        )
        db.session.commit()


def check_small(e2e, page: Page, name: str) -> None:
    """The same page at 320×568: checked (no sideways scroll, axe) and kept as a screenshot."""
    before = page.viewport_size
    page.set_viewport_size(SMALL)
    try:
        e2e.check(page)
        e2e.screenshot(page, name, size=None)
    finally:
        page.set_viewport_size(before)


def history_amounts(page: Page) -> list[str]:
    return page.locator("#points-history .game-amount").all_inner_texts()


def test_the_week_grid_shows_each_state_and_the_history_pages(e2e, world):
    seed_streak_and_history(e2e.app, world)
    weeks = program_weeks(e2e.app, world)
    page = e2e.log_in(world.email("mentee"))
    page.goto("/me/progress")
    grid = page.get_by_role("list", name="Your weeks this term")
    for number, words in [
        (1, "checked in"),
        (2, "checked in"),
        (3, "break week"),
        (4, "freeze token used"),
        (5, "this week, open for a check-in"),
        (6, "still to come"),
    ]:
        expect(
            grid.get_by_role("img", name=label(number, weeks[number - 1], words))
        ).to_be_visible()
    legend = page.get_by_role("list", name="What the weeks show")
    expect(legend).to_contain_text("Freeze token used")
    expect(legend).to_contain_text("Break week")
    # The grid opens the page: it is on the first screen, above the level ring.
    box = grid.bounding_box()
    assert box and box["y"] + box["height"] <= 844
    expect(
        page.get_by_role("img", name="Level 1: 0 of 100 points on the way to level 2")
    ).to_be_visible()
    stats = page.locator(".game-stats")
    expect(stats).to_contain_text("This streak")
    expect(stats).to_contain_text("0 of 2")  # the starting token went on week 4
    e2e.check(page, "11-3-streak-390")
    check_small(e2e, page, "11-3-streak-320")

    history = page.locator("#points-history")
    expect(history.locator("ol")).to_be_hidden()
    history.get_by_text("History", exact=True).click()
    expect(history.locator("li")).to_have_count(20)
    assert history_amounts(page)[0] == "+1"
    e2e.check(page, "11-3-streak-history-390")
    page.get_by_role("link", name="Older").click()
    expect(page).to_have_url(f"{e2e.base_url}/me/progress?page=2#points-history")
    expect(page.locator("#points-history")).to_have_attribute("open", "")
    expect(page.locator("#points-history li").first).to_contain_text("+21")
    e2e.check(page)


def test_the_history_opens_and_pages_without_javascript(e2e, world):
    seed_streak_and_history(e2e.app, world)
    page = e2e.log_in(world.email("mentee"), javascript=False)
    page.goto("/me/progress")
    e2e.check(page)
    history = page.locator("#points-history")
    expect(history.locator("ol")).to_be_hidden()
    history.locator("summary").click()
    expect(history.locator("ol")).to_be_visible()
    history.get_by_role("link", name="Older").click()
    expect(page).to_have_url(f"{e2e.base_url}/me/progress?page=2#points-history")
    expect(page.locator("#points-history ol")).to_be_visible()  # opened by the address
    assert history_amounts(page)[0] == "+21"
    e2e.check(page)
    page.locator("#points-history").get_by_role("link", name="Older").click()
    expect(page.locator("#points-history")).to_contain_text("Page 3")
    assert history_amounts(page) == ["+41", "+42", "+43", "+44", "+45"]
    e2e.check(page)


def first_card_heading(page: Page) -> str:
    return page.locator("main section.card:not([hidden]) h2").first.inner_text()


def test_the_mentee_home_shows_the_next_action_then_the_game_card(e2e, world):
    with e2e.app.app_context():
        mentorship_id = world.mentorship_id
        db.session.add(
            Meeting(
                mentorship_id=mentorship_id,
                starts_at=utcnow() + timedelta(days=2),
                zone="Europe/London",
                minutes=45,
                mode=MeetingMode.IN_PERSON,
                location="Library, table by the window",
            )
        )
        db.session.commit()
    page = e2e.log_in(world.email("mentee"), viewport=SCREEN)
    assert first_card_heading(page) == "How are you this week?"
    before = page.evaluate("document.documentElement.scrollHeight")
    card = page.locator(".checkin-card")
    card.get_by_role("radio", name="4 – Good").click()
    card.get_by_role("button", name="Check in").click()
    expect(page.locator(".game-card")).to_contain_text("1-week streak")

    page.goto("/")
    assert first_card_heading(page) == "Next meeting"
    assert page.locator("main section.card:not([hidden])").nth(1).get_attribute("id") == (
        "game-card"
    )
    bottom = page.evaluate(
        "document.getElementById('game-card').getBoundingClientRect().bottom + scrollY"
    )
    after = page.evaluate("document.documentElement.scrollHeight")
    print(f"mentee home at 390x844: {before}px before checking in, {after}px after;")
    print(f"the game card ends at {bottom:.0f}px")
    assert bottom <= SCREEN["height"], f"the game card ends at {bottom}px, below the first screen"
    e2e.check(page, "11-4-mentee-home-390")
    check_small(e2e, page, "11-4-mentee-home-320")
