"""The end of a program on a phone: the coordinator closes it after a confirmation step, the
mentee finds her certificate on her home page, it prints on exactly one page on A4 and on US
Letter (Chromium's own print to PDF), and its verification link opens for anyone."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from app import clock
from app.extensions import db
from app.models import BadgeEarned, Meeting, MeetingMode, MeetingStatus, Program, User

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("midweek")]

LAPTOP = {"width": 1280, "height": 800}
PAGE_OBJECT = re.compile(rb"/Type\s*/Page(?!s)")
BADGES = (
    ("first_step", 1),
    ("consistent", 3),
    ("unbroken", 1),
    ("milestone_maker", 2),
    ("goal_getter", 1),
    ("dream_team", 1),
    ("kudos", 1),
)


def _a_full_year(app, world) -> None:
    """A long program name, meetings held and every badge a mentee can show: the certificate
    at its fullest still fits one page."""
    now = clock.utcnow()
    with app.app_context():
        program = db.session.get(Program, world.program_id)
        program.name = "Hillside Community Mentoring Programme for Years 10 to 13"
        mentee = db.session.scalar(sa.select(User).where(User.email == world.email("mentee")))
        mentee.name = "Mina Alexandra Mentee-Montgomery"
        for weeks in range(1, 4):
            db.session.add(
                Meeting(
                    mentorship_id=world.mentorship_id,
                    starts_at=now - timedelta(weeks=weeks),
                    zone="Europe/London",
                    mode=MeetingMode.VIDEO,
                    status=MeetingStatus.HELD,
                    notes="A private meeting note",
                )
            )
        db.session.add_all(
            BadgeEarned(
                user_id=mentee.id,
                program_id=world.program_id,
                badge_id=badge,
                tier=tier,
                rule_version=1,
                subject="user",
            )
            for badge, tier in BADGES
        )
        db.session.commit()


def _pages(pdf: bytes) -> int:
    return len(PAGE_OBJECT.findall(pdf))


def test_a_program_closes_and_its_certificate_prints_on_one_page(e2e, app, world):
    _a_full_year(app, world)
    coordinator = e2e.log_in(world.email("coordinator"))
    coordinator.get_by_role("link", name="Program", exact=True).click()
    expect(coordinator.get_by_role("link", name="Close the program")).to_be_visible()
    e2e.check(coordinator)
    coordinator.get_by_role("link", name="Close the program").click()
    expect(coordinator.get_by_role("heading", level=1)).to_contain_text("Close Hillside")
    expect(coordinator.get_by_text("before its planned end")).to_be_visible()
    e2e.check(coordinator)
    coordinator.get_by_role("button", name="Close the program").click()
    expect(coordinator.get_by_role("heading", level=1, name="Certificates")).to_be_visible()
    expect(coordinator.get_by_text("4 issued")).to_be_visible()
    e2e.check(coordinator)

    mentee = e2e.log_in(world.email("mentee"))
    expect(mentee.get_by_role("heading", name="Your certificate")).to_be_visible()
    mentee.get_by_role("link", name=re.compile("your certificate")).click()
    expect(mentee.get_by_role("heading", name="Mina Alexandra Mentee-Montgomery")).to_be_visible()
    expect(mentee.get_by_role("button", name="Print")).to_be_visible()  # print.js ran
    expect(mentee.get_by_text("Consistent (gold)")).to_be_visible()
    e2e.check(mentee, screenshot="certificate")
    for viewport in (None, LAPTOP):  # the phone's own screen, then a laptop's
        if viewport:
            mentee.set_viewport_size(viewport)
        for paper in ("A4", "Letter"):
            pdf = mentee.pdf(format=paper)
            assert pdf.startswith(b"%PDF")
            assert _pages(pdf) == 1, f"{paper} from {viewport or 'a phone'}: {_pages(pdf)} pages"

    link = mentee.locator(".certificate-verify a").get_attribute("href")
    assert link.startswith(f"{e2e.base_url}/certificates/verify/")  # absolute, for paper
    anyone = e2e.new_page(javascript=False)
    anyone.goto(link)
    expect(anyone.get_by_role("heading", level=1)).to_have_text("A genuine Waypoint certificate")
    expect(anyone.get_by_text("Mina Alexandra Mentee-Montgomery")).to_be_visible()
    expect(anyone.get_by_text("A private meeting note")).to_have_count(0)
    e2e.check(anyone)
