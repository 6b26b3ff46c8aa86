"""The coordinator's people pages: who is in the program, and help for a member locked out."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, url_for
from flask_login import login_required
from sqlalchemy.orm import joinedload

from ..access import coordinated_row, membership_in
from ..accounts import service as accounts
from ..extensions import db
from ..mentorships_query import mentorships_in_program
from ..models import Membership, Role, User
from ..rendering import render
from . import bp


@bp.get("/<int:program_id>/people")
@login_required
def people(program_id: int):
    coordinator = membership_in(program_id, Role.COORDINATOR)
    program = coordinator.program
    members = db.session.scalars(
        sa.select(Membership)
        .where(Membership.program_id == program.id)
        .options(joinedload(Membership.user))
        .order_by(Membership.role, Membership.joined_at)
    ).all()
    by_role = {role: [m for m in members if m.role is role] for role in Role}
    return render(
        "programs/people.html",
        program=program,
        by_role=by_role,
        mentorships=mentorships_in_program(program.id),
        resettable=accounts.resettable(coordinator.user_id, [m.user_id for m in members]),
    )


@bp.post("/<int:program_id>/people/<int:membership_id>/reset-link")
@login_required
def reset_link(program_id: int, membership_id: int):
    """A one-time link for a member who forgot their password, shown to the coordinator once
    (only its digest is stored) to hand over in person."""
    coordinator = membership_in(program_id, Role.COORDINATOR)
    program, member = coordinator.program, coordinated_row(Membership, membership_id, program_id)
    person = db.session.get(User, member.user_id)
    if not accounts.resettable(coordinator.user_id, [person.id]):
        abort(404)
    token, expires = accounts.issue_reset(person.id, issued_by_id=coordinator.user_id)
    return render(
        "programs/reset_link.html",
        program=program,
        person=person,
        link=url_for("accounts.reset_password", token=token, _external=True),
        expires=expires,
    )
