"""Pairs at risk: the coordinator's list of active pairs raising a signal, and each pair's page
of private notes and history, with the nudge and the resolution."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, request, url_for
from flask_login import current_user, login_required

from ..access import coordinated_row, membership_in
from ..clock import utcnow
from ..extensions import db
from ..meetings.queries import PERIOD_WORDS
from ..mentorships_query import WITH_PEOPLE
from ..models import Mentorship, MentorshipStatus, Role
from ..pagination import requested_page
from ..rendering import redirect_to, render, wants_fragment
from . import bp, risk_service
from .risk_forms import NoteForm, ResolveForm
from .risk_query import assess, board_page, history, on_list


@bp.get("/<int:program_id>/at-risk")
@login_required
def at_risk(program_id: int):
    coordinator = membership_in(program_id, Role.COORDINATOR)
    now = utcnow()
    found = board_page(program_id, now, requested_page())
    return render(
        "programs/at_risk.html",
        "programs/_at_risk_list.html",
        program=coordinator.program,
        pager=found.pager,
        pairs=found.at_risk,
        resolved=found.resolved,
        resolved_count=found.resolved_count,
        two_periods=PERIOD_WORDS[coordinator.program.cadence][1],
        now=now,
    )


def _pair(program_id: int, mentorship_id: int) -> Mentorship:
    """A pair of a program the person coordinates, with its people; anything else is 404."""
    membership_in(program_id, Role.COORDINATOR)
    mentorship = coordinated_row(Mentorship, mentorship_id, program_id)
    return db.session.scalars(
        sa.select(Mentorship).where(Mentorship.id == mentorship.id).options(WITH_PEOPLE)
    ).one()


def _pair_page(mentorship: Mentorship, note_form=None, resolve_form=None, status: int = 200):
    program = membership_in(mentorship.program_id, Role.COORDINATOR).program
    now = utcnow()
    (entry,) = assess(program.id, [mentorship], now)
    active = mentorship.status is MentorshipStatus.ACTIVE
    return render(
        "programs/at_risk_pair.html",
        "programs/_care_history.html",
        status=status,
        program=program,
        mentorship=mentorship,
        entry=entry,
        active=active,
        on_list=active and on_list(entry),
        history=history(mentorship),
        note_form=note_form or NoteForm(formdata=None),
        resolve_form=resolve_form or ResolveForm(formdata=None),
        two_periods=PERIOD_WORDS[program.cadence][1],
        now=now,
    )


@bp.get("/<int:program_id>/at-risk/<int:mentorship_id>")
@login_required
def at_risk_pair(program_id: int, mentorship_id: int):
    return _pair_page(_pair(program_id, mentorship_id))


@bp.post("/<int:program_id>/at-risk/<int:mentorship_id>/notes")
@login_required
def add_care_note(program_id: int, mentorship_id: int):
    mentorship = _pair(program_id, mentorship_id)
    form = NoteForm()
    if not form.validate_on_submit():
        return _pair_page(mentorship, note_form=form, status=422)
    risk_service.add_note(mentorship, current_user.id, form.body.data)
    if wants_fragment():  # the commit expired the pair: load it afresh
        return _pair_page(_pair(program_id, mentorship_id))
    flash("Note saved. Only the program's coordinators see it.", "success")
    return redirect_to(_pair_url(program_id, mentorship_id) + "#care-history")


@bp.post("/<int:program_id>/at-risk/<int:mentorship_id>/resolve")
@login_required
def resolve(program_id: int, mentorship_id: int):
    mentorship = _pair(program_id, mentorship_id)
    form = ResolveForm()
    if not form.validate_on_submit():
        return _pair_page(mentorship, resolve_form=form, status=422)
    if mentorship.status is MentorshipStatus.ACTIVE and risk_service.resolve(
        mentorship, current_user.id, form.note.data or ""
    ):
        flash("Marked resolved. Its history stays under Resolved.", "success")
    else:
        flash("This pair is not on the list any more.", "info")
    return redirect_to(url_for("programs.at_risk", program_id=program_id))


@bp.post("/<int:program_id>/at-risk/<int:mentorship_id>/nudge")
@login_required
def nudge(program_id: int, mentorship_id: int):
    membership_in(program_id, Role.COORDINATOR)
    mentorship = coordinated_row(Mentorship, mentorship_id, program_id)
    if mentorship.status is not MentorshipStatus.ACTIVE:
        abort(404)
    if risk_service.nudge_pair(mentorship, current_user.id):
        flash("Both of them have a kind word from you on their home page.", "success")
    else:
        flash("This pair was already nudged today.", "info")
    if request.args.get("from") == "pair":
        return redirect_to(_pair_url(program_id, mentorship_id))
    return redirect_to(url_for("programs.at_risk", program_id=program_id))


def _pair_url(program_id: int, mentorship_id: int) -> str:
    return url_for("programs.at_risk_pair", program_id=program_id, mentorship_id=mentorship_id)
