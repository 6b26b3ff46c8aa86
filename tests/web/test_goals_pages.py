"""Goals: creating a SMART goal, editing, archiving, the list page, and who may see what."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from goals_support import (
    MENTEE,
    MENTOR,
    add_goal,
    add_group,
    client_for,
    count,
    error_next_to,
    goal_status,
    iso,
    membership_id,
    program_of,
)
from markupsafe import escape

from app import clock
from app.extensions import db
from app.models import Goal, GoalStatus, MilestoneStatus, Role


def _today():
    return clock.utcnow().date()


def goal_form(**overrides) -> dict:
    return {
        "title": "Apply to two summer programmes",
        "measure": "Two applications sent before their deadlines",
        "target_date": iso(_today() + timedelta(days=21)),
        "why": "I want to try university-style study.",
        **overrides,
    }


def test_mentee_creates_a_goal_of_their_own(app, world, login):
    client = login("mentee")
    response = client.submit(f"/mentorships/{world.mentorship_id}/goals/new", goal_form())
    assert response.status_code == 303
    with app.app_context():
        goal = db.session.scalar(sa.select(Goal))
        assert goal.membership_id == membership_id(MENTEE, Role.MENTEE)
        assert goal.mentorship_id == world.mentorship_id
        assert goal.status is GoalStatus.ACTIVE
        assert response.location == f"/goals/{goal.id}"
    page = client.get(response.location).get_data(as_text=True)
    assert "Apply to two summer programmes" in page
    assert "Two applications sent before their deadlines" in page
    assert "Goal added" in page


def test_new_goal_page_offers_the_program_dates(world, login):
    page = login("mentee").get(f"/mentorships/{world.mentorship_id}/goals/new")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'type="date"' in html
    assert f'min="{iso(_today() - timedelta(weeks=4))}"' in html


def _outside_program(app, world):
    with app.app_context():
        return iso(program_of(world.mentorship_id).ends_on + timedelta(days=1))


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("title", "", "Give your goal a short, specific title."),
        ("title", "   ", "Give your goal a short, specific title."),
        ("title", "x" * 121, "Keep the title to 120 characters or fewer."),
        ("measure", "", "Say how you'll know you're getting there."),
        ("measure", "m" * 301, "Keep this to 300 characters or fewer."),
        ("why", "w" * 501, "Keep this to 500 characters or fewer."),
        ("target_date", "", "Pick the date you're aiming for."),
        ("target_date", "31/02/2027", "Not a valid date value."),
        ("target_date", "after-program", "Pick a date inside the program"),
        ("target_date", "before-program", "Pick a date inside the program"),
        ("target_date", "yesterday", "That date has passed. Pick today or a later date."),
    ],
)
def test_bad_goal_input_is_shown_next_to_its_field_and_nothing_is_written(
    app, world, login, field, value, message
):
    with app.app_context():
        program = program_of(world.mentorship_id)
        dates = {
            "after-program": iso(program.ends_on + timedelta(days=1)),
            "before-program": iso(program.starts_on - timedelta(days=1)),
            "yesterday": iso(_today() - timedelta(days=1)),
        }
    client = login("mentee")
    response = client.submit(
        f"/mentorships/{world.mentorship_id}/goals/new",
        goal_form(**{field: dates.get(value, value)}),
    )
    assert response.status_code == 422
    shown = error_next_to(response.get_data(as_text=True), field)
    assert shown is not None and shown.startswith(str(escape(message)))
    with app.app_context():
        assert count(Goal) == 0


def test_a_double_submit_adds_one_goal(app, world, login):
    client = login("mentee")
    url = f"/mentorships/{world.mentorship_id}/goals/new"
    first = client.submit(url, goal_form())
    second = client.submit(url, goal_form())
    assert first.status_code == second.status_code == 303
    assert first.location == second.location
    with app.app_context():
        assert count(Goal) == 1


def test_an_archived_goal_keeps_its_title(app, world, login):
    with app.app_context():
        add_goal(world.mentorship_id, title="Read more", status=GoalStatus.ARCHIVED)
    response = login("mentee").submit(
        f"/mentorships/{world.mentorship_id}/goals/new", goal_form(title="Read more")
    )
    assert response.status_code == 422
    assert "An archived goal has this title" in error_next_to(
        response.get_data(as_text=True), "title"
    )
    with app.app_context():
        assert count(Goal) == 1


def test_editing_a_goal_saves_it(app, world, login):
    with app.app_context():
        goal_id = add_goal(world.mentorship_id)
    client = login("mentee")
    form = client.get(f"/goals/{goal_id}/edit").get_data(as_text=True)
    assert "Raise my maths grade from C to B" in form
    response = client.submit(
        f"/goals/{goal_id}/edit", goal_form(title="Raise my maths grade from C to A")
    )
    assert response.status_code == 303
    with app.app_context():
        assert db.session.get(Goal, goal_id).title == "Raise my maths grade from C to A"


def test_an_overdue_goal_can_be_edited_but_not_moved_into_the_past(app, world, login):
    overdue = _today() - timedelta(days=3)
    with app.app_context():
        goal_id = add_goal(world.mentorship_id)
        db.session.get(Goal, goal_id).target_date = overdue
        db.session.commit()
    client = login("mentee")
    kept = client.submit(f"/goals/{goal_id}/edit", goal_form(target_date=iso(overdue)))
    assert kept.status_code == 303
    moved = client.submit(
        f"/goals/{goal_id}/edit", goal_form(target_date=iso(overdue - timedelta(days=1)))
    )
    assert moved.status_code == 422
    assert "That date has passed" in error_next_to(moved.get_data(as_text=True), "target_date")


def test_two_goals_cannot_share_a_title(app, world, login):
    with app.app_context():
        add_goal(world.mentorship_id, title="Read more")
        goal_id = add_goal(world.mentorship_id, title="Sleep more")
    response = login("mentee").submit(f"/goals/{goal_id}/edit", goal_form(title="Read more"))
    assert response.status_code == 422
    assert "already a goal with this title" in error_next_to(
        response.get_data(as_text=True), "title"
    )
    with app.app_context():
        assert db.session.get(Goal, goal_id).title == "Sleep more"


def test_archive_and_bring_back(app, world, login):
    with app.app_context():
        goal_id = add_goal(world.mentorship_id, milestones=(MilestoneStatus.OPEN,))
    client = login("mentee")
    archived = client.submit(f"/goals/{goal_id}/archive")
    assert archived.status_code == 303
    assert archived.location == f"/mentorships/{world.mentorship_id}/goals"
    with app.app_context():
        assert goal_status(goal_id) is GoalStatus.ARCHIVED
    listing = client.get(archived.location).get_data(as_text=True)
    assert "Archived (1)" in listing
    detail = client.get(f"/goals/{goal_id}").get_data(as_text=True)
    assert "Bring it back" in detail
    assert "Mark done" not in detail

    refused = client.submit(f"/goals/{goal_id}/edit", goal_form(title="Changed"))
    assert refused.status_code == 303
    assert "This goal is archived" in client.get(refused.location).get_data(as_text=True)

    assert client.submit(f"/goals/{goal_id}/unarchive").status_code == 303
    with app.app_context():
        assert goal_status(goal_id) is GoalStatus.ACTIVE
        assert db.session.get(Goal, goal_id).title != "Changed"


def test_bringing_back_a_finished_goal_completes_it(app, world, login):
    with app.app_context():
        goal_id = add_goal(
            world.mentorship_id,
            milestones=(MilestoneStatus.CONFIRMED,),
            status=GoalStatus.ARCHIVED,
        )
    login("mentee").submit(f"/goals/{goal_id}/unarchive")
    with app.app_context():
        assert goal_status(goal_id) is GoalStatus.COMPLETED


def test_the_mentor_sets_a_goal_for_their_mentee(app, world, login):
    client = login("own_mentor")
    response = client.submit(f"/mentorships/{world.mentorship_id}/goals/new", goal_form())
    assert response.status_code == 303
    with app.app_context():
        goal = db.session.scalar(sa.select(Goal))
        assert goal.membership_id == membership_id(MENTEE, Role.MENTEE)


def test_a_group_mentor_picks_whose_goal_it_is(app, world, login):
    with app.app_context():
        group_id, (first, second) = add_group(world)
        second_id = membership_id(second, Role.MENTEE)
        outsider_id = membership_id(MENTEE, Role.MENTEE)
    client = login("own_mentor")
    url = f"/mentorships/{group_id}/goals/new"
    page = client.get(f"{url}?mentee={second_id}").get_data(as_text=True)
    assert f'<option selected value="{second_id}">' in page
    wrong = client.submit(url, goal_form(mentee=str(outsider_id)))
    assert wrong.status_code == 422
    assert error_next_to(wrong.get_data(as_text=True), "mentee")
    assert client.submit(url, goal_form(mentee="not-a-number")).status_code == 422
    assert client.submit(url, goal_form(mentee=str(second_id))).status_code == 303
    with app.app_context():
        goal = db.session.scalar(sa.select(Goal))
        assert goal.membership_id == second_id
        assert goal.mentorship_id == group_id


def test_in_a_group_each_mentee_sees_only_their_own_goals(app, world):
    with app.app_context():
        group_id, (first, second) = add_group(world)
        mine = add_goal(group_id, owner_email=first, title="Build a robot")
        theirs = add_goal(group_id, owner_email=second, title="Enter the science fair")
    client = client_for(app, first)
    listing = client.get(f"/mentorships/{group_id}/goals").get_data(as_text=True)
    assert "Build a robot" in listing
    assert "Enter the science fair" not in listing
    assert client.get(f"/goals/{mine}").status_code == 200
    assert client.get(f"/goals/{theirs}").status_code == 404
    assert client.submit(f"/goals/{theirs}/archive").status_code == 404

    mentor = client_for(app, MENTOR)
    both = mentor.get(f"/mentorships/{group_id}/goals").get_data(as_text=True)
    assert "Build a robot" in both and "Enter the science fair" in both
    assert mentor.get(f"/goals/{theirs}").status_code == 200


@pytest.mark.parametrize("role", ["other_mentor", "coordinator", "other_coordinator"])
def test_outsiders_get_404_on_every_goal_page(app, world, login, role):
    with app.app_context():
        goal_id = add_goal(world.mentorship_id, milestones=(MilestoneStatus.OPEN,))
    client = login(role)
    for url in (
        f"/mentorships/{world.mentorship_id}/goals",
        f"/mentorships/{world.mentorship_id}/goals/new",
        f"/goals/{goal_id}",
        f"/goals/{goal_id}/edit",
    ):
        assert client.get(url).status_code == 404, url
    for url in (f"/goals/{goal_id}/archive", f"/goals/{goal_id}/unarchive"):
        assert client.submit(url).status_code == 404, url
    assert client.submit(f"/goals/{goal_id}/edit", goal_form(title="Mine now")).status_code == 404
    with app.app_context():
        assert db.session.get(Goal, goal_id).title == "Raise my maths grade from C to B"


def test_unknown_goal_ids_answer_404(world, login):
    client = login("mentee")
    assert client.get("/goals/999999").status_code == 404
    assert client.get("/mentorships/999999/goals").status_code == 404


def test_the_list_shows_each_goal_with_its_progress(app, world, login):
    with app.app_context():
        goal_id = add_goal(
            world.mentorship_id,
            milestones=(MilestoneStatus.CONFIRMED, MilestoneStatus.WAITING, MilestoneStatus.OPEN),
        )
    page = login("mentee").get(f"/mentorships/{world.mentorship_id}/goals").get_data(as_text=True)
    assert f'href="/goals/{goal_id}"' in page
    assert f'<label for="goal-{goal_id}-progress">1 of 3 milestones confirmed</label>' in page
    assert f'<progress id="goal-{goal_id}-progress" max="3" value="1">' in page
