"""Milestones: adding, editing, reordering, removing, and the mark done → review flow."""

from __future__ import annotations

import json
from datetime import UTC, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from goals_support import (
    MENTOR,
    add_goal,
    add_group,
    client_for,
    count,
    error_next_to,
    goal_status,
    iso,
    milestone_ids,
    milestone_state,
    program_of,
)
from markupsafe import escape

from app import clock
from app.extensions import db
from app.models import (
    Goal,
    GoalStatus,
    Milestone,
    MilestoneAction,
    MilestoneEvent,
    MilestoneStatus,
    User,
)

OPEN, WAITING, CONFIRMED = MilestoneStatus.OPEN, MilestoneStatus.WAITING, MilestoneStatus.CONFIRMED
A = MilestoneAction


@pytest.fixture
def goal_id(app, world):
    with app.app_context():
        return add_goal(world.mentorship_id)


def _titles(app, goal_id: int) -> list[str]:
    with app.app_context():
        return [db.session.get(Milestone, m).title for m in milestone_ids(goal_id)]


def _note(milestone_id: int) -> str:
    return f"milestone-{milestone_id}-note"


# --- adding, editing, reordering, removing ---------------------------------------------------


def test_adding_a_milestone_without_javascript(app, goal_id, login):
    client = login("mentee")
    response = client.submit(
        f"/goals/{goal_id}/milestones",
        {"new-milestone-title": "Finish the revision booklet", "new-milestone-due_on": ""},
    )
    assert response.status_code == 303
    assert response.location == f"/goals/{goal_id}"
    page = client.get(response.location).get_data(as_text=True)
    assert "Finish the revision booklet" in page
    assert "Milestone added." in page
    with app.app_context():
        (milestone_id,) = milestone_ids(goal_id)
        assert milestone_state(milestone_id) == (OPEN, [A.CREATED])


def test_adding_a_milestone_with_htmx_swaps_the_section(app, goal_id, login):
    response = login("mentee").htmx(
        "POST", f"/goals/{goal_id}/milestones", {"new-milestone-title": "Book the theory test"}
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith('<section id="milestones"')
    assert "<html" not in html
    assert "Book the theory test" in html
    assert json.loads(response.headers["HX-Trigger"]) == {
        "waypoint:toast": {"message": "Milestone added."}
    }


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("title", "", "Name the step"),
        ("title", "t" * 121, "Keep the milestone to 120 characters or fewer."),
        ("due_on", "not a date", "Not a valid date value."),
        ("due_on", "after-program", "Pick a date inside the program"),
    ],
)
def test_bad_milestone_input_is_shown_in_place_and_nothing_is_written(
    app, world, goal_id, login, field, value, message
):
    with app.app_context():
        after = iso(program_of(world.mentorship_id).ends_on + timedelta(days=1))
    data = {"new-milestone-title": "A good step", "new-milestone-due_on": ""}
    data[f"new-milestone-{field}"] = after if value == "after-program" else value
    client = login("mentee")
    for response in (
        client.submit(f"/goals/{goal_id}/milestones", data),
        client.htmx("POST", f"/goals/{goal_id}/milestones", data),
    ):
        assert response.status_code == 422
        shown = error_next_to(response.get_data(as_text=True), f"new-milestone-{field}")
        assert shown is not None and shown.startswith(str(escape(message)))
    with app.app_context():
        assert count(Milestone) == 0


def test_adding_the_same_milestone_twice_keeps_one(app, goal_id, login):
    client = login("mentee")
    for _ in range(2):
        client.submit(f"/goals/{goal_id}/milestones", {"new-milestone-title": "Same step"})
    with app.app_context():
        assert count(Milestone) == 1
        assert count(MilestoneEvent) == 1


