"""Joining a program with an invite: registration, codes as people type them, invites that are
gone, a second program for someone who already has an account, and the program switcher."""

from __future__ import annotations

import contextlib
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
import sqlalchemy as sa
from web_support import field_error, log_in, shown, snapshot

from app.clock import utcnow
from app.extensions import db
from app.models import Invite, Membership, Program, Role, User

NEW_EMAIL = "newcomer@test.example"
REGISTRATION = {
    "name": "Nia Newcomer",
    "email": NEW_EMAIL,
    "password": "a fine long passphrase",
    "time_zone": "Europe/Paris",
}
EMAIL_TAKEN = "An account with this e-mail already exists. Log in to join with it."
GONE = "This invite has expired or has been used up. Ask your coordinator for a new one."


def _invite(app, invite_id: int) -> Invite:
    with app.app_context():
        invite = db.session.get(Invite, invite_id)
        db.session.expunge(invite)
        return invite


def _change_invite(app, invite_id: int, **values) -> None:
    with app.app_context():
        db.session.execute(sa.update(Invite).where(Invite.id == invite_id).values(**values))
        db.session.commit()


def _memberships(app, email: str) -> list[tuple[str, Role]]:
    with app.app_context():
        return db.session.execute(
            sa.select(Program.name, Membership.role)
            .join(Membership.program)
            .join(User, User.id == Membership.user_id)
            .where(User.email == email)
            .order_by(Membership.id)
        ).all()


def _options(page: str) -> list[tuple[str, str, bool]]:
    """The program switcher's choices: (membership id, label, selected)."""
    return [
        (value, label.strip(), bool(selected))
        for value, selected, label in re.findall(
            r'<option value="(\d+)" ?(selected)?>([^<]+)</option>', page
        )
    ]


def test_invite_link_shows_registration_to_anonymous(client, world) -> None:
    page = client.get(f"/join/{world.invite_code}").get_data(as_text=True)
    assert "<h1>Create your account</h1>" in page
    assert "Hillside Mentoring" in page
    assert "You are joining as a <strong>mentee</strong>" in page
    assert 'name="password"' in page


def test_registration_creates_user_and_membership(app, world, client) -> None:
    uses_before = _invite(app, world.invite_id).uses_left
    response = client.submit(
        f"/join/{world.invite_code}", {**REGISTRATION, "email": "Nia@Test.Example"}
    )
    assert response.status_code == 303 and response.location == "/"

    assert _memberships(app, "nia@test.example") == [("Hillside Mentoring", Role.MENTEE)]
    assert _invite(app, world.invite_id).uses_left == uses_before - 1
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == "nia@test.example"))
        assert user.time_zone == "Europe/Paris"
        assert user.password_hash.startswith("$argon2id$")
        membership = db.session.scalar(sa.select(Membership).where(Membership.user_id == user.id))
        # Joining signs nothing: the agreement is signed on its own page (onboarding).
        assert (membership.agreed_at, membership.agreed_version) == (None, None)
    home = client.get("/").get_data(as_text=True)
    assert "Welcome to Hillside Mentoring!" in home
    assert '<p class="program-name">Hillside Mentoring · Mentee</p>' in home


@pytest.mark.parametrize("role", [Role.MENTOR, Role.COORDINATOR])
def test_registration_takes_the_invites_role(app, world, client, role) -> None:
    _change_invite(app, world.invite_id, role=role)
    response = client.submit(f"/join/{world.invite_code}", REGISTRATION)
    assert response.status_code == 303
    assert _memberships(app, NEW_EMAIL) == [("Hillside Mentoring", role)]


