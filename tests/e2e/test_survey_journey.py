"""A mentee answers the pulse survey from their home on a phone (with and without JavaScript)
and on a laptop; the coordinator's outcomes show the pulse once it has closed with five answers.

The clock is moved a week past the world's start, into the fifth counted week (its break week
does not count), when the first pulse survey is open; then past the day it closes."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta

import pytest
from playwright.sync_api import Page, expect

from app import clock
from app.extensions import db
from app.models import Role, SurveyAnswer
from app.surveys.queries import open_slot
from app.surveys.service import survey_row

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("midweek")]


def _four_answers_already(app, world) -> date:
    """Four answers to the open pulse; the day it closes."""
    with app.app_context():
        slot = open_slot(world.program_id, clock.utcnow())
        assert slot is not None and slot.number == 1
        survey = survey_row(world.program_id, slot)
        db.session.add_all(
            SurveyAnswer(survey_id=survey.id, role=Role.MENTEE, relationship=3, usefulness=3)
            for _ in range(4)
        )
        db.session.commit()
        return survey.closes_on


def _pulse_row(page: Page):
    table = page.get_by_role("table", name=re.compile("Pulse survey scores"))
    return table.get_by_role("row", name=re.compile("Pulse 1 .*Everyone"))


@pytest.mark.parametrize(
    "profile",
    [{}, {"javascript": False}, {"mobile": False, "viewport": {"width": 1280, "height": 800}}],
    ids=["phone", "phone-no-js", "laptop"],
)
def test_a_mentee_answers_and_the_coordinator_sees_the_pulse(e2e, world, profile) -> None:
    clock.set_now(clock.utcnow() + timedelta(weeks=1))  # Wednesday of the first pulse's week
    closes = _four_answers_already(e2e.app, world)

    coordinator = e2e.log_in(world.email("coordinator"), **profile)
    coordinator.get_by_role("link", name="Outcomes").click()
    expect(coordinator.get_by_role("heading", name="Survey scores over time")).to_be_visible()
    coordinator.get_by_text("Data table: Pulse survey scores").click()
    open_until = f"open: results after it closes on {closes:%d %b}"
    expect(_pulse_row(coordinator)).to_contain_text(open_until)
    e2e.check(coordinator)

    mentee = e2e.log_in(world.email("mentee"), **profile)
    mentee.get_by_role("link", name="Answer the pulse survey").click()
    expect(mentee.get_by_role("heading", level=2, name="Pulse survey 1")).to_be_visible()
    e2e.check(mentee, "survey-pulse-phone" if not profile else None)
    mentee.get_by_role("button", name="Send my answers").click()  # nothing picked yet
    relationship = mentee.get_by_role("group", name="How is your mentoring relationship going?")
    expect(relationship.get_by_text("Pick a score from 1 to 5.")).to_be_visible()
    e2e.check(mentee)
    relationship.get_by_text("4", exact=True).click()
    usefulness = mentee.get_by_role("group", name="How useful are your meetings?")
    usefulness.get_by_text("5 – Excellent").click()
    mentee.get_by_label("Anything you'd like to tell the program? (optional)").fill(
        "Our meetings help me plan my week."
    )
    mentee.get_by_role("button", name="Send my answers").click()
    expect(mentee).to_have_url(f"{e2e.base_url}/")
    expect(mentee.get_by_text("Your answers are in").first).to_be_visible()
    expect(mentee.get_by_role("link", name="Answer the pulse survey")).to_have_count(0)
    e2e.check(mentee)

    coordinator.reload()  # still open: the fifth answer changes nothing a coordinator sees
    coordinator.get_by_text("Data table: Pulse survey scores").click()
    expect(_pulse_row(coordinator)).to_contain_text(open_until)

    clock.set_now(datetime.combine(closes + timedelta(days=1), time(12), UTC))
    coordinator.reload()
    coordinator.get_by_text("Data table: Pulse survey scores").click()
    expect(_pulse_row(coordinator)).to_contain_text("5")
    expect(_pulse_row(coordinator)).not_to_contain_text("hidden")
    expect(coordinator.get_by_role("img", name="Relationship quality")).to_be_visible()
    coordinator.get_by_text(re.compile(r"Pulse 1: 1 comment")).click()
    expect(coordinator.get_by_text("Our meetings help me plan my week.")).to_be_visible()
    e2e.check(coordinator, "survey-outcomes-phone" if not profile else None)
