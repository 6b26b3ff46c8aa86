"""Logging in: rate limits that stop before any hashing, one answer for unknown e-mail and wrong
password, rehashing when the argon2 parameters change, and no redirect off the site."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher
from web_support import PASSWORD, error_page_message, field_error, is_logged_in, log_in

from app.extensions import db
from app.models import User

LIMITED = (
    "429 Slow down a little: Too many attempts in a short time. Wait a few minutes and try again."
)


@pytest.fixture
def argon2_calls(monkeypatch) -> list[str]:
    """Every argon2 hash or verification the app does, whichever helper it goes through."""
    calls: list[str] = []
    real_hash, real_verify = PasswordHasher.hash, PasswordHasher.verify

    def counted_hash(self, *args, **kwargs):
        calls.append("hash")
        return real_hash(self, *args, **kwargs)

    def counted_verify(self, *args, **kwargs):
        calls.append("verify")
        return real_verify(self, *args, **kwargs)

    monkeypatch.setattr(PasswordHasher, "hash", counted_hash)
    monkeypatch.setattr(PasswordHasher, "verify", counted_verify)
    return calls


def _assert_limited(response) -> None:
    assert response.status_code == 429
    assert error_page_message(response.get_data(as_text=True)) == LIMITED


def test_per_account_limit_stops_before_hashing(make_app, world, argon2_calls) -> None:
    app = make_app(LOGIN_LIMIT_PER_ACCOUNT="3 per minute")
    client = app.test_client()
    email = world.email("mentee")
    for spelling in (email, email.upper(), f"  {email} "):  # the same account, however typed
        assert log_in(client, spelling, "wrong password").status_code == 422
    assert argon2_calls.count("verify") == 3

    calls_before = len(argon2_calls)
    _assert_limited(log_in(client, email, "wrong password"))
    _assert_limited(log_in(client, email))  # even the right password waits
    assert len(argon2_calls) == calls_before, "a limited attempt must not reach argon2"
    assert not is_logged_in(client)

    other = log_in(client, world.email("own_mentor"))
    assert other.status_code == 303, "another account from the same address is not limited"


def test_per_account_limit_counts_unknown_emails_too(make_app, world, argon2_calls) -> None:
    app = make_app(LOGIN_LIMIT_PER_ACCOUNT="2 per minute")
    client = app.test_client()
    for _ in range(2):
        assert log_in(client, "nobody@test.example", "whatever1").status_code == 422
    calls_before = len(argon2_calls)
    _assert_limited(log_in(client, "nobody@test.example", "whatever1"))
    assert len(argon2_calls) == calls_before


def test_per_address_limit_stops_before_hashing(make_app, world, argon2_calls) -> None:
    app = make_app(LOGIN_LIMIT_PER_ADDRESS="3 per minute")
    client = app.test_client()
    for number in range(3):
        assert log_in(client, f"guess{number}@test.example", "wrong").status_code == 422
    calls_before = len(argon2_calls)
    _assert_limited(log_in(client, "guess-4@test.example", "wrong"))
    _assert_limited(log_in(client, world.email("mentee")))
    assert len(argon2_calls) == calls_before, "a limited attempt must not reach argon2"

    elsewhere = app.test_client()
    form = {"email": world.email("mentee"), "password": PASSWORD}
    response = elsewhere.submit("/login", form, environ_base={"REMOTE_ADDR": "10.9.8.7"})
    assert response.status_code == 303, "another address is not limited"


def test_successful_logins_are_not_counted(make_app, world) -> None:
    """A student logging in on six devices in a few minutes is not refused."""
    app = make_app(
        LOGIN_LIMIT_PER_ADDRESS="2 per minute",
        LOGIN_LIMIT_PER_ADDRESS_AND_ACCOUNT="2 per minute",
        LOGIN_LIMIT_PER_ACCOUNT="2 per minute",
    )
    for _ in range(6):
        assert log_in(app.test_client(), world.email("mentee")).status_code == 303


def _from(app, address: str, email: str, password: str = PASSWORD):
    form = {"email": email, "password": password}
    return app.test_client().submit("/login", form, environ_base={"REMOTE_ADDR": address})


def test_a_stranger_elsewhere_cannot_lock_the_account(make_app, world) -> None:
    """Guessing from one address stops that address, not the person's own logins."""
    app = make_app()  # the defaults: 5 failures per address and account in 10 minutes
    email = world.email("mentee")
    for _ in range(5):
        assert _from(app, "203.0.113.66", email, "guess").status_code == 422
    _assert_limited(_from(app, "203.0.113.66", email))
    assert _from(app, "198.51.100.7", email).status_code == 303


def test_the_account_ceiling_stops_guessing_from_many_addresses(
    make_app, world, argon2_calls
) -> None:
    app = make_app(LOGIN_LIMIT_PER_ACCOUNT="4 per minute")
    email = world.email("mentee")
    for number in range(4):
        assert _from(app, f"203.0.113.{number}", email, "guess").status_code == 422
    calls_before = len(argon2_calls)
    _assert_limited(_from(app, "203.0.113.99", email))
    assert len(argon2_calls) == calls_before


def test_the_current_password_check_is_throttled(make_app, world, argon2_calls) -> None:
    app = make_app(LOGIN_LIMIT_PER_ADDRESS_AND_ACCOUNT="2 per minute")
    client = app.test_client()
    assert log_in(client, world.email("mentee")).status_code == 303
    form = {"current_password": "a guess", "password": "new and long", "confirm": "new and long"}
    for _ in range(2):
        assert client.submit("/account/password", form).status_code == 422
    calls_before = len(argon2_calls)
    _assert_limited(client.submit("/account/password", {**form, "current_password": PASSWORD}))
    assert len(argon2_calls) == calls_before, "a limited check must not reach argon2"
    _assert_limited(log_in(app.test_client(), world.email("mentee"), "another guess"))


