"""The coordinator's mentor training: modules to write, order, preview and remove.

Each module is resolved through ``coordinated_row``: another program's module under our
program's URL is a 404, like any foreign id.
"""

from __future__ import annotations

from flask import abort, flash, request, url_for
from flask_login import login_required

from ..access import coordinated_row, membership_in
from ..models import Program, Role, TrainingModule
from ..rendering import redirect_to, render
from . import bp, training_service
from .forms import TrainingModuleForm

STEPS = {"up": -1, "down": 1}


def _coordinated(program_id: int) -> Program:
    return membership_in(program_id, Role.COORDINATOR).program


def _list_url(program: Program) -> str:
    return url_for("programs.training", program_id=program.id)


@bp.get("/<int:program_id>/modules")
@login_required
def training(program_id: int):
    program = _coordinated(program_id)
    modules = training_service.modules_of(program.id)
    return render("programs/training.html", program=program, modules=modules)


@bp.route("/<int:program_id>/modules/new", methods=["GET", "POST"])
@login_required
def training_new(program_id: int):
    program = _coordinated(program_id)
    form = TrainingModuleForm()
    if form.validate_on_submit():
        module = training_service.add_module(program, form.values())
        flash(f"“{module.title}” added. Mentors read it before they are matched.", "success")
        return redirect_to(_list_url(program))
    return render(
        "programs/training_form.html",
        program=program,
        form=form,
        module=None,
        status=422 if form.errors else 200,
    )


@bp.route("/<int:program_id>/modules/<int:module_id>/edit", methods=["GET", "POST"])
@login_required
def training_edit(program_id: int, module_id: int):
    program = _coordinated(program_id)
    module = coordinated_row(TrainingModule, module_id, program.id)
    form = TrainingModuleForm.of(module)
    if form.validate_on_submit():
        training_service.update_module(module, form.values())
        flash(f"“{module.title}” saved.", "success")
        return redirect_to(_list_url(program))
    return render(
        "programs/training_form.html",
        program=program,
        form=form,
        module=module,
        status=422 if form.errors else 200,
    )


@bp.get("/<int:program_id>/modules/<int:module_id>")
@login_required
def training_preview(program_id: int, module_id: int):
    """The module as a mentor reads it."""
    program = _coordinated(program_id)
    module = coordinated_row(TrainingModule, module_id, program.id)
    return render("programs/training_preview.html", program=program, module=module)


@bp.post("/<int:program_id>/modules/<int:module_id>/move")
@login_required
def training_move(program_id: int, module_id: int):
    program = _coordinated(program_id)
    module = coordinated_row(TrainingModule, module_id, program.id)
    step = STEPS.get(request.form.get("direction", ""))
    if step is None:
        abort(400)
    training_service.move_module(module, step)
    # no #fragment: htmx follows HX-Redirect with location.href, and a URL that differs from
    # the page's only in its fragment would scroll instead of loading the new order
    return redirect_to(_list_url(program))


@bp.post("/<int:program_id>/modules/<int:module_id>/delete")
@login_required
def training_delete(program_id: int, module_id: int):
    program = _coordinated(program_id)
    module = coordinated_row(TrainingModule, module_id, program.id)
    title = module.title
    training_service.delete_module(module)
    flash(f"“{title}” removed.", "success")
    return redirect_to(_list_url(program))
