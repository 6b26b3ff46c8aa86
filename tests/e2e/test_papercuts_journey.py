"""The papercuts a newcomer found, on a phone: labels that focus their own field, words that
stay whole at 320 px, meeting times in plain words, and a real question before anything is
destroyed, with JavaScript on and off. Each shows at 390×844 and 320×568."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from app.clock import utcnow
from app.extensions import db
from app.models import (
    Goal,
    Invite,
    Meeting,
    MeetingMode,
    MeetingStatus,
    Membership,
    Milestone,
    MilestoneStatus,
    Program,
    Role,
    User,
)

pytestmark = pytest.mark.browser

SMALL = {"width": 320, "height": 568}
LONG_NAME = "Saint Bartholomew's Interdisciplinary Intergenerational Mentorship Programme"

WORDS_SPLIT = """el => {
    const split = [];
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        for (const match of node.textContent.matchAll(/\\S+/g)) {
            const range = document.createRange();
            range.setStart(node, match.index);
            range.setEnd(node, match.index + match[0].length);
            if (range.getClientRects().length > 1) split.push(match[0]);
        }
    }
    return split;
}"""


def both_sizes(e2e, page: Page, name: str) -> None:
    """The per-page check and a screenshot at 390×844, then one at 320×568."""
    e2e.check(page, screenshot=f"{name}-390")
    e2e.screenshot(page, f"{name}-320", size=SMALL)


def _user(role_email: str) -> User:
    return db.session.scalar(sa.select(User).where(User.email == role_email))


def plan_meeting(e2e, world, *, mentee_zone: str, mentor_zone: str) -> int:
    """A meeting planned by the mentor for the day after tomorrow, 16:30 on the mentor's clock."""
    with e2e.app.app_context():
        mentor, mentee = _user(world.email("own_mentor")), _user(world.email("mentee"))
        mentor.time_zone, mentee.time_zone = mentor_zone, mentee_zone
        meeting = Meeting(
            mentorship_id=world.mentorship_id,
            starts_at=(utcnow() + timedelta(days=2)).replace(hour=16, minute=30, second=0),
            zone=mentor_zone,
            mode=MeetingMode.IN_PERSON,
            location="School library",
            created_by_id=mentor.id,
        )
        db.session.add(meeting)
        db.session.commit()
        return meeting.id


def test_the_action_label_focuses_the_action_field_and_notes_have_a_name(e2e, world):
    meeting_id = plan_meeting(e2e, world, mentee_zone="UTC", mentor_zone="UTC")
    page = e2e.log_in(world.email("own_mentor"))
    page.goto(f"/meetings/{meeting_id}")
    e2e.check(page)

    page.locator("label", has_text="Action").first.click()
    expect(page.locator("#action-text")).to_be_focused()
    page.locator("label", has_text="Add to the agenda").click()
    expect(page.locator("#agenda-text")).to_be_focused()
    notes = page.get_by_role("textbox", name="Shared notes")  # its accessible name
    notes.fill("We talked about the book list.")
    expect(notes).to_have_value("We talked about the book list.")
    both_sizes(e2e, page, "11-7-meeting-ids")


def test_long_names_codes_and_links_wrap_between_words_at_320(e2e, world):
    with e2e.app.app_context():
        db.session.get(Program, world.program_id).name = LONG_NAME
        db.session.commit()
    page = e2e.log_in(world.email("coordinator"), viewport=SMALL)
    page.goto(f"/programs/{world.program_id}/invites/{world.invite_id}")
    e2e.check(page)
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_contain_text(LONG_NAME)
    assert heading.evaluate(WORDS_SPLIT) == []
    link = page.locator(".invite-screen a.long-text")
    box = link.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= SMALL["width"], box
    assert page.locator(".code").evaluate(WORDS_SPLIT) == []
    e2e.screenshot(page, "11-9-long-words-320", size=SMALL)
    link.scroll_into_view_if_needed()
    e2e.screenshot(page, "11-9-long-words-link-320", size=SMALL)
    e2e.screenshot(page, "11-9-long-words-link-390")


def test_meeting_times_say_your_time_and_the_other_clock_only_when_it_differs(e2e, world):
    apart = plan_meeting(e2e, world, mentee_zone="Europe/London", mentor_zone="America/Chicago")
    page = e2e.log_in(world.email("mentee"))
    page.goto(f"/meetings/{apart}")
    when = page.locator(".meeting-summary dd").first
    expect(when).to_contain_text("your time")
    expect(when).to_contain_text("for Omar")
    expect(when).not_to_contain_text("America/Chicago")
    both_sizes(e2e, page, "11-10-time-zones-differ")

    together = plan_meeting(e2e, world, mentee_zone="Europe/London", mentor_zone="Europe/London")
    page.goto(f"/meetings/{together}")
    when = page.locator(".meeting-summary dd").first
    expect(when).to_contain_text("your time")
    expect(when).not_to_contain_text("for Omar")
    both_sizes(e2e, page, "11-10-time-same-zone")


# -- confirm before destroying ---------------------------------------------------------------


