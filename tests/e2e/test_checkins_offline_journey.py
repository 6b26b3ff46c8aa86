"""A check-in with no connection: the service worker keeps it on the phone (IndexedDB) and says
so, and it is sent once the phone is back online, counted once for its week.

Playwright's ``set_offline`` blocks the service worker's own fetches in Debian's Chromium (the
kept check-in reaches the server only after it is lifted), and headless Chromium fires the
Background Sync event when the emulated network comes back, even with no page of the app open.
A browser without Background Sync is played by hiding ``registration.sync`` in the worker:
then the next page load asks the worker to send what it kept.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from app import clock
from app.extensions import db
from app.models import CheckIn, Membership, User
from game.weeks import week_of

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("last_wednesday")]

KEPT = """() => new Promise((resolve, reject) => {
  const opening = indexedDB.open("waypoint-offline");
  opening.onerror = () => reject(opening.error);
  opening.onsuccess = () => {
    const db = opening.result;
    const all = db.transaction("checkins").objectStore("checkins").getAll();
    all.onsuccess = () => { db.close(); resolve(all.result); };
    all.onerror = () => reject(all.error);
  };
})"""


@pytest.fixture
def last_wednesday() -> Iterator[datetime]:
    """The server's clock at noon on Wednesday of last week, before the world is built.

    The phone stamps a kept check-in with its own (real) clock, which is then ahead of the
    server's: the server reads it as now, so the check-in lands mid-week whatever day and hour
    the test runs (before 06:00 on a Monday a check-in would fill the week before)."""
    now = datetime.now(UTC)
    wednesday = now - timedelta(days=now.weekday() - 2 + 7)
    clock.set_now(wednesday.replace(hour=12, minute=0, second=0, microsecond=0))
    yield clock.utcnow()
    clock.set_now(None)


def log_in(e2e, email: str) -> Page:
    """Logged in, with the service worker in control (it keeps the offline check-in)."""
    page = e2e.log_in(email)
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    return page


def rows(e2e, email: str) -> list[tuple[str, int | None, str]]:
    with e2e.app.app_context():
        db.session.remove()
        return [
            tuple(row)
            for row in db.session.execute(
                sa.select(CheckIn.week_key, CheckIn.mood, CheckIn.progress_note)
                .join(Membership, Membership.id == CheckIn.membership_id)
                .join(User, User.id == Membership.user_id)
                .where(User.email == email)
            )
        ]


def fill_check_in(page: Page, note: str) -> None:
    card = page.locator(".checkin-card")
    card.get_by_role("group", name="How are you this week?").get_by_role(
        "radio", name="4 – Good"
    ).click()
    card.get_by_text("Add a note").click()
    card.get_by_label("Progress this week").fill(note)


def wait_for_rows(e2e, email: str, count: int, seconds: float = 10) -> list[tuple]:
    deadline = time.monotonic() + seconds
    while len(found := rows(e2e, email)) < count and time.monotonic() < deadline:
        time.sleep(0.2)
    return found


def leave_app(page: Page) -> None:
    """No page of the app is open: only the worker can send what it kept."""
    page.goto("about:blank")


def open_home_back_online(page: Page) -> None:
    """Chromium's offline emulation reaches the service worker a moment after the page: a
    navigation in between still gets the app's offline page, whose Try again a person presses."""
    page.context.set_offline(False)
    page.goto("/")
    if page.get_by_role("heading", level=1, name="You're offline").is_visible():
        page.get_by_role("link", name="Try again").click()


