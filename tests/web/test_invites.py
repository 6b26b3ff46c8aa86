"""The invite page: a form that starts on Mentee and stays on the role just used, coordinator
invites that are short unless made longer on purpose, links to tap, copy and share, a QR code
for a classroom screen, revoking in two steps, and personal (roster) invites kept apart."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from static_support import static_url
from web_support import field_error, post_forms, snapshot

from app.clock import utcnow
from app.extensions import db
from app.models import Invite, Program, Role
from app.qr import qr_svg


def _url(world, rest: str = "") -> str:
    return f"/programs/{world.program_id}/invites{rest}"


def _new_invites(app, world, before: set[int]) -> list[Invite]:
    with app.app_context():
        rows = db.session.scalars(
            sa.select(Invite).where(Invite.program_id == world.program_id, Invite.id.not_in(before))
        ).all()
        db.session.expunge_all()
        return rows


def _ids(app) -> set[int]:
    with app.app_context():
        return set(db.session.scalars(sa.select(Invite.id)))


def _options(page: str) -> list[tuple[str, bool]]:
    select = re.search(r'<select[^>]*name="role".*?</select>', page, re.S).group(0)
    return [
        (value, "selected" in attrs)
        for attrs, value in re.findall(r'<option([^>]*value="(\w+)"[^>]*)>', select)
    ]


def _value(page: str, name: str) -> str | None:
    match = re.search(rf'<input[^>]*name="{name}"[^>]*value="([^"]*)"', page)
    return match.group(1) if match else None


def test_the_form_starts_on_mentee_and_stays_on_the_role_used(app, world, login) -> None:
    client = login("coordinator")
    page = client.get(_url(world)).get_data(as_text=True)
    assert _options(page) == [("mentee", True), ("mentor", False), ("coordinator", False)]
    assert (_value(page, "days"), _value(page, "uses")) == ("30", "30")

    response = client.submit(_url(world), {"role": "mentor", "days": "7", "uses": "20"})
    assert response.status_code == 303
    assert response.location.endswith(_url(world, "?role=mentor"))
    page = client.get(response.location).get_data(as_text=True)
    assert _options(page) == [("mentee", False), ("mentor", True), ("coordinator", False)]
    # a made-up role in the address falls back to Mentee
    page = client.get(_url(world, "?role=admin")).get_data(as_text=True)
    assert ("mentee", True) in _options(page)


def test_a_coordinator_invite_is_one_use_for_two_days(app, world, login) -> None:
    client = login("coordinator")
    page = client.get(_url(world, "?role=coordinator")).get_data(as_text=True)
    assert (_value(page, "days"), _value(page, "uses")) == ("2", "1")
    assert "A coordinator can see and change the whole program" in page
    before = _ids(app)
    response = client.submit(_url(world), {"role": "coordinator", "days": "", "uses": ""})
    assert response.status_code == 303
    (invite,) = _new_invites(app, world, before)
    assert invite.role is Role.COORDINATOR and invite.uses_left == 1
    assert abs(invite.expires_at - (utcnow() + timedelta(days=2))) < timedelta(minutes=1)


@pytest.mark.parametrize("terms", [{"uses": "5"}, {"days": "30"}, {"days": "3", "uses": "2"}])
def test_a_longer_coordinator_invite_needs_a_tick(app, world, login, terms) -> None:
    client = login("coordinator")
    before = snapshot(app)
    form = {"role": "coordinator", "days": "", "uses": "", **terms}
    response = client.submit(_url(world), form)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "tick this box" in field_error(page, "understood")
    assert snapshot(app) == before
    invites = _ids(app)
    response = client.submit(_url(world), {**form, "understood": "y"})
    assert response.status_code == 303
    (invite,) = _new_invites(app, world, invites)
    assert invite.uses_left == int(terms.get("uses", 1))


def test_a_mentor_invite_needs_no_tick(app, world, login) -> None:
    client = login("coordinator")
    response = client.submit(_url(world), {"role": "mentor", "days": "90", "uses": "200"})
    assert response.status_code == 303


def test_bad_numbers_are_told_next_to_their_field(app, world, login) -> None:
    client = login("coordinator")
    response = client.submit(_url(world), {"role": "mentee", "days": "400", "uses": "0"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert field_error(page, "days") == "1 to 365 days."
    assert field_error(page, "uses") == "1 to 1000 people."


def _link(code: str) -> str:
    return f"http://localhost/join/{code}"


def test_each_invite_has_a_link_to_tap_copy_and_share(app, world, login) -> None:
    page = login("coordinator").get(_url(world)).get_data(as_text=True)
    link = _link(world.invite_code)
    field = f"invite-link-{world.invite_id}"
    assert f'<a class="long-text" href="{link}">{link}</a>' in page
    assert re.search(rf'<input id="{field}"[^>]*value="{re.escape(link)}"', page)
    assert f'data-copy="{field}"' in page and f'data-share="{field}"' in page
    assert static_url("js/waypoint.js") in page  # share.js is bundled in
    script = (app.static_folder + "/js/share.js").replace("//", "/")
    with open(script, encoding="utf-8") as source:
        text = source.read()
    assert "navigator.share" in text and "if (!navigator.share) return;" in text


def test_the_classroom_screen_shows_the_qr_code_of_the_link(app, world, login) -> None:
    client = login("coordinator")
    response = client.get(_url(world, f"/{world.invite_id}"))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    with app.app_context():
        name = db.session.get(Program, world.program_id).name
    svg = str(qr_svg(_link(world.invite_code), f"QR code to join {name} as a mentee"))
    assert svg.startswith("<svg ") and svg in page
    assert f'<p class="code code-large">{world.invite_code}</p>' in page
    assert client.get(_url(world, f"/{world.other_invite_id}")).status_code == 404


def test_revoking_asks_first_with_a_real_form(app, world, login) -> None:
    client = login("coordinator")
    list_page = client.get(_url(world)).get_data(as_text=True)
    confirm = _url(world, f"/{world.invite_id}/revoke")
    assert f'href="{confirm}"' in list_page
    assert confirm not in post_forms(list_page)  # the list itself revokes nothing
    before = snapshot(app)
    response = client.get(confirm)
    assert response.status_code == 200 and snapshot(app) == before
    page = response.get_data(as_text=True)
    assert confirm in post_forms(page)
    assert client.submit(confirm).status_code == 303
    with app.app_context():
        assert db.session.get(Invite, world.invite_id).uses_left == 0
    assert client.get(_url(world, f"/{world.other_invite_id}/revoke")).status_code == 404


def _personal(app, world, count: int, **values) -> None:
    with app.app_context():
        db.session.execute(
            sa.insert(Invite),
            [
                {
                    "program_id": world.program_id,
                    "role": Role.MENTEE,
                    "code": f"P{i:03d}-{i:04d}",
                    "uses_left": 1,
                    "expires_at": utcnow() + timedelta(days=30),
                    "email": f"student{i}@school.example",
                    "name": values.get("name", f"Student {i}"),
                }
                for i in range(count)
            ],
        )
        db.session.commit()


def test_personal_invites_are_counted_and_downloaded_not_listed(
    app, world, login, query_counter
) -> None:
    client = login("coordinator")
    client.get(_url(world))
    with query_counter as few:
        client.get(_url(world))
    _personal(app, world, 120)
    with query_counter as many:
        page = client.get(_url(world)).get_data(as_text=True)
    assert many.count == few.count
    assert "120 personal invites" in page and "P000-0000" not in page
    assert world.invite_code in page
    response = client.get(_url(world, ".csv"))
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0] == ["name", "email", "role", "link", "expires"]
    assert len(rows) == 121 and world.invite_code not in response.get_data(as_text=True)
    assert ["Student 0", "student0@school.example", "mentee", _link("P000-0000")] == rows[1][:4]


@pytest.mark.parametrize("name", ['=HYPERLINK("http://x")', "+1", "-2+3", "@SUM(A1)"])
def test_the_csv_cannot_smuggle_a_formula(app, world, login, name) -> None:
    _personal(app, world, 1, name=name)
    text = login("coordinator").get(_url(world, ".csv")).get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[1][0] == "'" + name


def test_a_personal_invite_shows_whose_it_is(app, world, login) -> None:
    _personal(app, world, 1, name="Zoë Example")
    with app.app_context():
        invite_id = db.session.scalar(sa.select(Invite.id).where(Invite.email.is_not(None)))
    page = login("coordinator").get(_url(world, f"/{invite_id}")).get_data(as_text=True)
    assert "Zoë Example" in page and "student0@school.example" in page


@pytest.mark.parametrize("tail", ["", "/revoke"])
def test_an_absurd_invite_id_is_not_found(app, world, login, tail) -> None:
    client = login("coordinator")
    assert client.get(_url(world, f"/99999999999999999999{tail}")).status_code == 404
    assert client.get(_url(world, f"/abc{tail}")).status_code == 404
