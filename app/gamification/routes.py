"""The game's pages: the profile, a mentor's kudos and streak repair, the opt-in leaderboard.

Forms post to real URLs and work without JavaScript; htmx posts to the same URL and swaps the
card's kudos or repair section in place.
"""

from __future__ import annotations

import json

from flask import Response, abort, flash, request, url_for
from flask_login import current_user, login_required

from game.weeks import WeekKey

from ..access import (
    active_membership,
    membership_in,
    mentorship_for_me,
    my_membership,
    my_memberships,
)
from ..calendars import joined_week
from ..models import Membership, Mentorship, Role
from ..pagination import requested_page
from ..rendering import redirect_to, render, wants_fragment
from ..weeks import week_now
from . import bp, celebrations, opt_in, queries, service
from .forms import KudosForm, LeaderboardChoiceForm, StreakRepairForm


def _mentees(mentorship: Mentorship) -> list[Membership]:
    people = [m.membership for m in mentorship.members if m.membership.role is Role.MENTEE]
    return sorted(people, key=lambda membership: membership.user.name)


def _repair_options(mentorship: Mentorship, cards: dict[int, queries.MenteeCard]):
    """(value, label) per repairable week; a group's labels name the mentee."""
    mentees = _mentees(mentorship)
    return [
        (
            f"{mentee.id}:{week}",
            f"{mentee.user.first_name} · week of {week.monday():%a %d %b}"
            if len(mentees) > 1
            else f"Week of {week.monday():%a %d %b}",
        )
        for mentee in mentees
        for week in cards[mentee.id].repairable
    ]


def mentor_context(mentorships: list[Mentorship], **forms) -> dict:
    """Each mentee's card and each mentorship's kudos and repair forms, for the forms' own page
    or fragment (``forms`` holds a posted form to show again with its messages). The mentor's
    home builds no form: its cards link here."""
    cards = queries.mentee_cards(mentorships, current_user.time_zone)
    kudos_forms, repair_forms = {}, {}
    for mentorship in mentorships:
        kudos_forms[mentorship.id] = KudosForm(
            _mentees(mentorship), formdata=None, prefix=f"kudos-{mentorship.id}"
        )
        repair_forms[mentorship.id] = StreakRepairForm(
            _repair_options(mentorship, cards), formdata=None, prefix=f"repair-{mentorship.id}"
        )
    kudos_forms.update(forms.get("kudos_forms", {}))
    repair_forms.update(forms.get("repair_forms", {}))
    return {
        "game_cards": cards,
        "game_kudos_forms": kudos_forms,
        "game_repair_forms": repair_forms,
    }


def mentee_update(membership: Membership) -> dict:
    """The mentee's level and streak for an action's answer, when the action earned them
    something: sent out of band, they replace the card's on the page without a second request.
    A check-in of this week brings them from its recording, without a query."""
    if not celebrations.earned_now(membership.user_id):
        return {}
    now = week_now(current_user)
    progress = celebrations.progress_after(membership.user_id, now)
    if progress is None:
        progress = queries.mentee_game(membership, now, current_user.time_zone).progress
    return {"mentee_progress": progress}


@bp.get("/me/progress")
@login_required
def progress():
    membership = active_membership()
    if membership is None or membership.role is Role.COORDINATOR:
        abort(404)
    page = queries.history_page(request.args.get("page", 1, type=int))
    return render(
        "gamification/progress.html",
        membership=membership,
        progress=queries.progress(membership, week_now(current_user), current_user.time_zone, page),
        history_open="page" in request.args,
    )


def _section(
    mentorship_id: int,
    fragment: str,
    message: str | None,
    status: int = 200,
    **forms,
) -> Response:
    """After a kudos or repair post: the section again for htmx (with a toast), the home page
    with a flash otherwise; a rejected form shows its messages in place.

    The mentorship is loaded again: a commit expired the one the view started with.
    """
    if status == 200 and not wants_fragment():
        flash(message, "success")
        return redirect_to(url_for("home.index", _anchor=f"mentorship-{mentorship_id}"))
    mentorship, _ = mentorship_for_me(mentorship_id, Role.MENTOR)
    response = render(
        "gamification/mentor_form.html",
        fragment,
        status,
        mentorship=mentorship,
        section=fragment,
        **mentor_context([mentorship], **forms),
    )
    if status == 200:
        response.headers["HX-Trigger"] = json.dumps({"waypoint:toast": {"message": message}})
    return response


