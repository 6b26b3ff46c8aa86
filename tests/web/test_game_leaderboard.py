"""The leaderboard: off by default, turned on by the program's coordinator, cohort-only, and
showing first names and points of the people who opted in, never anyone else."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from game_support import MENTEE, check_in, membership_id, pinned_fixture  # noqa: F401

from app.clock import utcnow
from app.extensions import db
from app.models import Membership, Program


@pytest.fixture(autouse=True)
def _clock(pinned):
    return pinned


def enable(app, program_id: int, on: bool = True) -> None:
    with app.app_context():
        db.session.get(Program, program_id).leaderboard_enabled = on
        db.session.commit()


def opt_in(app, email: str, on: bool = True) -> None:
    with app.app_context():
        db.session.get(Membership, membership_id(email)).leaderboard_opt_in = on
        db.session.commit()


def board(client, program_id: int):
    return client.get(f"/programs/{program_id}/leaderboard")


def test_off_by_default_it_answers_404_to_everyone(world, new_client):
    for role in ("mentee", "own_mentor", "coordinator"):
        assert board(new_client(role), world.program_id).status_code == 404


def test_only_people_who_opted_in_appear_with_first_name_and_points(app, world, new_client):
    enable(app, world.program_id)
    check_in(new_client("mentee"))
    page = board(new_client("own_mentor"), world.program_id).get_data(as_text=True)
    assert "Mina" not in page and "Nobody has chosen to appear yet." in page
    opt_in(app, MENTEE)
    page = board(new_client("own_mentor"), world.program_id).get_data(as_text=True)
    assert "<span>1. Mina</span> <span>10 points</span>" in page
    assert "Mentee" not in page.split("<main", 1)[1]  # never the surname
    assert "Eli" not in page  # the other mentee did not opt in


def test_a_mentee_who_left_the_program_leaves_the_board(app, world, new_client):
    enable(app, world.program_id)
    check_in(new_client("mentee"))
    opt_in(app, MENTEE)
    with app.app_context():
        db.session.get(Membership, membership_id(MENTEE)).left_at = utcnow()
        db.session.commit()
    page = board(new_client("own_mentor"), world.program_id).get_data(as_text=True)
    assert "Mina" not in page and "Nobody has chosen to appear yet." in page


def test_another_programs_members_get_404_even_when_it_is_on(app, world, new_client):
    enable(app, world.program_id)
    assert board(new_client("other_coordinator"), world.program_id).status_code == 404
    enable(app, world.other_program_id)
    assert board(new_client("mentee"), world.other_program_id).status_code == 404
    assert board(new_client("other_coordinator"), world.other_program_id).status_code == 200


def test_turning_it_off_again_hides_it(app, world, new_client):
    enable(app, world.program_id)
    assert board(new_client("mentee"), world.program_id).status_code == 200
    enable(app, world.program_id, on=False)
    assert board(new_client("mentee"), world.program_id).status_code == 404


def test_the_coordinator_turns_it_on_in_the_program_settings(app, world, new_client):
    coordinator = new_client("coordinator")
    form = coordinator.get(f"/programs/{world.program_id}/settings").get_data(as_text=True)
    assert 'name="leaderboard_enabled"' in form and "Offer a leaderboard" in form
    with app.app_context():
        program = db.session.get(Program, world.program_id)
        data = {
            "name": program.name,
            "model": program.model.value,
            "starts_on": program.starts_on.isoformat(),
            "ends_on": program.ends_on.isoformat(),
            "cadence": program.cadence.value,
            "meeting_minutes": str(program.meeting_minutes),
            "meeting_mode": program.meeting_mode.value,
            "time_zone": program.time_zone,
            "leaderboard_enabled": "y",
        }
    assert coordinator.submit(f"/programs/{world.program_id}/settings", data).status_code == 303
    with app.app_context():
        assert db.session.get(Program, world.program_id).leaderboard_enabled


def test_a_mentee_opts_in_and_out_on_the_account_page(app, world, new_client):
    mentee = new_client("mentee")
    page = mentee.get("/account").get_data(as_text=True)
    assert "Show me on Hillside Mentoring’s leaderboard" in page
    assert "This program has no leaderboard at the moment." in page
    with app.app_context():
        own = membership_id(MENTEE)
    response = mentee.submit("/account/leaderboard", {"membership_id": own, "show": "y"})
    assert response.status_code == 303 and response.location.startswith("/account")
    with app.app_context():
        assert db.session.get(Membership, own).leaderboard_opt_in
    mentee.submit("/account/leaderboard", {"membership_id": own})
    with app.app_context():
        assert not db.session.get(Membership, own).leaderboard_opt_in


def test_nobody_opts_someone_else_in(app, world, new_client):
    with app.app_context():
        other = membership_id("other-mentee@test.example")
    for role in ("mentee", "own_mentor", "coordinator"):
        response = new_client(role).submit(
            "/account/leaderboard", {"membership_id": other, "show": "y"}
        )
        assert response.status_code == 404
    for junk, status in (("abc", 400), ("", 400), ("99999999999999999999", 404)):
        response = new_client("mentee").submit(
            "/account/leaderboard", {"membership_id": junk, "show": "y"}
        )
        assert response.status_code == status
    with app.app_context():
        assert not db.session.scalar(
            sa.select(Membership.leaderboard_opt_in).where(Membership.id == other)
        )