def test_a_check_in_made_offline_is_kept_then_sent_once_by_background_sync(
    e2e, world, last_wednesday
):
    email = world.email("mentee")
    page = log_in(e2e, email)
    page.context.set_offline(True)
    fill_check_in(page, "Written on the bus")
    page.locator(".checkin-card").get_by_role("button", name="Check in").click()

    kept_card = page.locator("[data-kept-checkin]")
    expect(kept_card.get_by_role("heading", name="Saved on this phone")).to_be_visible()
    expect(kept_card).to_contain_text("It will be sent when you're back online.")
    expect(page.locator("#toasts")).to_contain_text("Saved on this phone.")  # heard, too
    e2e.check(page, "checkin-offline-kept")
    kept = page.evaluate(KEPT)
    assert len(kept) == 1
    assert "Written+on+the+bus" in kept[0]["body"] and "made_at=" in kept[0]["body"]
    assert "opened=" in kept[0]["body"]  # the form's signed opening rides along
    assert kept[0]["csrf"] and kept[0]["madeAt"].endswith("Z")
    page.wait_for_timeout(500)
    assert rows(e2e, email) == []  # the worker's own fetch is blocked too

    leave_app(page)
    page.context.set_offline(False)
    week = str(week_of(last_wednesday.date()))
    assert wait_for_rows(e2e, email, 1) == [(week, 4, "Written on the bus")]

    page.goto("/")  # the next page hears how it went
    expect(page.locator("#toasts")).to_contain_text(
        "Your check-in saved on this phone is in. Thank you!"
    )
    expect(page.locator(".checkin-card")).to_contain_text("Checked in ✓ this week")
    e2e.check(page)
    assert page.evaluate(KEPT) == []

    page.reload()  # nothing left to send, and the news was told once
    expect(page.locator(".checkin-card")).to_contain_text("Checked in ✓ this week")
    e2e.check(page)
    page.wait_for_timeout(1000)
    expect(page.locator("#toasts")).not_to_contain_text("saved on this phone")
    assert rows(e2e, email) == [(week, 4, "Written on the bus")]


def test_without_background_sync_the_next_page_load_sends_the_plain_form(
    e2e, world, last_wednesday
):
    email = world.email("mentee")
    page = log_in(e2e, email)
    (worker,) = page.context.service_workers
    worker.evaluate(  # a browser without Background Sync (Firefox, Safari)
        "Object.defineProperty(ServiceWorkerRegistration.prototype, 'sync', {get: () => undefined})"
    )
    page.context.set_offline(True)
    fill_check_in(page, "Sent without htmx")
    # form.submit() skips htmx's handler: the browser's own navigation POST, as with no script.
    page.locator(".checkin-card form").first.evaluate("form => form.submit()")
    expect(page.get_by_role("heading", level=1, name="Saved on this phone")).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("It will be sent when you're back online.")
    e2e.check(page, "checkin-offline-kept-page")
    assert len(page.evaluate(KEPT)) == 1

    leave_app(page)
    page.context.set_offline(False)
    page.wait_for_timeout(2000)
    assert rows(e2e, email) == []  # no sync: it waits for a page of the app

    page.goto("/")
    expect(page.locator("#toasts")).to_contain_text("saved on this phone is in")
    e2e.check(page)
    week = str(week_of(last_wednesday.date()))
    assert rows(e2e, email) == [(week, 4, "Sent without htmx")]
    page.reload()
    e2e.check(page)
    assert page.evaluate(KEPT) == []
    assert rows(e2e, email) == [(week, 4, "Sent without htmx")]


def test_one_that_arrives_too_late_is_refused_with_a_message_on_the_next_page(e2e, world):
    email = world.email("mentee")
    page = log_in(e2e, email)
    page.context.set_offline(True)
    fill_check_in(page, "Too late")
    page.locator(".checkin-card").get_by_role("button", name="Check in").click()
    expect(page.get_by_role("heading", name="Saved on this phone")).to_be_visible()
    e2e.check(page)

    leave_app(page)
    clock.set_now(datetime.now(UTC) + timedelta(days=10))  # the phone stayed offline too long
    open_home_back_online(page)
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("reached us after its week had closed")
    e2e.check(page, "checkin-offline-refused")
    assert page.evaluate(KEPT) == []
    assert rows(e2e, email) == []
    page.wait_for_timeout(500)  # the page has said it showed it
    page.reload()  # shown once
    e2e.check(page)
    expect(page.get_by_role("alert")).to_have_count(0)
