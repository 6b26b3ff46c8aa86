"""Who may see and change a goal: the mentorship's mentors and the goal's own mentee.

A goal resolves to its mentorship through ``mentorship_for_me``, so outsiders and coordinators
get 404. In a group, goals are confidential by default: another mentee of the same group gets
404 too, exactly as if the goal did not exist.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask import abort
from sqlalchemy.orm import joinedload

from ..access import mentorship_for_me
from ..extensions import db
from ..models import Goal, GoalStatus, Membership, Mentorship, Milestone, Program, Role
from .queries import OWNER

# Loaded with the goal, so pages rendered after a commit never touch an expired relationship.
PROGRAM = joinedload(Goal.mentorship).joinedload(Mentorship.program)


@dataclass(frozen=True)
class GoalAccess:
    goal: Goal
    mentorship: Mentorship
    me: Membership

    @property
    def is_mentor(self) -> bool:
        """Mentors confirm and send back; only they can complete a milestone."""
        return self.me.role is Role.MENTOR

    @property
    def is_owner(self) -> bool:
        """The goal's mentee marks milestones done."""
        return self.goal.membership_id == self.me.id

    @property
    def program(self) -> Program:
        return self.goal.mentorship.program

    @property
    def read_only(self) -> bool:
        return self.goal.status is GoalStatus.ARCHIVED


def goal_for_me(goal_id: int, *options) -> GoalAccess:
    """The goal (with its owner and ``options`` loaded) if it is mine to see, else 404."""
    goal = db.session.scalar(
        sa.select(Goal).where(Goal.id == goal_id).options(OWNER, PROGRAM, *options)
    )
    if goal is None:
        abort(404)
    mentorship, me = mentorship_for_me(goal.mentorship_id)
    if me.role is not Role.MENTOR and goal.membership_id != me.id:
        abort(404)
    return GoalAccess(goal, mentorship, me)


def milestone_for_me(milestone_id: int) -> tuple[Milestone, GoalAccess]:
    milestone = db.session.get(Milestone, milestone_id)
    if milestone is None:
        abort(404)
    return milestone, goal_for_me(milestone.goal_id)
