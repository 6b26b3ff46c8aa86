"""The mentor's home for a busy teacher, on a phone: one compact card per mentee (mood trend,
help flag, reviews waiting, next meeting), the review queue first when it has items, and the
reply form loaded into the card only when "Reply" is tapped (a page of its own without
JavaScript). Two mentees fit in about one and a half screens of a 390×844 phone."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import Locator, Page, expect

from app import clock
from app.extensions import db
from app.models import (
    CheckIn,
    Goal,
    Meeting,
    MeetingMode,
    MeetingStatus,
    Membership,
    Mentorship,
    MentorshipMember,
    MentorshipStatus,
    Milestone,
    MilestoneStatus,
    ParticipantProfile,
    Program,
    Role,
    User,
)
from game.weeks import week_of
from matching.profiles import STYLES

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("midweek")]

SCREEN = 844
BLOCKER = "Worried about the maths test"
REPLY = "Thanks for telling me. Let's go through it on Thursday."


def _membership(email: str) -> Membership:
    return db.session.scalar(
        sa.select(Membership)
        .join(User)
        .where(User.email == email, Membership.role != Role.COORDINATOR)
    )


def busy_mentor(app, world, *, waiting_review: bool = True) -> dict[str, int]:
    """The world's mentor with a second mentee; both checked in for four weeks (the first asks
    for help this week), both have a meeting planned and one held, and the first has a
    milestone waiting for review. Returns the ids a test needs."""
    now = clock.utcnow()
    with app.app_context():
        mentor = _membership(world.email("own_mentor"))
        mentee = _membership(world.email("mentee"))
        # A mentor long past onboarding: no checklist above the cards.
        mentor.agreed_version = db.session.get(Program, world.program_id).agreement_version
        db.session.add(
            ParticipantProfile(
                membership_id=mentor.id, availability="Tue after school", style=next(iter(STYLES))
            )
        )
        second_user = User(
            name="Nia Second",
            email="nia@test.example",
            password_hash="not a hash: cannot log in",
            time_zone="Europe/London",
        )
        second = Membership(user=second_user, program_id=world.program_id, role=Role.MENTEE)
        pair = Mentorship(
            program_id=world.program_id,
            status=MentorshipStatus.ACTIVE,
            members=[
                MentorshipMember(membership_id=mentor.id),
                MentorshipMember(membership=second),
            ],
        )
        db.session.add(pair)
        db.session.flush()
        week = week_of(now.date())
        weeks = [week]
        for _ in range(3):
            weeks.insert(0, weeks[0].previous())
        help_id = None
        for member, moods in ((mentee, (4, 3, 3, 2)), (second, (3, 4, 5, 4))):
            for n, (key, mood) in enumerate(zip(weeks, moods, strict=True)):
                at = now - timedelta(days=7 * (3 - n))
                checkin = CheckIn(
                    membership_id=member.id,
                    week_key=str(key),
                    zone="Europe/London",
                    mood=mood,
                    created_at=at,
                    updated_at=at,
                    progress_note=f"Week {n + 1} went fine",
                    acknowledged_at=None if n == 3 else at,
                )
                if member is mentee and n == 3:
                    checkin.blocker, checkin.wants_help = BLOCKER, True
                db.session.add(checkin)
                db.session.flush()
                if member is mentee and n == 3:
                    help_id = checkin.id
        for mentorship_id in (world.mentorship_id, pair.id):
            for starts_at, status in (
                (now - timedelta(days=5), MeetingStatus.HELD),
                (now + timedelta(days=2), MeetingStatus.SCHEDULED),
            ):
                db.session.add(
                    Meeting(
                        mentorship_id=mentorship_id,
                        starts_at=starts_at,
                        zone="Europe/London",
                        minutes=30,
                        mode=MeetingMode.IN_PERSON,
                        location="Library",
                        status=status,
                    )
                )
        milestone = None
        if waiting_review:
            goal = Goal(
                mentorship_id=world.mentorship_id,
                membership_id=mentee.id,
                title="Raise my maths grade from C to B",
                measure="My end-of-term grade",
                target_date=now.date() + timedelta(days=60),
                why="I want to take A-level maths.",
            )
            milestone = Milestone(title="Finish the practice paper", position=0)
            milestone.status = MilestoneStatus.WAITING
            milestone.submitted_at = now
            goal.milestones.append(milestone)
            db.session.add(goal)
        db.session.commit()
        return {
            "help_checkin": help_id,
            "second_mentorship": pair.id,
            "milestone": milestone.id if milestone else None,
        }


def home_height(page: Page) -> int:
    return page.evaluate("document.documentElement.scrollHeight")


def card(page: Page, mentorship_id: int) -> Locator:
    return page.locator(f"#mentee-card-{mentorship_id}")


def settled(page: Page) -> Page:
    """The page once its toasts have faded in (axe would measure a half-transparent one)."""
    page.wait_for_function("() => document.getAnimations().every(a => a.playState === 'finished')")
    return page


def test_two_mentees_fit_in_one_and_a_half_screens_review_queue_first(e2e, world):
    busy_mentor(e2e.app, world)
    mentor = e2e.new_page(viewport={"width": 390, "height": SCREEN})
    e2e.log_in_on(mentor, world.email("own_mentor"))
    queue = mentor.get_by_role("heading", name="Waiting for your review")
    first_card = mentor.locator(".mentee-card").first
    expect(mentor.locator(".mentee-card")).to_have_count(2)
    assert queue.bounding_box()["y"] < first_card.bounding_box()["y"]
    mina = card(mentor, world.mentorship_id)
    expect(mina).to_contain_text("1 help request")
    expect(mina).to_contain_text("1 waiting for review")
    expect(mina).to_contain_text("Last met 5 days ago")
    expect(
        mina.get_by_role("img", name=re.compile(r"^Mood, last 4 weeks, oldest first: "))
    ).to_have_attribute("aria-label", re.compile(r"2 – Low\. Falling, from 4 to 2 out of 5\.$"))
    expect(mina.get_by_label("Reply (optional)")).to_have_count(0)  # collapsed
    expect(mina.locator(".game-mentee")).to_be_hidden()  # behind "More"
    height = home_height(mentor)
    assert height <= 1.5 * SCREEN, f"the mentor home is {height}px tall at 390×844"
    e2e.check(mentor, "11-5-mentor-home-390")

    mina.locator(".mentee-more > summary").click()
    expect(mina.locator(".game-mentee")).to_be_visible()
    expect(mina.get_by_role("link", name="Goals")).to_be_visible()
    e2e.check(mentor)

    mentor.set_viewport_size({"width": 320, "height": 568})
    mentor.reload()
    e2e.check(mentor)
    e2e.screenshot(mentor, "11-5-mentor-home-320", size={"width": 320, "height": 568})


def test_without_reviews_waiting_the_cards_come_first(e2e, world):
    busy_mentor(e2e.app, world, waiting_review=False)
    mentor = e2e.new_page(viewport={"width": 390, "height": SCREEN})
    e2e.log_in_on(mentor, world.email("own_mentor"))
    expect(mentor.get_by_role("heading", name="Waiting for your review")).to_have_count(0)
    expect(mentor.get_by_text("Nothing waiting for your review.")).to_be_visible()
    assert home_height(mentor) <= 1.5 * SCREEN
    e2e.check(mentor)


def test_reply_opens_in_the_card_and_the_card_updates(e2e, world):
    ids = busy_mentor(e2e.app, world)
    mentor = e2e.log_in(world.email("own_mentor"))
    mina = card(mentor, world.mentorship_id)
    mina.get_by_role("link", name="Reply to Mina Mentee").click()
    field = mina.get_by_label("Reply (optional)")
    expect(field).to_be_focused()
    expect(mina).to_contain_text(BLOCKER)
    assert mentor.url == f"{e2e.base_url}/"  # loaded into the card, no new page
    expect(card(mentor, ids["second_mentorship"]).get_by_label("Reply (optional)")).to_have_count(0)
    e2e.check(mentor)

    field.fill(REPLY)
    mina.get_by_role("button", name="Acknowledge").click()
    expect(mentor.locator(".toast")).to_contain_text("Sent. Your mentee will see it.")
    expect(mina).not_to_contain_text("help request")
    expect(mina).not_to_contain_text("new check-in")
    expect(mina.get_by_role("link", name="Reply to Mina Mentee")).to_have_count(0)
    expect(mina.get_by_label("Reply (optional)")).to_have_count(0)
    expect(card(mentor, ids["second_mentorship"])).to_contain_text("1 new check-in")
    e2e.check(settled(mentor), "11-5-mentor-home-replied-390")

    with e2e.app.app_context():
        checkin = db.session.get(CheckIn, ids["help_checkin"])
        assert checkin.reply == REPLY and not checkin.help_open


def test_reply_without_javascript_goes_to_its_page(e2e, world):
    ids = busy_mentor(e2e.app, world)
    mentor = e2e.log_in(world.email("own_mentor"), javascript=False)
    card(mentor, world.mentorship_id).get_by_role("link", name="Reply to Mina Mentee").click()
    expect(mentor).to_have_url(f"{e2e.base_url}/checkins/{ids['help_checkin']}/acknowledge")
    expect(mentor.get_by_role("heading", level=1, name="Reply to a check-in")).to_be_visible()
    expect(mentor.get_by_text(BLOCKER)).to_be_visible()
    e2e.check(mentor)

    mentor.get_by_label("Reply (optional)").fill(REPLY)
    mentor.get_by_role("button", name="Acknowledge").click()
    expect(mentor).to_have_url(f"{e2e.base_url}/")
    expect(mentor.get_by_text("Acknowledged. Your mentee will see it.")).to_be_visible()
    mina = card(mentor, world.mentorship_id)
    expect(mina).not_to_contain_text("help request")
    expect(mina.get_by_role("link", name="Reply to Mina Mentee")).to_have_count(0)
    e2e.check(mentor)
    with e2e.app.app_context():
        assert db.session.get(CheckIn, ids["help_checkin"]).reply == REPLY
