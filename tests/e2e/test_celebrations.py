"""Celebrations on a phone: one card per action with the points or the badge's emblem, a pop
and a buzz unless the phone asks for less motion, a level-up that names the level, one toast
at a time, dismissible and away from the focused control; and the badges' emblems on the
progress page. Without JavaScript the next page shows the same card."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

import game
from app.extensions import db
from app.gamification import store
from app.models import BadgeEarned, User

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("midweek")]

SMALL = {"width": 320, "height": 568}
# Record vibrations instead of buzzing: an init script runs before the page's own scripts.
VIBRATE_STUB = """
window.__vibrations = [];
Object.defineProperty(navigator, "vibrate", {
  configurable: true,
  value: function (pattern) { window.__vibrations.push(pattern); return true; },
});
"""


def _mentee_page(e2e, world, *, reduced_motion: bool = False) -> Page:
    page = e2e.new_page()
    page.context.add_init_script(VIBRATE_STUB)
    if reduced_motion:
        page.emulate_media(reduced_motion="reduce")
    e2e.log_in_on(page, world.email("mentee"))
    return page


def _check_in(page: Page) -> None:
    card = page.locator(".checkin-card")
    card.get_by_role("group", name="How are you this week?").get_by_role(
        "radio", name="4 – Good"
    ).click()
    card.get_by_role("button", name="Check in").click()


def _animation(page: Page, selector: str) -> str:
    return page.locator(selector).evaluate("e => getComputedStyle(e).animationName")


def _toast(page: Page, message: str) -> None:
    """A toast as the page's scripts send one (app.js, offline-checkin.js)."""
    page.evaluate(
        "m => document.body.dispatchEvent("
        "new CustomEvent('waypoint:toast', {detail: {message: m}}))",
        message,
    )


def _overlaps(a: dict, b: dict) -> bool:
    return not (
        a["x"] + a["width"] <= b["x"]
        or b["x"] + b["width"] <= a["x"]
        or a["y"] + a["height"] <= b["y"]
        or b["y"] + b["height"] <= a["y"]
    )


def test_a_check_in_is_celebrated_once_with_its_points_and_the_badge_emblem(e2e, world):
    page = _mentee_page(e2e, world)
    _check_in(page)
    shown = page.locator("#toasts > *")
    card = page.locator("#toasts .celebration")
    expect(card).to_contain_text("+10 points")
    expect(card).to_contain_text("New badge: First Step")
    # The check-in's own thanks are inside the one card, not a second toast beside it.
    expect(card).to_contain_text("Checked in for this week. Thank you!")
    expect(shown).to_have_count(1)
    uses = card.locator("svg.emblem use")
    expect(uses).to_have_count(2)
    sprite = r"/static/icons/badges\.[0-9a-f]+\.svg"
    assert re.fullmatch(sprite + "#frame-plain", uses.nth(0).get_attribute("href"))
    assert re.fullmatch(sprite + "#first_step", uses.nth(1).get_attribute("href"))
    emblem = card.locator("svg.emblem")
    emblem.evaluate("e => Promise.all(e.getAnimations().map(a => a.finished))")  # full size
    box = emblem.bounding_box()
    assert box["width"] >= 48 and box["height"] >= 48
    assert _animation(page, "#toasts .celebration") == "celebration-pop"
    assert page.evaluate("window.__vibrations.length") == 1
    e2e.check(page, "11-2-celebration-390")
    e2e.screenshot(page, "11-2-celebration-320", size=SMALL)

    card.get_by_role("button", name="Dismiss").click()
    expect(shown).to_have_count(0)

    # One toast at a time: a new one replaces the one showing; Escape closes it.
    _toast(page, "First message.")
    _toast(page, "Second message.")
    expect(shown).to_have_count(1)
    expect(shown).to_have_text(re.compile("Second message."))
    page.keyboard.press("Escape")
    expect(shown).to_have_count(0)

    # Never over the focused control: focus low on the screen puts the toast at the top,
    # focus high on the screen puts it at the bottom.
    for control in (
        page.get_by_role("navigation", name="Main").get_by_role("link").first,
        page.locator(".brand"),
    ):
        control.focus()
        _toast(page, "Your mentor can see that you'd like help.")
        expect(shown).to_have_count(1)
        assert not _overlaps(shown.bounding_box(), control.bounding_box())
        page.keyboard.press("Escape")


