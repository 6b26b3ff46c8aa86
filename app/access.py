"""Which programs and roles the current person has, and the 404-on-foreign-id guards.

Every view that touches program data goes through here, so "a foreign id answers 404" is
enforced in one place instead of being remembered in each view.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, g, session
from flask_login import current_user
from sqlalchemy.orm import joinedload

from .extensions import db
from .mentorships_query import WITH_PEOPLE
from .models import Membership, Mentorship, MentorshipMember, MentorshipStatus, Program, Role

SESSION_KEY = "membership_id"


def my_memberships() -> list[Membership]:
    """The current person's memberships with their programs, loaded once per request."""
    if "memberships" not in g:
        g.memberships = (
            db.session.scalars(
                sa.select(Membership)
                .options(joinedload(Membership.program))
                .where(Membership.user_id == current_user.id)
                .order_by(Membership.joined_at, Membership.id)
            ).all()
            if current_user.is_authenticated
            else []
        )
    return g.memberships


def active_membership() -> Membership | None:
    """The membership the person is acting in now: the one they picked, else their first."""
    memberships = my_memberships()
    chosen = session.get(SESSION_KEY)
    for membership in memberships:
        if membership.id == chosen:
            return membership
    return memberships[0] if memberships else None


def choose_membership(membership_id: int) -> Membership:
    for membership in my_memberships():
        if membership.id == membership_id:
            session[SESSION_KEY] = membership.id
            return membership
    abort(404)


def membership_in(program_id: int, *roles: Role) -> Membership:
    """The person's membership of ``program_id`` in one of ``roles``, else 404."""
    wanted = set(roles) or set(Role)
    matches = [m for m in my_memberships() if m.program_id == program_id and m.role in wanted]
    if not matches:
        abort(404)
    active = active_membership()
    return active if active in matches else matches[0]


def program_for_member(program_id: int, *roles: Role) -> Program:
    return membership_in(program_id, *roles).program


def mentorship_for_me(mentorship_id: int, *roles: Role) -> tuple[Mentorship, Membership]:
    """A mentorship the person takes part in (as one of ``roles``) and their membership in it.

    Coordinators are not members of mentorships, so the private pages of a pair answer them
    404 like any other outsider: they see aggregates elsewhere, never the text.
    """
    wanted = set(roles) or {Role.MENTOR, Role.MENTEE}
    mine = {m.id: m for m in my_memberships() if m.role in wanted}
    if not mine:
        abort(404)
    row = db.session.execute(
        sa.select(Mentorship, MentorshipMember.membership_id)
        .join(MentorshipMember)
        .where(
            Mentorship.id == mentorship_id,
            MentorshipMember.membership_id.in_(mine),
            Mentorship.status != MentorshipStatus.CLOSED,
        )
        .options(WITH_PEOPLE)
    ).first()
    if row is None:
        abort(404)
    return row[0], mine[row[1]]


def in_program_or_404(model, object_id: int, program_id: int):
    """Row ``object_id`` of ``model`` (which has a ``program_id``) when it is in the program.

    A foreign or missing id answers 404 (ids in URLs are bounded by ``app.routing``).
    """
    row = db.session.get(model, object_id)
    if row is None or row.program_id != program_id:
        abort(404)
    return row