def test_editing_a_milestone_is_in_its_history(app, world, login):
    with app.app_context():
        goal_id = add_goal(world.mentorship_id, milestones=(OPEN,))
        (milestone_id,) = milestone_ids(goal_id)
        due = program_of(world.mentorship_id).ends_on
    client = login("mentee")
    assert client.get(f"/milestones/{milestone_id}/edit").status_code == 200
    response = client.submit(
        f"/milestones/{milestone_id}/edit", {"title": "Step one, done well", "due_on": iso(due)}
    )
    assert response.status_code == 303
    with app.app_context():
        milestone = db.session.get(Milestone, milestone_id)
        assert (milestone.title, milestone.due_on) == ("Step one, done well", due)
        event = db.session.scalar(
            sa.select(MilestoneEvent).where(MilestoneEvent.action == A.EDITED)
        )
        assert "Renamed from “Step 1”." in event.note
    bad = client.submit(f"/milestones/{milestone_id}/edit", {"title": ""})
    assert bad.status_code == 422
    assert error_next_to(bad.get_data(as_text=True), "title")
    client.submit(f"/goals/{goal_id}/milestones", {"new-milestone-title": "Step two"})
    taken = client.submit(f"/milestones/{milestone_id}/edit", {"title": "Step two"})
    assert taken.status_code == 422
    assert "already has a milestone with this title" in error_next_to(
        taken.get_data(as_text=True), "title"
    )
    assert _titles(app, goal_id) == ["Step one, done well", "Step two"]


def test_a_confirmed_milestone_cannot_be_edited(app, world, login):
    with app.app_context():
        goal_id = add_goal(world.mentorship_id, milestones=(CONFIRMED,))
        (milestone_id,) = milestone_ids(goal_id)
    response = login("mentee").submit(f"/milestones/{milestone_id}/edit", {"title": "Renamed"})
    assert response.status_code == 303
    assert _titles(app, goal_id) == ["Step 1"]


def test_moving_milestones_up_and_down(app, world, login):
    with app.app_context():
        goal_id = add_goal(world.mentorship_id, milestones=(OPEN, OPEN, OPEN))
        first, second, third = milestone_ids(goal_id)
    client = login("mentee")
    response = client.submit(f"/milestones/{third}/move", {"to": "1"})
    assert response.status_code == 303
    assert _titles(app, goal_id) == ["Step 1", "Step 3", "Step 2"]
    client.submit(f"/milestones/{third}/move", {"to": "1"})  # the same click again
    assert _titles(app, goal_id) == ["Step 1", "Step 3", "Step 2"]

    swapped = client.htmx("POST", f"/milestones/{first}/move", {"to": "1"})
    assert swapped.status_code == 200
    html = swapped.get_data(as_text=True)
    assert html.lstrip().startswith('<section id="milestones"')
    assert html.index("Step 3") < html.index("Step 1") < html.index("Step 2")
    client.submit(f"/milestones/{second}/move", {"to": "0"})
    assert _titles(app, goal_id) == ["Step 2", "Step 3", "Step 1"]
    client.submit(f"/milestones/{second}/move", {"to": "99"})
    assert _titles(app, goal_id) == ["Step 3", "Step 1", "Step 2"]


@pytest.mark.parametrize("to", ["", "up", "-1", "1.5"])
def test_a_bad_move_is_refused_without_a_change(app, world, login, to):
    with app.app_context():
        goal_id = add_goal(world.mentorship_id, milestones=(OPEN, OPEN))
        first, _ = milestone_ids(goal_id)
    assert login("mentee").submit(f"/milestones/{first}/move", {"to": to}).status_code == 400
    assert _titles(app, goal_id) == ["Step 1", "Step 2"]


def test_only_open_never_confirmed_milestones_can_be_removed(app, world, login):
    with app.app_context():
        goal_id = add_goal(world.mentorship_id, milestones=(OPEN, WAITING, CONFIRMED, OPEN))
        open_one, waiting, confirmed, reopened = milestone_ids(goal_id)
        db.session.add(
            MilestoneEvent(milestone_id=reopened, action=A.CONFIRMED, note="confirmed once")
        )
        db.session.commit()
    client = login("mentee")
    for milestone_id in (waiting, confirmed, reopened):
        refused = client.submit(f"/milestones/{milestone_id}/delete")
        assert refused.status_code == 303
    assert _titles(app, goal_id) == ["Step 1", "Step 2", "Step 3", "Step 4"]
    page = client.get(f"/goals/{goal_id}").get_data(as_text=True)
    assert "Only an open milestone that was never confirmed can be removed." in page
    assert page.count("Remove<span") == 1
    # the Remove link asks first, on a page of its own; leaving it keeps the milestone
    question = client.get(f"/milestones/{open_one}/delete").get_data(as_text=True)
    assert "Remove “Step 1”?" in question and "Keep it" in question
    assert f'action="/milestones/{open_one}/delete"' in question
    assert _titles(app, goal_id) == ["Step 1", "Step 2", "Step 3", "Step 4"]
    refused_page = client.get(f"/milestones/{waiting}/delete").get_data(as_text=True)
    assert "this one stays on record" in refused_page and "Remove the milestone" not in refused_page
    client.submit(f"/milestones/{open_one}/delete")
    assert _titles(app, goal_id) == ["Step 2", "Step 3", "Step 4"]
    with app.app_context():
        assert (
            db.session.scalar(
                sa.select(sa.func.count()).where(MilestoneEvent.milestone_id == open_one)
            )
            == 0
        )


