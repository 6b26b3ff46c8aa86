"""A goal from the mentee's idea to a confirmed milestone: the mentee sets a SMART goal on a
phone, breaks it into two milestones and marks one done; the mentor confirms it from the review
queue on their home; the mentee sees it confirmed, with its history."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import Locator, Page, expect

from app import clock

pytestmark = pytest.mark.browser

GOAL = "Apply to two summer programmes"
FIRST, SECOND = "Shortlist five programmes", "Draft my personal statement"


def log_in(e2e, world, role: str) -> Page:
    return e2e.log_in(world.email(role))


def follow(link: Locator) -> None:
    """Open a link's page without a boosted click (see test_meetings_journey.follow)."""
    link.page.goto(link.get_attribute("href"))


def settled(page: Page) -> Page:
    """The page once its toasts have faded in (axe would measure a half-transparent one)."""
    page.wait_for_function("() => document.getAnimations().every(a => a.playState === 'finished')")
    return page


def goals_card(page: Page) -> Locator:
    return page.locator("section", has=page.get_by_role("heading", name="Your goals"))


def test_setting_a_goal_and_getting_a_milestone_confirmed(e2e, world):
    mentee = log_in(e2e, world, "mentee")
    follow(goals_card(mentee).get_by_role("link", name="Add a goal"))
    expect(mentee.get_by_role("heading", level=1, name="New goal")).to_be_visible()
    mentee.get_by_label("Your goal").fill(GOAL)
    mentee.get_by_label("How you").fill("Two applications sent before their deadlines")
    target = clock.utcnow().date() + timedelta(weeks=8)
    mentee.get_by_label("Target date").fill(target.isoformat())
    mentee.get_by_label("Why it matters to you").fill("To try university-style study.")
    e2e.check(mentee, "goal-new")
    mentee.get_by_role("button", name="Add goal").click()
    expect(mentee.get_by_role("heading", level=1, name=GOAL)).to_be_visible()
    e2e.check(mentee)
    goal_url = mentee.url

    # Milestones are added in place: the section swaps, the page stays.
    milestones = mentee.locator("#milestones")
    for title in (FIRST, SECOND):
        mentee.get_by_label("Milestone", exact=True).fill(title)
        mentee.get_by_role("button", name="Add milestone").click()
        expect(milestones.get_by_role("heading", name=title)).to_be_visible()
    expect(milestones.locator("li.milestone")).to_have_count(2)
    expect(mentee.get_by_label("Milestone", exact=True)).to_have_value("")
    assert mentee.url == goal_url

    first = milestones.locator("li.milestone", has_text=FIRST)
    first.locator("summary", has_text="Mark done").click()
    first.get_by_label("What you did (optional)").fill("Five programmes in a table with dates.")
    first.get_by_role("button", name="Send for review").click()
    first = mentee.locator("#milestones li.milestone", has_text=FIRST)
    expect(first).to_contain_text("Waiting for review")
    expect(mentee.locator(".toast").last).to_contain_text("Marked done")
    e2e.check(settled(mentee), "goal-page-mentee")

    mentor = log_in(e2e, world, "own_mentor")
    queue = mentor.locator(
        "section", has=mentor.get_by_role("heading", name="Waiting for your review")
    )
    item = queue.locator("li.review-item", has_text=FIRST)
    expect(item).to_contain_text("Mina Mentee")
    expect(item).to_contain_text("Five programmes in a table with dates.")
    item.scroll_into_view_if_needed()
    e2e.check(mentor, "mentor-review-queue")
    item.get_by_label("Your comment").fill("Really well organised.")
    item.get_by_role("button", name=f"Confirm “{FIRST}”").click()
    expect(queue.locator("li.review-item", has_text=FIRST)).to_contain_text("Confirmed ✓")
    expect(mentor.locator(".toast")).to_contain_text("Milestone confirmed.")
    e2e.check(settled(mentor))

    mentee.goto("/")
    card = goals_card(mentee)
    expect(card.get_by_text("1 of 2 milestones confirmed")).to_be_visible()
    expect(card.get_by_role("progressbar")).to_have_attribute("value", "1")
    card.scroll_into_view_if_needed()
    e2e.check(mentee, "mentee-home-goals")

    mentee.goto(goal_url)
    first = mentee.locator("#milestones li.milestone", has_text=FIRST)
    expect(first).to_contain_text("Confirmed ✓")
    first.locator("summary", has_text="History").click()
    expect(first.get_by_role("listitem").filter(has_text="Omar Mentor")).to_contain_text(
        "Really well organised."
    )
    e2e.check(mentee, "goal-page-confirmed")
