"""A coordinator of a big program works through the suggested matches on a phone: ten at a
time, told which ones of how many, with JavaScript (htmx swaps the list alone and the address
follows) and without (the same links load the page); "Other mentors" opens the mentee's ranked
options, and choosing one gives the suggestion that mentor."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from pairing_bulk import populate
from playwright.sync_api import expect

from app.extensions import db
from app.models import MatchDraft

pytestmark = pytest.mark.browser

SMALL_PHONE = {"width": 320, "height": 568}


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_suggestions_page_ten_at_a_time_and_take_another_mentor(e2e, world, app, javascript):
    with app.app_context():
        populate(world.program_id, 300, "e")
        total = db.session.scalar(
            sa.select(sa.func.count())
            .select_from(MatchDraft)
            .where(MatchDraft.program_id == world.program_id)
        )
    url = f"/programs/{world.program_id}/matching"
    page = e2e.log_in(world.email("coordinator"), javascript=javascript)
    page.goto(url)
    expect(page.get_by_role("heading", name=f"Suggested matches ({total})")).to_be_visible()
    drafts = page.locator("#drafts-list li.draft")
    expect(drafts).to_have_count(10)
    expect(page.get_by_text(f"Showing 1–10 of {total} suggested matches")).to_be_visible()
    e2e.check(page)

    page.locator("#drafts-list").get_by_role("link", name="Next page").click()
    expect(page.get_by_text(f"Showing 11–20 of {total} suggested matches")).to_be_visible()
    expect(page).to_have_url(f"{e2e.base_url}{url}?page=2")
    expect(drafts).to_have_count(10)
    if javascript:
        e2e.check(page, "12-matching-390")
        e2e.screenshot(page, "12-matching-320", size=SMALL_PHONE)
    else:
        e2e.check(page)

    first = drafts.first
    heading = first.get_by_role("heading", level=3).inner_text()
    mentee, current = heading.split(" with ")
    first.get_by_role("link", name="Other mentors").click()
    expect(page.get_by_role("heading", level=1, name=f"Match {mentee}")).to_be_visible()
    e2e.check(page)
    choose = page.get_by_role("button", name="Choose ").first
    mentor = choose.inner_text().removeprefix("Choose ")
    assert mentor != current
    choose.click()
    expect(page.get_by_role("status")).to_contain_text("Mentor changed")
    expect(page).to_have_url(f"{e2e.base_url}{url}")
    e2e.check(page)
    with app.app_context():
        assert (
            db.session.scalar(
                sa.select(sa.func.count())
                .select_from(MatchDraft)
                .where(MatchDraft.program_id == world.program_id)
            )
            == total
        )  # swapped, not added
