"""A meeting from plan to "held": the mentor plans it on a phone, adds to the agenda, saves it
to a calendar; once it has started, the mentee and the mentor each tap "We met"."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from playwright.sync_api import Locator, Page, expect

from app import clock
from game import clock_words

pytestmark = pytest.mark.browser

LONDON = ZoneInfo("Europe/London")  # where the world's people live


@pytest.fixture
def pinned_clock():
    """The live server runs in this process, so the test can move its clock forward."""
    start = datetime.now(UTC).replace(second=0, microsecond=0)
    clock.set_now(start)
    yield start
    clock.set_now(None)


def log_in(e2e, world, role: str) -> Page:
    return e2e.log_in(world.email(role))


def follow(link: Locator) -> None:
    """Open a link's page. Not by clicking: a boosted click first re-records the page it leaves
    (htmx's history replaceState), which the harness would count as a visit never checked."""
    link.page.goto(link.get_attribute("href"))


def test_planning_and_holding_a_meeting(e2e, world, pinned_clock):
    starts = (pinned_clock + timedelta(days=1)).astimezone(LONDON).replace(hour=15, minute=30)

    mentor = log_in(e2e, world, "own_mentor")
    follow(mentor.get_by_role("link", name="Plan a meeting"))
    expect(mentor.get_by_role("heading", level=1, name="Plan a meeting")).to_be_visible()
    e2e.check(mentor)
    mentor.get_by_label("Date").fill(f"{starts:%Y-%m-%d}")
    mentor.get_by_label("Start time").fill(f"{starts:%H:%M}")
    mentor.get_by_role("radio", name="In person").check()
    mentor.get_by_label("Place or link").fill("School library")
    e2e.check(mentor, "meeting-plan")
    mentor.get_by_role("button", name="Plan meeting").click()
    expect(mentor.get_by_role("heading", level=1, name="Meeting with Mina Mentee")).to_be_visible()
    said = clock_words.span(starts, starts + timedelta(minutes=45), "Europe/London")
    expect(mentor.get_by_text(said)).to_be_visible()  # "Tue 1 Dec, 3:30–4:15 pm"
    e2e.check(mentor)
    meeting_url = mentor.url

    # The agenda item is appended in place: same page, no reload.
    mentor.get_by_label("Add to the agenda").fill("Revision plan for the mocks")
    mentor.get_by_role("button", name="Add", exact=True).click()
    agenda = mentor.locator("#agenda")
    expect(agenda.get_by_role("listitem")).to_have_count(1)
    expect(agenda.get_by_role("listitem")).to_contain_text("Revision plan for the mocks")
    expect(mentor.get_by_label("Add to the agenda")).to_have_value("")
    assert mentor.url == meeting_url

    with mentor.expect_download() as download:
        mentor.get_by_role("link", name="Add to my calendar").click()
    event = Calendar.from_ical(Path(download.value.path()).read_bytes()).walk("VEVENT")[0]
    assert event.decoded("dtstart") == starts
    assert str(event["summary"]) == "Mentoring with Mina Mentee"
    e2e.check(mentor, "meeting-page")

    clock.set_now(starts.astimezone(UTC) + timedelta(minutes=40))

    mentee = log_in(e2e, world, "mentee")
    next_meeting = mentee.locator("section", has=mentee.get_by_role("heading", name="Next meeting"))
    expect(next_meeting).to_contain_text("In person with Omar Mentor · School library")
    next_meeting.scroll_into_view_if_needed()
    e2e.screenshot(mentee, "mentee-home-next-meeting")
    follow(next_meeting.get_by_role("link").first)
    mentee.get_by_role("button", name="We met").click()
    who = mentee.locator("#confirm").get_by_role("listitem")
    expect(who.filter(has_text="Mina Mentee")).to_contain_text("confirmed")
    expect(who.filter(has_text="Omar Mentor")).to_contain_text("not yet")
    expect(mentee.locator("#confirm")).not_to_contain_text("Held")
    e2e.check(mentee)

    mentor.reload()
    mentor.get_by_role("button", name="We met").click()
    expect(mentor.locator("#confirm")).to_contain_text("Held ✓")
    expect(mentor.locator("#summary")).to_contain_text("held")
    expect(mentor.locator("#summary").get_by_role("link", name="Move")).to_have_count(0)
    expect(mentor.get_by_text("Cancel this meeting")).to_have_count(0)
    expect(mentor.locator(".toast")).to_contain_text("You met")
    e2e.check(mentor, "meeting-held")
