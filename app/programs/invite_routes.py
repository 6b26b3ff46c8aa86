"""The coordinator's invite pages: create, share and revoke invite links and codes."""

from __future__ import annotations

import sqlalchemy as sa
from flask import flash, url_for
from flask_login import login_required

from ..access import coordinated_row, membership_in
from ..clock import utcnow
from ..extensions import db
from ..models import Invite, Role
from ..rendering import redirect_to, render
from . import bp, invite_service
from .forms import InviteForm


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
        invite = invite_service.create_invite(
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
    invite_service.revoke_invite(invite)
    flash(f"Invite {invite.code} no longer works.", "success")
    return redirect_to(url_for("programs.invites", program_id=program.id))
