"""Setting a program up: a coordinator creates another one and runs it, the settings keep a
group size and version the agreement when (and only when) its words change, and the preview
shows what participants read and sign."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from web_support import field_error, shown

from app.clock import utcnow
from app.extensions import db
from app.models import (
    AgreementVersion,
    BreakWeek,
    Invite,
    Membership,
    MentorshipModel,
    Program,
    Role,
    User,
)
from app.onboarding.status import checklists


def _program_form(**changes) -> dict[str, str]:
    start = utcnow().date()
    return {
        "name": "Riverside Reading Buddies",
        "objectives": "Read for fun\r\nA book a month\r\n",
        "target_audience": "Year 7",
        "model": "one_on_one",
        "group_size": "4",
        "starts_on": start.isoformat(),
        "ends_on": (start + timedelta(weeks=20)).isoformat(),
        "cadence": "weekly",
        "meeting_minutes": "40",
        "meeting_mode": "in_person",
        "time_zone": "Europe/London",
        "agreement": "We meet every week.\r\nWhat we say stays between us.",
        **changes,
    }


def _settings_form(app, program_id: int, **changes) -> dict[str, str]:
    """The settings form as the page would post it, unchanged but for ``changes``."""
    with app.app_context():
        program = db.session.get(Program, program_id)
        current = {
            "name": program.name,
            "objectives": program.objectives,
            "target_audience": program.target_audience,
            "model": program.model.value,
            "group_size": str(program.group_size),
            "starts_on": program.starts_on.isoformat(),
            "ends_on": program.ends_on.isoformat(),
            "cadence": program.cadence.value,
            "meeting_minutes": str(program.meeting_minutes),
            "meeting_mode": program.meeting_mode.value,
            "time_zone": program.time_zone,
            "agreement": program.agreement.replace("\n", "\r\n"),  # as a browser sends it
        }
    return {**current, **changes}


def _versions(app, program_id: int) -> list[tuple[int, str]]:
    with app.app_context():
        return db.session.execute(
            sa.select(AgreementVersion.version, AgreementVersion.text)
            .where(AgreementVersion.program_id == program_id)
            .order_by(AgreementVersion.version)
        ).all()


# --- creating a program -----------------------------------------------------------------


def test_a_coordinator_creates_a_program_and_runs_it(app, world, login) -> None:
    client = login("coordinator")
    assert 'href="/programs/new"' in client.get("/").get_data(as_text=True)
    form = client.get("/programs/new").get_data(as_text=True)
    assert re.search(r'<input [^>]*id="meeting_minutes"[^>]* value="45"', form)
    assert re.search(r'<input [^>]*id="time_zone"[^>]* value="Europe/London"', form)  # creator's
    assert re.search(r'<input [^>]*id="time_zone" list="time-zone-suggestions"', form)
    response = client.submit("/programs/new", _program_form())
    assert response.status_code == 303
    with app.app_context():
        program = db.session.scalar(
            sa.select(Program).where(Program.name == "Riverside Reading Buddies")
        )
        (membership,) = db.session.scalars(
            sa.select(Membership).where(Membership.program_id == program.id)
        ).all()
        coordinator = db.session.get(User, membership.user_id)
        assert coordinator.email == world.email("coordinator")
        assert membership.role is Role.COORDINATOR and membership.agreed_version == 1
        assert program.objective_list == ["Read for fun", "A book a month"]
        assert program.agreement == "We meet every week.\nWhat we say stays between us."
        assert program.agreement_version == 1
    assert response.location.endswith(f"/programs/{program.id}/settings")
    assert _versions(app, program.id) == [(1, program.agreement)]
    # the creator now acts in the new program: its pages are theirs, and the nav points there
    page = client.get(response.location).get_data(as_text=True)
    assert "Agreement version 1 · 0 of 0 participants signed it" in page
    home = client.get("/").get_data(as_text=True)
    assert "Riverside Reading Buddies" in home


@pytest.mark.parametrize("role", ["mentee", "own_mentor"])
def test_only_coordinators_may_create_a_program(app, login, role) -> None:
    client = login(role)
    assert 'href="/programs/new"' not in client.get("/").get_data(as_text=True)
    assert client.get("/programs/new").status_code == 404
    assert client.submit("/programs/new", _program_form()).status_code == 404
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Program)) == 2


def test_a_deactivated_coordinator_may_not_create_a_program(app, world, login) -> None:
    with app.app_context():
        db.session.execute(
            sa.update(Membership)
            .where(Membership.role == Role.COORDINATOR, Membership.program_id == world.program_id)
            .values(left_at=utcnow())
        )
        db.session.commit()
    assert login("coordinator").get("/programs/new").status_code == 404


def test_a_new_program_form_shows_what_is_wrong(app, login) -> None:
    client = login("coordinator")
    start = date(2030, 9, 1)
    response = client.submit(
        "/programs/new",
        _program_form(
            name="",
            starts_on=start.isoformat(),
            ends_on=(start - timedelta(days=1)).isoformat(),
            meeting_minutes="5",
            model="group",
            group_size="1",
        ),
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert field_error(page, "name") == "Give the program a name."
    assert field_error(page, "ends_on") == "The end must come after the start."
    assert field_error(page, "meeting_minutes") == "Between 10 and 240 minutes."
    assert field_error(page, "group_size") == "Between 2 and 30 mentees."
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Program)) == 2


def test_the_cli_gives_a_program_to_an_existing_coordinator(app, world, runner) -> None:
    result = runner.invoke(
        args=[
            "create-program",
            *("--name", "Evening Club", "--starts", "2030-09-01", "--ends", "2031-06-30"),
            *("--coordinator", world.email("coordinator").upper()),
        ]
    )
    assert result.exit_code == 0, result.output
    assert "Cora Coordinator coordinates it" in result.output
    with app.app_context():
        program = db.session.scalar(sa.select(Program).where(Program.name == "Evening Club"))
        (membership,) = db.session.scalars(
            sa.select(Membership).where(Membership.program_id == program.id)
        ).all()
        assert membership.role is Role.COORDINATOR and membership.agreed_version == 1
        assert not db.session.scalars(
            sa.select(Invite).where(Invite.program_id == program.id)
        ).all()
    assert _versions(app, program.id) == [(1, "")]


def test_the_cli_refuses_an_unknown_coordinator(app, runner) -> None:
    result = runner.invoke(
        args=[
            "create-program",
            *("--name", "Evening Club", "--starts", "2030-09-01", "--ends", "2031-06-30"),
            *("--coordinator", "nobody@school.example"),
        ]
    )
    assert result.exit_code != 0
    assert "No account uses nobody@school.example" in result.output
    with app.app_context():
        assert db.session.scalar(sa.select(Program).where(Program.name == "Evening Club")) is None


def test_the_cli_prints_a_one_use_coordinator_invite(app, runner) -> None:
    result = runner.invoke(
        args=["create-program", "--name", "Evening Club", "--starts", "2030-09-01",
              "--ends", "2031-06-30"]
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    with app.app_context():
        program = db.session.scalar(sa.select(Program).where(Program.name == "Evening Club"))
        (invite,) = db.session.scalars(sa.select(Invite).where(Invite.program_id == program.id))
        assert invite.role is Role.COORDINATOR and invite.uses_left == 1
    assert f"\nhttp://127.0.0.1:5000/join/{invite.code}\n" in result.output  # a link to open
    assert _versions(app, program.id) == [(1, "")]


# --- group size -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("size", "message"),
    [
        ("1", "Between 2 and 30 mentees."),
        ("31", "Between 2 and 30 mentees."),
        ("", "How many mentees share a mentor? Give a number from 2 to 30."),
        ("many", "How many mentees share a mentor? Give a number from 2 to 30."),
    ],
)
def test_a_group_program_needs_a_group_size(app, world, login, size, message) -> None:
    url = f"/programs/{world.program_id}/settings"
    data = _settings_form(app, world.program_id, model="group", group_size=size)
    response = login("coordinator").submit(url, data)
    assert response.status_code == 422
    assert field_error(response.get_data(as_text=True), "group_size") == shown(message)
    with app.app_context():
        assert db.session.get(Program, world.program_id).model is MentorshipModel.ONE_ON_ONE


def test_the_group_size_is_saved_and_shown(app, world, login) -> None:
    client = login("coordinator")
    url = f"/programs/{world.program_id}/settings"
    response = client.submit(
        url, _settings_form(app, world.program_id, model="group", group_size="6")
    )
    assert response.status_code == 303
    with app.app_context():
        assert db.session.get(Program, world.program_id).group_size == 6
    page = client.get(f"/programs/{world.program_id}").get_data(as_text=True)
    assert "one mentor with up to 6 mentees" in page


@pytest.mark.parametrize(
    ("model", "words"),
    [
        ("one_on_one", "each mentee meets one mentor"),
        ("peer", "mentors are fellow students"),
        ("reverse", "students mentor adults"),
    ],
)
def test_each_model_is_explained_to_participants_and_on_matching(
    app, world, login, model, words
) -> None:
    client = login("coordinator")
    url = f"/programs/{world.program_id}/settings"
    assert client.submit(url, _settings_form(app, world.program_id, model=model)).status_code == 303
    for page in (f"/programs/{world.program_id}", f"/programs/{world.program_id}/matching"):
        assert words in client.get(page).get_data(as_text=True), page


def test_other_models_ignore_the_group_size(app, world, login) -> None:
    url = f"/programs/{world.program_id}/settings"
    data = _settings_form(app, world.program_id, model="peer", group_size="")
    assert login("coordinator").submit(url, data).status_code == 303
    with app.app_context():
        program = db.session.get(Program, world.program_id)
        assert program.model is MentorshipModel.PEER and program.group_size == 4


# --- agreement versions -----------------------------------------------------------------


def _sign(app, world, role: str, version: int) -> int:
    """The person of ``role`` signed ``version`` of our program's agreement."""
    with app.app_context():
        membership = db.session.scalar(
            sa.select(Membership)
            .join(User)
            .where(User.email == world.email(role), Membership.program_id == world.program_id)
        )
        membership.agreed_version, membership.agreed_at = version, utcnow()
        db.session.commit()
        return membership.id


