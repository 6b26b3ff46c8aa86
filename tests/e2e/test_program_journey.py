"""A program from its first day, on a phone and on a laptop: a coordinator creates it, writes
the mentor training and imports a roster; the mentor and the mentee join from their invites and
onboard; the coordinator runs matching and publishes; the new mentee's home shows their mentor
and "Add a goal" works. axe checks every page on the way."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from app.extensions import db
from app.models import Invite

pytestmark = pytest.mark.browser

ROSTER = (
    b"name,email,role,interests,goals,skills,languages\n"
    b'Lena Learner,lena@north.example,mentee,"robotics, maths",maths,physics,English\n'
    b"Mo Mentor,mo@north.example,mentor,robotics,,maths,English\n"
)
PROFILES = ["phone", "laptop"]


def _open(e2e, profile: str) -> Page:
    return e2e.new_page(mobile=profile == "phone")


def _heading(e2e, page: Page, name: str | re.Pattern) -> None:
    expect(page.get_by_role("heading", level=1, name=name)).to_be_visible()
    e2e.check(page)


def _join(e2e, page: Page, email: str, name: str) -> None:
    """Open the person's roster invite (the link their coordinator sent) and make an account."""
    with e2e.app.app_context():
        code = db.session.scalar(sa.select(Invite.code).where(Invite.email == email))
    page.goto(f"/join/{code}")
    e2e.check(page)
    page.get_by_label("Your name").fill(name)
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Choose a password").fill(e2e.password)
    page.get_by_role("button", name="Create account and join").click()
    _heading(e2e, page, f"Hi {name.split()[0]}")


def _profile(e2e, page: Page, *, mentor: bool) -> None:
    checklist = page.get_by_role("region", name="Before you're matched")
    checklist.get_by_role("link", name="Your profile").click()
    _heading(e2e, page, "Your profile")
    # the roster's words are already there
    expect(page.get_by_label("Interests")).to_have_value(re.compile("robotics"))
    page.get_by_label("Tue lunch").check()
    page.get_by_label("Thu afternoon").check()
    page.get_by_label("Encouraging and gentle").check()
    page.get_by_label("In person").check()
    if mentor:
        page.get_by_label("How many mentees you can take").fill("2")
    page.get_by_role("button", name="Save profile").click()
    _heading(e2e, page, re.compile(r"^Hi "))


def _sign(e2e, page: Page, name: str) -> None:
    page.get_by_role("region", name="Before you're matched").get_by_role(
        "link", name="Sign the agreement"
    ).click()
    _heading(e2e, page, "Sign the agreement")
    expect(page.get_by_text("What we talk about stays between us")).to_be_visible()
    page.get_by_label("Type your full name to sign").fill(name)
    page.get_by_role("button", name="Sign").click()
    _heading(e2e, page, re.compile(r"^Hi "))


