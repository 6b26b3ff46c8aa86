"""A pair at risk: both pairs met this week; twelve days on (the clock moved forward) one pair
has gone two weekly periods without a meeting, the coordinator sees it on the at-risk page with
the reason, nudges it, and both of its people find the kind word on their home page."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from app import clock
from app.extensions import db
from app.models import CheckIn, Meeting, MeetingMode, MeetingStatus, Membership, Role, User
from game.weeks import week_of

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("midweek")]

NARROW = {"width": 320, "height": 640}


def _both_pairs_met_now(app, world) -> None:
    """A meeting each pair's mentor logged and held an hour ago: nobody is at risk."""
    now = clock.utcnow()
    with app.app_context():
        for mentorship_id, mentor in (
            (world.mentorship_id, "own_mentor"),
            (world.other_mentorship_id, "other_mentor"),
        ):
            mentor_id = db.session.scalar(
                sa.select(User.id).where(User.email == world.email(mentor))
            )
            db.session.add(
                Meeting(
                    mentorship_id=mentorship_id,
                    starts_at=now - timedelta(hours=1),
                    zone="Europe/London",
                    mode=MeetingMode.VIDEO,
                    status=MeetingStatus.HELD,
                    notes="A private meeting note",
                    created_by_id=mentor_id,
                    created_at=now,
                )
            )
        db.session.commit()


def test_a_quiet_pair_appears_and_the_coordinator_nudges_it(e2e, app, world, midweek):
    _both_pairs_met_now(app, world)
    coordinator = e2e.log_in(world.email("coordinator"))
    link = coordinator.get_by_role("link", name="Pairs at risk").first
    coordinator.goto(link.get_attribute("href"))
    expect(coordinator.get_by_role("heading", level=1, name="Pairs at risk")).to_be_visible()
    expect(coordinator.get_by_text("No pair shows a sign of trouble right now.")).to_be_visible()
    e2e.check(coordinator)

    clock.set_now(midweek + timedelta(days=12))  # Monday, two weeks on: two weeks without
    with app.app_context():  # the other pair met again last week
        db.session.add(
            Meeting(
                mentorship_id=world.other_mentorship_id,
                starts_at=midweek + timedelta(days=7),
                zone="Europe/London",
                mode=MeetingMode.VIDEO,
                status=MeetingStatus.HELD,
            )
        )
        db.session.commit()
    coordinator.reload()
    entry = coordinator.locator(f"#pair-{world.mentorship_id}")
    expect(entry).to_contain_text("Omar Mentor")
    expect(entry).to_contain_text("Mina Mentee")
    expect(entry).to_contain_text("No meeting in two weeks")
    expect(coordinator.locator(f"#pair-{world.other_mentorship_id}")).to_have_count(0)
    expect(coordinator.get_by_text("A private meeting note")).to_have_count(0)
    e2e.check(coordinator, "at-risk")

    entry.get_by_role("button", name="Nudge the pair").click()
    expect(coordinator.get_by_text("Both of them have a kind word from you")).to_be_visible()
    expect(coordinator.locator(f"#pair-{world.mentorship_id}")).to_contain_text("Nudged on")
    e2e.check(coordinator)

    for role in ("mentee", "own_mentor"):
        page = e2e.log_in(world.email(role))
        notice = page.get_by_role("link", name="Your program coordinator is thinking of you both")
        expect(notice).to_be_visible()


def test_the_list_and_the_help_requests_fit_a_320px_phone(e2e, app, world, midweek):
    """Both pairs are at risk from the start (matched four weeks ago, never met); the mentee's
    help request has waited three days."""
    with app.app_context():
        membership_id = db.session.scalar(
            sa.select(Membership.id)
            .join(User)
            .where(User.email == world.email("mentee"), Membership.role == Role.MENTEE)
        )
        db.session.add(
            CheckIn(
                membership_id=membership_id,
                week_key=str(week_of(midweek.date())),
                mood=2,
                wants_help=True,
                blocker="A private blocker",
                zone="Europe/London",
                created_at=midweek - timedelta(days=3),
                updated_at=midweek - timedelta(days=3),
            )
        )
        db.session.commit()
    page = e2e.new_page(viewport=NARROW)
    page.goto("/login")
    e2e.check(page)
    page.get_by_label("E-mail").fill(world.email("coordinator"))
    page.get_by_label("Password", exact=True).fill(e2e.password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_text("mentored by Omar Mentor")).to_be_visible()
    for path in ("/", f"/programs/{world.program_id}/at-risk"):
        page.goto(path)
        expect(page.get_by_text("Mina Mentee").first).to_be_visible()
        expect(page.get_by_text("A private blocker")).to_have_count(0)
        e2e.check(page)
        assert page.evaluate("document.documentElement.scrollWidth") <= NARROW["width"]
    expect(page.get_by_text("help request waiting")).to_be_visible()


def test_the_coordinator_writes_a_note_and_resolves_the_entry(e2e, app, world, midweek):
    """Both pairs were matched four weeks ago and never met: both are on the list. The note is
    added in place (the page is not reloaded); resolving takes the pair off the list, and its
    history stays a tap away under Resolved."""
    coordinator = e2e.log_in(world.email("coordinator"))
    coordinator.goto(f"/programs/{world.program_id}/at-risk")
    entry = coordinator.locator(f"#pair-{world.mentorship_id}")
    expect(entry).to_contain_text("No meeting in two weeks")
    e2e.check(coordinator)

    entry.get_by_role("link", name=re.compile("Notes, history and resolve")).click()
    expect(coordinator.get_by_role("heading", level=1, name="Notes and history")).to_be_visible()
    e2e.check(coordinator)
    coordinator.evaluate("window.stillHere = true")
    coordinator.get_by_label("Your note").fill("Called Omar: exams <b>this week</b>.")
    coordinator.get_by_role("button", name="Add the note").click()
    history = coordinator.locator("#care-history")
    expect(history).to_contain_text("Called Omar: exams <b>this week</b>.")
    expect(history).to_contain_text("Cora Coordinator")
    expect(coordinator.get_by_label("Your note")).to_have_value("")
    assert coordinator.evaluate("window.stillHere === true")
    e2e.check(coordinator, "at-risk-pair")

    coordinator.get_by_label("What was done (optional)").fill("They meet on Monday.")
    coordinator.get_by_role("button", name="Mark resolved").click()
    expect(
        coordinator.get_by_text("Marked resolved. Its history stays under Resolved.")
    ).to_be_visible()
    expect(coordinator.locator(f"#pair-{world.mentorship_id}")).to_have_count(0)
    expect(coordinator.locator(f"#pair-{world.other_mentorship_id}")).to_have_count(1)
    resolved = coordinator.locator(f"#resolved-{world.mentorship_id}")
    expect(resolved).to_contain_text("Mina Mentee")
    e2e.check(coordinator, "at-risk-resolved")

    resolved.get_by_role("link", name=re.compile("History")).click()
    expect(coordinator.get_by_text("Resolved on")).to_be_visible()
    expect(coordinator.locator("#care-history")).to_contain_text("They meet on Monday.")
    expect(coordinator.locator("#care-history")).to_contain_text("Called Omar")
    e2e.check(coordinator)

    page = e2e.log_in(world.email("own_mentor"))
    assert page.goto(f"/programs/{world.program_id}/at-risk/{world.mentorship_id}").status == 404
    e2e.check(page)
