"""The account page's time zone on a phone: typed with suggestions when JavaScript runs, picked
region by region from plain links when it does not, a message next to the field for a zone
nobody knows (issue 12, point 4)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from app.extensions import db
from app.models import User

pytestmark = pytest.mark.browser
SMALL = {"width": 320, "height": 568}


def zone_of(e2e, email: str) -> str:
    with e2e.app.app_context():
        return db.session.scalar(sa.select(User.time_zone).where(User.email == email))


def test_a_zone_typed_by_its_city(e2e, world):
    page = e2e.log_in(world.email("mentee"))
    page.goto("/account")
    zone = page.get_by_label("Time zone")
    expect(zone).to_have_value("Europe/London")
    expect(zone).to_have_attribute("list", "time-zone-suggestions")

    zone.fill("Atlantis")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(zone).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#time_zone-error")).to_contain_text("not a time zone we know")
    e2e.check(page)
    assert zone_of(e2e, world.email("mentee")) == "Europe/London"

    zone.fill("new york")
    zone.scroll_into_view_if_needed()
    e2e.check(page, screenshot="12-4-time-zone-390")
    e2e.screenshot(page, "12-4-time-zone-320", size=SMALL)
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Saved")
    expect(page.get_by_label("Time zone")).to_have_value("America/New_York")
    assert zone_of(e2e, world.email("mentee")) == "America/New_York"


def test_without_javascript_a_zone_is_picked_region_by_region(e2e, world):
    page = e2e.log_in(world.email("mentee"), javascript=False)
    page.goto("/account")
    e2e.check(page)
    page.get_by_role("link", name="Pick from every time zone, by region").click()
    expect(page.get_by_role("heading", level=1, name="Pick your time zone")).to_be_visible()
    e2e.check(page)
    page.get_by_role("link", name="Asia", exact=True).click()
    expect(page.get_by_role("heading", level=2, name="Asia")).to_be_visible()
    e2e.check(page, screenshot="12-4-time-zone-nojs-390")
    e2e.screenshot(page, "12-4-time-zone-nojs-320", size=SMALL)
    page.get_by_role("link", name="Kathmandu", exact=True).click()
    expect(page.get_by_label("Time zone")).to_have_value("Asia/Kathmandu")
    e2e.check(page)
    assert zone_of(e2e, world.email("mentee")) == "Europe/London", "saved only by Save"
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Saved")
    e2e.check(page)
    assert zone_of(e2e, world.email("mentee")) == "Asia/Kathmandu"
