"""Program views. Every one resolves the program through the person's memberships (404 else)."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask import abort, flash, g, request, url_for
from flask_login import current_user, login_required
from sqlalchemy.orm import selectinload

from ..access import choose_membership, coordinated_row, membership_in, my_memberships
from ..extensions import db
from ..models import BreakWeek, Program, Role
from ..rendering import redirect_to, render
from . import bp, service
from .forms import BreakWeekForm, ProgramForm


@bp.post("/switch")
@login_required
def switch():
    try:
        membership_id = int(request.form.get("membership_id", ""))
    except ValueError:
        abort(400)
    choose_membership(membership_id)
    return redirect_to(url_for("home.index"))


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    """A coordinator starts another program and runs it; nobody else may create one (the
    first program of a school comes from ``flask create-program``)."""
    if not any(m.role is Role.COORDINATOR for m in my_memberships()):
        abort(404)
    form = ProgramForm(time_zone=current_user.time_zone)
    if form.validate_on_submit():
        membership = service.create_program(form.settings(), current_user.id)
        g.pop("memberships", None)  # loaded before the new one existed
        choose_membership(membership.id)
        flash(f"{form.name.data} is ready: write its training, then invite people.", "success")
        return redirect_to(url_for("programs.settings", program_id=membership.program_id))
    return render("programs/new.html", form=form, status=422 if form.errors else 200)


def _with_breaks(program_id: int) -> Program:
    return db.session.scalar(
        sa.select(Program)
        .where(Program.id == program_id)
        .options(selectinload(Program.break_weeks))
    )


@bp.get("/<int:program_id>")
@login_required
def overview(program_id: int):
    membership = membership_in(program_id)
    program = _with_breaks(program_id)
    return render("programs/overview.html", program=program, membership=membership)


@bp.get("/<int:program_id>/agreement/preview")
@login_required
def agreement_preview(program_id: int):
    """What participants read and sign, for the coordinator to check before inviting."""
    membership_in(program_id, Role.COORDINATOR)
    return render("programs/agreement_preview.html", program=_with_breaks(program_id))


@bp.route("/<int:program_id>/settings", methods=["GET", "POST"])
@login_required
def settings(program_id: int):
    program = membership_in(program_id, Role.COORDINATOR).program
    form = ProgramForm(obj=program)
    if form.validate_on_submit():
        version = service.update_program(program, form.settings())
        flash("Program saved.", "success")
        if version:
            flash(
                f"The agreement is now version {version}: everyone who signed an earlier one "
                "is asked to sign it again.",
                "info",
            )
        return redirect_to(url_for("programs.overview", program_id=program.id))
    return _settings_page(program, form, BreakWeekForm(formdata=None))


def _settings_page(program: Program, form: ProgramForm, break_form: BreakWeekForm):
    breaks = db.session.scalars(
        sa.select(BreakWeek).where(BreakWeek.program_id == program.id).order_by(BreakWeek.monday)
    ).all()
    return render(
        "programs/settings.html",
        program=program,
        form=form,
        breaks=breaks,
        break_form=break_form,
        standing=service.agreement_standing(program),
        status=422 if form.errors or break_form.errors else 200,
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
    return _settings_page(program, ProgramForm(obj=program, formdata=None), form)


@bp.post("/<int:program_id>/breaks/<int:break_id>/delete")
@login_required
def delete_break(program_id: int, break_id: int):
    program = membership_in(program_id, Role.COORDINATOR).program
    week = coordinated_row(BreakWeek, break_id, program.id)
    service.delete_break_week(week)
    flash("Break week removed.", "success")
    return redirect_to(url_for("programs.settings", program_id=program.id))
