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


def everyone(program: Program, with_state: bool = True, with_names: bool = True) -> sa.Subquery:
    """Mentors and mentees of the program, one row each, with the personal invites nobody has
    used yet (state ``invited``): kind, id, user_id, name, email, role and (``with_state``)
    state, which costs a few lookups per row. Without ``with_names`` a member's name and
    e-mail are null and their person is not read (counting needs neither, unless searching)."""
    state = (_text(State.INVITED.value),) if with_state else ()
    name, email = (User.name, User.email) if with_names else (sa.cast(sa.null(), sa.String),) * 2
    members = sa.select(
        _text("member").label("kind"),
        Membership.id.label("id"),
        Membership.user_id.label("user_id"),
        name.label("name"),
        email.label("email"),
        Membership.role.label("role"),
        *(
            (sa.cast(membership_state(program), sa.String(16)).label("state"),)
            if with_state
            else ()
        ),
    ).where(Membership.program_id == program.id, Membership.role.in_(PARTICIPANTS))
    if with_names:
        members = members.join(User, User.id == Membership.user_id)
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
        *state,
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
    partners: dict[int, list[str]]  # by membership id: the other side of their mentorships


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
    """One page of the list, each member with their partners, and the count of each state, in
    two queries however many people. Without a state to filter on, the list is sorted without
    working out anyone's state, and only the page's states are."""
    rows = everyone(program, with_names=bool(filters.search))
    counts = with_totals(
        dict(
            db.session.execute(
                sa.select(rows.c.state, sa.func.count())
                .where(*_narrowed(rows, filters))
                .group_by(rows.c.state)
            ).all()
        )
    )
    pager = Pager.of(filters.page, counts[filters.state], PAGE_SIZE)
    rows = everyone(program, with_state=bool(filters.state))
    page = (
        sa.select(rows)
        .where(*_narrowed(rows, filters), *_state_condition(rows, filters.state))
        .order_by(sa.func.lower(rows.c.name), rows.c.kind, rows.c.id)
        .limit(pager.size)
        .offset(pager.offset)
        .subquery("page")
    )
    state = page.c.state if filters.state else _state_of_row(program, page)
    people: dict[tuple[str, int], Person] = {}
    partners: dict[int, list[str]] = {}
    for r in db.session.execute(_with_partners(page, state)):
        person = Person(r.kind, r.id, r.user_id, r.name, r.email, r.role, State(r.state))
        people.setdefault((person.kind, person.id), person)
        if r.partner is not None:
            partners.setdefault(person.id, []).append(r.partner)
    return PeoplePage(list(people.values()), counts, pager, partners)


def _state_of_row(program: Program, page: sa.Subquery) -> sa.ColumnElement[str]:
    """The state of a row of the page: its membership's, or ``invited`` for an invite."""
    of_member = (
        sa.select(membership_state(program)).where(Membership.id == page.c.id).scalar_subquery()
    )
    return sa.case((page.c.kind == "invite", State.INVITED.value), else_=of_member)


def _with_partners(page: sa.Subquery, state: sa.ColumnElement[str]) -> sa.Select:
    """The page's rows in order, a member's once per partner: the names of the other side of
    their active or proposed mentorships (a mentee's mentor, a mentor's mentees)."""
    mine, theirs = aliased(MentorshipMember), aliased(MentorshipMember)
    other, partner = aliased(Membership), aliased(User)
    return (
        sa.select(
            page.c.kind,
            page.c.id,
            page.c.user_id,
            page.c.name,
            page.c.email,
            page.c.role,
            state.label("state"),
            partner.name.label("partner"),
        )
        .select_from(page)
        .outerjoin(mine, sa.and_(page.c.kind == "member", mine.membership_id == page.c.id))
        .outerjoin(
            Mentorship,
            sa.and_(Mentorship.id == mine.mentorship_id, Mentorship.status.in_(OPEN_STATUSES)),
        )
        .outerjoin(theirs, theirs.mentorship_id == Mentorship.id)
        .outerjoin(other, sa.and_(other.id == theirs.membership_id, other.role != page.c.role))
        .outerjoin(partner, partner.id == other.user_id)
        .order_by(sa.func.lower(page.c.name), page.c.kind, page.c.id, partner.name)
    )


@dataclass(frozen=True)
class PairsPage:
    pairs: list[tuple[PairNames, MentorshipStatus]]
    counts: dict[MentorshipStatus, int]
    pager: Pager


def pairs_page(program_id: int, requested: int) -> PairsPage:
    """One page of the program's mentorships (by status, then age) with their people's names,
    and how many there are of each status: two queries however many pairs."""
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
    page = (
        sa.select(Mentorship.id)
        .where(Mentorship.program_id == program_id)
        .order_by(Mentorship.status, Mentorship.id)
        .limit(pager.size)
        .offset(pager.offset)
    )
    in_order = sorted(pair_names(page), key=lambda pair: (pair.status.value, pair.id))
    return PairsPage([(pair, pair.status) for pair in in_order], counts, pager)


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


def person_and_state(program: Program, member: Membership) -> tuple[User, State]:
    """The member's person and state, in one query."""
    person, state = db.session.execute(
        sa.select(User, membership_state(program))
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.id == member.id)
    ).one()
    return person, State(state)


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
