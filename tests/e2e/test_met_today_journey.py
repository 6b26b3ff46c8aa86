"""A chat after class, logged on a phone: the mentee taps "We met today", the mentor confirms it
like any meeting, and the mentee's meeting points appear."""

from __future__ import annotations

import pytest
from playwright.sync_api import Locator, expect

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("midweek")]

SMALL_PHONE = {"width": 320, "height": 568}


def follow(link: Locator) -> None:
    """Open a link's page by its address (a boosted click would re-record the page it leaves)."""
    link.page.goto(link.get_attribute("href"))


def test_the_mentee_logs_a_meeting_and_the_mentor_confirms_it(e2e, world):
    mentee = e2e.log_in(world.email("mentee"))
    progress = mentee.get_by_role("region", name="Your progress")
    expect(progress).to_contain_text("0 points")
    follow(mentee.get_by_role("link", name="We met today"))
    expect(mentee.get_by_role("heading", level=1, name="We met")).to_be_visible()
    e2e.check(mentee, "11-6-met-today-390")
    mentee.set_viewport_size(SMALL_PHONE)
    e2e.check(mentee)
    e2e.screenshot(mentee, "11-6-met-today-320", size=SMALL_PHONE)

    # A length out of bounds is refused next to the field, in place.
    mentee.get_by_label("How long (minutes)").fill("500")
    mentee.get_by_role("button", name="We met").click()
    expect(mentee.locator("#minutes-error")).to_have_text("Between 10 and 240.")
    e2e.check(mentee)

    mentee.get_by_label("How long (minutes)").fill("20")
    mentee.get_by_role("button", name="We met").click()
    expect(mentee.get_by_role("heading", level=1, name="Meeting with Omar Mentor")).to_be_visible()
    expect(mentee.get_by_text("It counts once the other person confirms you met.")).to_be_visible()
    who = mentee.locator("#confirm").get_by_role("listitem")
    expect(who.filter(has_text="Mina Mentee")).to_contain_text("confirmed")
    expect(who.filter(has_text="Omar Mentor")).to_contain_text("not yet")
    e2e.check(mentee)
    e2e.screenshot(mentee, "11-6-met-today-logged-320", size=SMALL_PHONE)
    mentee.set_viewport_size({"width": 390, "height": 844})

    mentor = e2e.log_in(world.email("own_mentor"))
    mentor.locator("summary", has_text="More").first.click()
    follow(mentor.get_by_role("link", name="Meetings", exact=True).first)
    past = mentor.get_by_role("listitem").filter(has_text="did you meet?")
    expect(past).to_have_count(1)
    e2e.check(mentor, "11-6-met-today-to-confirm")
    follow(past.get_by_role("link"))
    mentor.get_by_role("button", name="We met").click()
    expect(mentor.locator("#confirm")).to_contain_text("Held ✓")
    e2e.check(mentor)

    mentee.goto("/")
    expect(progress).to_contain_text("15 points")
    e2e.check(mentee)
