"""Signing the program's agreement with a typed name: the version signed is kept, signing twice
changes nothing, and a new version asks everyone to read and sign again."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from onboarding_support import bump_agreement, checklist_steps, membership_of
from web_support import field_error, shown, snapshot

from app.clock import utcnow
from app.extensions import db
from app.models import AgreementSignature, AgreementVersion, Membership, Program

AGREEMENT = "We meet every two weeks by video.\nWhat we say stays between us."


@pytest.fixture
def program(app, world):
    with app.app_context():
        program = db.session.get(Program, world.program_id)
        program.agreement = AGREEMENT
        program.objectives = "Build confidence\nPlan next year"
        db.session.commit()
    return world.program_id


def _url(program_id: int) -> str:
    return f"/programs/{program_id}/agreement"


def _signatures(app) -> list[tuple[int, int, str]]:
    with app.app_context():
        return db.session.execute(
            sa.select(
                AgreementSignature.membership_id,
                AgreementSignature.version,
                AgreementSignature.typed_name,
            ).order_by(AgreementSignature.id)
        ).all()


def _membership(app, membership_id: int) -> Membership:
    with app.app_context():
        membership = db.session.get(Membership, membership_id)
        db.session.expunge(membership)
        return membership


def test_the_page_shows_objectives_agreement_and_a_name_field(app, world, login, program) -> None:
    page = login("mentee").get(_url(program)).get_data(as_text=True)
    assert "<h1>Sign the agreement</h1>" in page
    assert "Build confidence" in page and "What we say stays between us." in page
    assert "Type your full name to sign" in page and 'name="name"' in page


@pytest.mark.parametrize("typed", ["", "Mina", "Omar Mentor", "Mina Mentees"])
def test_a_name_that_is_not_yours_is_refused_next_to_the_field(
    app, world, login, program, typed
) -> None:
    client = login("mentee")
    before = snapshot(app)
    response = client.submit(_url(program), {"name": typed, "version": "1"})
    assert response.status_code == 422
    message = field_error(response.get_data(as_text=True), "name")
    expected = (
        "Type your full name to sign."
        if not typed
        else "Type your name as it is on your account: Mina Mentee."
    )
    assert message == shown(expected)
    assert snapshot(app) == before


def test_signing_keeps_the_version_and_the_typed_name(app, world, login, program) -> None:
    client = login("mentee")
    mentee = membership_of(app, world.email("mentee"))
    response = client.submit(_url(program), {"name": "  mina   MENTEE ", "version": "1"})
    assert response.status_code == 303 and response.location == "/"
    assert _signatures(app) == [(mentee.id, 1, "mina   MENTEE")]
    signed = _membership(app, mentee.id)
    assert signed.agreed_version == 1
    assert utcnow() - signed.agreed_at < timedelta(minutes=1)
    home = client.get("/").get_data(as_text=True)
    assert "Thank you: you signed the agreement." in home
    assert ("Sign the agreement", True) in checklist_steps(home)
    page = client.get(_url(program)).get_data(as_text=True)
    assert "You signed this version on" in page and 'name="name"' not in page


def test_signing_the_same_version_twice_changes_nothing(app, world, login, program) -> None:
    client = login("own_mentor")
    assert client.submit(_url(program), {"name": "Omar Mentor", "version": "1"}).status_code == 303
    before = snapshot(app)
    again = client.submit(_url(program), {"name": "Omar Mentor", "version": "1"})
    assert again.status_code == 303
    assert snapshot(app) == before


def test_a_new_version_asks_to_sign_again_and_keeps_both(app, world, login, program) -> None:
    client = login("mentee")
    mentee = membership_of(app, world.email("mentee"))
    client.submit(_url(program), {"name": "Mina Mentee", "version": "1"})
    changed = "We meet every week by video.\nWhat we say stays between us.\nPhones away."
    bump_agreement(app, program, changed)
    with app.app_context():
        march = utcnow().replace(year=2026, month=3, day=9, hour=12)
        db.session.add_all(
            [
                AgreementVersion(program_id=program, version=1, text=AGREEMENT),
                AgreementVersion(program_id=program, version=2, text=changed, created_at=march),
            ]
        )
        db.session.commit()
    page = client.get(_url(program)).get_data(as_text=True)
    assert "<h1>The agreement changed</h1>" in page
    assert "The agreement was updated on 09 Mar 2026." in page
    change = page.split('aria-labelledby="change-heading"', 1)[1].split("</section>", 1)[0]
    added, removed = change.split("No longer in it")
    assert "<li>We meet every week by video.</li>" in added and "<li>Phones away.</li>" in added
    assert "<li>We meet every two weeks by video.</li>" in removed
    assert "stays between us" not in change and 'name="name"' in page
    assert client.submit(_url(program), {"name": "Mina Mentee", "version": "2"}).status_code == 303
    assert _signatures(app) == [(mentee.id, 1, "Mina Mentee"), (mentee.id, 2, "Mina Mentee")]
    assert _membership(app, mentee.id).agreed_version == 2
    assert "The agreement changed" not in client.get(_url(program)).get_data(as_text=True)


def test_without_the_old_text_the_change_is_still_told(app, world, login, program) -> None:
    client = login("mentee")
    client.submit(_url(program), {"name": "Mina Mentee", "version": "1"})
    bump_agreement(app, program, "A new text.")
    page = client.get(_url(program)).get_data(as_text=True)
    assert "The agreement was updated. Please read it again" in page
    assert "New or reworded" not in page and "A new text." in page


def test_a_change_while_reading_is_not_signed_unseen(app, world, login, program) -> None:
    client = login("mentee")
    client.get(_url(program))
    bump_agreement(app, program, "A new text nobody has read yet.")
    response = client.submit(_url(program), {"name": "Mina Mentee", "version": "1"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert field_error(page, "name") == shown(
        "The agreement changed while you were reading it. Read it again, then sign."
    )
    assert "A new text nobody has read yet." in page and 'value="2"' in page
    assert _signatures(app) == []
