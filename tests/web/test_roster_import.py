"""Roster import: a CSV is checked row by row in a dry run that writes nothing but the upload,
then imported all at once (memberships for people with an account, personal invites for the
rest) or not at all; a bad file gets a clear message next to the field, never a 500."""

from __future__ import annotations

import io
import re

import pytest
import sqlalchemy as sa
from web_support import field_error, shown, snapshot
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from app.extensions import db
from app.models import Invite, Membership, ParticipantProfile, Role, RosterUpload, User
from app.programs import roster, roster_service

HEADER = "name,email,role,interests,goals\n"


def _url(world, rest: str = "") -> str:
    return f"/programs/{world.program_id}/roster{rest}"


def upload(client, world, content: bytes | str, filename: str = "class.csv"):
    """The file posted as a browser would. The body is encoded in memory: the test client's
    own encoder leaves a temporary file open for a large one."""
    data = content.encode() if isinstance(content, str) else content
    fields = {"csrf_token": client.csrf_token(), "file": FileStorage(io.BytesIO(data), filename)}
    boundary, body = encode_multipart(fields)
    return client.post(
        _url(world), data=body, content_type=f"multipart/form-data; boundary={boundary}"
    )


def _upload_id(response) -> int:
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    return int(re.search(r"/roster/(\d+)$", response.location).group(1))


def _count(app, model, **where) -> int:
    with app.app_context():
        query = sa.select(sa.func.count()).select_from(model).filter_by(**where)
        return db.session.scalar(query)


def _rows(count: int, start: int = 0) -> str:
    return "".join(
        f"Student {i},student{i}@school.example,mentee,music,read more\n"
        for i in range(start, start + count)
    )


def test_a_good_file_is_previewed_then_imported(app, world, login) -> None:
    client = login("coordinator")
    text = (
        "\ufeffName,EMAIL,Role,Interests,Goals,Skills,Languages\n"
        "Ada Lovelace,Ada@School.example,Mentee,maths; music,learn to code,,English\n"
        f"Existing Person,{world.email('mentee')},mentor,,,teaching,\n"
    )
    before = snapshot(app)
    upload_id = _upload_id(upload(client, world, text.encode("utf-8")))
    page = client.get(_url(world, f"/{upload_id}")).get_data(as_text=True)
    after = snapshot(app)
    assert {t for t in after if after[t] != before[t]} == {"roster_uploads"}
    assert "Ready to import" in page and "ada@school.example" in page
    assert "Joins at once (has an account)" in page
    assert re.search(r"<button[^>]*>Import 2 people</button>", page)
    assert "disabled" not in re.search(r"<button[^>]*>Import 2 people", page).group(0)

    response = client.submit(_url(world, f"/{upload_id}/import"))
    assert response.status_code == 303
    assert response.location.endswith(f"/programs/{world.program_id}/invites")
    with app.app_context():
        invite = db.session.scalar(sa.select(Invite).where(Invite.email == "ada@school.example"))
        assert (invite.name, invite.role, invite.uses_left) == ("Ada Lovelace", Role.MENTEE, 1)
        assert invite.profile == {
            "interests": "maths; music",
            "goals": "learn to code",
            "languages": "English",
        }
        user = db.session.scalar(sa.select(User).where(User.email == world.email("mentee")))
        roles = set(db.session.scalars(sa.select(Membership.role).filter_by(user_id=user.id)))
        assert roles == {Role.MENTEE, Role.MENTOR}
        assert db.session.get(RosterUpload, upload_id).imported_at is not None
    # the personal invite's page knows who it is for
    form = app.test_client().get(f"/join/{invite.code}").get_data(as_text=True)
    assert 'value="Ada Lovelace"' in form and 'value="ada@school.example"' in form
    # an upload imports once
    before = snapshot(app)
    response = client.submit(_url(world, f"/{upload_id}/import"))
    assert response.status_code == 303
    assert "imported already" in client.get(response.location).get_data(as_text=True)
    assert snapshot(app) == before