def test_login_page_itself_is_not_limited(make_app, world) -> None:
    app = make_app(LOGIN_LIMIT_PER_ADDRESS="1 per minute", LOGIN_LIMIT_PER_ACCOUNT="1 per minute")
    client = app.test_client()
    for _ in range(3):
        assert client.get("/login").status_code == 200


def _normalised(page: str, email: str) -> str:
    page = re.sub(r'name="csrf-token" content="[^"]+"', "", page)
    page = re.sub(r'name="csrf_token" type="hidden" value="[^"]+"', "", page)
    return page.replace(email, "EMAIL")


def test_unknown_email_and_wrong_password_get_the_same_answer(client, world, argon2_calls) -> None:
    unknown = log_in(client, "nobody@test.example", "wrong password")
    unknown_calls = len(argon2_calls)
    wrong = log_in(client, world.email("mentee"), "wrong password")
    assert unknown.status_code == wrong.status_code == 422
    unknown_page, wrong_page = unknown.get_data(as_text=True), wrong.get_data(as_text=True)
    message = "That e-mail and password don&#39;t match an account."
    assert field_error(unknown_page, "password") == field_error(wrong_page, "password") == message
    assert _normalised(unknown_page, "nobody@test.example") == _normalised(
        wrong_page, world.email("mentee")
    )
    assert unknown_calls >= 1, "an unknown e-mail still spends an argon2 verification"
    assert argon2_calls.count("verify") == 2


def _stored_hash(app, email: str) -> str:
    with app.app_context():
        return db.session.scalar(sa.select(User.password_hash).where(User.email == email))


def test_login_rehashes_when_the_parameters_change(app, make_app, world) -> None:
    email = world.email("mentee")
    original = _stored_hash(app, email)
    assert log_in(app.test_client(), email).status_code == 303
    assert _stored_hash(app, email) == original, "same parameters: no rehash"

    stronger = {"time_cost": 2, "memory_cost": 2048, "parallelism": 1}
    app2 = make_app(ARGON2_PARAMETERS=stronger)
    assert log_in(app2.test_client(), email).status_code == 303
    rehashed = _stored_hash(app2, email)
    assert rehashed != original
    assert rehashed.startswith("$argon2id$v=19$m=2048,t=2,p=1$")
    hasher = PasswordHasher(**stronger)
    assert hasher.verify(rehashed, PASSWORD)
    assert not hasher.check_needs_rehash(rehashed)

    assert log_in(app2.test_client(), email).status_code == 303
    assert _stored_hash(app2, email) == rehashed, "rehashed once, not on every login"


def test_wrong_password_never_rehashes(make_app, app, world) -> None:
    email = world.email("mentee")
    original = _stored_hash(app, email)
    app2 = make_app(ARGON2_PARAMETERS={"time_cost": 2, "memory_cost": 2048, "parallelism": 1})
    assert log_in(app2.test_client(), email, "not the password").status_code == 422
    assert _stored_hash(app2, email) == original


OFF_SITE = [
    "//evil.example",
    "//evil.example/login",
    "https://evil.example",
    "http:evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    "/ /evil.example",
    "///evil.example",
    "javascript:alert(1)",
    "evil.example",
    "",
]


@pytest.mark.parametrize("target", OFF_SITE, ids=repr)
def test_next_cannot_leave_the_site(client, world, target) -> None:
    response = log_in_to(client, world, target)
    assert response.status_code == 303
    assert response.location == "/", f"next={target!r} sent the browser to {response.location!r}"
    again = client.get(f"/login?next={quote(target, safe='')}")
    assert again.status_code == 303 and again.location == "/"


@pytest.mark.parametrize("target", ["/account", "/programs/1?tab=people", "/join/ABCD-2345"])
def test_next_within_the_site_is_followed(client, world, target) -> None:
    response = log_in_to(client, world, target)
    assert response.status_code == 303
    assert response.location == target


def log_in_to(client, world, target: str):
    """Log in through the form as /login?next=<target> renders it."""
    url = f"/login?next={quote(target, safe='')}"
    page = client.get(url).get_data(as_text=True)
    assert "<form" in page
    return client.submit(url, {"email": world.email("mentee"), "password": PASSWORD})


def test_login_starts_a_fresh_session(client, world) -> None:
    """A session id planted before login is worthless after it (no session fixation)."""
    client.get("/login")
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    assert log_in(client, world.email("mentee")).status_code == 303
    with client.session_transaction() as session:
        assert "planted" not in session
        assert "_user_id" in session


@pytest.mark.parametrize(
    ("role", "shown", "hidden"),
    [
        ("mentee", ["Omar Mentor", "Hillside Mentoring"], ["Olga Othermentor", "Elsewhere"]),
        ("own_mentor", ["Mina Mentee", "Hillside Mentoring"], ["Eli Othermentee", "Elsewhere"]),
        ("other_mentor", ["Eli Othermentee"], ["Mina Mentee", "Elsewhere"]),
        ("coordinator", ["Hillside Mentoring", "Invite people"], ["Elsewhere"]),
        ("other_coordinator", ["Elsewhere Academy"], ["Hillside", "Mina Mentee"]),
    ],
)
def test_login_lands_on_the_role_home(client, world, role, shown, hidden) -> None:
    response = log_in(client, world.email(role))
    assert response.status_code == 303 and response.location == "/"
    page = client.get("/").get_data(as_text=True)
    for text in shown:
        assert text in page, f"{role} should see {text!r}"
    for text in hidden:
        assert text not in page, f"{role} must not see {text!r}"
