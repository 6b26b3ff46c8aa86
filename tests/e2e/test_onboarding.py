"""A mentor onboards on a 320 px phone: profile, agreement and training, from the checklist on
their home until it goes away; with JavaScript and without."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from app.extensions import db
from app.models import TrainingModule

pytestmark = pytest.mark.browser

NARROW = {"width": 320, "height": 640}


def _visit(e2e, page: Page, heading: str, shot: str | None = None) -> None:
    expect(page.get_by_role("heading", level=1, name=heading)).to_be_visible()
    e2e.check(page)
    if shot:
        e2e.screenshot(page, f"{shot}-320", size=None)


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_mentor_onboards_from_the_checklist(e2e, world, javascript) -> None:
    with e2e.app.app_context():
        db.session.add(
            TrainingModule(
                program_id=world.program_id,
                title="Listening first",
                body="## Why listen\n\nLet them **talk** first.",
                question="Who talks most in a first meeting?",
                choices="The mentee\nThe mentor",
                answer=0,
            )
        )
        db.session.commit()
    page = e2e.new_page(javascript=javascript, viewport=NARROW)
    page.goto("/login")
    e2e.check(page)
    page.get_by_label("E-mail").fill(world.email("own_mentor"))
    page.get_by_label("Password", exact=True).fill(e2e.password)
    page.get_by_role("button", name="Log in").click()
    _visit(e2e, page, "Hi Omar", "onboarding-home" if javascript else None)
    checklist = page.get_by_role("region", name="Before you're matched")
    expect(checklist).to_be_visible()

    checklist.get_by_role("link", name="Your profile").click()
    _visit(e2e, page, "Your profile", "onboarding-profile" if javascript else None)
    page.get_by_label("Interests").fill("robotics, chess")
    page.get_by_label("What you'd like to help with").fill("revision")
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_text("Pick at least one time you're usually free.")).to_be_visible()
    e2e.check(page)
    page.get_by_label("Mon evening").check()
    page.get_by_label("Thu afternoon").check()
    page.get_by_label("Encouraging and gentle").check()
    page.get_by_label("Video").check()
    page.get_by_label("How many mentees you can take").fill("2")
    page.get_by_role("button", name="Save profile").click()
    _visit(e2e, page, "Hi Omar")

    checklist.get_by_role("link", name="Sign the agreement").click()
    _visit(e2e, page, "Sign the agreement")
    page.get_by_label("Type your full name to sign").fill("omar  mentor")
    page.get_by_role("button", name="Sign").click()
    _visit(e2e, page, "Hi Omar")

    checklist.get_by_role("link", name="Training: 0 of 1 modules").click()
    _visit(e2e, page, "Mentor training")
    page.get_by_role("link", name="Listening first").click()
    _visit(e2e, page, "Listening first", "onboarding-module" if javascript else None)
    expect(page.get_by_role("heading", level=3, name="Why listen")).to_be_visible()
    page.get_by_label("The mentor").check()
    page.get_by_role("button", name="Check my answer").click()
    expect(page.get_by_text("Not quite. Read the module again")).to_be_visible()
    e2e.check(page)
    page.get_by_label("The mentee").check()
    page.get_by_role("button", name="Check my answer").click()
    _visit(e2e, page, "Hi Omar")
    expect(page.get_by_text("Right! You have finished the training.")).to_be_visible()
    expect(page.get_by_role("region", name="Before you're matched")).to_have_count(0)