def test_people_with_an_account_start_with_their_rows_profile(app, world, login) -> None:
    client = login("coordinator")
    text = (
        "name,email,role,interests,goals,skills,languages\n"
        f"Existing Person,{world.email('mentee')},mentor,,,teaching; maths,English\n"
        f"Other Person,{world.email('other_mentor')},mentee,chess,  learn Spanish ,,\n"
        f"Plain Person,{world.email('other_coordinator')},mentee,,,,\n"
    )
    upload_id = _upload_id(upload(client, world, text))
    with app.app_context():
        before = set(db.session.scalars(sa.select(Membership.id)))
    assert client.submit(_url(world, f"/{upload_id}/import")).status_code == 303
    with app.app_context():
        rows = db.session.execute(
            sa.select(User.email, Membership.id, ParticipantProfile)
            .join(Membership, Membership.user_id == User.id)
            .outerjoin(ParticipantProfile, ParticipantProfile.membership_id == Membership.id)
            .where(Membership.id.not_in(before))
        ).all()
        made = {
            email: p and (p.interests, p.goals, p.skills, p.languages, p.availability, p.style)
            for email, _, p in rows
        }
    assert made == {
        world.email("mentee"): ("", "", "teaching; maths", "English", "", None),
        world.email("other_mentor"): ("chess", "learn Spanish", "", "", "", None),
        world.email("other_coordinator"): None,
    }


PROBLEMS = [
    (",nobody@school.example,mentee", "The name is missing."),
    ("X" * 81 + ",long@school.example,mentee", "The name is longer than 80 characters."),
    ("Bad Mail,not-an-address,mentee", "is not an e-mail address"),
    ("No Mail,,mentee", "The e-mail is missing."),
    ("Odd Role,odd@school.example,teacher", "Unknown role “teacher”: write mentee or mentor."),
    ("Boss,boss@school.example,Coordinator", roster.COORDINATOR_REFUSED),
    ("Twin,student0@school.example,mentor", "This e-mail is already on line 2 of the file."),
    ("Member,{mentee},mentee", "Already in the program as a mentee."),
    ("Invited,invited@school.example,mentee", "Already invited as a mentee (still open)."),
]


@pytest.mark.parametrize(("line", "problem"), PROBLEMS, ids=[p[1][:30] for p in PROBLEMS])
def test_every_problem_is_shown_and_blocks_the_import(app, world, login, line, problem) -> None:
    with app.app_context():
        db.session.add(
            Invite(program_id=world.program_id, role=Role.MENTEE, email="invited@school.example")
        )
        db.session.commit()
    client = login("coordinator")
    text = HEADER + _rows(1) + line.format(mentee=world.email("mentee")) + "\n" + _rows(2, 5)
    upload_id = _upload_id(upload(client, world, text))
    page = client.get(_url(world, f"/{upload_id}")).get_data(as_text=True)
    assert shown(problem) in page
    assert "1 row to fix" in page and "fix the file and" in page
    assert re.search(r"<button[^>]*disabled[^>]*>Import 3 people</button>", page)
    before = snapshot(app)
    response = client.submit(_url(world, f"/{upload_id}/import"))
    assert response.status_code == 303 and response.location.endswith(f"/roster/{upload_id}")
    assert "Nobody was imported" in client.get(response.location).get_data(as_text=True)
    assert snapshot(app) == before


BAD_FILES = [
    ("Zoë,zoe@school.example,mentee\n".encode("latin-1"), "Save the file as CSV UTF-8"),
    (
        (HEADER + "Zoë,zoe@school.example,mentee\n").encode("utf-16"),
        "Save the file as CSV UTF-8",
    ),
    (
        (HEADER + "Zoe,zoe@school.example,mentee\n").encode("utf-16-le"),
        "Save the file as CSV UTF-8",
    ),
    (b"", "The file is empty."),
    (b"\n\n", "The file is empty."),
    (b"name,email,role\n", "The file has a header but nobody in it."),
    (b"name,mail\nA,a@school.example\n", "missing: email, role"),
    (b"Ada,ada@school.example,mentee\n", "The first line must name the columns; missing: name"),
    ((HEADER + _rows(10_001)).encode(), "more than 10,000 people"),
    (HEADER.encode() + b"x" * (roster.MAX_BYTES + 10), "larger than 3 MB"),
]


@pytest.mark.parametrize(("content", "message"), BAD_FILES, ids=[m for _, m in BAD_FILES])
def test_a_bad_file_gets_a_message_next_to_the_field(app, world, login, content, message) -> None:
    client = login("coordinator")
    before = snapshot(app)
    response = upload(client, world, content)
    assert response.status_code == 422
    assert message in field_error(response.get_data(as_text=True), "file")
    assert snapshot(app) == before


def test_no_file_and_a_far_too_large_body(app, world, login) -> None:
    client = login("coordinator")
    response = client.submit(_url(world))
    assert response.status_code == 422
    assert field_error(response.get_data(as_text=True), "file") == shown(
        "Choose the roster's CSV file."
    )
    response = upload(client, world, b"x" * (2 * roster.MAX_BYTES + 10))
    assert response.status_code == 413


