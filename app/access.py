"""Object access in one place: the current person's memberships, and scoped queries for rows.

Every view that takes an id resolves it here. Each query joins the row to the person's own
memberships in its WHERE clause, so a foreign id and a missing id are the same 404 and the
foreign row is never loaded. A pair's state is part of the scope (``Mentorship.seen_by``): a
mentor sees nothing of a mentee before the pair is active, and nobody sees a closed pair.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask import abort, g, session
from flask_login import current_user
from sqlalchemy.orm import aliased, joinedload

from .extensions import db
from .mentorships_query import JOINED_PEOPLE, WITH_PEOPLE
from .models import (
    ActionItem,
    Certificate,
    CheckIn,
    Goal,
    GoalStatus,
    Meeting,
    Membership,
    Mentorship,
    MentorshipMember,
    Milestone,
    Program,
    Role,
)

SESSION_KEY = "membership_id"
PAIR_ROLES = frozenset({Role.MENTOR, Role.MENTEE})

# A goal's owner and its program, loaded with it: pages rendered after a commit never touch an
# expired relationship.
GOAL_OWNER = joinedload(Goal.membership).joinedload(Membership.user)
GOAL_PAIR = joinedload(Goal.mentorship).options(joinedload(Mentorship.program), WITH_PEOPLE)


# --- the person's memberships -------------------------------------------------------------


def open_membership_of(user_id) -> sa.ColumnElement[bool]:
    """A membership of ``user_id`` that the coordinator has not deactivated."""
    return sa.and_(Membership.user_id == user_id, Membership.left_at.is_(None))


MEMBERSHIP_ORDER = (Membership.joined_at, Membership.id)
WITH_PROGRAM = joinedload(Membership.program)


def remember_memberships(memberships: list[Membership]) -> None:
    """Keep the person's memberships for the request: the login loads them with the person
    (``accounts.sessions.load``), in the same statement."""
    g.memberships = memberships


def my_memberships() -> list[Membership]:
    """The current person's memberships with their programs, loaded once per request.

    A membership the coordinator deactivated is left out: every scoped query below starts
    from this list, so leaving a program ends access to all of it at once."""
    authenticated = current_user.is_authenticated  # loading the person may fill g.memberships
    if "memberships" not in g:
        g.memberships = (
            db.session.scalars(
                sa.select(Membership)
                .options(WITH_PROGRAM)
                .where(open_membership_of(current_user.id))
                .order_by(*MEMBERSHIP_ORDER)
            ).all()
            if authenticated
            else []
        )
    return g.memberships


def active_membership() -> Membership | None:
    """The membership the person is acting in now: the one they picked, else their first in
    a program still running (a closed one only when they have nothing else)."""
    memberships = my_memberships()
    chosen = session.get(SESSION_KEY)
    for membership in memberships:
        if membership.id == chosen:
            return membership
    running = [m for m in memberships if m.program.closed_at is None]
    return (running or memberships or [None])[0]


def my_membership(membership_id: int, *roles: Role) -> Membership:
    """One of the person's own memberships (in one of ``roles``), else 404."""
    wanted = set(roles) or set(Role)
    for membership in my_memberships():
        if membership.id == membership_id and membership.role in wanted:
            return membership
    abort(404)


def choose_membership(membership_id: int) -> Membership:
    membership = my_membership(membership_id)
    session[SESSION_KEY] = membership.id
    return membership


def membership_in(program_id: int, *roles: Role) -> Membership:
    """The person's membership of ``program_id`` in one of ``roles``, else 404."""
    wanted = set(roles) or set(Role)
    matches = [m for m in my_memberships() if m.program_id == program_id and m.role in wanted]
    if not matches:
        abort(404)
    active = active_membership()
    return active if active in matches else matches[0]


def coordinated_row(model, object_id: int, program_id: int):
    """Row ``object_id`` of ``model`` (a break week, an invite) in ``program_id``, which the
    person coordinates; anything else is 404 without loading it."""
    mine = [m.program_id for m in my_memberships() if m.role is Role.COORDINATOR]
    row = db.session.scalar(
        sa.select(model).where(
            model.id == object_id, model.program_id == program_id, model.program_id.in_(mine)
        )
    )
    if row is None:
        abort(404)
    return row


