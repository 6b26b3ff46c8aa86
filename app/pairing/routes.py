"""The coordinator's matching pages: the pool and its drafts, one mentee's options, publishing,
and ending a mentorship. Every id resolves through the coordinator's own program (404 else)."""

from __future__ import annotations

from flask import abort, flash, request, url_for
from flask_login import current_user, login_required

import matching

from ..access import coordinated_row, membership_in
from ..models import MatchDraft, Mentorship, MentorshipStatus, Program, Role
from ..pagination import Pager, requested_page
from ..rendering import redirect_to, render
from ..routing import MAX_ID
from ..text import counted
from . import bp, service
from .forms import AcceptForm, EndForm, HandMatchForm, SwapForm
from .pool import SHOWN, Pool, load_pool, pair_lists, pair_views
from .service import PairingError


class ProgramClosed(Exception):
    """A change to the matches of a program that has closed."""

    def __init__(self, program: Program) -> None:
        self.program = program


def _program(program_id: int) -> Program:
    """The coordinator's program; one that has closed takes no more changes to its matches."""
    program = membership_in(program_id, Role.COORDINATOR).program
    if program.closed_at is not None and request.method == "POST":
        raise ProgramClosed(program)
    return program


@bp.errorhandler(ProgramClosed)
def program_closed(error: ProgramClosed):
    flash(f"{error.program.name} has closed: nobody can be matched in it any more.", "error")
    return _back(error.program)


def _named(*membership_ids: int | None) -> list[int]:
    """The ids a form names, for the pool to load whether in it or not (one no row can have
    is nobody's: a 404 below)."""
    return [i for i in membership_ids if i is not None and 0 < i <= MAX_ID]


def _person(pool: Pool, membership_id: int | None, role: Role) -> int:
    """A present member of the pool's program in ``role`` (loaded with the pool: in it, named
    by a draft or asked for); anyone else's id is a 404."""
    member = pool.people.get(membership_id)
    if member is None or member.role is not role or member.left_at is not None:
        abort(404)
    return member.id


DRAFTS_PAGE_SIZE = SHOWN
HAND_CHOICES = 50  # beyond it, matching by hand goes through a mentee's ranked options


def _hand_form_shown(pool: Pool) -> bool:
    """Whether the matching page offers its two selects for matching by hand."""
    return len(pool.waiting) <= HAND_CHOICES and len(pool.room) <= HAND_CHOICES


def _page(pool: Pool, status: int = 200, **forms):
    hand = forms.pop("hand", None) or HandMatchForm(formdata=None)
    hand_shown = _hand_form_shown(pool)
    if hand_shown:
        hand.mentee.choices = [(m.id, m.user.name) for m in pool.waiting]
        hand.mentor.choices = [(m.id, m.user.name) for m in pool.mentors_with_room()]
    pager = Pager.of(requested_page(), len(pool.drafts), DRAFTS_PAGE_SIZE)
    return render(
        "pairing/matching.html",
        "pairing/_drafts_list.html",
        program=pool.program,
        pool=pool,
        pairs=pair_lists(pool.program, SHOWN),
        hand=hand,
        accept_form=forms.pop("accept", None) or AcceptForm(formdata=None),
        drafts=pool.drafts[pager.offset : pager.offset + pager.size],
        drafts_pager=pager,
        shown=SHOWN,
        hand_shown=hand_shown,
        status=status,
    )


def _back(program: Program):
    return redirect_to(url_for("pairing.matching", program_id=program.id))


@bp.get("/programs/<int:program_id>/matching", endpoint="matching")
@login_required
def matching_page(program_id: int):
    return _page(load_pool(_program(program_id)))


@bp.post("/programs/<int:program_id>/matching/suggest")
@login_required
def suggest(program_id: int):
    program = _program(program_id)
    found = service.suggest_all(load_pool(program))
    flash(
        f"Suggested {counted(len(found.pairs), 'match', 'matches')}"
        + (
            f"; {counted(len(found.unmatched), 'mentee has', 'mentees have')} no mentor that fits."
            if found.unmatched
            else "."
        ),
        "success",
    )
    return _back(program)


@bp.post("/programs/<int:program_id>/matching/accept")
@login_required
def accept(program_id: int):
    program = _program(program_id)
    pool = load_pool(program)
    form = AcceptForm()
    if form.validate_on_submit():
        everything = "all" in request.form
        wanted = set(form.draft.data or [])
        if not everything and not wanted:
            form.draft.errors.append("Tick the matches to accept, or accept all.")
        else:
            if not everything and not wanted <= {d.id for d in pool.drafts}:
                abort(404)
            count = service.accept(program, None if everything else sorted(wanted))
            flash(
                f"Accepted {counted(count, 'match', 'matches')}. Publish when you are ready.",
                "success",
            )
            return _back(program)
    return _page(pool, 422, accept=form)


