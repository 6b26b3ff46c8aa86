"""The game on a phone: a mentee checks in and sees the celebration, the points and the streak
change in place, and the badge on the profile; the mentor sees it on the mentee's card and
sends kudos, which the mentee then reads on their home."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("midweek")]


def test_check_in_celebration_profile_and_kudos(e2e, world):
    mentee = e2e.log_in(world.email("mentee"))
    progress = mentee.get_by_role("region", name="Your progress")
    expect(progress).to_contain_text("Level 1 · Starter")
    expect(progress).to_contain_text("0 points")
    expect(progress).to_contain_text("Check in this week to start your streak.")

    card = mentee.locator(".checkin-card")
    card.get_by_role("group", name="How are you this week?").get_by_role(
        "radio", name="4 – Good"
    ).click()
    requests: list[tuple[str, str]] = []
    mentee.on("request", lambda request: requests.append((request.method, request.url)))
    card.get_by_role("button", name="Check in").click()
    toast = mentee.locator(".celebration")
    expect(toast).to_contain_text("+10 points")
    expect(toast).to_contain_text("New badge: First Step")
    expect(toast).to_contain_text("Your first check-in.")
    expect(progress).to_contain_text("10 points")
    expect(progress).to_contain_text("1-week streak. This week is in — nice rhythm!")
    # The progress card came with the check-in's answer, out of band: one request, no refetch.
    pages = [(method, urlsplit(url).path) for method, url in requests]
    assert [page for page in pages if not page[1].startswith("/static/")] == [
        ("POST", "/checkins/this-week")
    ]
    e2e.check(mentee, "game-mentee-celebration")

    mentee.get_by_role("link", name="Your badges and points").click()
    expect(mentee.get_by_role("heading", level=1)).to_have_text("Mina Mentee")
    expect(mentee.get_by_role("region", name="Badges")).to_contain_text("First Step")
    expect(mentee.get_by_role("region", name="Points")).to_contain_text(
        "Checked in for the week of"
    )
    e2e.check(mentee, "game-progress")

    mentor = e2e.log_in(world.email("own_mentor"))
    mentor.locator(f"#mentee-card-{world.mentorship_id} .mentee-more > summary").click()
    mentee_line = mentor.locator(".game-mentee").first
    expect(mentee_line).to_contain_text("Mina: 1-week streak")
    expect(mentee_line).to_contain_text("First Step")
    mentor.get_by_text("Give kudos", exact=True).click()
    mentor.get_by_label("Your note").fill("Checking in on a busy week: well done!")
    mentor.get_by_role("button", name="Send kudos").click()
    expect(mentor.get_by_text("Kudos sent to Mina.")).to_be_visible()
    expect(mentor.locator(".game-kudos")).to_contain_text("Kudos sent this month to Mina ✓")
    e2e.check(mentor, "game-mentor-home")

    mentee.goto("/")
    expect(mentee.locator(".game-kudos-received")).to_contain_text(
        "Checking in on a busy week: well done!"
    )
    e2e.check(mentee)
