"""Check-in views: the mentee's card and form, the history, and the mentor's acknowledgement.

Each form posts to a real URL and works with JavaScript off; htmx posts to the same URL and
swaps the card or the check-in in place.
"""

from __future__ import annotations

import json
from datetime import datetime

from flask import abort, flash, request, url_for
from flask_login import current_user, login_required

from game.weeks import WeekKey

from .. import mentor_cards as cards  # the module: mentor_cards imports this package too
from ..access import active_membership, checkin_for_mentor, mentorship_for_me
from ..gamification.routes import mentee_update
from ..models import CheckIn, Membership, Mentorship, Role
from ..rendering import redirect_to, render, wants_fragment
from ..templating import local_time
from ..weeks import week_now
from . import bp
from .forms import MOODS, AcknowledgeForm, CheckInForm, acknowledge_form, mood_label
from .queries import (
    WITH_PEOPLE,
    ThisWeek,
    history,
    this_week,
    with_people,
)
from .service import Submitted, TooLate, acknowledge, request_help, submit_checkin


@bp.app_template_global()
def mood_face(mood: int) -> str:
    return MOODS[mood][0]


bp.add_app_template_global(mood_label)


@bp.app_template_filter()
def week_label(week_key: str) -> str:
    return f"Week of {WeekKey.parse(week_key).monday():%a %d %b}"


def card_context(
    membership: Membership,
    form: CheckInForm | None = None,
    week: ThisWeek | None = None,
    **flags,
) -> dict:
    """What ``checkins/_card.html`` needs; the mentee's home passes it on. ``week``: this
    week, when a change just told it. A week already checked in shows no form unless it is
    being edited (most of a mentee's visits to their home)."""
    week = week or this_week(membership.id, current_user.week_zones)
    context = {"this_week": week, "editing": False, "expanded": False, **flags}
    if form is None and (context["editing"] or not week.done):
        form = CheckInForm(formdata=None, obj=week.checkin)
    return {**context, "checkin_form": form}


def ack_forms(checkins: list[CheckIn]) -> dict[int, AcknowledgeForm]:
    """An empty reply form for each check-in not acknowledged yet, keyed by its id."""
    return {
        c.id: acknowledge_form(c.id, formdata=None) for c in checkins if c.acknowledged_at is None
    }


def mentee_ids(mentorships: list[Mentorship]) -> list[int]:
    return [
        member.membership_id
        for mentorship in mentorships
        for member in mentorship.members
        if member.membership.role is Role.MENTEE
    ]


def _mentee_membership() -> Membership:
    """Only someone acting as a mentee has a week to check in for."""
    membership = active_membership()
    if membership is None or membership.role is not Role.MENTEE:
        abort(404)
    return membership


def _toast(response, message: str):
    response.headers["HX-Trigger"] = json.dumps({"waypoint:toast": {"message": message}})
    return response


def _card_or_home(membership: Membership, message: str, week: ThisWeek | None = None):
    """After a change: the swapped card for htmx (with the level and streak when something was
    earned), else back home with the message. ``week``: this week as the change left it."""
    if wants_fragment():
        context = {**card_context(membership, week=week), **mentee_update(membership)}
        return _toast(render("checkins/_card_changed.html", **context), message)
    flash(message, "success")
    return redirect_to(url_for("home.index"))


def _saved_message(form: CheckInForm, submitted: Submitted) -> str:
    if form.made_at.data is None:
        return "Checked in for this week. Thank you!"
    if submitted.already:
        return "Your check-in saved on this phone was already in."
    if submitted.week < week_now(current_user):
        return (
            "Your check-in saved on this phone is in, for the week of "
            f"{submitted.week.monday():%a %d %b}. Thank you!"
        )
    return "Your check-in saved on this phone is in. Thank you!"


def _too_late(made_at: datetime) -> str:
    return (
        f"Your check-in saved on this phone on {local_time(made_at, '%a %d %b')} reached us "
        "after its week had closed, so it can't count any more. You can check in for this week."
    )


