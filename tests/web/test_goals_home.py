"""Goals on the home pages: the mentee's progress, the mentor's review queue, the coordinator's
counts; and a fixed number of queries per page, whatever the number of goals and milestones."""

from __future__ import annotations

from datetime import timedelta

import pytest
from goals_support import (
    MENTOR,
    add_goal,
    add_group,
    client_for,
    error_next_to,
    membership_id,
    milestone_ids,
    milestone_state,
)

from app import clock
from app.extensions import db
from app.goals.queries import REVIEW_QUEUE, GoalAggregate, ReviewItem, goal_figures
from app.home.routes import REVIEWS_ON_HOME
from app.mentor_cards import card_figures
from app.models import Goal, GoalStatus, Membership, Milestone, MilestoneStatus, Role

OPEN, WAITING, CONFIRMED = MilestoneStatus.OPEN, MilestoneStatus.WAITING, MilestoneStatus.CONFIRMED


def waiting_counts(ids: list[int]) -> dict[int, int]:
    return card_figures(ids, clock.utcnow(), "UTC")["waiting_counts"]


def _waited(milestone_id: int, hours: int) -> None:
    db.session.get(Milestone, milestone_id).submitted_at = clock.utcnow() - timedelta(hours=hours)
    db.session.commit()


# --- mentee home ----------------------------------------------------------------------------


def test_the_mentee_home_shows_each_goal_with_an_accessible_progress_bar(app, world, login):
    with app.app_context():
        active = add_goal(world.mentorship_id, milestones=(CONFIRMED, WAITING, OPEN))
        done = add_goal(world.mentorship_id, title="Read a book a month", milestones=(CONFIRMED,))
        add_goal(world.mentorship_id, title="Learn to cook", status=GoalStatus.ARCHIVED)
        db.session.get(Goal, done).status = GoalStatus.COMPLETED
        db.session.commit()
    page = login("mentee").get("/").get_data(as_text=True)
    assert "Your goals" in page
    assert f'<label for="home-goal-{active}">1 of 3 milestones confirmed</label>' in page
    assert f'<progress id="home-goal-{active}" max="3" value="1">' in page
    assert "1 waiting for your mentor’s review" in page
    assert page.index("Raise my maths grade") < page.index("Read a book a month")
    assert "Completed ✓" in page
    assert "Learn to cook" not in page
    assert f'href="/mentorships/{world.mentorship_id}/goals/new"' in page


def test_a_mentee_without_goals_is_invited_to_set_one(world, login):
    page = login("mentee").get("/").get_data(as_text=True)
    assert "Set a goal for this program" in page


# --- mentor home ----------------------------------------------------------------------------


def test_the_review_queue_lists_waiting_milestones_oldest_first(app, world, login):
    with app.app_context():
        group_id, (first, _) = add_group(world)
        recent = milestone_ids(add_goal(world.mentorship_id, milestones=(WAITING,)))[0]
        oldest = milestone_ids(
            add_goal(group_id, owner_email=first, title="Build a robot", milestones=(WAITING,))
        )[0]
        _waited(recent, 2)
        _waited(oldest, 30)
        add_goal(
            world.mentorship_id,
            title="Archived goal",
            milestones=(WAITING,),
            status=GoalStatus.ARCHIVED,
        )
        add_goal(world.other_mentorship_id, "other-mentee@test.example", "Not yours", (WAITING,))
        mentor = db.session.get(Membership, membership_id(MENTOR, Role.MENTOR))
        queue = _review_queue(mentor, 10)
        assert [item.milestone_id for item in queue] == [oldest, recent]
        assert queue[0].goal_title == "Build a robot"
        assert queue[0].mentee_name == "Gita Groupmember1"
        assert queue[0].note == "Done!"
        assert waiting_counts([world.mentorship_id, group_id, world.other_mentorship_id]) == {
            world.mentorship_id: 1,
            group_id: 1,
            world.other_mentorship_id: 1,
        }
        assert waiting_counts([]) == {}

    page = login("own_mentor").get("/").get_data(as_text=True)
    assert "Waiting for your review" in page
    assert page.index("Build a robot") < page.index("Raise my maths grade")
    assert "Not yours" not in page and "Archived goal" not in page
    assert page.count("1 waiting for review") == 2


