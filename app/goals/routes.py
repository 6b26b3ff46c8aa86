"""Views for goals and milestones: resolve through the person's mentorships, call the service.

Milestone actions answer an htmx request with the fragment that changed (the goal's milestone
section, or the review-queue item on the mentor's home) and anyone else with a redirect.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from zoneinfo import ZoneInfo

from flask import Response, abort, flash, request, url_for
from flask_login import current_user, login_required

from .. import clock
from ..access import GoalAccess, goal_for_me, mentorship_for_me, milestone_for_me
from ..models import GoalStatus, Membership, Mentorship, Milestone, MilestoneStatus, Role
from ..rendering import redirect_to, render, wants_fragment
from . import bp, service
from .forms import (
    DoneForm,
    GoalForm,
    MentorGoalForm,
    MilestoneForm,
    MoveForm,
    ReviewForm,
    RowForm,
    RowForms,
    SendBackForm,
)
from .queries import HISTORY, ReviewItem, goals_in

NEW_MILESTONE = "new-milestone"
ARCHIVED_MESSAGE = "This goal is archived. Bring it back to change it."


def _today() -> date:
    """Today where the person is: "not in the past" means their past, not the server's."""
    return clock.utcnow().astimezone(ZoneInfo(current_user.time_zone)).date()


def _mentees(mentorship: Mentorship) -> list[Membership]:
    people = [m.membership for m in mentorship.members if m.membership.role is Role.MENTEE]
    return sorted(people, key=lambda membership: membership.user.name)


def _goal_form(mentorship: Mentorship, me: Membership) -> GoalForm:
    """Mentees write their own goals; a group's mentor also picks whose goal it is."""
    if me.role is Role.MENTOR and mentorship.is_group:
        form = MentorGoalForm(program=me.program, today=_today())
        form.offer(_mentees(mentorship))
        if not form.is_submitted():
            form.mentee.data = request.args.get("mentee", type=int)
        return form
    return GoalForm(program=me.program, today=_today())


def _goal_owner(mentorship: Mentorship, me: Membership, form: GoalForm) -> Membership:
    """The mentee writing the goal, else the one the mentor picked (the select offers only
    the group's mentees), else a pair's only mentee."""
    if me.role is Role.MENTEE:
        return me
    mentees = _mentees(mentorship)
    if isinstance(form, MentorGoalForm):
        return next(m for m in mentees if m.id == form.mentee.data)
    if not mentees:
        abort(404)
    return mentees[0]


@bp.get("/mentorships/<int:mentorship_id>/goals")
@login_required
def index(mentorship_id: int):
    mentorship, me = mentorship_for_me(mentorship_id)
    owner_id = None if me.role is Role.MENTOR else me.id
    return render(
        "goals/index.html",
        mentorship=mentorship,
        me=me,
        goals=goals_in(mentorship.id, owner_id),
    )


@bp.route("/mentorships/<int:mentorship_id>/goals/new", methods=["GET", "POST"])
@login_required
def new(mentorship_id: int):
    mentorship, me = mentorship_for_me(mentorship_id)
    form = _goal_form(mentorship, me)
    if form.validate_on_submit():
        goal, created = service.create_goal(
            mentorship,
            _goal_owner(mentorship, me, form),
            title=form.title.data,
            measure=form.measure.data,
            target_date=form.target_date.data,
            why=form.why.data or "",
        )
        if created or goal.status is not GoalStatus.ARCHIVED:
            flash(
                "Goal added. Now break it into milestones."
                if created
                else "That goal is already on the list.",
                "success",
            )
            return redirect_to(url_for("goals.detail", goal_id=goal.id))
        form.title.errors.append(
            "An archived goal has this title. Bring it back from the goals list, "
            "or choose another title."
        )
    return render(
        "goals/form.html",
        form=form,
        mentorship=mentorship,
        goal=None,
        status=422 if form.errors else 200,
    )


@bp.get("/goals/<int:goal_id>")
@login_required
def detail(goal_id: int):
    return _milestones_page(goal_for_me(goal_id, HISTORY))


