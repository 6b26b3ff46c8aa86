"""The onboarding checklist on a participant's home, until every step is done; and a person
who left the program reaching none of the onboarding pages."""

from __future__ import annotations

import pytest
from onboarding_support import (
    CHECKLIST,
    add_module,
    add_profile,
    bump_agreement,
    checklist_steps,
    membership_of,
    set_membership,
    sign,
)

from app.clock import utcnow
from app.extensions import db
from app.models import ParticipantProfile, TrainingCompletion


def _complete(app, membership_id: int, module_ids=()) -> None:
    add_profile(app, membership_id)
    sign(app, membership_id)
    with app.app_context():
        db.session.add_all(
            TrainingCompletion(membership_id=membership_id, module_id=m) for m in module_ids
        )
        db.session.commit()


def test_a_new_mentee_sees_profile_and_agreement_steps_with_links(app, world, login) -> None:
    page = login("mentee").get("/").get_data(as_text=True)
    assert checklist_steps(page) == [("Your profile", False), ("Sign the agreement", False)]
    assert f'href="/programs/{world.program_id}/profile"' in page
    assert f'href="/programs/{world.program_id}/agreement"' in page
    assert "/training" not in page


def test_a_mentor_also_sees_training_counted(app, world, login) -> None:
    first = add_module(app, world.program_id, "One")
    add_module(app, world.program_id, "Two", position=1)
    mentor = membership_of(app, world.email("own_mentor"))
    add_profile(app, mentor.id)
    with app.app_context():
        db.session.add(TrainingCompletion(membership_id=mentor.id, module_id=first))
        db.session.commit()
    page = login("own_mentor").get("/").get_data(as_text=True)
    assert checklist_steps(page) == [
        ("Your profile", True),
        ("Sign the agreement", False),
        ("Training: 1 of 2 modules", False),
    ]
    assert f'href="/programs/{world.program_id}/training"' in page


def test_a_mentor_without_modules_to_read_has_no_training_step(app, world, login) -> None:
    page = login("own_mentor").get("/").get_data(as_text=True)
    assert [text for text, _ in checklist_steps(page)] == ["Your profile", "Sign the agreement"]


@pytest.mark.parametrize("role", ["mentee", "own_mentor"])
def test_the_checklist_is_hidden_once_everything_is_done(app, world, login, role) -> None:
    module = add_module(app, world.program_id)
    membership = membership_of(app, world.email(role))
    _complete(app, membership.id, [module] if role == "own_mentor" else [])
    page = login(role).get("/").get_data(as_text=True)
    assert CHECKLIST not in page and checklist_steps(page) == []


def test_a_roster_profile_without_times_and_style_is_not_done(app, world, login) -> None:
    mentee = membership_of(app, world.email("mentee"))
    with app.app_context():
        db.session.add(ParticipantProfile(membership_id=mentee.id, interests="chess"))
        db.session.commit()
    page = login("mentee").get("/").get_data(as_text=True)
    assert ("Your profile", False) in checklist_steps(page)


def test_a_new_agreement_version_asks_to_sign_again(app, world, login) -> None:
    mentee = membership_of(app, world.email("mentee"))
    _complete(app, mentee.id)
    client = login("mentee")
    assert CHECKLIST not in client.get("/").get_data(as_text=True)
    bump_agreement(app, world.program_id, "Meet every week. Keep it confidential.")
    steps = checklist_steps(client.get("/").get_data(as_text=True))
    assert steps == [("Your profile", True), ("The agreement changed: read and sign again", False)]


def test_coordinators_have_no_checklist(app, world, login) -> None:
    page = login("coordinator").get("/").get_data(as_text=True)
    assert CHECKLIST not in page


def _home_queries(client, query_counter) -> int:
    client.get("/")
    with query_counter as counted:
        assert client.get("/").status_code == 200
    return counted.count


def test_home_query_count_does_not_grow_with_modules_or_steps_done(
    app, world, login, query_counter
) -> None:
    """The checklist costs the same few queries shown or hidden, with 1 module or 30."""
    client = login("own_mentor")
    mentor = membership_of(app, world.email("own_mentor"))
    modules = [add_module(app, world.program_id)]
    one = _home_queries(client, query_counter)
    modules += [add_module(app, world.program_id, f"Module {n}", position=n) for n in range(29)]
    assert _home_queries(client, query_counter) == one
    _complete(app, mentor.id, modules)
    assert CHECKLIST not in client.get("/").get_data(as_text=True)
    assert _home_queries(client, query_counter) == one


ROUTES = [
    ("GET", "/programs/{program_id}/profile"),
    ("POST", "/programs/{program_id}/profile"),
    ("GET", "/programs/{program_id}/agreement"),
    ("POST", "/programs/{program_id}/agreement"),
    ("GET", "/programs/{program_id}/training"),
    ("GET", "/programs/{program_id}/training/{module_id}"),
    ("POST", "/programs/{program_id}/training/{module_id}"),
]


@pytest.mark.parametrize("role", ["mentee", "own_mentor"])
def test_someone_who_left_reaches_no_onboarding_page(app, world, login, role) -> None:
    module_id = add_module(app, world.program_id)
    membership = membership_of(app, world.email(role))
    client = login(role)
    assert client.get(f"/programs/{world.program_id}/profile").status_code == 200
    if role == "own_mentor":
        assert client.get(f"/programs/{world.program_id}/training/{module_id}").status_code == 200
    set_membership(app, membership.id, left_at=utcnow())
    for method, template in ROUTES:
        url = template.format(program_id=world.program_id, module_id=module_id)
        data = {"name": "Omar Mentor", "answer": "0", "style": "direct"}
        response = client.get(url) if method == "GET" else client.submit(url, data)
        assert response.status_code == 404, f"{method} {url}: {response.status_code}"
