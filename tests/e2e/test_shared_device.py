"""A school computer after logout: Back shows no private page, the browser keeps no copy of
one, and copies of the old cookies are refused."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from app.clock import utcnow
from app.extensions import db
from app.models import Meeting, MeetingMode, MeetingStatus

pytestmark = pytest.mark.browser

SECRET = "Secret-note-7Q4Z: worried about home"

# Everything the page's origin keeps: web storage, and every response in CacheStorage.
READ_STORAGE = """async () => {
  const kept = [JSON.stringify(sessionStorage), JSON.stringify(localStorage)];
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    for (const request of await cache.keys()) {
      kept.push(request.url, await (await cache.match(request)).text());
    }
  }
  return kept.join("\\n");
}"""


def _meeting_with_notes(e2e, world) -> int:
    with e2e.app.app_context():
        meeting = Meeting(
            mentorship_id=world.mentorship_id,
            starts_at=utcnow() - timedelta(days=1),
            zone="Europe/London",
            minutes=45,
            mode=MeetingMode.IN_PERSON,
            location="Room 12",
            status=MeetingStatus.SCHEDULED,
            notes=SECRET,
        )
        db.session.add(meeting)
        db.session.commit()
        return meeting.id


def test_after_logout_nothing_private_is_left_on_a_shared_computer(e2e, world) -> None:
    meeting_id = _meeting_with_notes(e2e, world)
    page = e2e.new_page()
    e2e.log_in_on(page, world.email("mentee"), remember=True)

    # Boosted navigation, so that htmx would file each page it leaves in its history cache.
    page.goto(f"/mentorships/{world.mentorship_id}/meetings")
    e2e.check(page)
    page.locator(f'a[href="/meetings/{meeting_id}"]').first.click()
    expect(page.get_by_text(SECRET)).to_be_visible()
    e2e.check(page)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Account").click()
    expect(page.get_by_role("heading", level=1, name="Your account")).to_be_visible()
    e2e.check(page)
    old_cookies = page.context.cookies()
    assert {cookie["name"] for cookie in old_cookies} >= {"session", "remember_token"}

    page.get_by_role("button", name="Log out", exact=True).click()
    expect(page.get_by_role("heading", level=1, name="Log in")).to_be_visible()
    e2e.check(page)

    for _ in range(5):  # Back, Back, Back...: asked of the server again, as nobody
        page.go_back()
        page.wait_for_load_state("load")
        assert SECRET not in page.content(), f"Back showed {page.url}"
        expect(page.get_by_role("navigation", name="Main")).to_have_count(0)
        e2e.check(page)
    assert SECRET not in page.evaluate(READ_STORAGE)

    for kept in (["session", "remember_token"], ["remember_token"], ["session"]):
        copy = e2e.new_page()
        copy.context.add_cookies([c for c in old_cookies if c["name"] in kept])
        copy.goto(f"/meetings/{meeting_id}")
        expect(copy).to_have_url(re.compile(r"/login\?next="))
        assert SECRET not in copy.content(), f"the old {kept} cookies were accepted"
        e2e.check(copy)