@pytest.mark.parametrize(
    "change",
    [
        pytest.param({"expires_at": utcnow() - timedelta(minutes=1)}, id="expired"),
        pytest.param({"uses_left": 0}, id="used up"),
    ],
)
@pytest.mark.parametrize("logged_in", [False, True], ids=["anonymous", "logged in"])
def test_gone_invite_answers_404_and_writes_nothing(app, world, client, change, logged_in) -> None:
    _change_invite(app, world.invite_id, **change)
    if logged_in:
        log_in(client, world.email("other_coordinator"))
    before = snapshot(app)
    for response in (
        client.get(f"/join/{world.invite_code}"),
        client.submit(f"/join/{world.invite_code}", REGISTRATION),
    ):
        assert response.status_code == 404
        assert GONE in response.get_data(as_text=True)
    typed = client.submit("/join", {"code": world.invite_code})
    assert typed.status_code == 422
    assert field_error(typed.get_data(as_text=True), "code") == (
        "We couldn&#39;t find an open invite with that code."
    )
    assert snapshot(app) == before


def test_invite_taken_by_someone_else_meanwhile_answers_410(app, world, client, monkeypatch):
    """The last use went to a parallel request between the check and the claim."""
    from app.accounts import service

    monkeypatch.setattr(service, "claim_invite", lambda invite: False)
    before = snapshot(app)
    response = client.submit(f"/join/{world.invite_code}", REGISTRATION)
    assert response.status_code == 410
    assert GONE in response.get_data(as_text=True)
    assert snapshot(app) == before


@pytest.mark.parametrize("typed", ["{lower}", " {lower_spaced} ", "{raw_lower}", "{code}"])
def test_invite_code_as_people_type_it(client, world, typed) -> None:
    code = world.invite_code
    text = typed.format(
        code=code,
        lower=code.lower(),
        lower_spaced=code.lower().replace("-", " "),
        raw_lower=code.replace("-", "").lower(),
    )
    response = client.submit("/join", {"code": text})
    assert response.status_code == 303
    assert response.location == f"/join/{code}"


