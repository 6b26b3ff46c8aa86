"""Closing a program (coordinators), one's own certificate, the program's list of them, and
the public verification page that shows a certificate's facts and nothing else."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, request, url_for
from flask_login import current_user, login_required

from ..access import certificate_for_me, membership_in
from ..clock import utcnow
from ..extensions import db
from ..models import Certificate, Role
from ..qr import qr_svg
from ..rendering import redirect_to, render
from . import bp, service
from .rules import closable, closes_early


@bp.route("/programs/<int:program_id>/close", methods=["GET", "POST"])
@login_required
def close(program_id: int):
    """A confirmation page first (a real step, without JavaScript), then the closing."""
    program = membership_in(program_id, Role.COORDINATOR).program
    now = utcnow()
    problem, status = closable(program, now), 200
    if request.method == "POST":
        if problem is None:
            try:
                issued = service.close_program(program, current_user.id, now)
            except service.Refused as refusal:
                problem = str(refusal)
            else:
                certificates = "1 certificate" if issued == 1 else f"{issued} certificates"
                flash(f"{program.name} is closed: {certificates} issued.", "success")
                return redirect_to(url_for("certificates.issued", program_id=program_id))
        status = 422
    return render(
        "certificates/close.html",
        status=status,
        program=program,
        problem=problem,
        early=closes_early(program, now),
        ended_reason=service.ENDED_REASON,
    )


@bp.get("/programs/<int:program_id>/certificates")
@login_required
def issued(program_id: int):
    program = membership_in(program_id, Role.COORDINATOR).program
    certificates = db.session.scalars(
        sa.select(Certificate)
        .where(Certificate.program_id == program_id)
        .order_by(Certificate.role, Certificate.name, Certificate.id)
    ).all()
    return render("certificates/issued.html", program=program, certificates=certificates)


def _verification(certificate: Certificate) -> tuple[str, object]:
    link = url_for("certificates.verify", token=certificate.token, _external=True)
    return link, qr_svg(link, "QR code of this certificate's verification link")


@bp.get("/certificates/<int:certificate_id>")
@login_required
def certificate(certificate_id: int):
    """The owner's printable certificate; anyone else, coordinators too, gets 404."""
    mine = certificate_for_me(certificate_id)
    link, qr = _verification(mine)
    return render("certificates/certificate.html", certificate=mine, link=link, qr=qr)


@bp.get("/certificates/verify/<token>")
def verify(token: str):
    """Anyone holding the link sees the certificate's own facts: nothing else about the
    person. 192 random bits make guessing pointless, so no rate limit is needed."""
    found = db.session.scalar(sa.select(Certificate).where(Certificate.token == token))
    if found is None:
        abort(404)
    return render("certificates/verify.html", certificate=found)