@bp.post("/programs/<int:program_id>/matching/drafts/<int:draft_id>/swap")
@login_required
def swap(program_id: int, draft_id: int):
    program = _program(program_id)
    draft = coordinated_row(MatchDraft, draft_id, program.id)
    form = SwapForm()
    pool = load_pool(program, also=_named(form.mentor.data, draft.mentee_membership_id))
    if form.validate_on_submit():
        try:
            service.swap(pool, draft, _person(pool, form.mentor.data, Role.MENTOR))
            flash("Mentor changed; the score is updated.", "success")
            return _back(program)
        except PairingError as problem:
            form.mentor.errors.append(problem.message)
    return _options_page(pool, draft.mentee_membership_id, 422, form.mentor.errors[0])


@bp.post("/programs/<int:program_id>/matching/drafts/<int:draft_id>/remove")
@login_required
def remove(program_id: int, draft_id: int):
    program = _program(program_id)
    service.remove_draft(coordinated_row(MatchDraft, draft_id, program.id))
    flash("Match removed; the mentee is waiting again.", "success")
    return _back(program)


@bp.post("/programs/<int:program_id>/matching/hand")
@login_required
def hand(program_id: int):
    program = _program(program_id)
    form = HandMatchForm()
    pool = load_pool(program, also=_named(form.mentee.data, form.mentor.data))
    if form.validate_on_submit():
        mentee = _person(pool, form.mentee.data, Role.MENTEE)
        mentor = _person(pool, form.mentor.data, Role.MENTOR)
        try:
            service.match_by_hand(pool, mentee, mentor)
            flash("Match added to the drafts.", "success")
            return _back(program)
        except PairingError as problem:
            if not _hand_form_shown(pool):  # the choice came from the mentee's options
                return _options_page(pool, mentee, 422, problem.message)
            getattr(form, problem.field).errors.append(problem.message)
    return _page(pool, 422, hand=form)


@bp.get("/programs/<int:program_id>/matching/mentees/<int:membership_id>")
@login_required
def mentee(program_id: int, membership_id: int):
    pool = load_pool(_program(program_id), also=[membership_id])
    return _options_page(pool, _person(pool, membership_id, Role.MENTEE))


def _options_page(pool: Pool, mentee_id: int, status: int = 200, error: str | None = None):
    """One mentee's options: every mentor with room, best first, with the reasons; choosing
    one changes the mentee's draft (kept accepted if it was) or makes one."""
    mentors = [
        pool.profile(m.id, pool.free_places(m.id, ignore_mentee=mentee_id))
        for m in pool.mentors_with_room(ignore_mentee=mentee_id)
    ]
    return render(
        "pairing/mentee.html",
        program=pool.program,
        pool=pool,
        person=pool.people[mentee_id],
        waiting=pool.is_waiting(mentee_id),
        missing=dict(pool.not_ready).get(pool.people[mentee_id]),
        draft=pool.draft_of(mentee_id),
        options=matching.rank(pool.profile(mentee_id), mentors),
        reasons_of=service.reasons_of,
        error=error,
        status=status,
    )


@bp.post("/programs/<int:program_id>/matching/mentees/<int:membership_id>/suggest")
@login_required
def match_one(program_id: int, membership_id: int):
    program = _program(program_id)
    pool = load_pool(program, also=[membership_id])
    mentee_id = _person(pool, membership_id, Role.MENTEE)
    try:
        mentor = service.match_one(pool, mentee_id)
    except PairingError as problem:
        flash(problem.message, "error")
        return redirect_to(
            url_for("pairing.mentee", program_id=program.id, membership_id=mentee_id)
        )
    flash(f"Suggested {mentor}.", "success")
    return _back(program)


@bp.post("/programs/<int:program_id>/matching/publish")
@login_required
def publish(program_id: int):
    program = _program(program_id)
    result = service.publish(program)
    if result.pairs:
        flash(
            f"Published {counted(len(result.pairs), 'mentorship')}; both sides were told.",
            "success",
        )
    elif not result.problems:
        flash("Accept some matches first, then publish them.", "error")
    for problem in result.problems:
        flash(problem, "error")
    return _back(program)


@bp.route("/programs/<int:program_id>/mentorships/<int:mentorship_id>/end", methods=["GET", "POST"])
@login_required
def end(program_id: int, mentorship_id: int):
    """End a mentorship with a reason; "re-match" then opens its mentee's options."""
    program = _program(program_id)
    mentorship = coordinated_row(Mentorship, mentorship_id, program.id)
    [view] = pair_views([mentorship])
    form = EndForm()
    rematch = request.values.get("then") == "rematch"
    if mentorship.status is not MentorshipStatus.CLOSED and form.validate_on_submit():
        mentees = [m.id for m in view.mentees]
        service.end_mentorship(mentorship, current_user, form.reason.data.strip())
        flash("The mentorship has ended; its history stays.", "success")
        if rematch and len(mentees) == 1:
            return redirect_to(
                url_for("pairing.mentee", program_id=program.id, membership_id=mentees[0])
            )
        return _back(program)
    return render(
        "pairing/end.html",
        program=program,
        view=view,
        form=form,
        rematch=rematch,
        status=422 if form.errors else 200,
    )
