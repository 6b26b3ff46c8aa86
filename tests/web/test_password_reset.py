"""Account recovery: a one-time link (from the coordinator, or by e-mail when SMTP is set up),
valid 24 hours, used once, ending every login; and login limits that a stranger cannot use to
lock the real person out."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta
from urllib.parse import urlsplit

import sqlalchemy as sa
from smtp_support import SMTPServer
from web_support import error_page_message, field_error, is_logged_in, log_in

from app import clock
from app.extensions import db
from app.models import Membership, PasswordReset, Role, User

NEW_PASSWORD = "a lighthouse in fog"
LINK = re.compile(r'value="(https?://[^"]+/password/reset/[^"]+)"')
LIMITED = "429 Slow down a little"


def _membership_id(app, email: str, program_id: int) -> int:
    with app.app_context():
        return db.session.scalar(
            sa.select(Membership.id)
            .join(User)
            .where(User.email == email, Membership.program_id == program_id)
        )


def _issue(app, world, coordinator, role: str = "mentee"):
    member = _membership_id(app, world.email(role), world.program_id)
    return coordinator.submit(f"/programs/{world.program_id}/people/{member}/reset-link")


def _link_path(response) -> str:
    assert response.status_code == 200, response.status_code
    return urlsplit(LINK.search(response.get_data(as_text=True)).group(1)).path


def _reset(client, path: str, password: str = NEW_PASSWORD):
    return client.submit(path, {"password": password, "confirm": password})


def test_coordinator_issues_a_link_that_resets_once_and_ends_every_login(
    app, world, new_client
) -> None:
    mentee_phone = new_client("mentee", remember="y")
    remember = mentee_phone.get_cookie("remember_token").value
    coordinator = new_client("coordinator")

    people = coordinator.get(f"/programs/{world.program_id}/people").get_data(as_text=True)
    assert people.count("Password reset link") == 4, "mentees and mentors, not coordinators"
    response = _issue(app, world, coordinator)
    assert response.headers["Cache-Control"] == "no-store"
    path = _link_path(response)
    token = path.rsplit("/", 1)[1]
    with app.app_context():
        [stored] = db.session.scalars(sa.select(PasswordReset.token_hash)).all()
    assert stored == hashlib.sha256(token.encode()).hexdigest(), "only a digest is kept"

    stranger = app.test_client()
    form = stranger.get(path)
    assert form.status_code == 200 and "Choose a new password" in form.get_data(as_text=True)
    done = _reset(stranger, path)
    assert done.status_code == 303 and done.location == "/login"

    assert not is_logged_in(mentee_phone), "every login of the person ended"
    copy = app.test_client()
    copy.set_cookie("remember_token", remember)
    assert not is_logged_in(copy)
    assert log_in(app.test_client(), world.email("mentee")).status_code == 422
    assert log_in(app.test_client(), world.email("mentee"), NEW_PASSWORD).status_code == 303

    again = _reset(app.test_client(), path, "yet another passphrase")
    assert again.status_code == 404, "one use"
    assert "Link not available" in again.get_data(as_text=True)


def test_a_link_lasts_24_hours(app, world, new_client) -> None:
    start = clock.utcnow()
    clock.set_now(start)
    try:
        path = _link_path(_issue(app, world, new_client("coordinator")))
        clock.set_now(start + timedelta(hours=23, minutes=59))
        assert app.test_client().get(path).status_code == 200
        clock.set_now(start + timedelta(hours=24, minutes=1))
        assert app.test_client().get(path).status_code == 404
        assert _reset(app.test_client(), path).status_code == 404
    finally:
        clock.set_now(None)


def test_a_new_link_replaces_the_previous_one(app, world, new_client) -> None:
    coordinator = new_client("coordinator")
    first = _link_path(_issue(app, world, coordinator))
    second = _link_path(_issue(app, world, coordinator))
    assert app.test_client().get(first).status_code == 404
    assert app.test_client().get(second).status_code == 200


def test_no_link_for_someone_with_a_life_outside_the_program(app, world, new_client) -> None:
    """A reset link takes over the whole account: not for a coordinator, nor for someone who
    is also in a program this coordinator does not run."""
    with app.app_context():
        mentee = db.session.scalar(sa.select(User).where(User.email == world.email("mentee")))
        db.session.add(
            Membership(user_id=mentee.id, program_id=world.other_program_id, role=Role.MENTOR)
        )
        db.session.commit()
    coordinator = new_client("coordinator")
    people = coordinator.get(f"/programs/{world.program_id}/people").get_data(as_text=True)
    assert people.count("Password reset link") == 3
    assert _issue(app, world, coordinator, "mentee").status_code == 404
    assert _issue(app, world, coordinator, "coordinator").status_code == 404
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(PasswordReset)) == 0


def test_a_reset_starts_the_accounts_login_counts_afresh(make_app, world) -> None:
    app = make_app(LOGIN_LIMIT_PER_ADDRESS_AND_ACCOUNT="2 per minute")
    client = app.test_client()
    email = world.email("mentee")
    for _ in range(2):
        assert log_in(client, email, "wrong guess").status_code == 422
    assert log_in(client, email).status_code == 429

    coordinator = app.test_client()
    assert log_in(coordinator, world.email("coordinator")).status_code == 303
    path = _link_path(_issue(app, world, coordinator))
    assert _reset(client, path).status_code == 303
    assert log_in(client, email, NEW_PASSWORD).status_code == 303


def test_guessing_reset_links_is_throttled(make_app, world) -> None:
    app = make_app(LOGIN_LIMIT_PER_ADDRESS="3 per minute")
    client = app.test_client()
    for number in range(3):
        assert client.get(f"/password/reset/guess-{number}").status_code == 404
    refused = client.get("/password/reset/guess-4")
    assert refused.status_code == 429
    assert error_page_message(refused.get_data(as_text=True)).startswith(LIMITED)


# -- by e-mail ---------------------------------------------------------------------------------


def test_without_smtp_the_forgot_page_points_to_the_coordinator(client) -> None:
    page = client.get("/password/forgot").get_data(as_text=True)
    assert "coordinator can also give you a link" in page
    assert 'name="email"' not in page
    login = client.get("/login").get_data(as_text=True)
    assert 'href="/password/forgot"' in login


def _normalised(page: str) -> str:
    page = re.sub(r'name="csrf-token" content="[^"]+"', "", page)
    return re.sub(r'name="csrf_token" type="hidden" value="[^"]+"', "", page)


def test_forgot_password_mails_a_link_and_answers_the_same_for_everyone(
    make_app, world, run_tasks
) -> None:
    with SMTPServer() as smtp:
        app = make_app(
            MAIL_SERVER="127.0.0.1",
            MAIL_PORT=smtp.port,
            MAIL_TLS="none",
            MAIL_FROM="waypoint@school.example",
        )
        client = app.test_client()
        form = client.get("/password/forgot").get_data(as_text=True)
        assert 'name="email"' in form

        unknown = client.submit("/password/forgot", {"email": "nobody@test.example"})
        known = client.submit("/password/forgot", {"email": world.email("mentee").upper()})
        assert unknown.status_code == known.status_code == 200
        assert _normalised(unknown.get_data(as_text=True)) == _normalised(
            known.get_data(as_text=True)
        )

        assert smtp.messages.empty(), "the e-mail waits for the queue, not the request"
        assert run_tasks(app) == 1, "one e-mail task: none for the unknown address"
        message = smtp.next_message()
        assert message["To"] == world.email("mentee")
        assert message["From"] == "waypoint@school.example"
        assert smtp.messages.empty(), "nothing was sent for the unknown address"
        link = re.search(
            r"https?://\S+/password/reset/\S+", message.get_payload(decode=True).decode()
        ).group(0)

    path = urlsplit(link).path
    assert _reset(app.test_client(), path).status_code == 303
    assert log_in(app.test_client(), world.email("mentee"), NEW_PASSWORD).status_code == 303


def test_forgot_password_is_throttled(make_app, world) -> None:
    with SMTPServer() as smtp:
        app = make_app(
            MAIL_SERVER="127.0.0.1",
            MAIL_PORT=smtp.port,
            MAIL_TLS="none",
            LOGIN_LIMIT_PER_ADDRESS="2 per minute",
        )
        client = app.test_client()
        for _ in range(2):
            assert client.submit("/password/forgot", {"email": "x@test.example"}).status_code == 200
        assert client.submit("/password/forgot", {"email": "x@test.example"}).status_code == 429


def test_a_weak_new_password_is_refused_next_to_its_field(app, world, new_client) -> None:
    path = _link_path(_issue(app, world, new_client("coordinator")))
    client = app.test_client()
    for password, confirm, field in [
        ("short", "short", "password"),
        ("mina mentee", "mina mentee", "password"),  # the person's own name
        ("a lighthouse in fog", "a lighthouse in mist", "confirm"),
    ]:
        response = client.submit(path, {"password": password, "confirm": confirm})
        assert response.status_code == 422
        assert field_error(response.get_data(as_text=True), field), (password, field)
    assert _reset(client, path).status_code == 303, "the link still works after a refusal"