@pytest.mark.parametrize("profile", PROFILES)
def test_a_program_runs_from_setup_to_a_published_match(e2e, world, midweek, profile):
    today = midweek.date()

    # --- the coordinator sets the program up -----------------------------------------------
    coordinator = _open(e2e, profile)
    e2e.log_in_on(coordinator, world.email("coordinator"))
    coordinator.get_by_role("link", name="New program").click()
    _heading(e2e, coordinator, "New program")
    coordinator.get_by_label("Name").fill("Northside Mentoring")
    coordinator.get_by_label("Objectives (one per line)").fill("Confidence\nA plan for next year")
    coordinator.get_by_label("Starts on").fill((today - timedelta(days=14)).isoformat())
    coordinator.get_by_label("Ends on").fill((today + timedelta(days=200)).isoformat())
    coordinator.get_by_label("Agreement every participant accepts").fill(
        "We meet every week, in person.\nWhat we talk about stays between us."
    )
    coordinator.get_by_role("button", name="Create program").click()
    _heading(e2e, coordinator, "Program settings")

    coordinator.get_by_role("link", name="Write mentor training").click()
    _heading(e2e, coordinator, "Mentor training")
    coordinator.get_by_role("link", name="Add a module").click()
    _heading(e2e, coordinator, "New training module")
    coordinator.get_by_label("Title").fill("Listening first")
    coordinator.get_by_label("Text (Markdown)").fill("Ask, then **listen**.")
    coordinator.get_by_label("Self-check question").fill("Who talks most?")
    coordinator.get_by_label("Answers to choose from (one per line)").fill("The mentor\nThe mentee")
    coordinator.get_by_label("Number of the right answer").fill("2")
    coordinator.get_by_role("button", name="Save module").click()
    expect(coordinator.get_by_text("“Listening first” added.")).to_be_visible()
    e2e.check(coordinator)

    coordinator.goto("/")
    _heading(e2e, coordinator, "Northside Mentoring")
    coordinator.get_by_role("link", name="Invite people").click()
    _heading(e2e, coordinator, "Invites")
    coordinator.get_by_role("link", name="Import a roster (CSV)").click()
    _heading(e2e, coordinator, "Import a roster")
    coordinator.get_by_label("Roster (CSV file)").set_input_files(
        {"name": "northside.csv", "mimeType": "text/csv", "buffer": ROSTER}
    )
    coordinator.get_by_role("button", name="Check the file").click()
    expect(coordinator.get_by_role("heading", name="Ready to import")).to_be_visible()
    e2e.check(coordinator)
    coordinator.get_by_role("button", name="Import 2 people").click()
    expect(coordinator.get_by_text("Imported 2 people", exact=False)).to_be_visible()
    e2e.check(coordinator)

    # --- the mentor joins and onboards: profile, agreement, training ------------------------
    mentor = _open(e2e, profile)
    _join(e2e, mentor, "mo@north.example", "Mo Mentor")
    _profile(e2e, mentor, mentor=True)
    _sign(e2e, mentor, "Mo Mentor")
    mentor.get_by_role("region", name="Before you're matched").get_by_role(
        "link", name="Training: 0 of 1 modules"
    ).click()
    _heading(e2e, mentor, "Mentor training")
    mentor.get_by_role("link", name="Listening first").click()
    _heading(e2e, mentor, "Listening first")
    mentor.get_by_label("The mentee").check()
    mentor.get_by_role("button", name="Check my answer").click()
    _heading(e2e, mentor, "Hi Mo")
    expect(mentor.get_by_role("region", name="Before you're matched")).to_have_count(0)

    # --- the mentee joins and onboards ------------------------------------------------------
    mentee = _open(e2e, profile)
    _join(e2e, mentee, "lena@north.example", "Lena Learner")
    expect(mentee.get_by_text("Your coordinator is finding the right mentor")).to_be_visible()
    _profile(e2e, mentee, mentor=False)
    _sign(e2e, mentee, "Lena Learner")
    expect(mentee.get_by_role("region", name="Before you're matched")).to_have_count(0)

    # --- the coordinator matches and publishes ---------------------------------------------
    coordinator.goto("/")
    _heading(e2e, coordinator, "Northside Mentoring")
    coordinator.get_by_role("link", name="Match people").click()
    _heading(e2e, coordinator, "Matching")
    coordinator.get_by_role("button", name="Suggest matches").click()
    expect(coordinator.get_by_text("Suggested", exact=False).first).to_be_visible()
    drafts = coordinator.locator(
        "section", has=coordinator.get_by_role("heading", name=re.compile("Suggested matches"))
    )
    expect(drafts).to_contain_text("Lena Learner")
    expect(drafts).to_contain_text("Mo Mentor")
    expect(drafts).to_contain_text(re.compile("maths", re.IGNORECASE))  # a reason in words
    e2e.check(coordinator)
    coordinator.get_by_role("button", name="Accept all").click()
    expect(coordinator.get_by_text("Accepted 1 match.", exact=False)).to_be_visible()
    e2e.check(coordinator)
    coordinator.get_by_role("button", name="Publish accepted").click()
    expect(coordinator.get_by_text("Published 1 mentorship;", exact=False)).to_be_visible()
    _heading(e2e, coordinator, "Matching")

    # --- the pair sees each other; the mentee adds a goal ----------------------------------
    mentee.goto("/")
    _heading(e2e, mentee, "Hi Lena")
    expect(mentee.get_by_role("link", name="You have a mentor: Mo Mentor")).to_be_visible()
    expect(mentee.get_by_role("heading", name="Your mentor")).to_be_visible()
    expect(mentee.get_by_text("Your coordinator is finding the right mentor")).to_have_count(0)
    mentee.get_by_role("link", name="Add a goal").click()
    _heading(e2e, mentee, "New goal")
    mentee.get_by_label("Your goal").fill("Build a line-following robot")
    mentee.get_by_label("How you").fill("It follows a taped line for one metre")
    mentee.get_by_label("Target date").fill((today + timedelta(days=60)).isoformat())
    mentee.get_by_role("button", name="Add goal").click()
    _heading(e2e, mentee, "Build a line-following robot")

    mentor.goto("/")
    _heading(e2e, mentor, "Hi Mo")
    expect(mentor.get_by_role("heading", name="Lena Learner")).to_be_visible()