# --- the review flow ---------------------------------------------------------------------------


def test_the_whole_flow_from_mark_done_to_confirmed(app, world, login):
    with app.app_context():
        goal_id = add_goal(world.mentorship_id, milestones=(OPEN,))
        (milestone_id,) = milestone_ids(goal_id)
    mentee = login("mentee")
    mentor = client_for(app, MENTOR)

    done = mentee.submit(
        f"/milestones/{milestone_id}/submit", {_note(milestone_id): "Got 74% on the 2023 paper"}
    )
    assert done.status_code == 303
    with app.app_context():
        milestone = db.session.get(Milestone, milestone_id)
        assert milestone.status is WAITING and milestone.submitted_at is not None
    assert "Got 74% on the 2023 paper" in mentor.get("/").get_data(as_text=True)

    no_comment = mentor.submit(f"/milestones/{milestone_id}/send-back", {_note(milestone_id): ""})
    assert no_comment.status_code == 422
    assert error_next_to(no_comment.get_data(as_text=True), _note(milestone_id)).startswith(
        "Say what to change"
    )
    with app.app_context():
        assert milestone_state(milestone_id) == (WAITING, [A.CREATED, A.SUBMITTED])

    sent_back = mentor.submit(
        f"/milestones/{milestone_id}/send-back",
        {_note(milestone_id): "Show me the marked paper first"},
    )
    assert sent_back.status_code == 303
    with app.app_context():
        assert milestone_state(milestone_id) == (OPEN, [A.CREATED, A.SUBMITTED, A.SENT_BACK])
    assert "Show me the marked paper first" in mentee.get(f"/goals/{goal_id}").get_data(
        as_text=True
    )

    mentee.submit(f"/milestones/{milestone_id}/submit", {_note(milestone_id): "Photo attached"})
    confirmed = mentor.submit(
        f"/milestones/{milestone_id}/confirm", {_note(milestone_id): "Brilliant work"}
    )
    assert confirmed.status_code == 303
    with app.app_context():
        status, actions = milestone_state(milestone_id)
        assert status is CONFIRMED
        assert actions == [A.CREATED, A.SUBMITTED, A.SENT_BACK, A.SUBMITTED, A.CONFIRMED]
        assert db.session.get(Milestone, milestone_id).confirmed_at is not None
        assert goal_status(goal_id) is GoalStatus.COMPLETED

    for client in (mentee, mentor):
        page = client.get(f"/goals/{goal_id}").get_data(as_text=True)
        for shown in (
            "Got 74% on the 2023 paper",
            "Show me the marked paper first",
            "Photo attached",
            "Brilliant work",
            "Omar Mentor",
            "Mina Mentee",
            "sent it back",
            "confirmed it",
        ):
            assert shown in page, shown


def test_history_times_are_in_each_viewers_zone(app, world, login):
    instant = clock.utcnow().replace(hour=12, minute=0, second=0, microsecond=0)
    clock.set_now(instant)
    try:
        with app.app_context():
            goal_id = add_goal(world.mentorship_id, milestones=(WAITING,))
            db.session.scalar(sa.select(User).where(User.email == MENTOR)).time_zone = "Asia/Tokyo"
            db.session.commit()
        mentee_page = login("mentee").get(f"/goals/{goal_id}").get_data(as_text=True)
        mentor_page = client_for(app, MENTOR).get(f"/goals/{goal_id}").get_data(as_text=True)
    finally:
        clock.set_now(None)
    london = instant.astimezone(ZoneInfo("Europe/London")).strftime("%a %d %b, %H:%M")
    tokyo = instant.astimezone(ZoneInfo("Asia/Tokyo")).strftime("%a %d %b, %H:%M")
    assert london in mentee_page and tokyo not in mentee_page
    assert tokyo in mentor_page and london not in mentor_page
    assert instant.astimezone(UTC).isoformat() in mentee_page


