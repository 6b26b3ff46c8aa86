"""Views for meetings: resolve through the person's mentorships, call the service, render.

Every meeting, agenda item and action item is reached through the scoped queries of
``app.access``, so only the people of that mentorship get an answer; everyone else,
coordinators included, gets 404.
The calendar feed is the one exception: its secret URL stands in for the login.
"""

from __future__ import annotations

import json
from datetime import datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import Response, abort, flash, request, url_for
from flask_login import current_user, login_required

from game.weeks import local_date

from .. import clock
from ..access import action_item_for_me, meeting_for_me, mentorship_for_me
from ..extensions import db, htmx
from ..models import Meeting, MentorshipStatus, User
from ..rendering import redirect_to, render
from . import bp, ics, queries, service
from .forms import (
    ActionItemForm,
    AgendaForm,
    CancelForm,
    MeetingForm,
    MetForm,
    NotesForm,
    RescheduleForm,
)
from .service import LogRefused, MeetingClosed, MeetingRejected

HELD_MESSAGE = "You met! This meeting now counts as held."


def _page(meeting_id: int, fragment: str | None = None, status: int = 200, **forms) -> Response:
    """The meeting page, or one of its sections for an htmx swap, with fresh or given forms."""
    meeting, mentorship = meeting_for_me(meeting_id, *queries.MEETING_PAGE)
    people = queries.participants(mentorship)
    forms = {
        "agenda_form": AgendaForm(formdata=None),
        "notes_form": NotesForm(formdata=None, data={"notes": meeting.notes}),
        "action_form": ActionItemForm(people, formdata=None),
        "cancel_form": CancelForm(formdata=None),
        **forms,
    }
    confirmed = {c.user_id for c in meeting.confirmations}
    return render(
        "meetings/show.html",
        fragment,
        status,
        meeting=meeting,
        mentorship=mentorship,
        people=people,
        confirmed=confirmed,
        now=clock.utcnow(),
        **forms,
    )


def _changed(meeting_id: int, fragment: str, anchor: str) -> Response:
    """After a change: htmx swaps the fresh section in; without JavaScript, back to the page."""
    if htmx:
        return _page(meeting_id, fragment)
    return redirect_to(url_for("meetings.show", meeting_id=meeting_id, _anchor=anchor))


@bp.errorhandler(MeetingClosed)
def meeting_closed(error: MeetingClosed):
    db.session.rollback()
    flash(error.message, "error")
    return redirect_to(url_for("meetings.show", meeting_id=error.meeting_id))


@bp.route("/mentorships/<int:mentorship_id>/meetings/new", methods=["GET", "POST"])
@login_required
def schedule(mentorship_id: int):
    mentorship, membership = mentorship_for_me(mentorship_id)
    program = membership.program
    form = MeetingForm(data={"minutes": program.meeting_minutes, "mode": program.meeting_mode})
    active = mentorship.status is MentorshipStatus.ACTIVE
    if active and form.validate_on_submit():
        try:
            meeting = service.schedule_meeting(
                mentorship, current_user, form.plan(current_user.time_zone)
            )
        except MeetingRejected as problem:
            form[problem.field].errors.append(problem.message)
        else:
            flash("Meeting planned. Everyone in it can see it now.", "success")
            return redirect_to(url_for("meetings.show", meeting_id=meeting.id))
    status = 422 if form.errors else 409 if request.method == "POST" and not active else 200
    return render(
        "meetings/new.html",
        "meetings/_meeting_form.html",
        status,
        form=form,
        action=url_for("meetings.schedule", mentorship_id=mentorship.id),
        submit_label="Plan meeting",
        mentorship=mentorship,
        program=program,
        active=active,
    )