def test_semicolons_and_blank_lines_are_read(app, world, login) -> None:
    client = login("coordinator")
    text = "Name;Email;Role\r\n\r\nAda;ada@school.example;mentee\r\n"
    upload_id = _upload_id(upload(client, world, text))
    page = client.get(_url(world, f"/{upload_id}")).get_data(as_text=True)
    assert "Ready to import" in page and "ada@school.example" in page


def test_a_failure_mid_import_writes_nothing(app, world, login, monkeypatch) -> None:
    client = login("coordinator")
    text = HEADER + _rows(3) + f"Member,{world.email('other_mentor')},mentee\n"
    upload_id = _upload_id(upload(client, world, text))
    before = snapshot(app)
    real_execute = db.session.execute

    def fail_after_invites(statement, *args, **kwargs):
        result = real_execute(statement, *args, **kwargs)
        if isinstance(statement, sa.Insert) and statement.table.name == "invites":
            raise RuntimeError("the disk is full")
        return result

    with app.app_context():
        monkeypatch.setattr(db.session, "execute", fail_after_invites)
        upload_row = db.session.get(RosterUpload, upload_id)
        with pytest.raises(RuntimeError):
            roster_service.import_roster(upload_row, None)
        monkeypatch.undo()
    assert snapshot(app) == before


def test_someone_joining_after_the_preview_stops_the_import(app, world, login) -> None:
    client = login("coordinator")
    text = HEADER + _rows(3) + "Late,late@school.example,mentee\n"
    upload_id = _upload_id(upload(client, world, text))
    assert "Ready to import" in client.get(_url(world, f"/{upload_id}")).get_data(as_text=True)
    with app.app_context():
        db.session.add(
            Invite(program_id=world.program_id, role=Role.MENTEE, email="late@school.example")
        )
        db.session.commit()
    before = snapshot(app)
    response = client.submit(_url(world, f"/{upload_id}/import"))
    assert response.status_code == 303
    page = client.get(response.location).get_data(as_text=True)
    assert "1 row has a problem now" in page and "Nobody was imported" in page
    assert snapshot(app) == before


def test_another_programs_upload_is_not_found(app, world, login) -> None:
    with app.app_context():
        theirs = RosterUpload(program_id=world.other_program_id, content=HEADER + _rows(1))
        db.session.add(theirs)
        db.session.commit()
        theirs_id = theirs.id
    client = login("coordinator")
    before = snapshot(app)
    assert client.get(_url(world, f"/{theirs_id}")).status_code == 404
    assert client.submit(_url(world, f"/{theirs_id}/import")).status_code == 404
    assert snapshot(app) == before


def test_ten_thousand_rows_preview_in_few_queries_and_import(
    app, world, login, query_counter
) -> None:
    client = login("coordinator")
    small = _upload_id(upload(client, world, HEADER + _rows(3)))
    big = _upload_id(upload(client, world, HEADER + _rows(10_000)))
    client.get(_url(world, f"/{small}"))
    with query_counter as few:
        client.get(_url(world, f"/{small}"))
    with query_counter as many:
        page = client.get(_url(world, f"/{big}")).get_data(as_text=True)
    assert many.count == few.count
    assert "The first 200 are shown, and 9800 more." in page
    assert page.count("<tr>") < 250
    response = client.submit(_url(world, f"/{big}/import"))
    assert response.status_code == 303
    assert _count(app, Invite, program_id=world.program_id, uses_left=1) == 10_000


def test_a_page_of_problems_stays_short(app, world, login) -> None:
    client = login("coordinator")
    text = HEADER + "".join(f"S{i},bad{i},mentee\n" for i in range(1_000))
    page = client.get(_url(world, f"/{_upload_id(upload(client, world, text))}")).get_data(
        as_text=True
    )
    assert "1000 rows to fix" in page and "And 500 more rows with a problem." in page


def test_an_odd_file_name_is_kept_as_plain_text(app, world, login) -> None:
    upload_id = _upload_id(
        upload(login("coordinator"), world, HEADER + _rows(1), filename="cl\x00a\x1bss.csv")
    )
    with app.app_context():
        assert db.session.get(RosterUpload, upload_id).filename == "class.csv"


def test_a_body_that_is_no_form_is_refused(app, world, login) -> None:
    client = login("coordinator")
    before = snapshot(app)
    response = client.post(
        _url(world), json={"file": "name,email,role"}, headers={"X-CSRFToken": client.csrf_token()}
    )
    assert response.status_code == 415
    assert snapshot(app) == before
