"""Milestones and goals earn: only a mentor's confirmation pays, a send-back reverses once,
a goal completes once, and at most six milestones of a goal are paid."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from game_support import (
    MENTEE,
    MENTOR,
    celebration,
    goal_of,
    ledger,
    pinned_fixture,  # noqa: F401
    total,
    totals_match_ledger,
    user_id,
)
from goals_support import add_goal, milestone_ids

import game
from app.extensions import db
from app.gamification import service
from app.models import BadgeEarned, MilestoneStatus, PointsAward

W, C = MilestoneStatus.WAITING, MilestoneStatus.CONFIRMED


@pytest.fixture(autouse=True)
def _clock(pinned):
    return pinned


def note(milestone_id: int, text: str = "") -> dict:
    return {f"milestone-{milestone_id}-note": text}


def goal_with(app, world, *statuses: MilestoneStatus, title: str = "Raise my maths grade") -> list:
    with app.app_context():
        return milestone_ids(add_goal(world.mentorship_id, title=title, milestones=statuses))


def test_the_mentor_confirming_pays_the_mentee_and_completing_the_goal_pays_more(
    app, world, new_client
):
    first, second = goal_with(app, world, C, W)
    mentor = new_client("own_mentor")
    response = mentor.htmx("POST", f"/milestones/{second}/confirm", note(second, "Great"))
    assert response.status_code == 200
    assert celebration(response) is None  # the mentor earned nothing himself
    with app.app_context():
        mentee = user_id(MENTEE)
        assert ledger(MENTEE) == {
            f"milestone:{second}:confirmed": 30,
            f"goal:{goal_of(second)}:completed": 75,
        }
        assert total(MENTEE) == 105
        badges = set(
            db.session.execute(
                sa.select(BadgeEarned.badge_id, BadgeEarned.tier).where(
                    BadgeEarned.user_id == mentee
                )
            )
        )
        # The seeded first milestone was confirmed before the game existed: it counts for the
        # badge (two confirmed), but was never paid.
        assert badges == {("milestone_maker", 1), ("goal_getter", 1)}
        assert first not in {k for k in ledger(MENTEE)}


def test_the_mentee_sees_the_points_on_their_profile(app, world, new_client):
    (milestone,) = goal_with(app, world, W)
    new_client("own_mentor").submit(f"/milestones/{milestone}/confirm")
    page = new_client("mentee").get("/me/progress").get_data(as_text=True)
    assert "Milestone confirmed by your mentor · Raise my maths grade" in page
    assert "Goal completed · Raise my maths grade" in page
    assert (
        "<strong>Goal Getter</strong>" in page
        and "<strong>Milestone Maker (bronze)</strong>" in page
    )


def test_a_mentee_cannot_trigger_a_milestone_award(app, world, new_client):
    (milestone,) = goal_with(app, world, W)
    mentee = new_client("mentee")
    assert mentee.submit(f"/milestones/{milestone}/confirm").status_code == 403
    assert mentee.htmx("POST", f"/milestones/{milestone}/confirm").status_code == 403
    with app.app_context():
        assert ledger(MENTEE) == {}
        program_id = world.program_id
        mentee_id, mentor_id = user_id(MENTEE), user_id(MENTOR)
        event = game.MilestoneConfirmed(
            milestone, goal_of(milestone), program_id, mentee_id, mentee_id, frozenset({mentor_id})
        )
        with pytest.raises(game.NotTheMentor):
            service.record(event)
        db.session.rollback()
        assert db.session.scalar(sa.select(sa.func.count(PointsAward.id))) == 0


def test_sending_a_paid_milestone_back_writes_one_reversal_and_reconfirming_pays_again(
    app, world, new_client
):
    first, second = goal_with(app, world, W, W)
    mentor = new_client("own_mentor")
    mentor.submit(f"/milestones/{first}/confirm")
    for _ in range(2):  # a double submit of the send-back
        mentor.submit(f"/milestones/{first}/send-back", note(first, "Show your working"))
    with app.app_context():
        assert ledger(MENTEE) == {
            f"milestone:{first}:confirmed": 30,
            f"milestone:{first}:confirmed:reversed:1": -30,
        }
        reversal = db.session.scalar(sa.select(PointsAward).where(PointsAward.amount < 0))
        assert reversal.target_key == f"milestone:{first}:confirmed"
        assert total(MENTEE) == 0
    new_client("mentee").submit(f"/milestones/{first}/submit")
    mentor.submit(f"/milestones/{first}/confirm")
    with app.app_context():
        assert ledger(MENTEE)[f"milestone:{first}:confirmed:2"] == 30
        assert total(MENTEE) == 30
        assert totals_match_ledger()
    page = new_client("mentee").get("/me/progress").get_data(as_text=True)
    assert (
        "Milestone back in progress · Raise my maths grade: its points return when it is confirmed"
        in page
    )


def test_sending_back_an_unpaid_milestone_writes_nothing(app, world, new_client):
    (milestone,) = goal_with(app, world, W)
    new_client("own_mentor").submit(f"/milestones/{milestone}/send-back", note(milestone, "Nearly"))
    with app.app_context():
        assert ledger(MENTEE) == {}


def test_at_most_six_milestones_of_a_goal_are_paid(app, world, new_client):
    milestones = goal_with(app, world, *[W] * 8)
    mentor = new_client("own_mentor")
    for milestone in milestones:
        mentor.submit(f"/milestones/{milestone}/confirm")
    with app.app_context():
        rows = ledger(MENTEE)
        assert sum(1 for key in rows if key.startswith("milestone:")) == 6
        assert rows[f"goal:{goal_of(milestones[0])}:completed"] == 75
        assert total(MENTEE) == 6 * 30 + 75
        assert totals_match_ledger()


def _mentor_badges(app) -> set[tuple[str, int]]:
    with app.app_context():
        return set(
            db.session.execute(
                sa.select(BadgeEarned.badge_id, BadgeEarned.tier).where(
                    BadgeEarned.user_id == user_id(MENTOR)
                )
            )
        )


def test_answering_one_submission_again_and_again_counts_once_for_responsive_mentor(
    app, world, new_client
):
    (milestone,) = goal_with(app, world, W)
    mentor = new_client("own_mentor")
    for _ in range(5):
        assert mentor.submit(f"/milestones/{milestone}/confirm").status_code == 303
        back = mentor.submit(f"/milestones/{milestone}/send-back", note(milestone, "Again"))
        assert back.status_code == 303
    with app.app_context():
        assert service.sources.timely_responses(user_id(MENTOR), world.program_id) == 1
    assert ("responsive_mentor", 1) not in _mentor_badges(app)


def test_ten_submissions_answered_in_time_earn_responsive_mentor(app, world, new_client):
    milestones = goal_with(app, world, *[W] * 10)
    mentor = new_client("own_mentor")
    for milestone in milestones[:9]:
        assert mentor.submit(f"/milestones/{milestone}/confirm").status_code == 303
    assert ("responsive_mentor", 1) not in _mentor_badges(app)
    assert mentor.submit(f"/milestones/{milestones[9]}/confirm").status_code == 303
    assert ("responsive_mentor", 1) in _mentor_badges(app)
