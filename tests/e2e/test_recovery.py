"""A student who forgot a password: the coordinator hands over a one-time link, the student
chooses a new password with it and logs in again."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

NEW_PASSWORD = "harbour kite meadow 7"


def test_coordinator_hands_over_a_reset_link(e2e, world) -> None:
    coordinator = e2e.new_page()
    coordinator.goto("/login")
    e2e.check(coordinator)
    coordinator.get_by_label("E-mail").fill(world.email("coordinator"))
    coordinator.get_by_label("Password", exact=True).fill(e2e.password)
    coordinator.get_by_role("button", name="Log in").click()
    expect(coordinator.get_by_role("heading", level=1)).to_contain_text("Hi")
    e2e.check(coordinator)

    coordinator.goto(f"/programs/{world.program_id}/people")
    e2e.check(coordinator)
    name = coordinator.get_by_role("link", name="Mina Mentee", exact=True)
    row = coordinator.get_by_role("listitem").filter(has=name)
    row.get_by_role("button", name="Password reset link").click()
    expect(coordinator.get_by_role("heading", level=1, name="Password reset link")).to_be_visible()
    expect(coordinator.get_by_role("button", name="Copy the link")).to_be_visible()
    link = coordinator.get_by_label("Link").input_value()
    e2e.check(coordinator, "reset-link")

    student = e2e.new_page()
    student.goto(link)
    expect(student.get_by_role("heading", level=1, name="Choose a new password")).to_be_visible()
    e2e.check(student)
    student.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    student.get_by_label("New password again").fill(NEW_PASSWORD)
    student.get_by_role("button", name="Save the new password").click()
    expect(student.get_by_role("heading", level=1, name="Log in")).to_be_visible()
    expect(student.get_by_role("status")).to_contain_text("Your password is changed")
    e2e.check(student)
    student.get_by_label("E-mail").fill(world.email("mentee"))
    student.get_by_label("Password", exact=True).fill(NEW_PASSWORD)
    student.get_by_role("button", name="Log in").click()
    expect(student.get_by_role("heading", level=1, name="Hi Mina")).to_be_visible()
    e2e.check(student)
