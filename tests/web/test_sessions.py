"""Sessions and the "remember me" cookie: they last, and they end when they should."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from web_support import PASSWORD, is_logged_in, log_in

from app.extensions import db
from app.models import User


@pytest.fixture
def app(reused_app):
    """These tests never change the app: share one (tests/web/conftest.py)."""
    return reused_app


REMEMBER = "remember_token"
SESSION = "session"


def _restart_browser(client) -> None:
    """A phone closing the app: the session cookie goes, the persistent remember cookie stays."""
    client.delete_cookie(SESSION)


def _token(app, email: str) -> str:
    with app.app_context():
        return db.session.scalar(sa.select(User.session_token).where(User.email == email))


def test_remember_me_survives_a_new_browser_session(world, new_client) -> None:
    client = new_client("mentee", remember="y")
    assert client.get_cookie(REMEMBER) is not None
    _restart_browser(client)
    assert client.get_cookie(SESSION) is None
    assert is_logged_in(client)


def test_without_remember_me_a_new_browser_session_is_logged_out(world, new_client) -> None:
    client = new_client("mentee")
    assert client.get_cookie(REMEMBER) is None
    _restart_browser(client)
    assert not is_logged_in(client)


def test_password_change_logs_out_other_devices_but_not_this_one(app, world, new_client) -> None:
    email = world.email("mentee")
    here = new_client("mentee", remember="y")
    phone = new_client("mentee", remember="y")
    laptop = new_client("mentee")
    token_before = _token(app, email)

    new_password = "a brand new passphrase"
    response = here.submit(
        "/account/password",
        {"current_password": PASSWORD, "password": new_password, "confirm": new_password},
    )
    assert response.status_code == 303

    assert _token(app, email) != token_before, "the session token rotated"
    assert is_logged_in(here), "the device that changed the password stays in"
    assert not is_logged_in(laptop)
    assert not is_logged_in(phone)
    _restart_browser(phone)
    assert not is_logged_in(phone), "the old remember cookie no longer works"
    assert log_in(new_client(), email, new_password).status_code == 303


def test_logout_everywhere_logs_out_every_device(app, world, new_client) -> None:
    email = world.email("mentee")
    here = new_client("mentee", remember="y")
    phone = new_client("mentee", remember="y")
    laptop = new_client("mentee")
    someone_else = new_client("own_mentor")
    token_before = _token(app, email)

    response = here.submit("/account/logout-everywhere")
    assert response.status_code == 303 and response.location == "/login"

    assert _token(app, email) != token_before
    for device in (here, phone, laptop):
        assert not is_logged_in(device)
        _restart_browser(device)
        assert not is_logged_in(device)
    assert is_logged_in(someone_else), "other people stay logged in"


def test_logout_clears_the_session_and_the_remember_cookie(world, new_client) -> None:
    client = new_client("mentee", remember="y")
    membership = client.get("/").status_code  # a request that reads the session
    assert membership == 200
    with client.session_transaction() as session:
        session["membership_id"] = 1

    response = client.submit("/logout")
    assert response.status_code == 303 and response.location == "/login"

    with client.session_transaction() as session:
        assert "_user_id" not in session
        assert "membership_id" not in session
        assert "_remember" not in session
    assert client.get_cookie(REMEMBER) is None, "logout removes the remember cookie"
    assert not is_logged_in(client)
    _restart_browser(client)
    assert not is_logged_in(client)


def test_logout_keeps_other_devices(world, new_client) -> None:
    """Plain logout ends this device only (logout everywhere is the other button)."""
    here = new_client("mentee")
    phone = new_client("mentee", remember="y")
    here.submit("/logout")
    assert not is_logged_in(here)
    assert is_logged_in(phone)


def test_session_cookie_is_http_only_and_lax(client) -> None:
    response = client.get("/join")
    header = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("session="))
    assert "HttpOnly" in header and "SameSite=Lax" in header


def test_remember_cookie_is_http_only_and_lax(client, world) -> None:
    response = log_in(client, world.email("mentee"), remember="y")
    header = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith(REMEMBER))
    assert "HttpOnly" in header and "SameSite=Lax" in header
    assert "Expires=" in header
