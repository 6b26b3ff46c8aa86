"""Pairs at risk: the coordinator's list of active pairs raising a signal, and the nudge."""

from __future__ import annotations

from flask import abort, flash, url_for
from flask_login import login_required

from ..access import coordinated_row, membership_in
from ..clock import utcnow
from ..meetings.queries import PERIOD_WORDS
from ..models import Mentorship, MentorshipStatus, Role
from ..rendering import redirect_to, render
from . import bp, risk_service
from .risk_query import pairs_at_risk


@bp.get("/<int:program_id>/at-risk")
@login_required
def at_risk(program_id: int):
    coordinator = membership_in(program_id, Role.COORDINATOR)
    return render(
        "programs/at_risk.html",
        program=coordinator.program,
        pairs=pairs_at_risk(program_id, utcnow()),
        two_periods=PERIOD_WORDS[coordinator.program.cadence][1],
        now=utcnow(),
    )


@bp.post("/<int:program_id>/at-risk/<int:mentorship_id>/nudge")
@login_required
def nudge(program_id: int, mentorship_id: int):
    membership_in(program_id, Role.COORDINATOR)
    mentorship = coordinated_row(Mentorship, mentorship_id, program_id)
    if mentorship.status is not MentorshipStatus.ACTIVE:
        abort(404)
    if risk_service.nudge_pair(mentorship):
        flash("Both of them have a kind word from you on their home page.", "success")
    else:
        flash("This pair was already nudged today.", "info")
    return redirect_to(url_for("programs.at_risk", program_id=program_id))
