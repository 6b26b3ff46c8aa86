"""A coordinator on a phone invites people: the form keeps the role just used, an invite has
its classroom screen with a QR code, revoking asks first, and a roster is checked then imported;
with and without JavaScript, axe on each page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

BAD_ROSTER = b"""Name,E-mail,Role
Ada Lovelace,ada@school.example,mentee
Boss,boss@school.example,coordinator
"""
GOOD_ROSTER = b"""Name,E-mail,Role,Interests
Ada Lovelace,ada@school.example,mentee,music
Bo Chen,bo@school.example,mentor,
"""


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_inviting_and_importing_a_roster_on_a_phone(e2e, world, javascript):
    page = e2e.new_page(javascript=javascript)
    page.goto("/login")
    e2e.check(page)
    page.get_by_label("E-mail").fill(world.email("coordinator"))
    page.get_by_label("Password", exact=True).fill(e2e.password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()
    e2e.check(page)

    invites = f"/programs/{world.program_id}/invites"
    page.goto(invites)
    expect(page.get_by_label("Joins as")).to_have_value("mentee")
    e2e.check(page, "invites" if javascript else None)
    page.get_by_label("Joins as").select_option("mentor")
    page.get_by_role("button", name="Create invite").click()
    expect(page.get_by_text(re.compile(r"Invite \w{4}-\w{4} is ready to share"))).to_be_visible()
    expect(page.get_by_label("Joins as")).to_have_value("mentor")
    copy = page.get_by_role("button", name="Copy link").first
    (expect(copy).to_be_visible if javascript else expect(copy).to_be_hidden)()
    e2e.check(page)

    page.get_by_role("link", name="QR code").last.click()
    expect(page.get_by_role("img", name=re.compile("QR code to join"))).to_be_visible()
    e2e.check(page, "invite-screen" if javascript else None)
    page.go_back()
    expect(page.get_by_label("Joins as")).to_have_value("mentor")
    e2e.check(page)
    page.get_by_role("link", name="Revoke…").last.click()
    expect(page.get_by_role("heading", level=1, name=re.compile("Revoke invite"))).to_be_visible()
    e2e.check(page)
    page.get_by_role("button", name="Revoke the invite").click()
    expect(page.get_by_text(re.compile("no longer works"))).to_be_visible()
    e2e.check(page)

    page.get_by_role("link", name="Import a roster (CSV)").click()
    expect(page.get_by_role("heading", level=1, name="Import a roster")).to_be_visible()
    e2e.check(page)
    files = page.get_by_label("Roster (CSV file)")
    files.set_input_files({"name": "bad.csv", "mimeType": "text/csv", "buffer": BAD_ROSTER})
    page.get_by_role("button", name="Check the file").click()
    expect(
        page.get_by_text("Coordinators are not imported from a roster", exact=False)
    ).to_be_visible()
    expect(page.get_by_role("button", name="Import 1 people")).to_be_disabled()
    e2e.check(page, "roster-problems" if javascript else None)

    page.get_by_role("link", name="upload it again").click()
    expect(page.get_by_role("heading", level=1, name="Import a roster")).to_be_visible()
    e2e.check(page)
    page.get_by_label("Roster (CSV file)").set_input_files(
        {"name": "good.csv", "mimeType": "text/csv", "buffer": GOOD_ROSTER}
    )
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_role("heading", name="Ready to import")).to_be_visible()
    e2e.check(page)
    page.get_by_role("button", name="Import 2 people").click()
    expect(page.get_by_text("Imported 2 people", exact=False)).to_be_visible()
    expect(
        page.get_by_text("2 personal invites from roster imports are still open")
    ).to_be_visible()
    e2e.check(page)
