"""A coordinator finds a participant in the people list, opens their page, hands over a reset
link as a QR code, and deactivates them after confirming; with and without JavaScript, on a
phone and on a laptop."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

LAPTOP = {"width": 1280, "height": 800}


@pytest.mark.parametrize(
    ("javascript", "mobile"),
    [(True, True), (False, True), (True, False)],
    ids=["js", "no-js", "laptop"],
)
def test_coordinator_finds_a_person_and_deactivates_them(e2e, world, javascript, mobile) -> None:
    page = e2e.new_page(javascript=javascript, mobile=mobile, viewport=None if mobile else LAPTOP)
    page.goto("/login")
    e2e.check(page)
    page.get_by_label("E-mail").fill(world.email("coordinator"))
    page.get_by_label("Password", exact=True).fill(e2e.password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", level=1, name="Hillside Mentoring")).to_be_visible()
    e2e.check(page)

    page.get_by_role("link", name="2 · Mentees").click()
    expect(page.get_by_role("heading", level=1, name="People and mentorships")).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="people")).to_contain_text("2 people")
    e2e.check(page)

    page.get_by_label("Name or e-mail").fill("mina")
    if not javascript:
        page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("status").filter(has_text="person")).to_contain_text("1 person")
    people = f"{e2e.base_url}/programs/{world.program_id}/people"
    expect(page).to_have_url(f"{people}?state=current&role=mentee&q=mina")
    e2e.check(page, None if mobile else "people-laptop")

    page.get_by_role("link", name="Mina Mentee", exact=True).click()
    expect(page.get_by_role("heading", level=1, name="Mina Mentee")).to_be_visible()
    e2e.check(page, "person" if javascript and mobile else None)

    page.get_by_role("button", name="Password reset link").click()
    expect(page.get_by_role("img", name="Password reset link for Mina Mentee")).to_be_visible()
    e2e.check(page, "reset-link-qr" if javascript and mobile else None)
    page.get_by_role("link", name="Back to Mina").click()
    e2e.check(page)

    page.get_by_role("link", name="Deactivate…").click()
    expect(page.get_by_role("heading", level=1, name="Deactivate Mina Mentee?")).to_be_visible()
    e2e.check(page)
    page.get_by_role("button", name="Deactivate Mina").click()
    expect(page.get_by_role("button", name="Reactivate")).to_be_visible()
    expect(page.get_by_text("left the program")).to_be_visible()
    e2e.check(page)
