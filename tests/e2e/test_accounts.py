"""Joining, logging in and out, and editing one's account, in a phone's Chromium."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, Request, expect

from app.extensions import db
from app.models import Invite, Membership, Program, Role, User

pytestmark = pytest.mark.browser

NEW_PASSWORD = "maple lantern river 42"


def _users_named(e2e, email: str) -> list[User]:
    with e2e.app.app_context():
        return list(db.session.scalars(sa.select(User).where(User.email == email)))


def _record_posts(page: Page) -> list[Request]:
    posts: list[Request] = []
    page.on("request", lambda request: posts.append(request) if request.method == "POST" else None)
    return posts


def _log_in(e2e, page: Page, email: str, password: str, first_name: str) -> None:
    e2e.log_in_on(page, email, password)
    expect(page.get_by_role("heading", level=1, name=f"Hi {first_name}")).to_be_visible()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_invite_link_registration_logout_and_login_again(e2e, world, javascript):
    page = e2e.new_page(javascript=javascript)
    posts = _record_posts(page)
    shots = (lambda name: name) if javascript else (lambda name: None)

    page.goto(f"/join/{world.invite_code}")
    expect(page.get_by_role("heading", level=1, name="Create your account")).to_be_visible()
    expect(page.get_by_role("heading", name="Hillside Mentoring")).to_be_visible()
    zone = page.get_by_label("Time zone")
    with e2e.app.app_context():
        program_zone = db.session.get(Program, world.program_id).time_zone
    # app.js preselects the phone's own zone; without JavaScript the program's zone stays.
    expect(zone).to_have_value("America/Toronto" if javascript else program_zone)
    e2e.check(page, shots("register"))

    page.get_by_label("Your name").fill("Priya Patel")
    page.get_by_label("E-mail").fill("Priya@Test.Example")
    page.get_by_label("Choose a password").fill(NEW_PASSWORD)
    zone.fill("Asia/Kolkata")
    page.get_by_role("button", name="Create account and join").click()

    expect(page.get_by_role("heading", level=1, name="Hi Priya")).to_be_visible()
    expect(page).to_have_url(f"{e2e.base_url}/")
    expect(page.get_by_role("status")).to_contain_text("Welcome to Hillside Mentoring!")
    expect(page.get_by_role("heading", name="Your mentor")).to_be_visible()
    e2e.check(page, shots("home-mentee"))

    [user] = _users_named(e2e, "priya@test.example")
    assert (user.name, user.time_zone) == ("Priya Patel", "Asia/Kolkata")
    with e2e.app.app_context():
        roles = db.session.execute(
            sa.select(Membership.program_id, Membership.role).where(Membership.user_id == user.id)
        ).all()
        assert roles == [(world.program_id, Role.MENTEE)]
        assert db.session.get(Invite, world.invite_id).uses_left == 4

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Account").click()
    expect(page.get_by_role("heading", level=1, name="Your account")).to_be_visible()
    expect(page.get_by_label("Time zone")).to_have_value("Asia/Kolkata")
    e2e.check(page, shots("account"))

    page.get_by_role("button", name="Log out", exact=True).click()
    expect(page.get_by_role("heading", level=1, name="Log in")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("You have logged out")
    expect(page.get_by_role("navigation", name="Main")).to_have_count(0)
    e2e.check(page, shots("login"))

    page.goto("/account")
    expect(page).to_have_url(re.compile(r"/login\?next=(%2F|/)account$"))
    e2e.check(page)

    _log_in(e2e, page, "priya@test.example", NEW_PASSWORD, "Priya")

    # Every change was a real POST: through htmx with the header token when JavaScript runs,
    # a plain form submission (the hidden token) when it does not.
    assert len(posts) == 3, [p.url for p in posts]
    for post in posts:
        headers = post.all_headers()
        if javascript:
            assert headers.get("hx-request") == "true", post.url
            assert headers.get("x-csrftoken"), post.url
        else:
            assert post.resource_type == "document", post.url
            assert "hx-request" not in headers, post.url
            assert "csrf_token=" in (post.post_data or ""), post.url


def test_typing_a_code_on_join_opens_registration(e2e, world):
    page = e2e.new_page()
    page.goto("/")
    e2e.check(page, "welcome")
    page.get_by_role("link", name="Join with an invite code").click()
    expect(page.get_by_role("heading", level=1, name="Join a program")).to_be_visible()
    e2e.check(page, "join")

    code_field = page.get_by_label("Invite code")
    code_field.fill("zzzz 9999")
    page.get_by_role("button", name="Continue").click()
    expect(code_field).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_text("We couldn't find an open invite with that code.")).to_be_visible()
    e2e.check(page)

    typed = " " + world.invite_code.lower().replace("-", " ") + " "  # " abcd 2345 "
    code_field.fill(typed)
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(f"{e2e.base_url}/join/{world.invite_code}")
    expect(page.get_by_role("heading", level=1, name="Create your account")).to_be_visible()
    e2e.check(page)


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_short_password_error_is_next_to_its_field_and_nothing_is_created(e2e, world, javascript):
    page = e2e.new_page(javascript=javascript)
    page.goto(f"/join/{world.invite_code}")
    e2e.check(page)
    page.get_by_label("Your name").fill("Sam Short")
    page.get_by_label("E-mail").fill("sam@test.example")
    page.get_by_label("Choose a password").fill("short")
    page.get_by_label("Time zone").fill("Europe/Paris")
    page.get_by_role("button", name="Create account and join").click()

    password = page.get_by_label("Choose a password")
    expect(password).to_have_attribute("aria-invalid", "true")
    described_by = (password.get_attribute("aria-describedby") or "").split()
    errors = [i for i in described_by if page.locator(f"#{i}.error").count()]
    assert len(errors) == 1, f"aria-describedby={described_by} names no error message"
    message = page.locator(f"#{errors[0]}")
    expect(message).to_have_text("Use at least 8 characters.")
    expect(message).to_be_visible()
    # Next to the field: in the same field group, just below the input.
    assert password.evaluate(
        "(el, id) => el.parentElement.contains(document.getElementById(id))", errors[0]
    )
    field_box, message_box = password.bounding_box(), message.bounding_box()
    assert 0 <= message_box["y"] - (field_box["y"] + field_box["height"]) < 100
    e2e.check(page, "register-error" if javascript else None)

    # The other answers are kept and are not marked wrong; the password is not sent back.
    expect(page.get_by_label("Your name")).to_have_value("Sam Short")
    expect(page.get_by_label("E-mail")).to_have_value("sam@test.example")
    expect(page.get_by_label("Time zone")).to_have_value("Europe/Paris")
    expect(password).to_have_value("")
    for label in ("Your name", "E-mail", "Time zone"):
        expect(page.get_by_label(label)).not_to_have_attribute("aria-invalid", re.compile("."))

    assert _users_named(e2e, "sam@test.example") == []
    with e2e.app.app_context():
        assert db.session.get(Invite, world.invite_id).uses_left == 5
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Membership)) == 6


def test_saving_the_account_through_htmx_sends_the_csrf_header(e2e, world):
    page = e2e.new_page()
    _log_in(e2e, page, world.email("mentee"), e2e.password, "Mina")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Account").click()
    expect(page.get_by_role("heading", level=1, name="Your account")).to_be_visible()
    e2e.check(page)

    token = page.locator('meta[name="csrf-token"]').get_attribute("content")
    profile = page.locator("form", has=page.get_by_label("Your name"))
    # Take the hidden field out: only the X-CSRFToken header that app.js adds can pass now.
    profile.locator('input[name="csrf_token"]').evaluate("input => input.remove()")
    profile.get_by_label("Your name").fill("Minerva Mentee")
    with page.expect_request(lambda r: r.method == "POST") as posted:
        profile.get_by_role("button", name="Save", exact=True).click()
    headers = posted.value.all_headers()
    assert headers.get("hx-request") == "true"
    assert headers.get("hx-boosted") == "true"
    assert headers.get("x-csrftoken") == token
    assert "csrf_token=" not in (posted.value.post_data or "")

    expect(page.get_by_role("status")).to_contain_text("Saved.")
    expect(page.get_by_label("Your name")).to_have_value("Minerva Mentee")
    e2e.check(page, "account-saved")
    [user] = _users_named(e2e, world.email("mentee"))
    assert user.name == "Minerva Mentee"

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Home").click()
    expect(page.get_by_role("heading", level=1, name="Hi Minerva")).to_be_visible()
    e2e.check(page)