@bp.route("/mentorships/<int:mentorship_id>/meetings/met", methods=["GET", "POST"])
@login_required
def log_met(mentorship_id: int):
    """Log "we met today": a meeting that already happened, for the other side to confirm."""
    mentorship, membership = mentorship_for_me(mentorship_id)
    program = membership.program
    today = local_date(clock.utcnow(), current_user.time_zone)
    form = MetForm(data={"day": today, "minutes": program.meeting_minutes})
    refused = service.log_refusal(mentorship.status, program.closed_at, program.name)
    status = 409 if refused and request.method == "POST" else 200
    if not refused and form.validate_on_submit():
        group = mentorship.is_group  # read before the commit expires the people
        try:
            logged = service.log_met(mentorship, current_user, form.day.data, form.minutes.data)
        except MeetingRejected as problem:
            form[problem.field].errors.append(problem.message)
        except LogRefused as problem:
            refused, status = problem.message, 409
        else:
            flash(_logged_message(logged, group), "success")
            return redirect_to(url_for("meetings.show", meeting_id=logged.meeting_id))
    if form.errors:
        status = 422
    first, last = service.log_window(program, today)
    return render(
        "meetings/met.html",
        "meetings/_met_form.html",
        status,
        form=form,
        mentorship=mentorship,
        refused=refused,
        first_day=first,
        last_day=last,
    )


def _logged_message(logged: service.LoggedMeeting, group: bool) -> str:
    if logged.held:
        return HELD_MESSAGE
    if not logged.new:
        return "You already had a meeting that day: it now has your \u201cwe met\u201d."
    who = "someone on the other side" if group else "the other person"
    return f"Logged. It counts once {who} confirms you met."


@bp.get("/mentorships/<int:mentorship_id>/meetings")
@login_required
def index(mentorship_id: int):
    mentorship, _ = mentorship_for_me(mentorship_id)
    now = clock.utcnow()
    upcoming, past = queries.meetings_of(mentorship.id, now)
    return render(
        "meetings/index.html", mentorship=mentorship, upcoming=upcoming, past=past, now=now
    )


@bp.get("/meetings/<int:meeting_id>")
@login_required
def show(meeting_id: int):
    return _page(meeting_id)


@bp.post("/meetings/<int:meeting_id>/agenda")
@login_required
def add_agenda(meeting_id: int):
    meeting, _ = meeting_for_me(meeting_id)
    form = AgendaForm()
    if not form.validate_on_submit():
        return _page(meeting_id, "meetings/_agenda.html", 422, agenda_form=form)
    service.add_agenda_item(meeting, current_user, form.text.data)
    return _changed(meeting_id, "meetings/_agenda.html", "agenda")


@bp.post("/meetings/<int:meeting_id>/notes")
@login_required
def save_notes(meeting_id: int):
    meeting, _ = meeting_for_me(meeting_id)
    form = NotesForm()
    if not form.validate_on_submit():
        return _page(meeting_id, "meetings/_notes.html", 422, notes_form=form)
    service.save_notes(meeting, form.notes.data or "")
    return _changed(meeting_id, "meetings/_notes.html", "notes")


@bp.post("/meetings/<int:meeting_id>/actions")
@login_required
def add_action(meeting_id: int):
    meeting, mentorship = meeting_for_me(meeting_id)
    people = {person.id: person for person in queries.participants(mentorship)}
    form = ActionItemForm(people.values())
    if form.validate_on_submit():
        try:
            service.add_action_item(
                meeting, people[form.owner.data], form.text.data, form.due_on.data
            )
        except MeetingRejected as problem:
            form[problem.field].errors.append(problem.message)
        else:
            return _changed(meeting_id, "meetings/_action_items.html", "actions")
    return _page(meeting_id, "meetings/_action_items.html", 422, action_form=form)


@bp.post("/actions/<int:item_id>/toggle")
@login_required
def toggle_action(item_id: int):
    """Set an action item done or not; ``done`` carries the wanted state, so repeats agree."""
    item = action_item_for_me(item_id)
    service.set_action_done(item, request.form.get("done") == "1")
    on_home = request.form.get("back") == "home"
    if not htmx:
        if on_home:
            return redirect_to(url_for("home.index"))
        return redirect_to(url_for("meetings.show", meeting_id=item.meeting_id, _anchor="actions"))
    return render("meetings/_action_item.html", item=action_item_for_me(item_id), on_home=on_home)