def _checklist(app, program_id: int, membership_id: int):
    with app.app_context():
        program = db.session.get(Program, program_id)
        membership = db.session.get(Membership, membership_id)
        return checklists(program, [membership])[membership_id]


def test_new_agreement_words_make_a_new_version_to_sign_again(app, world, login) -> None:
    signer = _sign(app, world, "mentee", 1)
    assert not _checklist(app, world.program_id, signer).must_sign_again
    client = login("coordinator")
    url = f"/programs/{world.program_id}/settings"
    text = "We meet every two weeks.\r\nWhat we share stays private."
    response = client.submit(url, _settings_form(app, world.program_id, agreement=text))
    assert response.status_code == 303
    with app.app_context():
        assert db.session.get(Program, world.program_id).agreement_version == 2
    assert _versions(app, world.program_id) == [(2, text.replace("\r\n", "\n"))]
    checklist = _checklist(app, world.program_id, signer)
    assert checklist.must_sign_again and not checklist.agreement
    page = client.get(response.location).get_data(as_text=True)
    assert "everyone who signed an earlier one is asked to sign it again" in page
    # submitting the same words again (a double submit, or saving other settings) adds nothing
    again = client.submit(url, _settings_form(app, world.program_id, agreement=text + "\r\n"))
    assert again.status_code == 303
    assert [v for v, _ in _versions(app, world.program_id)] == [2]