def test_the_mentee_cannot_confirm_or_send_back(app, world, login):
    with app.app_context():
        goal_id = add_goal(world.mentorship_id, milestones=(WAITING,))
        (milestone_id,) = milestone_ids(goal_id)
    client = login("mentee")
    assert client.submit(f"/milestones/{milestone_id}/confirm").status_code == 403
    send_back = {_note(milestone_id): "no"}
    assert client.submit(f"/milestones/{milestone_id}/send-back", send_back).status_code == 403
    with app.app_context():
        assert milestone_state(milestone_id) == (WAITING, [A.CREATED, A.SUBMITTED])
    assert "Confirm<span" not in client.get(f"/goals/{goal_id}").get_data(as_text=True)


def test_the_mentor_cannot_mark_done_for_the_mentee(app, world, login):
    with app.app_context():
        goal_id = add_goal(world.mentorship_id, milestones=(OPEN,))
        (milestone_id,) = milestone_ids(goal_id)
    assert login("own_mentor").submit(f"/milestones/{milestone_id}/submit").status_code == 403
    with app.app_context():
        assert milestone_state(milestone_id) == (OPEN, [A.CREATED])


def test_the_mentor_can_confirm_an_open_milestone_directly(app, world, login):
    with app.app_context():
        goal_id = add_goal(world.mentorship_id, milestones=(OPEN, OPEN))
        first, _ = milestone_ids(goal_id)
    login("own_mentor").submit(f"/milestones/{first}/confirm")
    with app.app_context():
        assert milestone_state(first) == (CONFIRMED, [A.CREATED, A.CONFIRMED])
        assert goal_status(goal_id) is GoalStatus.ACTIVE


@pytest.mark.parametrize("role", ["other_mentor", "coordinator", "other_coordinator"])
@pytest.mark.parametrize("action", ["submit", "confirm", "send-back", "delete", "move", "edit"])
def test_outsiders_get_404_on_milestone_actions(app, world, login, role, action):
    with app.app_context():
        goal_id = add_goal(world.mentorship_id, milestones=(WAITING,))
        (milestone_id,) = milestone_ids(goal_id)
    client = login(role)
    data = {_note(milestone_id): "Looks good", "to": "0", "title": "Taken over"}
    assert client.submit(f"/milestones/{milestone_id}/{action}", data).status_code == 404
    assert (
        client.submit(f"/goals/{goal_id}/milestones", {"new-milestone-title": "x"}).status_code
        == 404
    )
    with app.app_context():
        assert milestone_state(milestone_id) == (WAITING, [A.CREATED, A.SUBMITTED])
        assert count(Milestone) == 1


def test_another_mentee_of_the_group_cannot_touch_my_milestones(app, world):
    with app.app_context():
        group_id, (first, second) = add_group(world)
        goal_id = add_goal(group_id, owner_email=first, milestones=(OPEN,))
        (milestone_id,) = milestone_ids(goal_id)
    other = client_for(app, second)
    assert other.submit(f"/milestones/{milestone_id}/submit").status_code == 404
    assert other.get(f"/milestones/{milestone_id}/edit").status_code == 404
    with app.app_context():
        assert milestone_state(milestone_id) == (OPEN, [A.CREATED])


def test_unknown_and_huge_milestone_ids_answer_404(world, login):
    client = login("own_mentor")
    for milestone_id in (999999, 2**31, 2**63):
        assert client.submit(f"/milestones/{milestone_id}/confirm").status_code == 404
    assert client.get(f"/goals/{2**40}").status_code == 404


def test_double_submits_write_one_event_each(app, world, login):
    with app.app_context():
        goal_id = add_goal(world.mentorship_id, milestones=(OPEN,))
        (milestone_id,) = milestone_ids(goal_id)
    mentee = login("mentee")
    mentor = client_for(app, MENTOR)
    for _ in range(2):
        mentee.submit(f"/milestones/{milestone_id}/submit", {_note(milestone_id): "done"})
    for _ in range(2):
        mentor.submit(f"/milestones/{milestone_id}/send-back", {_note(milestone_id): "again"})
    for _ in range(2):
        mentor.htmx("POST", f"/milestones/{milestone_id}/confirm")
    for _ in range(2):
        assert mentor.submit(f"/milestones/{milestone_id}/confirm").status_code == 303
    with app.app_context():
        status, actions = milestone_state(milestone_id)
        assert status is CONFIRMED
        assert actions == [A.CREATED, A.SUBMITTED, A.SENT_BACK, A.CONFIRMED]