# --- mentorships and what hangs off them ---------------------------------------------------


def _place() -> sa.Subquery:
    """(mentorship_id, membership_id, role) of each pair seen from the memberships in the
    expanding bind ``mine`` (``_mine_ids``)."""
    return (
        sa.select(MentorshipMember.mentorship_id, MentorshipMember.membership_id, Membership.role)
        .join(Membership, Membership.id == MentorshipMember.membership_id)
        .join(Mentorship, Mentorship.id == MentorshipMember.mentorship_id)
        .where(
            MentorshipMember.membership_id.in_(sa.bindparam("mine", expanding=True)),
            Mentorship.seen_by(Membership.role),
        )
        .subquery()
    )


def _mine_ids(roles: tuple[Role, ...] = ()) -> list[int]:
    """The person's memberships that open a pair's pages: as one of ``roles`` (mentor or mentee
    by default). Coordinators are not members of mentorships, so the private pages of a pair
    answer them 404 like any other outsider: they see aggregates elsewhere."""
    wanted = set(roles) or PAIR_ROLES
    return [m.id for m in my_memberships() if m.role in wanted]


def _mine(membership_id: int) -> Membership:
    return next(m for m in my_memberships() if m.id == membership_id)


# The scoped statements are built once, with the object's id and the person's memberships as
# parameters: building one per request (and its cache key) cost more than running it.
_PLACE = _place()

_MENTORSHIP = (
    sa.select(Mentorship, _PLACE.c.membership_id)
    .join(_PLACE, _PLACE.c.mentorship_id == Mentorship.id)
    .where(Mentorship.id == sa.bindparam("object_id"))
    .options(JOINED_PEOPLE)
    .limit(1)
)


def mentorship_for_me(mentorship_id: int, *roles: Role) -> tuple[Mentorship, Membership]:
    """A mentorship the person sees (as one of ``roles``), people loaded, and their membership
    in it."""
    params = {"mine": _mine_ids(roles), "object_id": mentorship_id}
    row = db.session.execute(_MENTORSHIP, params).unique().first()
    if row is None:
        abort(404)
    return row[0], _mine(row[1])


@dataclass(frozen=True)
class GoalAccess:
    goal: Goal
    mentorship: Mentorship
    me: Membership

    @property
    def is_mentor(self) -> bool:
        """Mentors confirm and send back; only they can complete a milestone."""
        return self.me.role is Role.MENTOR

    @property
    def is_owner(self) -> bool:
        """The goal's mentee marks milestones done."""
        return self.goal.membership_id == self.me.id

    @property
    def program(self) -> Program:
        return self.goal.mentorship.program

    @property
    def read_only(self) -> bool:
        return self.goal.status is GoalStatus.ARCHIVED


def _seen_goals(query: sa.Select) -> sa.Select:
    """``query`` limited to goals the person sees: a pair's mentors see its goals; in a group,
    goals are confidential, so a mentee sees only their own (another mentee's is a 404)."""
    return query.join(_PLACE, _PLACE.c.mentorship_id == Goal.mentorship_id).where(
        sa.or_(_PLACE.c.role == Role.MENTOR, Goal.membership_id == _PLACE.c.membership_id)
    )


_GOAL = (
    _seen_goals(sa.select(Goal, _PLACE.c.membership_id))
    .where(Goal.id == sa.bindparam("object_id"))
    .options(GOAL_OWNER, GOAL_PAIR)
    .limit(1)
)
_MILESTONE_GOAL = (
    _seen_goals(sa.select(Milestone).join(Goal, Goal.id == Milestone.goal_id))
    .where(Milestone.id == sa.bindparam("object_id"))
    .limit(1)
)


def goal_for_me(goal_id: int, *options) -> GoalAccess:
    """The goal (with its owner, pair and ``options`` loaded) if it is mine to see, else 404."""
    query = _GOAL.options(*options) if options else _GOAL
    row = db.session.execute(query, {"mine": _mine_ids(), "object_id": goal_id}).first()
    if row is None:
        abort(404)
    goal = row[0]
    return GoalAccess(goal, goal.mentorship, _mine(row[1]))