def test_confirming_from_the_queue_swaps_the_item_in_place(app, world, login):
    with app.app_context():
        (milestone_id,) = milestone_ids(add_goal(world.mentorship_id, milestones=(WAITING,)))
    mentor = login("own_mentor")
    response = mentor.htmx("POST", f"/milestones/{milestone_id}/confirm", {"return_to": "home"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith('<li class="review-item">')
    assert "Confirmed ✓" in html
    assert "<section" not in html
    with app.app_context():
        assert milestone_state(milestone_id)[0] is CONFIRMED
    assert "Nothing waiting" in mentor.get("/").get_data(as_text=True)


def test_sending_back_from_the_queue_needs_a_comment(app, world, login):
    with app.app_context():
        (milestone_id,) = milestone_ids(add_goal(world.mentorship_id, milestones=(WAITING,)))
    mentor = login("own_mentor")
    note = f"milestone-{milestone_id}-note"
    refused = mentor.htmx(
        "POST", f"/milestones/{milestone_id}/send-back", {"return_to": "home", note: ""}
    )
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert html.lstrip().startswith('<li class="review-item">')
    assert error_next_to(html, note).startswith("Say what to change")
    sent = mentor.htmx(
        "POST", f"/milestones/{milestone_id}/send-back", {"return_to": "home", note: "Redo Q3"}
    )
    assert sent.status_code == 200
    assert "Sent back with your comment." in sent.get_data(as_text=True)
    with app.app_context():
        assert milestone_state(milestone_id)[0] is OPEN


def test_the_queue_works_without_javascript(app, world, login):
    with app.app_context():
        (milestone_id,) = milestone_ids(add_goal(world.mentorship_id, milestones=(WAITING,)))
    mentor = login("own_mentor")
    page = mentor.get("/").get_data(as_text=True)
    assert f'action="/milestones/{milestone_id}/confirm"' in page
    assert f'formaction="/milestones/{milestone_id}/send-back"' in page
    response = mentor.submit(f"/milestones/{milestone_id}/confirm", {"return_to": "home"})
    assert response.status_code == 303
    assert response.location == "/"
    assert "Milestone confirmed." in mentor.get("/").get_data(as_text=True)


# --- coordinator home -----------------------------------------------------------------------


def test_the_coordinator_sees_counts_and_never_titles(app, world, login):
    with app.app_context():
        add_goal(world.mentorship_id, milestones=(CONFIRMED, WAITING))
        done = add_goal(world.mentorship_id, title="Secret goal", milestones=(CONFIRMED,))
        add_goal(world.mentorship_id, title="Put away", status=GoalStatus.ARCHIVED)
        db.session.get(Goal, done).status = GoalStatus.COMPLETED
        db.session.commit()
        assert goal_figures(world.program_id).read() == GoalAggregate(1, 1, 2, 1)
        assert goal_figures(world.other_program_id).read() == GoalAggregate(0, 0, 0, 0)
    page = login("coordinator").get("/").get_data(as_text=True)
    assert "Goals and milestones" in page
    assert "<dt>Milestones confirmed</dt><dd>2</dd>" in page
    assert "Secret goal" not in page and "Raise my maths grade" not in page


# --- a fixed number of queries per page -----------------------------------------------------


def _queries(query_counter, client, url: str) -> int:
    client.get(url)  # warm up: the first request of a client loads its session
    with query_counter as counted:
        assert client.get(url).status_code == 200
    return counted.count


@pytest.mark.parametrize(
    ("role", "url"),
    [
        ("mentee", "/"),
        ("own_mentor", "/"),
        ("coordinator", "/"),
        ("mentee", "/mentorships/{mentorship_id}/goals"),
        ("own_mentor", "/mentorships/{mentorship_id}/goals"),
    ],
)
def test_home_and_list_pages_cost_the_same_with_1_or_50_goals(
    app, world, login, query_counter, role, url
):
    url = url.format(mentorship_id=world.mentorship_id)
    client = login(role)
    with app.app_context():
        add_goal(world.mentorship_id, milestones=(WAITING,))
    one = _queries(query_counter, client, url)
    with app.app_context():
        for number in range(49):
            add_goal(
                world.mentorship_id,
                title=f"Another goal {number}",
                milestones=(CONFIRMED, WAITING, OPEN),
            )
    assert _queries(query_counter, client, url) == one


@pytest.mark.parametrize("role", ["mentee", "own_mentor"])
def test_a_goal_page_costs_the_same_with_1_or_50_milestones(app, world, login, query_counter, role):
    client = login(role)
    with app.app_context():
        goal_id = add_goal(world.mentorship_id, milestones=(WAITING,))
    one = _queries(query_counter, client, f"/goals/{goal_id}")
    with app.app_context():
        goal_id = add_goal(
            world.mentorship_id, title="A long goal", milestones=(CONFIRMED, WAITING, OPEN) * 17
        )
        assert len(milestone_ids(goal_id)) == 51
    assert _queries(query_counter, client, f"/goals/{goal_id}") == one <= 8  # issue 12's budget


def _review_queue(mentor: Membership, limit: int) -> list[ReviewItem]:
    """The queue as the mentor's home reads it (``REVIEW_QUEUE``, one of its lists)."""
    rows = db.session.execute(REVIEW_QUEUE, {"membership_id": mentor.id, "review_limit": limit})
    return [ReviewItem(*row) for row in rows]


def test_the_review_queue_is_cut_to_its_limit_and_the_home_reads_it_in_fixed_statements(
    app, world, login, query_counter
):
    client = login("own_mentor")
    with query_counter as before:
        client.get("/")
    with app.app_context():
        for number in range(5):
            add_goal(world.mentorship_id, title=f"Goal {number}", milestones=(WAITING, WAITING))
        mentor = db.session.get(Membership, membership_id(MENTOR, Role.MENTOR))
        for limit, shown in ((20, 10), (3, 3)):
            assert len(_review_queue(mentor, limit)) == shown
    with query_counter as after:
        page = client.get("/").get_data(as_text=True)
    assert page.count('class="review-item') == REVIEWS_ON_HOME
    assert after.count == before.count


def test_another_mentee_in_the_group_sees_nothing_of_mine_on_home(app, world):
    with app.app_context():
        group_id, (first, second) = add_group(world)
        add_goal(group_id, owner_email=first, title="Build a robot", milestones=(WAITING,))
    assert "Build a robot" not in client_for(app, second).get("/").get_data(as_text=True)
    assert "Build a robot" in client_for(app, first).get("/").get_data(as_text=True)
