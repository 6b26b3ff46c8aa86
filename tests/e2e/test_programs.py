"""Switching between one's programs and roles, with and without JavaScript."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from app.extensions import db
from app.models import Membership, Role, User

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_the_program_switcher_changes_program_and_role(e2e, world, javascript):
    with e2e.app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == world.email("mentee")))
        second = Membership(user_id=user.id, program_id=world.other_program_id, role=Role.MENTOR)
        db.session.add(second)
        db.session.commit()
        second_id = second.id

    page = e2e.new_page(javascript=javascript)
    page.goto("/login")
    e2e.check(page)
    page.get_by_label("E-mail").fill(world.email("mentee"))
    page.get_by_label("Password", exact=True).fill(e2e.password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", level=1, name="Hi Mina")).to_be_visible()
    expect(page.get_by_text("Hillside Mentoring", exact=True)).to_be_visible()
    switcher = page.get_by_label("Program and role")
    expect(switcher.locator("option")).to_have_text(
        ["Hillside Mentoring · Mentee", "Elsewhere Academy · Mentor"]
    )
    button = page.get_by_role("button", name="Switch")
    e2e.check(page, "switcher" if javascript else "switcher-no-js")

    def switch_to(label: str) -> None:
        if javascript:
            # The select submits itself (app.js); the button is only for pages without JS.
            expect(button).to_be_hidden()
            with page.expect_request(lambda r: r.method == "POST") as posted:
                switcher.select_option(label=label)
            assert posted.value.all_headers().get("hx-request") == "true"
        else:
            expect(button).to_be_visible()
            switcher.select_option(label=label)
            with page.expect_request(lambda r: r.method == "POST") as posted:
                button.click()
            assert posted.value.resource_type == "document"

    switch_to("Elsewhere Academy · Mentor")
    expect(page.get_by_text("Elsewhere Academy · your mentees")).to_be_visible()
    expect(page.get_by_role("heading", name="No mentees yet")).to_be_visible()
    expect(page.get_by_label("Program and role")).to_have_value(str(second_id))
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Program")).to_have_attribute(
        "href", f"/programs/{world.other_program_id}"
    )
    e2e.check(page)

    switch_to("Hillside Mentoring · Mentee")
    expect(page.get_by_role("heading", name="Your mentor")).to_be_visible()
    expect(page.get_by_text("Omar Mentor")).to_be_visible()
    e2e.check(page)