def test_saving_other_settings_keeps_the_agreement_version(app, world, login) -> None:
    with app.app_context():
        db.session.get(Program, world.program_id).agreement = "Be kind.\nBe on time."
        db.session.commit()
    signer = _sign(app, world, "own_mentor", 1)
    url = f"/programs/{world.program_id}/settings"
    data = _settings_form(app, world.program_id, name="Hillside Mentors", objectives="Grow\r\n")
    assert login("coordinator").submit(url, data).status_code == 303
    with app.app_context():
        program = db.session.get(Program, world.program_id)
        assert program.name == "Hillside Mentors" and program.agreement_version == 1
    assert _versions(app, world.program_id) == []
    assert _checklist(app, world.program_id, signer).agreement


def test_the_settings_page_says_who_signed_the_current_version(app, world, login) -> None:
    _sign(app, world, "mentee", 1)
    _sign(app, world, "own_mentor", 1)
    client = login("coordinator")
    page = client.get(f"/programs/{world.program_id}/settings").get_data(as_text=True)
    assert "Agreement version 1 · 2 of 4 participants signed it" in page
    data = _settings_form(app, world.program_id, agreement="New words.")
    client.submit(f"/programs/{world.program_id}/settings", data)
    _sign(app, world, "mentee", 2)
    page = client.get(f"/programs/{world.program_id}/settings").get_data(as_text=True)
    assert "Agreement version 2 · 1 of 4 participants signed it" in page


