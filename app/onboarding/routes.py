"""Onboarding views: a participant's own profile, signature and training in one program.

Each resolves the program through the person's own membership (``membership_in``): a program
they are not in, have left, or coordinate answers 404, and training is for mentors only."""

from __future__ import annotations

import sqlalchemy as sa
from flask import flash, url_for
from flask_login import current_user, login_required

from matching.profiles import DAYS, PARTS

from ..access import membership_in
from ..extensions import db
from ..markdown import render_markdown
from ..models import (
    MentorshipModel,
    Role,
    TrainingCompletion,
    TrainingModule,
)
from ..rendering import redirect_to, render
from . import bp, service
from .agreement import change_since_signed
from .forms import AnswerForm, ProfileForm, SignForm

PARTICIPANTS = (Role.MENTOR, Role.MENTEE)
NAME_MISMATCH = "Type your name as it is on your account: {name}."
CHANGED_MEANWHILE = "The agreement changed while you were reading it. Read it again, then sign."
WRONG_ANSWER = "Not quite. Read the module again, then try another answer."


@bp.route("/programs/<int:program_id>/profile", methods=["GET", "POST"])
@login_required
def profile(program_id: int):
    membership = membership_in(program_id, *PARTICIPANTS)
    program = membership.program
    saved = service.profile_of(membership)
    form = ProfileForm(
        data=_profile_data(saved),
        mentor=membership.role is Role.MENTOR,
        group=program.model is MentorshipModel.GROUP,
    )
    if form.validate_on_submit():
        service.save_profile(membership, form.values())
        flash("Your profile is saved.", "success")
        return redirect_to(url_for("home.index"))
    status = 422 if form.errors else 200
    return render(
        "onboarding/profile.html",
        form=form,
        program=program,
        days=DAYS,
        parts=PARTS,
        status=status,
    )


def _profile_data(saved) -> dict:
    if saved is None:
        return {}
    return {
        "interests": saved.interests,
        "goals": saved.goals,
        "skills": saved.skills,
        "availability": saved.availability.split(),
        "style": saved.style,
        "modes": saved.modes.split(),
        "languages": saved.languages,
        "capacity": saved.capacity,
    }


@bp.route("/programs/<int:program_id>/agreement", methods=["GET", "POST"])
@login_required
def agreement(program_id: int):
    membership = membership_in(program_id, *PARTICIPANTS)
    program = membership.program
    current = program.agreement_version
    form = SignForm(data={"version": str(current)})
    if form.validate_on_submit():
        if form.version.data != str(current):
            form.name.errors.append(CHANGED_MEANWHILE)
        elif not service.same_name(form.name.data, current_user.name):
            form.name.errors.append(NAME_MISMATCH.format(name=current_user.name))
        else:
            if service.sign_agreement(membership, program, form.name.data):
                flash("Thank you: you signed the agreement.", "success")
            return redirect_to(url_for("home.index"))
        form.version.data = str(current)
    return render(
        "onboarding/agreement.html",
        form=form,
        program=program,
        membership=membership,
        signed=membership.agreed_version == current,
        change=change_since_signed(membership, program),
        status=422 if form.errors else 200,
    )


def _modules(membership) -> list[tuple[TrainingModule, bool]]:
    """The program's modules in order, each with whether this mentor has passed it."""
    done = (
        sa.select(TrainingCompletion.id)
        .where(
            TrainingCompletion.module_id == TrainingModule.id,
            TrainingCompletion.membership_id == membership.id,
        )
        .exists()
    )
    rows = db.session.execute(
        sa.select(TrainingModule, done)
        .where(TrainingModule.program_id == membership.program_id)
        .order_by(TrainingModule.position, TrainingModule.id)
    ).all()
    return [(module, passed) for module, passed in rows]


@bp.get("/programs/<int:program_id>/training")
@login_required
def training(program_id: int):
    membership = membership_in(program_id, Role.MENTOR)
    return render(
        "onboarding/training.html", program=membership.program, modules=_modules(membership)
    )


@bp.route("/programs/<int:program_id>/training/<int:module_id>", methods=["GET", "POST"])
@login_required
def training_module(program_id: int, module_id: int):
    membership = membership_in(program_id, Role.MENTOR)
    module = db.first_or_404(
        sa.select(TrainingModule).where(
            TrainingModule.id == module_id, TrainingModule.program_id == membership.program_id
        )
    )
    form = AnswerForm(module=module)
    if form.validate_on_submit():
        if form.answer.data == module.answer:
            service.complete_module(membership, module)
            return _after(membership, program_id)
        form.answer.errors.append(WRONG_ANSWER)
    return render(
        "onboarding/module.html",
        program=membership.program,
        module=module,
        body=render_markdown(module.body),
        form=form,
        status=422 if form.errors else 200,
    )


def _after(membership, program_id: int):
    """On to the next module not yet passed, or home when the training is done."""
    left = [module for module, passed in _modules(membership) if not passed]
    if left:
        flash(f"Right! Next: {left[0].title}.", "success")
        return redirect_to(
            url_for("onboarding.training_module", program_id=program_id, module_id=left[0].id)
        )
    flash("Right! You have finished the training.", "success")
    return redirect_to(url_for("home.index"))
