"""The weekly check-in on a phone: the mentee checks in from home in two taps and asks for
help; the mentor sees it on the mentee's card on their home and replies from the card; the
mentee reads the reply.
Without JavaScript the same form still works."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("midweek")]


def test_two_tap_check_in_help_and_the_mentors_reply(e2e, world):
    mentee = e2e.log_in(world.email("mentee"))
    card = mentee.locator(".checkin-card")
    moods = card.get_by_role("group", name="How are you this week?")
    expect(moods.get_by_role("radio")).to_have_count(5)
    e2e.screenshot(mentee, "checkin-mentee-home")
    mentee.set_viewport_size({"width": 320, "height": 640})  # the narrowest phone still fits
    e2e.assert_no_sideways_scroll(mentee)

    moods.get_by_role("radio", name="4 – Good").click()  # first tap
    card.get_by_role("button", name="Check in").click()  # second tap
    expect(mentee.get_by_role("heading", name="Checked in ✓ this week")).to_be_visible()
    expect(mentee.get_by_text("You said 4 – Good")).to_be_visible()
    expect(mentee.get_by_text("Checked in for this week. Thank you!")).to_be_visible()  # toast
    assert mentee.url == f"{e2e.base_url}/"
    e2e.check(mentee, "checkin-mentee-done")

    mentee.locator(".checkin-card").get_by_role("button", name="I'd like help").click()
    expect(mentee.get_by_text("You asked for help this week.")).to_be_visible()
    e2e.check(mentee)

    mentor = e2e.log_in(world.email("own_mentor"))
    card = mentor.locator(f"#mentee-card-{world.mentorship_id}")
    expect(card).to_contain_text("Mina Mentee")
    expect(card).to_contain_text("1 help request")
    e2e.check(mentor, "checkin-mentor-home")
    card.get_by_role("link", name="Reply to Mina Mentee").click()
    expect(card.locator(".checkin-item")).to_contain_text("Asked for help")
    card.get_by_label("Reply (optional)").fill("Thanks for telling me. Let's talk on Thursday.")
    card.get_by_role("button", name="Acknowledge").click()
    expect(card).not_to_contain_text("help request")
    expect(card.get_by_role("button", name="Acknowledge")).to_have_count(0)
    e2e.check(mentor)

    card.locator(".mentee-more > summary").click()
    mentor.goto(card.get_by_role("link", name="All check-ins").get_attribute("href"))
    expect(mentor.get_by_role("heading", level=1, name="Check-ins")).to_be_visible()
    e2e.check(mentor, "checkin-history")

    mentee.reload()
    expect(mentee.locator(".checkin-card")).to_contain_text("Let's talk on Thursday.")
    e2e.check(mentee)


def test_checking_in_without_javascript(e2e, world):
    mentee = e2e.log_in(world.email("other_mentee"), javascript=False)
    mentee.get_by_role("radio", name="3 – Okay").check()
    mentee.get_by_text("Add a note").click()
    mentee.get_by_label("Progress this week").fill("Started my revision timetable.")
    mentee.get_by_role("button", name="Check in").click()
    expect(mentee.get_by_text("Checked in for this week. Thank you!")).to_be_visible()
    expect(mentee.get_by_role("heading", name="Checked in ✓ this week")).to_be_visible()
    e2e.check(mentee)
