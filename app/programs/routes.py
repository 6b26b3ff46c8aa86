"""Program views. Every one resolves the program through the person's memberships (404 else)."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask import abort, flash, request, url_for
from flask_login import login_required
from sqlalchemy.orm import selectinload

from ..access import choose_membership, coordinated_row, membership_in
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