def test_invite_link_typed_in_lower_case_works(client, world) -> None:
    raw = world.invite_code.replace("-", "").lower()
    for url in (f"/join/{raw}", f"/join/{world.invite_code.lower()}"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "<h1>Create your account</h1>" in response.get_data(as_text=True)


def test_logged_in_person_joins_a_second_program_and_switches(app, ids, world, login) -> None:
    client = login("mentee")
    other_code = ids["other_invite_code"]
    uses_before = _invite(app, world.other_invite_id).uses_left

    accept = client.get(f"/join/{other_code}").get_data(as_text=True)
    assert "<h1>Join Elsewhere Academy</h1>" in accept and 'name="password"' not in accept
    response = client.submit(f"/join/{other_code}")
    assert response.status_code == 303 and response.location == "/"
    assert _memberships(app, world.email("mentee")) == [
        ("Hillside Mentoring", Role.MENTEE),
        ("Elsewhere Academy", Role.MENTEE),
    ]
    assert _invite(app, world.other_invite_id).uses_left == uses_before - 1

    again = client.submit(f"/join/{other_code}")
    assert again.status_code == 303
    assert _invite(app, world.other_invite_id).uses_left == uses_before - 1, (
        "accepting an invite one already holds uses nothing"
    )

    home = client.get("/").get_data(as_text=True)
    options = _options(home)
    first, second = ids["mentee_membership_id"], options[1][0]
    assert [(label, selected) for _, label, selected in options] == [
        ("Hillside Mentoring · Mentee", False),
        ("Elsewhere Academy · Mentee", True),
    ]
    assert options[0][0] == str(first)

    switched = client.submit("/programs/switch", {"membership_id": str(first)})
    assert switched.status_code == 303 and switched.location == "/"
    assert [selected for *_, selected in _options(client.get("/").get_data(as_text=True))] == [
        True,
        False,
    ]

    foreign = client.submit("/programs/switch", {"membership_id": ids["own_mentor_membership_id"]})
    assert foreign.status_code == 404
    options = _options(client.get("/").get_data(as_text=True))
    assert [selected for *_, selected in options] == [True, False], (
        "a refused switch changes nothing"
    )
    assert client.submit("/programs/switch", {"membership_id": second}).status_code == 303


def test_switcher_is_hidden_with_one_membership(login) -> None:
    page = login("mentee").get("/").get_data(as_text=True)
    assert 'action="/programs/switch"' not in page
    assert "Hillside Mentoring · Mentee" in page


def test_double_submitted_registration_creates_one_user(app, world, client) -> None:
    url = f"/join/{world.invite_code}"
    token = client.csrf_token()
    before_login = client.get_cookie("session").value
    uses_before = _invite(app, world.invite_id).uses_left

    first = client.post(url, data={**REGISTRATION, "csrf_token": token})
    assert first.status_code == 303
    client.set_cookie("session", before_login)  # the second tap left before the first answer
    second = client.post(url, data={**REGISTRATION, "csrf_token": token})

    assert second.status_code == 422
    assert field_error(second.get_data(as_text=True), "email") == (
        "An account with this e-mail already exists. Log in to join with it."
    )
    with app.app_context():
        count = db.session.scalar(
            sa.select(sa.func.count()).select_from(User).where(User.email == NEW_EMAIL)
        )
    assert count == 1
    assert _invite(app, world.invite_id).uses_left == uses_before - 1


def test_registering_an_existing_email_from_another_browser(app, world, client, new_client):
    assert client.submit(f"/join/{world.invite_code}", REGISTRATION).status_code == 303
    other = new_client()
    response = other.submit(
        f"/join/{world.invite_code}", {**REGISTRATION, "email": NEW_EMAIL.upper()}
    )
    assert response.status_code == 422
    assert "already exists" in field_error(response.get_data(as_text=True), "email")


def _users(app, email: str) -> list[User]:
    with app.app_context():
        return list(db.session.scalars(sa.select(User).where(User.email == email)))


def _twin_registration(app) -> None:
    """Someone registers NEW_EMAIL from another browser, committed on its own connection."""
    with app.app_context(), db.engine.begin() as connection:
        connection.execute(
            sa.insert(User).values(
                name="Twin",
                email=NEW_EMAIL,
                password_hash="x",
                time_zone="UTC",
                calendar_token="twin-calendar-token",
                created_at=utcnow(),
            )
        )


def test_email_registered_between_the_check_and_the_insert(app, world, client, monkeypatch):
    """The unique constraint catches what the check missed: the form's answer, not a 500."""
    from app.accounts import routes, service

    def check_then_lose_the_race(email):
        found = db.session.scalar(sa.select(User).where(User.email == email.strip().lower()))
        if found is None and not _users(app, NEW_EMAIL):
            _twin_registration(app)
        return found

    for module in (routes, service):  # wherever registration looks the e-mail up
        monkeypatch.setattr(module, "find_user_by_email", check_then_lose_the_race)
    uses_before = _invite(app, world.invite_id).uses_left
    response = client.submit(f"/join/{world.invite_code}", REGISTRATION)
    assert response.status_code == 422
    assert field_error(response.get_data(as_text=True), "email") == shown(EMAIL_TAKEN)
    assert [user.name for user in _users(app, NEW_EMAIL)] == ["Twin"]
    assert _invite(app, world.invite_id).uses_left == uses_before, "the invite's use given back"


def test_two_browsers_register_the_same_email_at_once(app, world, monkeypatch):
    """Both pass the form's checks, then both write: one account, and the other browser gets
    the form's answer (the password hashing is where both wait for each other)."""
    from argon2 import PasswordHasher

    both_checked = threading.Barrier(2, timeout=5)
    real_hash = PasswordHasher.hash

    def hash_together(self, *args, **kwargs):
        with contextlib.suppress(threading.BrokenBarrierError):
            both_checked.wait()
        return real_hash(self, *args, **kwargs)

    monkeypatch.setattr(PasswordHasher, "hash", hash_together)
    clients = [app.test_client() for _ in range(2)]
    forms = [{"csrf_token": c.csrf_token(), **REGISTRATION} for c in clients]
    with ThreadPoolExecutor(2) as pool:
        statuses = sorted(
            pool.map(
                lambda pair: pair[0].post(f"/join/{world.invite_code}", data=pair[1]).status_code,
                zip(clients, forms, strict=True),
            )
        )
    assert statuses == [303, 422]
    assert len(_users(app, NEW_EMAIL)) == 1