def test_a_goal_completes_and_reopens_with_its_milestones(app, world, login):
    with app.app_context():
        goal_id = add_goal(world.mentorship_id, milestones=(WAITING, WAITING))
        first, second = milestone_ids(goal_id)
    mentor = login("own_mentor")
    mentor.submit(f"/milestones/{first}/confirm")
    with app.app_context():
        assert goal_status(goal_id) is GoalStatus.ACTIVE
    last = mentor.htmx("POST", f"/milestones/{second}/confirm")
    assert "The goal is complete!" in last.headers["HX-Trigger"]
    assert "Goal complete" in last.get_data(as_text=True)
    with app.app_context():
        goal = db.session.get(Goal, goal_id)
        assert goal.status is GoalStatus.COMPLETED and goal.completed_at is not None

    mentor.submit(f"/milestones/{second}/send-back", {_note(second): "One more check"})
    with app.app_context():
        goal = db.session.get(Goal, goal_id)
        assert goal.status is GoalStatus.ACTIVE and goal.completed_at is None
        assert milestone_state(second) == (
            OPEN,
            [A.CREATED, A.SUBMITTED, A.CONFIRMED, A.SENT_BACK],
        )
        milestone = db.session.get(Milestone, second)
        assert milestone.confirmed_at is None and milestone.submitted_at is None

    mentor.submit(f"/milestones/{second}/confirm")
    with app.app_context():
        assert goal_status(goal_id) is GoalStatus.COMPLETED
    mentor.submit(f"/goals/{goal_id}/milestones", {"new-milestone-title": "One step more"})
    with app.app_context():
        assert goal_status(goal_id) is GoalStatus.ACTIVE
    (added,) = set(milestone_ids_of(app, goal_id)) - {first, second}
    mentor.submit(f"/milestones/{added}/delete")
    with app.app_context():
        assert goal_status(goal_id) is GoalStatus.COMPLETED


def milestone_ids_of(app, goal_id: int) -> list[int]:
    with app.app_context():
        return milestone_ids(goal_id)


def test_a_goal_without_milestones_is_never_complete(app, goal_id, login):
    login("mentee").get(f"/goals/{goal_id}")
    with app.app_context():
        assert goal_status(goal_id) is GoalStatus.ACTIVE


def test_htmx_review_swaps_the_section_and_a_problem_stays_in_place(app, world, login):
    with app.app_context():
        goal_id = add_goal(world.mentorship_id, milestones=(WAITING, OPEN))
        waiting, _ = milestone_ids(goal_id)
    mentor = login("own_mentor")
    refused = mentor.htmx("POST", f"/milestones/{waiting}/send-back", {_note(waiting): " "})
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert html.lstrip().startswith('<section id="milestones"')
    assert error_next_to(html, _note(waiting)).startswith("Say what to change")
    assert 'aria-invalid="true"' in html

    done = mentor.htmx("POST", f"/milestones/{waiting}/confirm", {_note(waiting): "Nice"})
    assert done.status_code == 200
    assert done.headers["Vary"] == "HX-Request" or "HX-Request" in done.headers["Vary"]
    html = done.get_data(as_text=True)
    assert "1 of 2 milestones confirmed" in html
    assert 'max="2" value="1"' in html


def test_a_note_over_the_limit_is_refused(app, world, login):
    with app.app_context():
        goal_id = add_goal(world.mentorship_id, milestones=(OPEN,))
        (milestone_id,) = milestone_ids(goal_id)
    response = login("mentee").submit(
        f"/milestones/{milestone_id}/submit", {_note(milestone_id): "n" * 1001}
    )
    assert response.status_code == 422
    assert "1000 characters" in error_next_to(response.get_data(as_text=True), _note(milestone_id))
    with app.app_context():
        assert milestone_state(milestone_id) == (OPEN, [A.CREATED])


def test_an_archived_goal_refuses_milestone_changes(app, world, login):
    with app.app_context():
        goal_id = add_goal(world.mentorship_id, milestones=(WAITING,), status=GoalStatus.ARCHIVED)
        (milestone_id,) = milestone_ids(goal_id)
    mentor = login("own_mentor")
    refused = mentor.submit(f"/milestones/{milestone_id}/confirm")
    assert refused.status_code == 303
    assert refused.location == f"/goals/{goal_id}"
    htmx = mentor.htmx("POST", f"/milestones/{milestone_id}/confirm")
    assert htmx.headers["HX-Redirect"] == f"/goals/{goal_id}"
    with app.app_context():
        assert milestone_state(milestone_id) == (WAITING, [A.CREATED, A.SUBMITTED])