@bp.route("/goals/<int:goal_id>/edit", methods=["GET", "POST"])
@login_required
def edit(goal_id: int):
    access = _writable(goal_for_me(goal_id))
    goal = access.goal
    form = GoalForm(obj=goal, program=access.program, today=_today())
    if form.validate_on_submit():
        try:
            service.update_goal(
                goal,
                title=form.title.data,
                measure=form.measure.data,
                target_date=form.target_date.data,
                why=form.why.data or "",
            )
        except service.TitleTaken:
            form.title.errors.append("There is already a goal with this title.")
        else:
            flash("Goal saved.", "success")
            return redirect_to(url_for("goals.detail", goal_id=goal_id))
    return render(
        "goals/form.html",
        form=form,
        mentorship=access.mentorship,
        goal=goal,
        status=422 if form.errors else 200,
    )


@bp.post("/goals/<int:goal_id>/archive")
@login_required
def archive(goal_id: int):
    access = goal_for_me(goal_id)
    service.archive_goal(access.goal)
    flash("Goal archived. You can bring it back from the goals list.", "success")
    return redirect_to(url_for("goals.index", mentorship_id=access.mentorship.id))


@bp.post("/goals/<int:goal_id>/unarchive")
@login_required
def unarchive(goal_id: int):
    service.unarchive_goal(goal_for_me(goal_id).goal)
    flash("Goal back on the list.", "success")
    return redirect_to(url_for("goals.detail", goal_id=goal_id))


@bp.post("/goals/<int:goal_id>/milestones")
@login_required
def add_milestone(goal_id: int):
    access = _writable(goal_for_me(goal_id))
    form = MilestoneForm(program=access.program, prefix=NEW_MILESTONE)
    if not form.validate():
        return _milestones_page(goal_for_me(goal_id, HISTORY), add_form=form, status=422)
    _, created = service.add_milestone(
        access.goal, current_user.id, title=form.title.data, due_on=form.due_on.data
    )
    return _changed(goal_id, "Milestone added." if created else "That milestone is already there.")


@bp.route("/milestones/<int:milestone_id>/edit", methods=["GET", "POST"])
@login_required
def edit_milestone(milestone_id: int):
    milestone, access = _writable_milestone(milestone_id)
    goal_id = access.goal.id
    if milestone.status is MilestoneStatus.CONFIRMED:
        flash("A confirmed milestone can't be changed. The mentor can send it back.", "error")
        return redirect_to(url_for("goals.detail", goal_id=goal_id))
    form = MilestoneForm(obj=milestone, program=access.program)
    if form.validate_on_submit():
        try:
            changed = service.edit_milestone(
                milestone, current_user.id, title=form.title.data, due_on=form.due_on.data
            )
        except service.TitleTaken:
            form.title.errors.append("This goal already has a milestone with this title.")
        else:
            flash("Milestone saved." if changed else "Nothing to change.", "success")
            return redirect_to(url_for("goals.detail", goal_id=goal_id))
    return render(
        "goals/milestone_form.html",
        form=form,
        goal=access.goal,
        milestone=milestone,
        status=422 if form.errors else 200,
    )


@bp.post("/milestones/<int:milestone_id>/move")
@login_required
def move_milestone(milestone_id: int):
    milestone, access = _writable_milestone(milestone_id)
    form = MoveForm()
    if not form.validate():
        abort(400)
    moved = service.move_milestone(milestone, form.to.data)
    return _changed(access.goal.id, "Milestone moved." if moved else "")


@bp.route("/milestones/<int:milestone_id>/delete", methods=["GET", "POST"])
@login_required
def delete_milestone(milestone_id: int):
    """Removing asks first: GET is the question (no script needed), POST removes."""
    milestone, access = _writable_milestone(milestone_id)
    if request.method == "GET":
        removable = milestone.status is MilestoneStatus.OPEN
        page = "goals/milestone_remove.html"
        return render(page, milestone=milestone, goal=access.goal, removable=removable)
    if service.delete_milestone(milestone):
        return _changed(access.goal.id, "Milestone removed.")
    return _changed(
        access.goal.id,
        "Only an open milestone that was never confirmed can be removed.",
        category="error",
    )


@bp.post("/milestones/<int:milestone_id>/submit")
@login_required
def submit_milestone(milestone_id: int):
    milestone, access = _writable_milestone(milestone_id, lambda access: access.is_owner)
    form = DoneForm(milestone.id)
    if not form.validate():
        return _rejected(access, form)
    service.submit_milestone(milestone, current_user.id, form.note.data or "")
    return _changed(access.goal.id, "Marked done. Your mentor will review it.", milestone.id)


