"""The coordinator's invite pages: create, share and revoke invite links and codes."""

from __future__ import annotations

from flask import Response, flash, request, url_for
from flask_login import login_required

from ..access import coordinated_row, membership_in
from ..clock import utcnow
from ..models import Invite, Role
from ..qr import qr_svg
from ..rendering import redirect_to, render
from . import bp, invite_service
from .forms import InviteForm


def join_link(code: str) -> str:
    return url_for("accounts.join_invite", code=code, _external=True)


def _sticky_role() -> Role:
    """The role the form was last used for (``?role=``), else Mentee: never Coordinator
    unless the coordinator just chose it."""
    try:
        return Role(request.args.get("role", ""))
    except ValueError:
        return Role.MENTEE


@bp.route("/<int:program_id>/invites", methods=["GET", "POST"])
@login_required
def invites(program_id: int):
    membership = membership_in(program_id, Role.COORDINATOR)
    program = membership.program
    form = InviteForm()
    if form.validate_on_submit():
        days, uses = form.terms()
        invite = invite_service.create_invite(
            program, form.role.data, days, uses, membership.user_id
        )
        flash(f"Invite {invite.code} is ready to share.", "success")
        return redirect_to(
            url_for("programs.invites", program_id=program.id, role=invite.role.value)
        )
    if not form.is_submitted():
        form.start_on(_sticky_role())
    return render(
        "programs/invites.html",
        program=program,
        form=form,
        invites=invite_service.shareable_invites(program.id),
        personal=invite_service.personal_invite_count(program.id),
        join_link=join_link,
        status=422 if form.errors else 200,
    )


@bp.get("/<int:program_id>/invites/<int:invite_id>")
@login_required
def show_invite(program_id: int, invite_id: int):
    """One invite for a classroom screen: a big QR code, the code in large type, the link."""
    program = membership_in(program_id, Role.COORDINATOR).program
    invite = coordinated_row(Invite, invite_id, program.id)
    link = join_link(invite.code)
    return render(
        "programs/invite_screen.html",
        program=program,
        invite=invite,
        link=link,
        usable=invite.usable(utcnow()),
        qr=qr_svg(link, f"QR code to join {program.name} as a {invite.role.value}"),
    )


@bp.get("/<int:program_id>/invites.csv")
@login_required
def personal_invites_csv(program_id: int):
    program = membership_in(program_id, Role.COORDINATOR).program
    body = invite_service.personal_invites_csv(program.id, join_link)
    return Response(
        "\ufeff" + body,  # a byte order mark, so spreadsheets read UTF-8 names right
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="invites-{program.id}.csv"'},
    )


@bp.route("/<int:program_id>/invites/<int:invite_id>/revoke", methods=["GET", "POST"])
@login_required
def revoke_invite(program_id: int, invite_id: int):
    """Revoking asks first: GET is the page with the form (no script needed), POST revokes."""
    program = membership_in(program_id, Role.COORDINATOR).program
    invite = coordinated_row(Invite, invite_id, program.id)
    if request.method == "GET":
        return render("programs/invite_revoke.html", program=program, invite=invite)
    invite_service.revoke_invite(invite)
    flash(f"Invite {invite.code} no longer works.", "success")
    return redirect_to(url_for("programs.invites", program_id=program.id))