def test_the_settings_page_query_count_does_not_grow(app, world, login, query_counter) -> None:
    client = login("coordinator")
    url = f"/programs/{world.program_id}/settings"
    client.get(url)
    with query_counter as few:
        assert client.get(url).status_code == 200
    with app.app_context():
        monday = utcnow().date() - timedelta(days=utcnow().date().weekday())
        db.session.add_all(
            BreakWeek(program_id=world.program_id, monday=monday + timedelta(weeks=w))
            for w in range(3, 9)
        )
        for n in range(12):
            user = User(name=f"Pupil {n}", email=f"pupil{n}@test.example", password_hash="x")
            db.session.add(Membership(user=user, program_id=world.program_id, role=Role.MENTEE))
        db.session.commit()
    with query_counter as many:
        assert client.get(url).status_code == 200
    assert many.count == few.count, many.statements


# --- the preview ------------------------------------------------------------------------


def test_the_preview_shows_what_participants_see_and_sign(app, world, login, new_client) -> None:
    url = f"/programs/{world.program_id}/settings"
    data = _settings_form(
        app,
        world.program_id,
        objectives="Confidence\r\nA plan for next year",
        agreement="We meet weekly.\r\n<b>Private</b> stays private.",
    )
    client = login("coordinator")
    assert client.submit(url, data).status_code == 303
    response = client.get(f"/programs/{world.program_id}/agreement/preview")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "<li>Confidence</li>" in page and "<li>A plan for next year</li>" in page
    assert "&lt;b&gt;Private&lt;/b&gt; stays private." in page and "<b>Private" not in page
    assert "Version 2" in page and "signs version 2 by typing their full name" in page
    # the participant's overview shows the same text, from the same partial
    mentee = new_client("mentee")
    overview = mentee.get(f"/programs/{world.program_id}").get_data(as_text=True)
    assert "<li>A plan for next year</li>" in overview
    assert "&lt;b&gt;Private&lt;/b&gt; stays private." in overview


def test_versions_follow_the_stored_words_not_a_stale_page(app, world) -> None:
    """Another coordinator saved new words after this page was loaded: saving the same words
    makes no second version, and different words take the next number."""
    from app.programs import service

    with app.app_context():
        program = db.session.get(Program, world.program_id)  # loaded with version 1
        with db.engine.begin() as other:
            other.execute(
                sa.update(Program)
                .where(Program.id == world.program_id)
                .values(agreement="Meet weekly.", agreement_version=2)
            )
        assert service.update_program(program, {"agreement": "Meet weekly."}) is None
        program = db.session.get(Program, world.program_id)
        assert service.update_program(program, {"agreement": "Meet every week."}) == 3
    assert _versions(app, world.program_id) == [(3, "Meet every week.")]