@bp.post("/milestones/<int:milestone_id>/confirm")
@login_required
def confirm_milestone(milestone_id: int):
    milestone, access = _writable_milestone(milestone_id, lambda access: access.is_mentor)
    form = ReviewForm(milestone.id)
    if not form.validate():
        return _rejected(access, form)
    change = service.confirm_milestone(milestone, current_user.id, form.note.data or "")
    completed = change is not None and change.goal_status is GoalStatus.COMPLETED
    return _changed(
        access.goal.id,
        "Milestone confirmed. The goal is complete!" if completed else "Milestone confirmed.",
        milestone.id,
    )


@bp.post("/milestones/<int:milestone_id>/send-back")
@login_required
def send_back_milestone(milestone_id: int):
    milestone, access = _writable_milestone(milestone_id, lambda access: access.is_mentor)
    form = SendBackForm(milestone.id)
    if not form.validate():
        return _rejected(access, form)
    service.send_back_milestone(milestone, current_user.id, form.note.data)
    return _changed(access.goal.id, "Sent back with your comment.", milestone.id)


def _writable(access: GoalAccess) -> GoalAccess:
    """An archived goal is read-only: say so and go back to it instead of changing anything."""
    if access.read_only:
        flash(ARCHIVED_MESSAGE, "error")
        abort(redirect_to(url_for("goals.detail", goal_id=access.goal.id)))
    return access


def _writable_milestone(
    milestone_id: int, may: Callable[[GoalAccess], bool] = lambda access: True
) -> tuple[Milestone, GoalAccess]:
    """The milestone if I may see it (else 404), may do this (else 403: a mentee seeing the
    goal may not confirm, a mentor may not mark done), and its goal isn't archived."""
    milestone, access = milestone_for_me(milestone_id)
    if not may(access):
        abort(403)
    return milestone, _writable(access)


def _from_home() -> bool:
    """Review forms on the mentor's home say so, to get their queue item back."""
    return request.form.get("return_to") == "home"


def _milestones_page(
    access: GoalAccess,
    *,
    failed: RowForm | None = None,
    add_form: MilestoneForm | None = None,
    status: int = 200,
) -> Response:
    """The goal page, or only its milestone section for an htmx swap."""
    return render(
        "goals/detail.html",
        "goals/_milestones.html",
        status=status,
        access=access,
        goal=access.goal,
        forms=RowForms(failed),
        add_form=add_form
        or MilestoneForm(formdata=None, program=access.program, prefix=NEW_MILESTONE),
    )


def _review_item(access: GoalAccess, milestone_id: int, failed: RowForm | None, status: int):
    milestone = next(m for m in access.goal.milestones if m.id == milestone_id)
    return render(
        "goals/_review_item.html",
        status=status,
        item=ReviewItem.of(milestone, access.goal),
        forms=RowForms(failed),
    )


def _rejected(access: GoalAccess, form: RowForm) -> Response:
    """A row form with a problem: shown again, in place, with its message."""
    fresh = goal_for_me(access.goal.id, HISTORY)
    if _from_home() and wants_fragment():
        return _review_item(fresh, form.milestone_id, form, 422)
    return _milestones_page(fresh, failed=form, status=422)


def _changed(
    goal_id: int, message: str, milestone_id: int | None = None, category: str = "success"
) -> Response:
    """After a change: the fresh fragment with a toast for htmx, else a redirect and a flash."""
    if not wants_fragment():
        if message:
            flash(message, category)
        home = _from_home()
        return redirect_to(
            url_for("home.index") if home else url_for("goals.detail", goal_id=goal_id)
        )
    fresh = goal_for_me(goal_id, HISTORY)
    if _from_home() and milestone_id is not None:
        response = _review_item(fresh, milestone_id, None, 200)
    else:
        response = _milestones_page(fresh)
    if message:
        response.headers["HX-Trigger"] = json.dumps({"waypoint:toast": {"message": message}})
    return response


@bp.app_template_global("milestone_forms")
def milestone_forms() -> RowForms:
    """Blank review forms for templates outside this blueprint (the mentor's review queue)."""
    return RowForms()