def test_the_progress_page_shows_each_badge_emblem_earned_or_within_reach(e2e, world):
    page = _mentee_page(e2e, world)
    _check_in(page)
    expect(page.locator("#toasts .celebration")).to_have_count(1)
    page.keyboard.press("Escape")
    page.goto("/me/progress")
    badges = page.get_by_role("region", name="Badges")
    earned = badges.get_by_role("img", name="First Step, earned")
    expect(earned).to_be_visible()
    box = earned.bounding_box()
    assert box["width"] == 48 and box["height"] == 48
    within_reach = badges.get_by_role("img", name=re.compile(r", not earned yet$"))
    assert within_reach.count() >= 1
    expect(within_reach.first).to_have_class(re.compile(r"\bemblem-reach\b"))
    # The emblem is drawn: its frame and glyph come from the sprite, with the tier's colour.
    fill = earned.evaluate("e => getComputedStyle(e).fill")
    reach_fill = within_reach.first.evaluate("e => getComputedStyle(e).fill")
    assert fill != reach_fill
    badges.scroll_into_view_if_needed()
    e2e.check(page, "11-1-badges-390")
    e2e.screenshot(page, "11-1-badges-320", size=SMALL)


def test_medal_tiers_have_emblems_of_their_own(e2e, world):
    """Bronze, silver and gold side by side (held badges written directly: 26 weeks of
    check-ins are for the game's own tests)."""
    held = [("first_step", 1), ("consistent", 1), ("consistent", 2), ("consistent", 3)]
    held += [("milestone_maker", 1), ("milestone_maker", 2), ("goal_getter", 1), ("kudos", 1)]
    with e2e.app.app_context():
        mentee = db.session.scalar(sa.select(User.id).where(User.email == world.email("mentee")))
        db.session.add_all(
            BadgeEarned(
                user_id=mentee,
                program_id=world.program_id,
                badge_id=badge,
                tier=tier,
                rule_version=1,
                subject="user",
            )
            for badge, tier in held
        )
        db.session.commit()
    page = _mentee_page(e2e, world)
    page.goto("/me/progress")
    badges = page.get_by_role("region", name="Badges")
    looks = {}
    for name in ("Consistent, gold medal, earned", "Milestone Maker, silver medal, earned"):
        emblem = badges.get_by_role("img", name=name)
        expect(emblem).to_be_visible()
        looks[name] = emblem.evaluate("e => getComputedStyle(e).fill")
    next_gold = badges.get_by_role("img", name="Milestone Maker, gold medal, not earned yet")
    expect(next_gold).to_be_visible()
    assert len(set(looks.values())) == 2  # gold and silver are different colours
    badges.scroll_into_view_if_needed()
    e2e.check(page, "11-1-badge-tiers-390")
    e2e.screenshot(page, "11-1-badge-tiers-320", size=SMALL)


def test_with_reduced_motion_the_card_stays_still_and_the_phone_does_not_buzz(e2e, world):
    page = _mentee_page(e2e, world, reduced_motion=True)
    _check_in(page)
    card = page.locator("#toasts .celebration")
    expect(card).to_contain_text("+10 points")
    expect(page.locator("#toasts > *")).to_have_count(1)
    assert _animation(page, "#toasts .celebration") == "none"
    assert _animation(page, "#toasts .celebration .emblem") == "none"
    assert page.evaluate("typeof navigator.vibrate") == "function"  # the stub is there
    assert page.evaluate("window.__vibrations") == []
    e2e.check(page)


def test_reaching_a_level_names_it(e2e, world):
    with e2e.app.app_context():
        mentee = db.session.scalar(sa.select(User.id).where(User.email == world.email("mentee")))
        store.lock_players([mentee], world.program_id)
        store.write_entry(
            game.Award(f"survey:0:{mentee}", mentee, 95, game.Reason.SURVEY), world.program_id
        )
        store.add_points({mentee: 95}, world.program_id)
        db.session.commit()
    page = _mentee_page(e2e, world)
    _check_in(page)
    card = page.locator("#toasts .celebration")
    expect(card).to_contain_text("Level 2: Explorer")
    expect(card).to_have_class(re.compile(r"\bcelebration-level\b"))
    expect(page.locator("#toasts > *")).to_have_count(1)
    e2e.check(page, "11-2-level-up-390")
    e2e.screenshot(page, "11-2-level-up-320", size=SMALL)


def test_without_javascript_the_next_page_shows_the_same_card(e2e, world):
    page = e2e.new_page(javascript=False)
    e2e.log_in_on(page, world.email("mentee"))
    _check_in(page)
    card = page.locator(".flashes .celebration")
    expect(card).to_contain_text("+10 points")
    expect(card).to_contain_text("Checked in for this week. Thank you!")
    expect(page.locator(".flashes > *")).to_have_count(1)
    assert card.locator("svg.emblem use").nth(1).get_attribute("href").endswith("#first_step")
    e2e.check(page, "11-2-celebration-nojs-390")
    e2e.screenshot(page, "11-2-celebration-nojs-320", size=SMALL)
