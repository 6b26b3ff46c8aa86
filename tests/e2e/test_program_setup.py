"""A coordinator on a phone starts a program, writes its agreement and mentor training, and
previews what participants sign and mentors read."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_coordinator_sets_up_a_new_program(e2e, world, javascript):
    page = e2e.new_page(javascript=javascript)
    e2e.log_in_on(page, world.email("coordinator"))
    e2e.check(page)
    page.get_by_role("link", name="New program").click()
    expect(page.get_by_role("heading", level=1, name="New program")).to_be_visible()
    e2e.check(page, "program-new" if javascript else None)

    # the group size is asked only of a group program
    group_size = page.get_by_label("Mentees per group")
    expect(group_size).to_be_hidden()
    page.get_by_label("Mentorship model").select_option(label="Group")
    expect(group_size).to_be_visible()
    group_size.fill("1")
    page.get_by_label("Name").fill("Riverside Readers")
    page.get_by_label("Objectives (one per line)").fill("Read for fun\nA book a month")
    page.get_by_label("Starts on").fill("2030-09-02")
    page.get_by_label("Ends on").fill("2031-06-27")
    page.get_by_label("Agreement every participant accepts").fill(
        "We meet every week.\nWhat we share stays between us."
    )
    page.get_by_role("button", name="Create program").click()
    expect(page.get_by_text("Between 2 and 30 mentees.")).to_be_visible()
    e2e.check(page)
    page.get_by_label("Mentees per group").fill("5")
    page.get_by_role("button", name="Create program").click()

    expect(page.get_by_role("heading", level=1, name="Program settings")).to_be_visible()
    expect(page.get_by_text("Agreement version 1 · 0 of 0 participants signed it")).to_be_visible()
    e2e.check(page)
    page.get_by_role("link", name="Preview what participants see and sign").click()
    expect(page.get_by_role("heading", level=1, name="Riverside Readers")).to_be_visible()
    expect(page.get_by_text("one mentor with up to 5 mentees")).to_be_visible()
    expect(page.get_by_role("listitem").filter(has_text="A book a month")).to_be_visible()
    e2e.check(page, "agreement-preview" if javascript else None)

    page.get_by_role("link", name="Back to settings").click()
    expect(page.get_by_role("heading", level=1, name="Program settings")).to_be_visible()
    e2e.check(page)
    page.get_by_role("link", name="Write mentor training").click()
    expect(page.get_by_role("heading", level=1, name="Mentor training")).to_be_visible()
    e2e.check(page)
    for title in ("Listening first", "Keeping it safe"):
        page.get_by_role("link", name="Add a module").click()
        expect(page.get_by_role("heading", level=1, name="New training module")).to_be_visible()
        e2e.check(page)
        page.get_by_label("Title").fill(title)
        page.get_by_label("Text (Markdown)").fill(
            "# Why it matters\n\nAsk, then **listen**.\n\n- nod\n- wait\n\n<script>x()</script>"
        )
        page.get_by_label("Self-check question").fill("Who talks most?")
        page.get_by_label("Answers to choose from (one per line)").fill("The mentor\nThe mentee")
        page.get_by_label("Number of the right answer").fill("2")
        page.get_by_role("button", name="Save module").click()
        expect(page.get_by_text(f"“{title}” added.")).to_be_visible()
        e2e.check(page)

    page.get_by_role("button", name=re.compile("move Keeping it safe earlier")).click()
    expect(page.get_by_role("listitem").first).to_contain_text("Keeping it safe")
    e2e.check(page, "training-list" if javascript else None)
    page.get_by_role("link", name="Listening first", exact=True).click()
    expect(page.get_by_role("heading", level=2, name="Why it matters")).to_be_visible()
    expect(page.get_by_text("<script>x()</script>")).to_be_visible()
    expect(page.get_by_role("radio", name="The mentee")).to_be_disabled()
    e2e.check(page, "training-preview" if javascript else None)
