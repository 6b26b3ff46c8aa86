"""Sessions and the "remember me" cookie: they last, and they end when they should.

Every login has its own server-side record: logging out ends it for good, so a copy of the
old cookies (a shared computer, a stolen backup) is refused afterwards."""

from __future__ import annotations

import html
import json
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from web_support import PASSWORD, is_logged_in, log_in

from app import clock
from app.extensions import db
from app.models import LoginSession, User

REMEMBER = "remember_token"
SESSION = "session"


def _restart_browser(client) -> None:
    """A phone closing the app: the session cookie goes, the persistent remember cookie stays."""
    client.delete_cookie(SESSION)


def _open_logins(app, email: str) -> list[int]:
    """The ids of the person's logins that have not ended."""
    with app.app_context():
        return list(
            db.session.scalars(
                sa.select(LoginSession.id)
                .join(User, User.id == LoginSession.user_id)
                .where(User.email == email, LoginSession.ended_at.is_(None))
            )
        )


def _cookies(client) -> dict[str, str]:
    return {name: client.get_cookie(name).value for name in (SESSION, REMEMBER)}


def _replay(app, name: str, value: str):
    """A fresh browser holding only a copy of one old cookie."""
    copy = app.test_client()
    copy.set_cookie(name, value)
    return copy


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
    old_cookies = _cookies(here)

    new_password = "a brand new passphrase"
    response = here.submit(
        "/account/password",
        {"current_password": PASSWORD, "password": new_password, "confirm": new_password},
    )
    assert response.status_code == 303

    assert len(_open_logins(app, email)) == 1, "every other login ended"
    assert is_logged_in(here), "the device that changed the password stays in"
    for name, value in old_cookies.items():
        assert not is_logged_in(_replay(app, name, value)), f"this device's old {name} cookie"
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

    response = here.submit("/account/logout-everywhere")
    assert response.status_code == 303 and response.location == "/login"

    assert _open_logins(app, email) == []
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


def test_old_cookies_are_refused_after_logout(app, world, new_client) -> None:
    """A copy of the session cookie and of the 60-day remember cookie, taken before logout
    (a shared computer, a synced profile), logs nobody in afterwards."""
    client = new_client("mentee", remember="y")
    old = _cookies(client)
    assert is_logged_in(_replay(app, SESSION, old[SESSION])), "the copy works before logout"
    assert is_logged_in(_replay(app, REMEMBER, old[REMEMBER]))

    response = client.submit("/logout")
    assert response.status_code == 303
    assert _open_logins(app, world.email("mentee")) == []
    assert not is_logged_in(_replay(app, SESSION, old[SESSION]))
    assert not is_logged_in(_replay(app, REMEMBER, old[REMEMBER]))


def test_logout_clears_site_data(world, new_client) -> None:
    response = new_client("mentee").submit("/logout")
    assert response.headers["Clear-Site-Data"] == '"cache", "storage"'


PHONE_UA = "Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 Chrome/120.0 Mobile"
SCHOOL_UA = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0"


def _device_rows(page: str) -> list[str]:
    section = page.split('id="devices-heading"', 1)[1].split("</section>", 1)[0]
    return [re.sub(r"\s+", " ", item) for item in re.findall(r"<li>(.*?)</li>", section, re.S)]


def _browser(app, world, user_agent: str):
    client = app.test_client()
    client.environ_base["HTTP_USER_AGENT"] = user_agent
    assert log_in(client, world.email("mentee")).status_code == 303
    return client


def test_account_page_lists_devices_and_ends_one(app, world, new_client) -> None:
    phone = _browser(app, world, PHONE_UA)
    school = _browser(app, world, SCHOOL_UA)
    other_person = new_client("own_mentor")

    page = phone.get("/account").get_data(as_text=True)
    rows = _device_rows(page)
    assert len(rows) == 2
    [mine] = [row for row in rows if ">this device<" in row]
    assert "Chrome on Android" in mine and "Log this device out" not in mine
    [theirs] = [row for row in rows if "Firefox on Windows" in row]
    school_id = re.search(r"/account/devices/(\d+)/end", theirs).group(1)

    outsider = other_person.submit(f"/account/devices/{school_id}/end")
    assert outsider.status_code == 404, "someone else's device is not theirs to end"
    assert is_logged_in(school)

    response = phone.submit(f"/account/devices/{school_id}/end")
    assert response.status_code == 303 and response.location == "/account"
    assert not is_logged_in(school)
    assert is_logged_in(phone)
    assert len(_device_rows(phone.get("/account").get_data(as_text=True))) == 1
    assert phone.submit(f"/account/devices/{school_id}/end").status_code == 404


def test_ending_this_device_from_the_list_logs_out(app, world, new_client) -> None:
    client = new_client("mentee")
    [login_id] = _open_logins(app, world.email("mentee"))
    response = client.submit(f"/account/devices/{login_id}/end")
    assert response.status_code == 303 and response.location == "/login"
    assert not is_logged_in(client)


def test_last_seen_is_written_at_most_every_few_minutes(app, world, new_client) -> None:
    start = clock.utcnow()
    clock.set_now(start)
    try:
        client = new_client("mentee")

        def last_seen():
            with app.app_context():
                return db.session.scalar(sa.select(LoginSession.last_seen_at))

        clock.set_now(start + timedelta(minutes=4))
        assert is_logged_in(client)
        assert last_seen() == start, "no write for a request soon after the last"
        clock.set_now(start + timedelta(minutes=6))
        assert is_logged_in(client)
        assert last_seen() == start + timedelta(minutes=6)
    finally:
        clock.set_now(None)


@pytest.mark.parametrize("url", ["/", "/account", "/account/password", "/programs/{program_id}"])
def test_personal_pages_are_never_stored(world, new_client, url) -> None:
    response = new_client("mentee").get(url.format(program_id=world.program_id))
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"


def test_htmx_keeps_no_history_of_personal_pages(world, new_client) -> None:
    page = new_client("mentee").get("/").get_data(as_text=True)
    found = re.search(r"<meta name=\"htmx-config\" content='([^']+)'>", page).group(1)
    config = json.loads(html.unescape(found))
    assert config["historyCacheSize"] == 0 and config["refreshOnHistoryMiss"] is True
    assert re.search(r'<body [^>]*hx-history="false"', page)