def _confirm_rows(e2e, world) -> dict[str, int]:
    """A second invite to revoke, and the mentee's goal with an open milestone to remove."""
    with e2e.app.app_context():
        invite = Invite(program_id=world.program_id, role=Role.MENTOR, uses_left=3)
        mentee = _user(world.email("mentee"))
        membership = db.session.scalar(
            sa.select(Membership).where(
                Membership.user_id == mentee.id, Membership.program_id == world.program_id
            )
        )
        goal = Goal(
            mentorship_id=world.mentorship_id,
            membership=membership,
            title="Read ten books",
            measure="Ten books",
            target_date=utcnow().date() + timedelta(weeks=8),
        )
        milestone = Milestone(goal=goal, title="First book", status=MilestoneStatus.OPEN)
        db.session.add_all([invite, goal, milestone])
        db.session.commit()
        return {"invite": invite.id, "goal": goal.id, "milestone": milestone.id}


def _invite_uses(e2e, invite_id: int) -> int:
    with e2e.app.app_context():
        return db.session.get(Invite, invite_id).uses_left


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_destroying_asks_first(e2e, world, javascript):
    rows = _confirm_rows(e2e, world)
    mode = "js" if javascript else "nojs"

    # Revoke an invite: a page of its own asks; "Keep it" changes nothing.
    coordinator = e2e.log_in(world.email("coordinator"), javascript=javascript)
    invites = f"/programs/{world.program_id}/invites"
    revoke = f"{invites}/{rows['invite']}/revoke"
    coordinator.goto(invites)
    e2e.check(coordinator)
    coordinator.locator(f"a[href='{revoke}']").click()
    expect(coordinator.get_by_role("heading", level=1)).to_contain_text("Revoke invite")
    both_sizes(e2e, coordinator, f"11-11-confirm-revoke-{mode}")
    coordinator.get_by_role("link", name="Keep it").click()
    expect(coordinator).to_have_url(f"{e2e.base_url}{invites}")
    e2e.check(coordinator)
    assert _invite_uses(e2e, rows["invite"]) == 3
    coordinator.locator(f"a[href='{revoke}']").click()
    e2e.check(coordinator)
    coordinator.get_by_role("button", name="Revoke the invite").click()
    expect(coordinator.locator(f"a[href='{revoke}']")).to_have_count(0)
    e2e.check(coordinator)
    assert _invite_uses(e2e, rows["invite"]) == 0

    # Remove a milestone: the same kind of page; "Keep it" goes back to the goal.
    mentee = e2e.log_in(world.email("mentee"), javascript=javascript)
    goal_url = f"/goals/{rows['goal']}"
    mentee.goto(goal_url)
    e2e.check(mentee)
    mentee.get_by_role("link", name="Remove “First book”").click()
    expect(mentee.get_by_role("heading", level=1)).to_have_text("Remove “First book”?")
    both_sizes(e2e, mentee, f"11-11-confirm-milestone-{mode}")
    mentee.get_by_role("link", name="Keep it").click()
    expect(mentee).to_have_url(f"{e2e.base_url}{goal_url}")
    expect(mentee.get_by_role("heading", name="First book")).to_be_visible()
    e2e.check(mentee)
    mentee.get_by_role("link", name="Remove “First book”").click()
    e2e.check(mentee)
    mentee.get_by_role("button", name="Remove the milestone").click()
    expect(mentee).to_have_url(f"{e2e.base_url}{goal_url}")
    expect(mentee.get_by_role("heading", name="First book")).to_have_count(0)
    e2e.check(mentee)

    # Archive a goal: done at once, and undone as cheaply from the goals list.
    mentee.get_by_role("button", name="Archive goal").click()
    expect(mentee.get_by_text("Goal archived. You can bring it back")).to_be_visible()
    e2e.check(mentee, screenshot=f"11-11-confirm-archive-{mode}-390")
    e2e.screenshot(mentee, f"11-11-confirm-archive-{mode}-320", size=SMALL)
    mentee.get_by_text("Archived (1)").click()
    mentee.get_by_role("link", name="Read ten books").click()
    e2e.check(mentee)
    mentee.get_by_role("button", name="Bring it back").click()
    expect(mentee.get_by_text("Goal back on the list.")).to_be_visible()
    expect(mentee.get_by_role("button", name="Archive goal")).to_be_visible()
    e2e.check(mentee)

    # Cancel a meeting: it needs a reason everyone will read.
    meeting_id = plan_meeting(e2e, world, mentee_zone="UTC", mentor_zone="UTC")
    mentor = e2e.log_in(world.email("own_mentor"), javascript=javascript)
    mentor.goto(f"/meetings/{meeting_id}")
    e2e.check(mentor)
    mentor.get_by_text("Cancel this meeting").click()
    mentor.get_by_role("button", name="Cancel meeting").click()
    expect(mentor.get_by_text("Say why, so everyone knows.")).to_be_visible()
    both_sizes(e2e, mentor, f"11-11-confirm-cancel-{mode}")
    with e2e.app.app_context():
        assert db.session.get(Meeting, meeting_id).status is MeetingStatus.SCHEDULED
    mentor.get_by_label("Why it is cancelled").fill("Sports day moved to Thursday")
    mentor.get_by_role("button", name="Cancel meeting").click()
    expect(mentor.locator(".pill-meeting-cancelled").first).to_be_visible()
    e2e.check(mentor)
    with e2e.app.app_context():
        assert db.session.get(Meeting, meeting_id).status is MeetingStatus.CANCELLED
