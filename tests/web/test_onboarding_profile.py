"""The profile for matching: its fields for mentees and mentors, validation next to each
field, saving, and a roster invite's fields starting the profile of whoever joins by it."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from onboarding_support import COMPLETE_PROFILE, checklist_steps, membership_of
from web_support import field_error, shown, snapshot

from app.extensions import db
from app.models import Invite, MentorshipModel, ParticipantProfile, Program, Role


def _url(world) -> str:
    return f"/programs/{world.program_id}/profile"


def _profile(app, membership_id: int) -> ParticipantProfile | None:
    with app.app_context():
        profile = db.session.scalar(
            sa.select(ParticipantProfile).where(ParticipantProfile.membership_id == membership_id)
        )
        if profile is not None:
            db.session.expunge(profile)
        return profile


def test_a_mentee_sees_the_fields_and_a_compact_week_grid(app, world, login) -> None:
    page = login("mentee").get(_url(world)).get_data(as_text=True)
    assert "What you want help with" in page
    assert page.count('type="checkbox" name="availability"') == 28
    assert 'value="sun-evening"' in page and "Mon morning" in page
    assert page.count('type="radio" name="style"') == 3
    assert page.count('type="checkbox" name="modes"') == 4
    assert 'name="capacity"' not in page


def test_a_mentor_says_what_they_help_with_and_how_many_mentees(app, world, login) -> None:
    page = login("own_mentor").get(_url(world)).get_data(as_text=True)
    assert shown("What you'd like to help with") in page
    assert "How many mentees you can take" in page and 'name="capacity"' in page


def test_in_a_group_program_capacity_is_about_the_group(app, world, login) -> None:
    with app.app_context():
        db.session.get(Program, world.program_id).model = MentorshipModel.GROUP
        db.session.commit()
    page = login("own_mentor").get(_url(world)).get_data(as_text=True)
    assert "How many mentees you can take in your group" in page


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"availability": []}, "availability", "Pick at least one time you're usually free."),
        ({"availability": ["mon-night"]}, "availability", "Pick from the options shown."),
        ({"style": ""}, "style", "Pick the way of talking that suits you best."),
        ({"style": "shouty"}, "style", "Pick the way of talking that suits you best."),
        ({"modes": ["telepathy"]}, "modes", "Pick from the options shown."),
        ({"interests": "x" * 501}, "interests", "Keep it under 500 characters."),
        ({"languages": "x" * 201}, "languages", "Keep it under 200 characters."),
    ],
)
def test_bad_answers_get_a_message_next_to_the_field(app, world, login, change, field, message):
    client = login("mentee")
    before = snapshot(app)
    response = client.submit(_url(world), {**COMPLETE_PROFILE, **change})
    assert response.status_code == 422
    assert field_error(response.get_data(as_text=True), field) == shown(message)
    assert snapshot(app) == before


@pytest.mark.parametrize("capacity", ["", "0", "11", "many"])
def test_a_mentors_capacity_is_from_one_to_ten(app, world, login, capacity) -> None:
    response = login("own_mentor").submit(_url(world), {**COMPLETE_PROFILE, "capacity": capacity})
    assert response.status_code == 422
    assert field_error(response.get_data(as_text=True), "capacity")


def test_saving_stores_the_profile_and_ticks_the_checklist(app, world, login) -> None:
    client = login("mentee")
    mentee = membership_of(app, world.email("mentee"))
    response = client.submit(_url(world), COMPLETE_PROFILE)
    assert response.status_code == 303 and response.location == "/"
    profile = _profile(app, mentee.id)
    assert (profile.interests, profile.goals, profile.skills, profile.languages) == (
        "robotics, chess",
        "revision, confidence",
        "maths",
        "English, Polish",
    )
    # Kept in the order of the week and of the modes, whatever order they were sent in.
    assert profile.availability == "mon-evening wed-lunch"
    assert (profile.style, profile.modes, profile.capacity) == (
        "encouraging",
        "in_person video",
        None,
    )
    home = client.get("/").get_data(as_text=True)
    assert "Your profile is saved." in home
    assert ("Your profile", True) in checklist_steps(home)


def test_the_saved_profile_shows_again_and_updates_in_place(app, world, login) -> None:
    client = login("own_mentor")
    mentor = membership_of(app, world.email("own_mentor"))
    client.submit(_url(world), {**COMPLETE_PROFILE, "capacity": "3"})
    page = client.get(_url(world)).get_data(as_text=True)
    assert 'value="mon-evening" checked' in page and 'value="tue-evening" checked' not in page
    assert 'value="encouraging" checked' in page and 'value="3"' in page
    changed = {**COMPLETE_PROFILE, "availability": ["sat-morning"], "modes": [], "capacity": "2"}
    assert client.submit(_url(world), changed).status_code == 303
    profile = _profile(app, mentor.id)
    assert (profile.availability, profile.modes, profile.capacity) == ("sat-morning", "", 2)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ParticipantProfile)) == 1


ROSTER = {
    "interests": "football, drawing",
    "goals": "maths exam",
    "skills": "",
    "languages": "English",
}


def _roster_invite(app, world, role: Role = Role.MENTEE) -> str:
    with app.app_context():
        invite = Invite(
            program_id=world.program_id,
            role=role,
            uses_left=1,
            email="nia@test.example",
            name="Nia Newcomer",
            profile=ROSTER,
        )
        db.session.add(invite)
        db.session.commit()
        return invite.code


REGISTRATION = {
    "name": "Nia Newcomer",
    "email": "nia@test.example",
    "password": "a fine long passphrase",
    "time_zone": "Europe/London",
}


def test_a_roster_invite_prefills_the_profile_of_whoever_joins_by_it(app, world, client) -> None:
    code = _roster_invite(app, world)
    assert client.submit(f"/join/{code}", REGISTRATION).status_code == 303
    nia = membership_of(app, "nia@test.example")
    profile = _profile(app, nia.id)
    assert (profile.interests, profile.goals, profile.languages) == (
        "football, drawing",
        "maths exam",
        "English",
    )
    assert (profile.availability, profile.style) == ("", None)
    # Prefilled is not done: the checklist still asks for times and a style.
    home = client.get("/").get_data(as_text=True)
    assert ("Your profile", False) in checklist_steps(home)
    page = client.get(_url(world)).get_data(as_text=True)
    assert 'value="football, drawing"' in page and 'value="maths exam"' in page
    saved = {**COMPLETE_PROFILE, "interests": "football, drawing"}
    assert client.submit(_url(world), saved).status_code == 303
    assert ("Your profile", True) in checklist_steps(client.get("/").get_data(as_text=True))


def test_an_existing_account_accepting_a_roster_invite_gets_the_prefill(app, world, login) -> None:
    """The other program's coordinator joins ours as a mentor through a roster invite."""
    code = _roster_invite(app, world, Role.MENTOR)
    client = login("other_coordinator")
    assert client.submit(f"/join/{code}").status_code == 303
    with app.app_context():
        profile = db.session.scalar(sa.select(ParticipantProfile))
        assert (profile.interests, profile.availability) == ("football, drawing", "")


def test_an_invite_without_profile_fields_creates_no_profile(app, world, client) -> None:
    assert client.submit(f"/join/{world.invite_code}", REGISTRATION).status_code == 303
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ParticipantProfile)) == 0
