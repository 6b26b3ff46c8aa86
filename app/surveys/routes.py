"""The survey page: the program's open survey for a mentee or mentor of an active pair.

One URL per program, whichever survey is open: the home card and the push nudge link to it.
The form works with JavaScript off; htmx posts to the same URL and swaps the card in place.
"""

from __future__ import annotations

from flask import abort, flash, request, url_for
from flask_login import current_user, login_required

from ..access import membership_in
from ..clock import utcnow
from ..rendering import redirect_to, render
from . import bp
from .forms import form_for
from .queries import ASKED, answered, in_active_pair, open_slot
from .service import AlreadyAnswered, answer

THANKS = "Thank you! Your answers are in, anonymously."
ALREADY = "You have already answered this survey. Thank you!"
CLOSED = "No survey is open right now. You'll see the next one on your home page."


@bp.route("/<int:program_id>/survey", methods=["GET", "POST"])
@login_required
def answer_survey(program_id: int):
    membership = membership_in(program_id, *ASKED)
    if not in_active_pair(membership):
        abort(404)
    slot = open_slot(program_id, utcnow())
    done = slot is not None and answered(current_user.id, program_id, slot)
    form = form_for(slot.kind) if slot is not None and not done else None
    if form is not None and form.validate_on_submit():
        try:
            answer(membership, slot, form.answers())
        except AlreadyAnswered:
            done, form = True, None
        else:
            flash(THANKS, "success")
            return redirect_to(url_for("home.index"))
    if form is not None:
        status = 422 if form.errors else 200
    else:  # nothing to answer: a post says so with a conflict, not a success
        status = 409 if request.method == "POST" else 200
    return render(
        "surveys/answer.html",
        "surveys/_form.html",
        status=status,
        program=membership.program,
        slot=slot,
        form=form,
        message=None if form is not None else ALREADY if done else CLOSED,
        refused=status == 409,
    )
