"""Program views. Every one resolves the program through the person's memberships (404 else)."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask import abort, flash, request, url_for
from flask_login import login_required
from sqlalchemy.orm import joinedload, selectinload

from ..access import choose_membership, coordinated_row, membership_in
from ..accounts import service as accounts
from ..clock import utcnow
from ..extensions import db
from ..mentorships_query import mentorships_in_program
from ..models import BreakWeek, Invite, Membership, Program, Role, User
from ..rendering import redirect_to, render
from . import bp, service
from .forms import BreakWeekForm, InviteForm, ProgramForm


@bp.post("/switch")
@login_required
def switch():
    try:
        membership_id = int(request.form.get("membership_id", ""))
    except ValueError:
        abort(400)
    choose_membership(membership_id)
    return redirect_to(url_for("home.index"))


@bp.get("/<int:program_id>")
@login_required
def overview(program_id: int):
    membership = membership_in(program_id)
    program = db.session.scalar(
        sa.select(Program)
        .where(Program.id == program_id)
        .options(selectinload(Program.break_weeks))
    )
    return render("programs/overview.html", program=program, membership=membership)


@bp.route("/<int:program_id>/settings", methods=["GET", "POST"])
@login_required
def settings(program_id: int):
    program = membership_in(program_id, Role.COORDINATOR).program
    form = ProgramForm(obj=program)
    if form.validate_on_submit():
        service.update_program(program, form.settings())
        flash("Program saved.", "success")
        return redirect_to(url_for("programs.overview", program_id=program.id))
    breaks = db.session.scalars(
        sa.select(BreakWeek).where(BreakWeek.program_id == program.id).order_by(BreakWeek.monday)
    ).all()
    status = 422 if form.errors else 200
    return render(
        "programs/settings.html",
        program=program,
        form=form,
        breaks=breaks,
        break_form=BreakWeekForm(formdata=None),
        status=status,
    )


@bp.route("/<int:program_id>/breaks", methods=["POST"])
@login_required
def add_break(program_id: int):
    program = membership_in(program_id, Role.COORDINATOR).program
    form = BreakWeekForm()
    if form.validate_on_submit():
        monday = form.day.data - timedelta(days=form.day.data.weekday())
        if not program.starts_on - timedelta(days=6) <= monday <= program.ends_on:
            form.day.errors.append("Pick a week inside the program.")
        else:
            service.add_break_week(program, monday, form.label.data or "")
            flash(f"The week of {monday:%d %b} is a break week.", "success")
            return redirect_to(url_for("programs.settings", program_id=program.id))
    breaks = db.session.scalars(
        sa.select(BreakWeek).where(BreakWeek.program_id == program.id).order_by(BreakWeek.monday)
    ).all()
    return render(
        "programs/settings.html",
        program=program,
        form=ProgramForm(obj=program, formdata=None),
        breaks=breaks,
        break_form=form,
        status=422,
    )


@bp.post("/<int:program_id>/breaks/<int:break_id>/delete")
@login_required
def delete_break(program_id: int, break_id: int):
    program = membership_in(program_id, Role.COORDINATOR).program
    week = coordinated_row(BreakWeek, break_id, program.id)
    service.delete_break_week(week)
    flash("Break week removed.", "success")
    return redirect_to(url_for("programs.settings", program_id=program.id))


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


def _open_invites(program_id: int) -> list[Invite]:
    return list(
        db.session.scalars(
            sa.select(Invite)
            .where(
                Invite.program_id == program_id,
                Invite.uses_left > 0,
                Invite.expires_at > utcnow(),
            )
            .order_by(Invite.created_at.desc(), Invite.id.desc())
        )
    )


@bp.route("/<int:program_id>/invites", methods=["GET", "POST"])
@login_required
def invites(program_id: int):
    membership = membership_in(program_id, Role.COORDINATOR)
    program = membership.program
    form = InviteForm()
    if form.validate_on_submit():
        invite = service.create_invite(
            program, form.role.data, form.days.data, form.uses.data, membership.user_id
        )
        flash(f"Invite {invite.code} is ready to share.", "success")
        return redirect_to(url_for("programs.invites", program_id=program.id))
    status = 422 if form.errors else 200
    return render(
        "programs/invites.html",
        program=program,
        form=form,
        invites=_open_invites(program.id),
        status=status,
    )


@bp.post("/<int:program_id>/invites/<int:invite_id>/revoke")
@login_required
def revoke_invite(program_id: int, invite_id: int):
    program = membership_in(program_id, Role.COORDINATOR).program
    invite = coordinated_row(Invite, invite_id, program.id)
    service.revoke_invite(invite)
    flash(f"Invite {invite.code} no longer works.", "success")
    return redirect_to(url_for("programs.invites", program_id=program.id))