@bp.post("/meetings/<int:meeting_id>/confirm")
@login_required
def confirm(meeting_id: int):
    meeting, _ = meeting_for_me(meeting_id)
    try:
        became_held = service.confirm_met(meeting, current_user)
    except MeetingRejected as problem:
        return _page(meeting_id, "meetings/_confirm.html", 422, confirm_error=problem.message)
    if became_held and not htmx:
        flash(HELD_MESSAGE, "success")
    response = _changed(meeting_id, "meetings/_confirmed.html", "confirm")
    if became_held and htmx:
        response.headers["HX-Trigger"] = json.dumps({"waypoint:toast": {"message": HELD_MESSAGE}})
    return response


@bp.post("/meetings/<int:meeting_id>/cancel")
@login_required
def cancel(meeting_id: int):
    meeting, _ = meeting_for_me(meeting_id)
    form = CancelForm()
    if form.validate_on_submit():
        try:
            service.cancel_meeting(meeting, form.reason.data.strip())
        except MeetingRejected as problem:
            form.reason.errors.append(problem.message)
        else:
            flash("Meeting cancelled. Everyone in it can see why.", "success")
            return redirect_to(url_for("meetings.show", meeting_id=meeting_id))
    return _page(meeting_id, "meetings/_cancel.html", 422, cancel_form=form)


@bp.route("/meetings/<int:meeting_id>/reschedule", methods=["GET", "POST"])
@login_required
def reschedule(meeting_id: int):
    meeting, mentorship = meeting_for_me(meeting_id)
    form = RescheduleForm(data=_as_typed_by(current_user, meeting))
    if form.validate_on_submit():
        try:
            service.reschedule_meeting(
                meeting, form.plan(current_user.time_zone), form.reason.data.strip()
            )
        except MeetingRejected as problem:
            form[problem.field].errors.append(problem.message)
        else:
            flash("Meeting moved. Calendars update on their next sync.", "success")
            return redirect_to(url_for("meetings.show", meeting_id=meeting_id))
    return render(
        "meetings/reschedule.html",
        "meetings/_meeting_form.html",
        422 if form.errors else 200,
        form=form,
        action=url_for("meetings.reschedule", meeting_id=meeting.id),
        submit_label="Move meeting",
        meeting=meeting,
        mentorship=mentorship,
    )


def _as_typed_by(person: User, meeting: Meeting) -> dict:
    """The meeting as the person would type it: the wall-clock time in their own zone."""
    local: datetime = meeting.starts_at.astimezone(ZoneInfo(person.time_zone))
    return {
        "day": local.date(),
        "start": local.time(),
        "minutes": meeting.minutes,
        "mode": meeting.mode,
        "location": meeting.location,
    }


def _calendar_response(body: bytes, filename: str | None = None) -> Response:
    response = Response(body, mimetype="text/calendar")
    response.charset = "utf-8"
    response.headers["Cache-Control"] = "private, no-cache"
    if filename:
        response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@bp.get("/meetings/<int:meeting_id>.ics")
@login_required
def download(meeting_id: int):
    meeting, mentorship = meeting_for_me(meeting_id)
    body = ics.single_event(meeting, mentorship, current_user, clock.utcnow())
    return _calendar_response(body, f"waypoint-meeting-{meeting.id}.ics")


@bp.get("/calendar/<token>.ics")
def calendar_feed(token: str):
    """Calendar apps cannot log in: the secret token in the URL is the only credential."""
    user = db.session.scalar(sa.select(User).where(User.calendar_token == token))
    if user is None:
        abort(404)
    now = clock.utcnow()
    return _calendar_response(ics.feed(queries.calendar_meetings(user.id, now), user, now))


@bp.post("/account/calendar-token")
@login_required
def rotate_calendar_token():
    service.rotate_calendar_token(current_user)
    flash("Your calendar link changed. Subscribe again with the new one.", "success")
    return redirect_to(url_for("accounts.account", _anchor="calendar"))
