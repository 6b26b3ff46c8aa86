"""Where each participant of a program stands, computed in SQL so a list of thousands can be
filtered, counted and paged in a fixed number of queries without loading anyone.

The ``onboarded`` test mirrors ``app.onboarding.status.Checklist.done`` (profile, current
agreement signed, every training module for a mentor); tests/web/test_people.py checks the two
agree for a person in each state.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from ..clock import utcnow
from ..extensions import db
from ..meetings.queries import PairNames, pair_names
from ..models import (
    OPEN_STATUSES,
    Invite,
    MatchDraft,
    Membership,
    Mentorship,
    MentorshipMember,
    MentorshipStatus,
    ParticipantProfile,
    Program,
    Role,
    TrainingCompletion,
    TrainingModule,
    User,
)
from ..onboarding.status import PROFILE_COMPLETE
from ..pagination import Pager

PARTICIPANTS = (Role.MENTEE, Role.MENTOR)
PAGE_SIZE = 25
PAIRS_PAGE_SIZE = 25


class State(enum.Enum):
    INVITED = "invited"
    JOINED = "joined"
    ONBOARDED = "onboarded"
    MATCHED = "matched"
    LEFT = "left"

    @property
    def label(self) -> str:
        return self.value.capitalize()


# Not a state of its own: everyone who is in the program now (joined, onboarded or matched).
CURRENT = "current"
CURRENT_STATES = (State.JOINED, State.ONBOARDED, State.MATCHED)


def _in_open_mentorship(membership_id) -> sa.Exists:
    """In an open (active or proposed) mentorship: out of the matching pool, as on its page."""
    return sa.exists().where(
        MentorshipMember.membership_id == membership_id,
        Mentorship.id == MentorshipMember.mentorship_id,
        Mentorship.status.in_(OPEN_STATUSES),
    )


def _onboarded(program: Program) -> sa.ColumnElement[bool]:
    """SQL twin of ``Checklist.done`` for a mentor or mentee of ``program``."""
    modules = (
        sa.select(sa.func.count(TrainingModule.id))
        .where(TrainingModule.program_id == program.id)
        .scalar_subquery()
    )
    completed = (
        sa.select(sa.func.count(TrainingCompletion.id))
        .join(TrainingModule, TrainingModule.id == TrainingCompletion.module_id)
        .where(
            TrainingCompletion.membership_id == Membership.id,
            TrainingModule.program_id == program.id,
        )
        .scalar_subquery()
    )
    return sa.and_(
        sa.exists().where(ParticipantProfile.membership_id == Membership.id, *PROFILE_COMPLETE),
        Membership.agreed_version == program.agreement_version,
        sa.or_(Membership.role != Role.MENTOR, completed >= modules),
    )


def membership_state(program: Program) -> sa.ColumnElement[str]:
    """A membership's state: left, else matched (in an active mentorship), else onboarded
    (checklist done), else joined."""
    return sa.case(
        (Membership.left_at.is_not(None), State.LEFT.value),
        (_in_open_mentorship(Membership.id), State.MATCHED.value),
        (_onboarded(program), State.ONBOARDED.value),
        else_=State.JOINED.value,
    )


def _text(value: str) -> sa.ColumnElement[str]:
    """A constant string column both databases agree on inside a UNION."""
    return sa.cast(sa.literal(value), sa.String(16))


def everyone(program: Program) -> sa.Subquery:
    """Mentors and mentees of the program, one row each, with the personal invites nobody has
    used yet (state ``invited``): kind, id, user_id, name, email, role, state."""
    members = (
        sa.select(
            _text("member").label("kind"),
            Membership.id.label("id"),
            Membership.user_id.label("user_id"),
            User.name.label("name"),
            User.email.label("email"),
            Membership.role.label("role"),
            sa.cast(membership_state(program), sa.String(16)).label("state"),
        )
        .join(User, User.id == Membership.user_id)
        .where(Membership.program_id == program.id, Membership.role.in_(PARTICIPANTS))
    )
    # Not correlated: both databases build the set of the program's e-mails once.
    joined = (
        sa.select(sa.func.lower(User.email))
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.program_id == program.id)
    )
    invites = sa.select(
        _text("invite"),
        Invite.id,
        sa.cast(sa.null(), sa.Integer),
        sa.func.coalesce(Invite.name, Invite.email),
        Invite.email,
        Invite.role,
        _text(State.INVITED.value),
    ).where(
        Invite.program_id == program.id,
        Invite.email.is_not(None),
        Invite.role.in_(PARTICIPANTS),
        Invite.uses_left > 0,
        Invite.expires_at > utcnow(),
        sa.func.lower(Invite.email).not_in(joined),
    )
    return sa.union_all(members, invites).subquery("everyone")


@dataclass(frozen=True)
class Filters:
    state: str = ""  # a State value, CURRENT, or "" for everyone
    role: Role | None = None
    search: str = ""
    page: int = 1


@dataclass(frozen=True)
class Person:
    """One row of the list: a membership, or a personal invite not used yet."""

    kind: str
    id: int
    user_id: int | None
    name: str
    email: str
    role: Role
    state: State

    @property
    def is_member(self) -> bool:
        return self.kind == "member"


@dataclass(frozen=True)
class PeoplePage:
    people: list[Person]
    counts: dict[str, int]  # by state value, plus CURRENT and "" (everyone), for the chips
    pager: Pager


def _narrowed(rows: sa.Subquery, filters: Filters) -> list[sa.ColumnElement[bool]]:
    """The role and search conditions: the chips count within them."""
    where = []
    if filters.role is not None:
        where.append(rows.c.role == filters.role)
    if filters.search:
        needle = filters.search.lower()
        where.append(
            sa.or_(
                sa.func.lower(rows.c.name).contains(needle, autoescape=True),
                sa.func.lower(rows.c.email).contains(needle, autoescape=True),
            )
        )
    return where


def _state_condition(rows: sa.Subquery, state: str) -> list[sa.ColumnElement[bool]]:
    if state == CURRENT:
        return [rows.c.state.in_([s.value for s in CURRENT_STATES])]
    return [rows.c.state == state] if state else []


def with_totals(by_state: dict[str, int]) -> dict[str, int]:
    counts = {state.value: by_state.get(state.value, 0) for state in State}
    counts[CURRENT] = sum(counts[s.value] for s in CURRENT_STATES)
    counts[""] = sum(counts[s.value] for s in State)
    return counts


def people_page(program: Program, filters: Filters) -> PeoplePage:
    """One page of the list and the count of each state, in two queries however many people."""
    rows = everyone(program)
    narrowed = _narrowed(rows, filters)
    counts = with_totals(
        dict(
            db.session.execute(
                sa.select(rows.c.state, sa.func.count()).where(*narrowed).group_by(rows.c.state)
            ).all()
        )
    )
    pager = Pager.of(filters.page, counts[filters.state], PAGE_SIZE)
    found = db.session.execute(
        sa.select(rows)
        .where(*narrowed, *_state_condition(rows, filters.state))
        .order_by(sa.func.lower(rows.c.name), rows.c.kind, rows.c.id)
        .limit(pager.size)
        .offset(pager.offset)
    ).all()
    people = [
        Person(r.kind, r.id, r.user_id, r.name, r.email, r.role, State(r.state)) for r in found
    ]
    return PeoplePage(people, counts, pager)


@dataclass(frozen=True)
class PairsPage:
    pairs: list[tuple[PairNames, MentorshipStatus]]
    counts: dict[MentorshipStatus, int]
    pager: Pager


def pairs_page(program_id: int, requested: int) -> PairsPage:
    """One page of the program's mentorships (by status, then age) with their people's names,
    and how many there are of each status: three queries however many pairs."""
    found = dict(
        db.session.execute(
            sa.select(Mentorship.status, sa.func.count())
            .where(Mentorship.program_id == program_id)
            .group_by(Mentorship.status)
        ).all()
    )
    counts = {status: found[status] for status in MentorshipStatus if found.get(status)}
    pager = Pager.of(requested, sum(counts.values()), PAIRS_PAGE_SIZE)
    if not pager.total:
        return PairsPage([], counts, pager)
    page = db.session.execute(
        sa.select(Mentorship.id, Mentorship.status)
        .where(Mentorship.program_id == program_id)
        .order_by(Mentorship.status, Mentorship.id)
        .limit(pager.size)
        .offset(pager.offset)
    ).all()
    names = {pair.id: pair for pair in pair_names([pair_id for pair_id, _ in page])}
    return PairsPage([(names[pair_id], status) for pair_id, status in page], counts, pager)


def state_counts(program: Program) -> dict[tuple[Role, str], int]:
    """How many mentors and mentees (and personal invites) are in each state, in one query."""
    rows = everyone(program)
    return {
        (role, state): count
        for role, state, count in db.session.execute(
            sa.select(rows.c.role, rows.c.state, sa.func.count()).group_by(
                rows.c.role, rows.c.state
            )
        ).all()
    }


def coordinators(program_id: int) -> list[tuple[int, str, bool]]:
    """(membership id, name, has left) of the program's coordinators: a handful, listed apart
    from the participants since they have no onboarding or matching state."""
    return [
        (membership_id, name, left_at is not None)
        for membership_id, name, left_at in db.session.execute(
            sa.select(Membership.id, User.name, Membership.left_at)
            .join(User, User.id == Membership.user_id)
            .where(Membership.program_id == program_id, Membership.role == Role.COORDINATOR)
            .order_by(User.name, Membership.id)
        )
    ]


def state_of(program: Program, membership_id: int) -> State:
    return State(
        db.session.scalar(
            sa.select(membership_state(program)).where(Membership.id == membership_id)
        )
    )


def partners(membership_ids: list[int]) -> dict[int, list[str]]:
    """For each membership, the names of the other side of its active or proposed
    mentorships (a mentee's mentor, a mentor's mentees), in one query."""
    mine, theirs = aliased(MentorshipMember), aliased(MentorshipMember)
    me, other = aliased(Membership), aliased(Membership)
    found: dict[int, list[str]] = {}
    for membership_id, name in db.session.execute(
        sa.select(mine.membership_id, User.name)
        .join(me, me.id == mine.membership_id)
        .join(Mentorship, Mentorship.id == mine.mentorship_id)
        .join(theirs, theirs.mentorship_id == mine.mentorship_id)
        .join(other, other.id == theirs.membership_id)
        .join(User, User.id == other.user_id)
        .where(
            mine.membership_id.in_(membership_ids),
            Mentorship.status.in_(OPEN_STATUSES),
            other.role != me.role,
        )
        .order_by(User.name)
    ):
        found.setdefault(membership_id, []).append(name)
    return found


def holds_draft(membership_id: int) -> bool:
    return bool(
        db.session.scalar(
            sa.select(
                sa.exists().where(
                    sa.or_(
                        MatchDraft.mentee_membership_id == membership_id,
                        MatchDraft.mentor_membership_id == membership_id,
                    )
                )
            )
        )
    )
