"""The coordinator's people pages: everyone in the program with their state, one person's
page with what a coordinator may change about them, and help for a member locked out."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, request, url_for
from flask_login import current_user, login_required

from ..access import coordinated_row, membership_in
from ..accounts import service as accounts
from ..extensions import db, htmx
from ..mentorships_query import JOINED_PEOPLE
from ..models import Membership, Mentorship, MentorshipMember, Role, User
from ..onboarding.status import checklists
from ..pagination import requested_page
from ..qr import qr_svg
from ..rendering import redirect_to, render, wants_fragment
from . import bp, people_service
from .people_forms import PeopleFilterForm, RoleForm
from .people_query import coordinators, pairs_page, people_page, person_and_state


def _coordinated(program_id: int, membership_id: int) -> tuple[Membership, Membership]:
    """Our coordinator's membership and the program's member ``membership_id``, else 404."""
    coordinator = membership_in(program_id, Role.COORDINATOR)
    return coordinator, coordinated_row(Membership, membership_id, program_id)


@bp.get("/<int:program_id>/people")
@login_required
def people(program_id: int):
    """The people, the program's mentorships and its coordinators; an htmx swap of one list
    (a filter, a page) reads that list alone."""
    coordinator = membership_in(program_id, Role.COORDINATOR)
    program = coordinator.program
    fragment = wants_fragment()
    if fragment and htmx.target == "mentorships-list":
        pairs = pairs_page(program.id, requested_page("pairs"))
        return render("programs/_pairs_list.html", program=program, pairs=pairs)
    form = PeopleFilterForm()
    form.validate()
    filters = form.filters()
    found = people_page(program, filters)
    listed = {
        "status": 422 if form.errors else 200,
        "program": program,
        "form": form,
        "filters": filters,
        "found": found,
        "partners": found.partners,
        "resettable": accounts.resettable(
            coordinator.user_id, [p.user_id for p in found.people if p.is_member]
        ),
    }
    if fragment:
        return render("programs/_people_list.html", **listed)
    return render(
        "programs/people.html",
        pairs=pairs_page(program.id, requested_page("pairs")),
        coordinators=coordinators(program.id),
        **listed,
    )


def _person_page(coordinator: Membership, member: Membership, status: int = 200, **forms):
    program = coordinator.program
    person, state = person_and_state(program, member)
    mentorships = (
        db.session.scalars(
            sa.select(Mentorship)
            .join(MentorshipMember, MentorshipMember.mentorship_id == Mentorship.id)
            .where(MentorshipMember.membership_id == member.id)
            .options(JOINED_PEOPLE)
            .order_by(Mentorship.status, Mentorship.id.desc())
        )
        .unique()
        .all()
    )
    return render(
        "programs/person.html",
        status=status,
        program=program,
        member=member,
        person=person,
        state=state,
        checklist=checklists(program, [member])[member.id],
        mentorships=mentorships,
        resettable=bool(accounts.resettable(coordinator.user_id, [person.id])),
        role_form=forms.get("role_form") or RoleForm(role=member.role),
    )


@bp.get("/<int:program_id>/people/<int:membership_id>")
@login_required
def person(program_id: int, membership_id: int):
    coordinator, member = _coordinated(program_id, membership_id)
    return _person_page(coordinator, member)


@bp.route("/<int:program_id>/people/<int:membership_id>/deactivate", methods=["GET", "POST"])
@login_required
def deactivate(program_id: int, membership_id: int):
    """A confirmation page first (a real step, without JavaScript), then the change."""
    coordinator, member = _coordinated(program_id, membership_id)
    program = coordinator.program  # loaded now: the change commits
    back = url_for("programs.person", program_id=program_id, membership_id=member.id)
    if member.left_at is not None:
        return redirect_to(back)
    person = db.session.get(User, member.user_id)
    problem, status = None, 200
    if request.method == "POST":
        try:
            people_service.deactivate(member, by_user_id=current_user.id)
        except people_service.Refused as refusal:
            problem, status = str(refusal), 422
        else:
            flash(f"{person.name} no longer has access to {program.name}.", "success")
            if member.id == coordinator.id:
                return redirect_to(url_for("home.index"))
            return redirect_to(back)
    return render(
        "programs/person_deactivate.html",
        status=status,
        program=program,
        member=member,
        person=person,
        problem=problem,
    )


@bp.post("/<int:program_id>/people/<int:membership_id>/reactivate")
@login_required
def reactivate(program_id: int, membership_id: int):
    _, member = _coordinated(program_id, membership_id)
    people_service.reactivate(member)
    flash("They are back in the program.", "success")
    return redirect_to(url_for("programs.person", program_id=program_id, membership_id=member.id))


@bp.post("/<int:program_id>/people/<int:membership_id>/role")
@login_required
def change_role(program_id: int, membership_id: int):
    coordinator, member = _coordinated(program_id, membership_id)
    form = RoleForm()
    if form.validate_on_submit():
        try:
            people_service.change_role(member, form.role.data)
        except people_service.Refused as refusal:
            form.role.errors.append(str(refusal))
        else:
            flash(f"Role changed to {member.role.value}.", "success")
            return redirect_to(
                url_for("programs.person", program_id=program_id, membership_id=member.id)
            )
    return _person_page(coordinator, member, status=422, role_form=form)


@bp.post("/<int:program_id>/people/<int:membership_id>/reset-link")
@login_required
def reset_link(program_id: int, membership_id: int):
    """A one-time link for a member who forgot their password, shown to the coordinator once
    (only its digest is stored) to hand over in person, or scanned from the screen."""
    coordinator, member = _coordinated(program_id, membership_id)
    program = coordinator.program  # loaded now: issuing the link commits
    person = db.session.get(User, member.user_id)
    if not accounts.resettable(coordinator.user_id, [person.id]):
        abort(404)
    token, expires = accounts.issue_reset(person.id, issued_by_id=coordinator.user_id)
    link = url_for("accounts.reset_password", token=token, _external=True)
    return render(
        "programs/reset_link.html",
        program=program,
        person=person,
        member=member,
        link=link,
        qr=qr_svg(link, f"Password reset link for {person.name}"),
        expires=expires,
    )