def _form_page(mentorship_id: int, fragment: str, context) -> Response:
    """A mentorship's part of the game for its card on the mentor's home: its page without
    JavaScript, the fragment the card loads with htmx."""
    mentorship, _ = mentorship_for_me(mentorship_id, Role.MENTOR)
    return render(
        "gamification/mentor_form.html",
        fragment,
        mentorship=mentorship,
        section=fragment,
        **context(mentorship),
    )


def _with_forms(mentorship: Mentorship) -> dict:
    return {"opened": True, **mentor_context([mentorship])}


@bp.get("/mentorships/<int:mentorship_id>/game")
@login_required
def pair_game(mentorship_id: int):
    """What "More" on a mentee card loads when opened: streaks, badges, and the links to the
    kudos and repair forms (each built only when asked for)."""
    return _form_page(
        mentorship_id,
        "gamification/_mentees.html",
        context=lambda mentorship: {
            "game_cards": queries.mentee_cards([mentorship], current_user.time_zone)
        },
    )


@bp.route("/mentorships/<int:mentorship_id>/kudos", methods=["GET", "POST"])
@login_required
def kudos(mentorship_id: int):
    """GET: the form, asked for by a card's "Give kudos"."""
    fragment = "gamification/_kudos.html"
    if request.method == "GET":
        return _form_page(mentorship_id, fragment, context=_with_forms)
    mentorship, _ = mentorship_for_me(mentorship_id, Role.MENTOR)
    mentees = _mentees(mentorship)
    form = KudosForm(mentees, prefix=f"kudos-{mentorship.id}")
    if form.validate_on_submit():
        mentee = next(m for m in mentees if str(m.user_id) == form.mentee.data)
        name = mentee.user.first_name
        month = service.kudos_month(current_user.time_zone)
        try:
            service.give_kudos(mentorship, current_user.id, mentee.user_id, month, form.note.data)
        except service.KudosAlreadyGiven:
            form.note.errors.append(
                f"You already sent {name} kudos this month. You can send more next month."
            )
        else:
            return _section(mentorship_id, fragment, f"Kudos sent to {name}.")
    return _section(mentorship_id, fragment, None, 422, kudos_forms={mentorship_id: form})


@bp.route("/mentorships/<int:mentorship_id>/streak-repair", methods=["GET", "POST"])
@login_required
def streak_repair(mentorship_id: int):
    """GET: the form, asked for by a card's "Repair a streak"."""
    fragment = "gamification/_repair.html"
    if request.method == "GET":
        return _form_page(mentorship_id, fragment, context=_with_forms)
    mentorship, _ = mentorship_for_me(mentorship_id, Role.MENTOR)
    cards = queries.mentee_cards([mentorship], current_user.time_zone)
    form = StreakRepairForm(_repair_options(mentorship, cards), prefix=f"repair-{mentorship.id}")
    if form.validate_on_submit():
        membership_id, week = form.week.data.split(":", 1)
        mentee = cards[int(membership_id)].membership
        name = mentee.user.first_name
        try:
            service.repair_streak(
                mentee.id,
                mentee.program_id,
                week_now(mentee.user),
                joined_week(mentee, mentee.user.time_zone),
                current_user.id,
                WeekKey.parse(week),
                form.reason.data,
            )
        except service.RepairRefused:
            form.week.errors.append("That week can't be repaired any more.")
        else:
            message = f"{name}'s streak is repaired: that week no longer counts as missed."
            return _section(mentorship_id, fragment, message)
    return _section(mentorship_id, fragment, None, 422, repair_forms={mentorship_id: form})


@bp.get("/programs/<int:program_id>/leaderboard")
@login_required
def leaderboard(program_id: int):
    """Only for the program's own members, and only once its coordinator turned it on."""
    membership = membership_in(program_id)
    if not membership.program.leaderboard_enabled:
        abort(404)
    return render(
        "gamification/leaderboard.html",
        "gamification/_standings.html",
        program=membership.program,
        membership=membership,
        board=queries.leaderboard(program_id, requested_page(), current_user.id),
    )


@bp.app_template_global()
def leaderboard_memberships() -> list[Membership]:
    """The programs the person could appear on a leaderboard of: those they are a mentee in."""
    return [m for m in my_memberships() if m.role is Role.MENTEE]


@bp.post("/account/leaderboard")
@login_required
def leaderboard_choice():
    form = LeaderboardChoiceForm()
    if not form.validate_on_submit():
        abort(400)
    membership = my_membership(form.membership_id.data, Role.MENTEE)
    opt_in.set_leaderboard(membership, form.show.data)
    flash(
        "You're on the leaderboard." if form.show.data else "You're off the leaderboard.",
        "success",
    )
    return redirect_to(url_for("accounts.account", _anchor="leaderboard"))
