"""A coordinator opens the program's outcomes from their home, reads a chart's data table and
prints the one-page report; on a 320 px phone and on a laptop, axe on every page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PHONE = {"width": 320, "height": 640}
LAPTOP = {"width": 1280, "height": 800}


def pdf_pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?!s)", pdf))


@pytest.mark.parametrize("mobile", [True, False], ids=["phone-320", "laptop"])
def test_coordinator_reads_outcomes_and_prints_the_report(e2e, world, mobile) -> None:
    page = e2e.new_page(mobile=mobile, viewport=PHONE if mobile else LAPTOP)
    page.goto("/login")
    e2e.check(page)
    page.get_by_label("E-mail").fill(world.email("coordinator"))
    page.get_by_label("Password", exact=True).fill(e2e.password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", level=1, name="Hillside Mentoring")).to_be_visible()
    e2e.check(page)

    page.get_by_role("link", name="Outcomes").click()
    expect(page.get_by_role("heading", level=1, name="Outcomes")).to_be_visible()
    expect(page.get_by_role("img", name="Weekly check-in rate")).to_be_visible()
    expect(page.get_by_role("img", name="Mood trend")).to_be_visible()
    expect(page.get_by_role("heading", name="Survey scores over time")).to_be_visible()
    e2e.check(page, "outcomes-phone" if mobile else "outcomes-laptop")

    page.get_by_text("Data table: Weekly check-ins and mood").click()
    table = page.get_by_role("table", name=re.compile("Weekly check-ins and mood"))
    expect(table).to_be_visible()
    expect(table.get_by_role("cell", name="Exams")).to_be_visible()
    e2e.check(page)

    page.get_by_role("link", name="Printable report").click()
    expect(page.get_by_role("heading", level=1, name=re.compile("program report"))).to_be_visible()
    e2e.check(page)
    if not mobile:
        page.emulate_media(media="print")
        expect(page.get_by_role("link", name="Back to outcomes")).to_be_hidden()
        for paper in ("A4", "Letter"):
            assert pdf_pages(page.pdf(format=paper, print_background=True)) == 1, paper