@bp.route("/checkins/this-week", methods=["GET", "POST"])
@login_required
def this_week_form():
    """The week's check-in. A check-in kept on the phone while offline is sent here by the
    service worker with ``made_at``: it counts for the week it was made in (never before its
    form was opened: ``CheckInForm.counted_made_at``), and every answer carries a toast the
    worker keeps for the person (a 4xx tells it to stop trying)."""
    membership = _mentee_membership()
    form = CheckInForm()
    if form.validate_on_submit():
        made_at = form.counted_made_at(current_user.id)
        try:
            submitted = submit_checkin(
                membership.id, current_user.week_zones, made_at=made_at, **form.answers()
            )
        except TooLate:
            form.made_at.errors.append(_too_late(made_at))
        else:
            return _card_or_home(membership, _saved_message(form, submitted), submitted.now)
    posted = form if form.is_submitted() else None  # else the form shows what is saved
    response = render(
        "checkins/this_week.html",
        "checkins/_card.html",
        status=422 if form.errors else 200,
        **card_context(membership, posted, editing=True, expanded=True),
    )
    if form.errors and form.made_at.raw_data:
        _toast(response, next(iter(form.errors.values()))[0])
    return response


@bp.post("/checkins/help")
@login_required
def ask_for_help():
    membership = _mentee_membership()
    week = request_help(membership.id, current_user.week_zones)
    return _card_or_home(membership, "Your mentor can see that you'd like help.", week)


@bp.get("/mentorships/<int:mentorship_id>/checkins")
@login_required
def mentorship_checkins(mentorship_id: int):
    """A mentee sees their own check-ins; a mentor sees each mentee's of the mentorship."""
    mentorship, mine = mentorship_for_me(mentorship_id)
    mentor = mine.role is Role.MENTOR
    checkins = history(mentee_ids([mentorship]) if mentor else [mine.id])
    return render(
        "checkins/history.html",
        mentorship=mentorship,
        checkins=checkins,
        ack_forms=ack_forms(checkins) if mentor else {},
        show_names=mentor,
    )


@bp.route("/checkins/<int:checkin_id>/acknowledge", methods=["GET", "POST"])
@login_required
def acknowledge_checkin(checkin_id: int):
    """The reply to one check-in. Its page is where a mentee card's "Reply" leads without
    JavaScript; htmx loads the same form into the card (``back`` "card") and, once it is
    sent, gets the card again, its counts and its next check-in to reply to updated."""
    checkin, mentorship_id = checkin_for_mentor(checkin_id, *WITH_PEOPLE)
    if request.method == "GET":
        return render(
            "checkins/acknowledge.html",
            "checkins/_reply.html",
            checkin=checkin,
            ack_forms=ack_forms([checkin]),
            show_names=True,
            back="card" if wants_fragment() else "home",
        )
    form = acknowledge_form(checkin_id)
    item = {"show_names": True, "back": request.form.get("back", "history")}
    if not form.validate_on_submit():
        return render(
            "checkins/acknowledge.html",
            "checkins/_checkin.html",
            status=422,
            checkin=checkin,
            ack_forms={checkin_id: form},
            **item,
        )
    acknowledge(checkin, current_user.id, form.reply.data)
    if wants_fragment() and item["back"] == "card":
        return _toast(_mentee_card(mentorship_id), "Sent. Your mentee will see it.")
    if wants_fragment():
        return render(
            "checkins/_checkin.html", checkin=with_people(checkin_id), ack_forms={}, **item
        )
    flash("Acknowledged. Your mentee will see it.", "success")
    if item["back"] in ("home", "card"):
        return redirect_to(url_for("home.index"))
    return redirect_to(url_for("checkins.mentorship_checkins", mentorship_id=mentorship_id))


def _mentee_card(mentorship_id: int):
    """A mentee card of the mentor's home again, in place of the one the reply was sent from
    (the form's own target is its check-in, for a refusal shown next to the field)."""
    mentorship, _ = mentorship_for_me(mentorship_id, Role.MENTOR)
    response = render(
        "home/_mentee_card.html", mentorship=mentorship, **cards.mentor_cards([mentorship])
    )
    response.headers["HX-Retarget"] = f"#mentee-card-{mentorship_id}"
    response.headers["HX-Reswap"] = "outerHTML"
    return response