def milestone_for_me(milestone_id: int) -> tuple[Milestone, GoalAccess]:
    """A milestone of a goal I see, and my access to that goal, else 404."""
    params = {"mine": _mine_ids(), "object_id": milestone_id}
    milestone = db.session.scalar(_MILESTONE_GOAL, params)
    if milestone is None:
        abort(404)
    return milestone, goal_for_me(milestone.goal_id)


_MEETING = (
    sa.select(Meeting)
    .join(_PLACE, _PLACE.c.mentorship_id == Meeting.mentorship_id)
    .where(Meeting.id == sa.bindparam("object_id"))
    .execution_options(populate_existing=True)
    .limit(1)
)
_PAIR_OF_MEETING = (
    sa.select(Mentorship).where(Mentorship.id == sa.bindparam("object_id")).options(JOINED_PEOPLE)
)


def meeting_for_me(meeting_id: int, *options) -> tuple[Meeting, Mentorship]:
    """A meeting of a pair I see (``options`` loaded afresh) and the pair with its people,
    else 404. The pair is a query of its own: refreshing it would unload the program of the
    person's own memberships."""
    query = _MEETING.options(*options) if options else _MEETING
    meeting = db.session.scalar(query, {"mine": _mine_ids(), "object_id": meeting_id})
    if meeting is None:
        abort(404)
    params = {"object_id": meeting.mentorship_id}
    mentorship = db.session.scalars(_PAIR_OF_MEETING, params).unique().one()
    return meeting, mentorship


_ACTION_ITEM = (
    sa.select(ActionItem)
    .join(Meeting, Meeting.id == ActionItem.meeting_id)
    .join(_PLACE, _PLACE.c.mentorship_id == Meeting.mentorship_id)
    .where(ActionItem.id == sa.bindparam("object_id"))
    .options(joinedload(ActionItem.meeting), joinedload(ActionItem.owner))
    .execution_options(populate_existing=True)
    .limit(1)
)


def action_item_for_me(item_id: int) -> ActionItem:
    """An action item of a meeting of a pair I see, with its meeting and owner, else 404."""
    item = db.session.scalar(_ACTION_ITEM, {"mine": _mine_ids(), "object_id": item_id})
    if item is None:
        abort(404)
    return item


_WRITER = aliased(MentorshipMember)
_MENTORED_CHECKIN = (
    sa.select(CheckIn, _PLACE.c.mentorship_id)
    .join(_WRITER, _WRITER.membership_id == CheckIn.membership_id)
    .join(_PLACE, _PLACE.c.mentorship_id == _WRITER.mentorship_id)
    .where(CheckIn.id == sa.bindparam("object_id"))
    .limit(1)
)
_OWN_CHECKIN = sa.select(CheckIn.id).where(
    CheckIn.id == sa.bindparam("object_id"),
    CheckIn.membership_id.in_(sa.bindparam("mine", expanding=True)),
)


def checkin_for_mentor(checkin_id: int, *options) -> tuple[CheckIn, int]:
    """A check-in (``options`` loaded) of a mentee the person mentors, with the pair's id.

    The mentee who wrote it gets 403: it is theirs, but only a mentor acknowledges it. Everyone
    else (other mentors, other mentees, coordinators) gets 404, like any foreign id.
    """
    query = _MENTORED_CHECKIN.options(*options) if options else _MENTORED_CHECKIN
    params = {"mine": _mine_ids((Role.MENTOR,)), "object_id": checkin_id}
    row = db.session.execute(query, params).first()
    if row is not None:
        return row[0], row[1]
    mine = [m.id for m in my_memberships()]
    own = db.session.scalar(_OWN_CHECKIN, {"mine": mine, "object_id": checkin_id})
    abort(403 if own else 404)


# --- certificates --------------------------------------------------------------------------


def certificate_for_me(certificate_id: int) -> Certificate:
    """My own certificate; anyone else's, a coordinator's program's included, is a 404 (they
    see the list of those issued, and anyone holding the link sees the verified facts)."""
    mine = db.session.scalar(
        sa.select(Certificate).where(
            Certificate.id == certificate_id, Certificate.user_id == current_user.id
        )
    )
    if mine is None:
        abort(404)
    return mine
