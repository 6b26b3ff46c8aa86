"""The password policy, where people meet it: registration and password change."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from web_support import PASSWORD, field_error, log_in, shown, snapshot

from app.extensions import db
from app.models import User
from app.passwords import policy_problem

NEW_EMAIL = "newcomer@test.example"
NEW_NAME = "Quentin Quarrington"
TOO_SHORT = "Use at least 8 characters."
TOO_LONG = "Use at most 128 characters."
COMMON = "That password is too common. Try a few words that mean something to you."
PERSONAL = "Don't use your name or e-mail as your password."

REFUSED = [
    pytest.param("k7#pQ2!", TOO_SHORT, id="7 characters"),
    pytest.param("k" * 129, TOO_LONG, id="129 characters"),
    pytest.param("password1", COMMON, id="password1"),
    pytest.param("iloveyou", COMMON, id="iloveyou"),
    pytest.param("ILoveYou", COMMON, id="common, other case"),
]
ACCEPTED = [
    pytest.param("k7#pQ2!x", id="8 characters"),
    pytest.param("k7#pQ2!x" * 16, id="128 characters"),
]


def _register(client, world, password: str, email: str = NEW_EMAIL):
    return client.submit(
        f"/join/{world.invite_code}",
        {
            "name": NEW_NAME,
            "email": email,
            "password": password,
            "time_zone": "Europe/London",
        },
    )


def _users(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(User))


@pytest.mark.parametrize(("password", "message"), REFUSED)
def test_registration_refuses(app, world, client, password, message) -> None:
    before = snapshot(app)
    response = _register(client, world, password)
    assert response.status_code == 422
    assert field_error(response.get_data(as_text=True), "password") == shown(message)
    assert snapshot(app) == before, "a refused registration writes nothing"


@pytest.mark.parametrize(
    ("password", "email"),
    [
        pytest.param(NEW_EMAIL, NEW_EMAIL, id="own e-mail"),
        pytest.param(NEW_EMAIL.upper(), NEW_EMAIL, id="own e-mail, upper case"),
        pytest.param(NEW_NAME, NEW_EMAIL, id="own name"),
    ],
)
def test_registration_refuses_personal_passwords(app, world, client, password, email) -> None:
    users = _users(app)
    response = _register(client, world, password, email)
    assert response.status_code == 422
    assert field_error(response.get_data(as_text=True), "password") == shown(PERSONAL)
    assert _users(app) == users


@pytest.mark.parametrize("password", ACCEPTED)
def test_registration_accepts(app, world, client, password) -> None:
    response = _register(client, world, password)
    assert response.status_code == 303, response.get_data(as_text=True)
    assert _users(app) == len(world.emails) + 1
    client.submit("/logout")
    assert log_in(client, NEW_EMAIL, password).status_code == 303


def _change(client, password: str, current: str = PASSWORD):
    return client.submit(
        "/account/password",
        {"current_password": current, "password": password, "confirm": password},
    )


def _hash_of(app, email: str) -> str:
    with app.app_context():
        return db.session.scalar(sa.select(User.password_hash).where(User.email == email))


@pytest.mark.parametrize(("password", "message"), REFUSED)
def test_password_change_refuses(app, world, login, password, message) -> None:
    client = login("mentee")
    before = _hash_of(app, world.email("mentee"))
    response = _change(client, password)
    assert response.status_code == 422
    assert field_error(response.get_data(as_text=True), "password") == shown(message)
    assert _hash_of(app, world.email("mentee")) == before


@pytest.mark.parametrize("which", ["email", "EMAIL", "name"])
def test_password_change_refuses_personal_passwords(app, world, login, which) -> None:
    client = login("mentee")
    password = {
        "email": world.email("mentee"),
        "EMAIL": world.email("mentee").upper(),
        "name": "Mina Mentee",
    }[which]
    before = _hash_of(app, world.email("mentee"))
    response = _change(client, password)
    assert response.status_code == 422
    assert field_error(response.get_data(as_text=True), "password") == shown(PERSONAL)
    assert _hash_of(app, world.email("mentee")) == before


@pytest.mark.parametrize("password", ACCEPTED)
def test_password_change_accepts(app, world, login, password) -> None:
    client = login("mentee")
    before = _hash_of(app, world.email("mentee"))
    response = _change(client, password)
    assert response.status_code == 303
    assert response.location == "/account"
    assert _hash_of(app, world.email("mentee")) != before
    client.submit("/logout")
    assert log_in(client, world.email("mentee"), password).status_code == 303


def test_password_change_needs_the_current_password(app, world, login) -> None:
    client = login("mentee")
    before = _hash_of(app, world.email("mentee"))
    response = _change(client, "k7#pQ2!x-long-enough", current="not my password")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert field_error(page, "current_password") == "That is not your current password."
    assert _hash_of(app, world.email("mentee")) == before


def test_policy_function_boundaries() -> None:
    assert policy_problem("a" * 7 + "Z") is None
    assert policy_problem("kq" * 64) is None
    assert policy_problem("kq" * 64 + "k") == TOO_LONG
    assert policy_problem("ab") == TOO_SHORT
    assert policy_problem("xy@z.example", personal=("XY@z.example",)) == PERSONAL
