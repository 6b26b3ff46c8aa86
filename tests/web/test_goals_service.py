"""The goal service on its own: what each action reports, and races on unique titles."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from goals_support import MENTEE, MENTOR, add_goal, milestone_ids, user_id
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.goals import service
from app.models import (
    Goal,
    GoalStatus,
    Membership,
    Mentorship,
    Milestone,
    MilestoneAction,
    MilestoneStatus,
    User,
)

OPEN, WAITING, CONFIRMED = MilestoneStatus.OPEN, MilestoneStatus.WAITING, MilestoneStatus.CONFIRMED


def _milestone(goal_id: int, index: int = 0) -> Milestone:
    return db.session.get(Milestone, milestone_ids(goal_id)[index])


def test_each_action_reports_what_it_changed(app, world):
    with app.app_context():
        goal_id = add_goal(world.mentorship_id, milestones=(OPEN,))
        mentee, mentor = user_id(MENTEE), user_id(MENTOR)

        submitted = service.submit_milestone(_milestone(goal_id), mentee, "done")
        assert submitted.previous is OPEN and submitted.goal_status is None
        assert submitted.event.action is MilestoneAction.SUBMITTED
        assert service.submit_milestone(_milestone(goal_id), mentee, "done") is None

        confirmed = service.confirm_milestone(_milestone(goal_id), mentor)
        assert confirmed.previous is WAITING
        assert confirmed.goal_status is GoalStatus.COMPLETED
        assert service.confirm_milestone(_milestone(goal_id), mentor) is None

        # Sending back a confirmed milestone says so: that is where a paid award is reversed.
        sent_back = service.send_back_milestone(_milestone(goal_id), mentor, "one more look")
        assert sent_back.previous is CONFIRMED
        assert sent_back.goal_status is GoalStatus.ACTIVE
        assert service.send_back_milestone(_milestone(goal_id), mentor, "again") is None


def _stale_lookup(monkeypatch, name: str) -> None:
    """The first lookup misses, as when another request inserts the same title meanwhile."""
    real = getattr(service, name)
    calls = []

    def lookup(*args):
        calls.append(args)
        return None if len(calls) == 1 else real(*args)

    monkeypatch.setattr(service, name, lookup)


def test_a_racing_duplicate_goal_is_found_instead_of_failing(app, world, monkeypatch):
    with app.app_context():
        first_id = add_goal(world.mentorship_id, title="Read more")
        membership = db.session.scalar(sa.select(Membership).join(User).where(User.email == MENTEE))
        mentorship = db.session.get(Mentorship, world.mentorship_id)
        goal = db.session.get(Goal, first_id)
        _stale_lookup(monkeypatch, "_existing_goal")
        found, created = service.create_goal(
            mentorship,
            membership,
            title="Read more",
            measure="m",
            target_date=goal.target_date,
            why="",
        )
        assert (found.id, created) == (first_id, False)
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Goal)) == 1


def test_a_failed_rename_leaves_the_rest_of_the_session_loaded(app, world):
    with app.app_context():
        add_goal(world.mentorship_id, title="Read more")
        goal = db.session.get(Goal, add_goal(world.mentorship_id, title="Sleep more"))
        membership = db.session.scalar(
            sa.select(Membership)
            .join(User)
            .where(User.email == MENTEE)
            .options(joinedload(Membership.program))
        )
        with pytest.raises(service.TitleTaken):
            service.update_goal(
                goal, title="Read more", measure="m", target_date=goal.target_date, why=""
            )
        assert membership.program.name == "Hillside Mentoring"  # not expired: no lazy load
        assert goal.title == "Sleep more"


def test_a_racing_duplicate_milestone_is_found_instead_of_failing(app, world, monkeypatch):
    with app.app_context():
        goal_id = add_goal(world.mentorship_id, milestones=(OPEN,))
        goal = db.session.get(Goal, goal_id)
        _stale_lookup(monkeypatch, "_existing_milestone")
        found, created = service.add_milestone(goal, user_id(MENTEE), title="Step 1", due_on=None)
        assert (found.id, created) == (milestone_ids(goal_id)[0], False)
