"""Where each participant of a program stands, read from the stored states and counters
(``app.member_states``) so a list of thousands is filtered, counted and paged in a fixed number
of queries without working out anyone's state.

The ``onboarded`` test (``app.member_states``) mirrors ``app.onboarding.status.Checklist.done``
(profile, current agreement signed, every training module for a mentor);
tests/web/test_people.py checks the two agree for a person in each state.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from ..clock import utcnow
from ..extensions import db
from ..meetings.queries import PairNames, names_of, pair_names
from ..member_states import PAIR, PARTICIPANTS, State, membership_state
from ..models import (
    OPEN_STATUSES,
    Invite,
    MatchDraft,
    Membership,
    MemberState,
    Mentorship,
    MentorshipMember,
    MentorshipStatus,
    Program,
    ProgramState,
    Role,
    User,
)
from ..pagination import Pager

PAGE_SIZE = 25
PAIRS_PAGE_SIZE = 25

# Not a state of its own: everyone who is in the program now (joined, onboarded or matched).
CURRENT = "current"
CURRENT_STATES = (State.JOINED, State.ONBOARDED, State.MATCHED)


def _text(value: str) -> sa.ColumnElement[str]:
    """A constant string column both databases agree on inside a UNION."""
    return sa.cast(sa.literal(value), sa.String(16))


# The statements below are built once (per shape of the filters) with these parameters, and a
# visit only binds values: building a statement costs SQLAlchemy far more than the database
# takes to read a page of summary rows.
_PROGRAM_ID = sa.bindparam("program_id")
_NOW = sa.bindparam("now")  # typed by what it is compared with
_ROLE = sa.bindparam("role", type_=sa.String(16))  # a Role's value
_STATE = sa.bindparam("state", type_=sa.String(16))  # a State's value
_NEEDLE = sa.bindparam("needle", type_=sa.String)  # a LIKE pattern: ``_needle``
_LIKE_ESCAPE = "/"
_ENOUGH = sa.bindparam("enough")  # how many of each side's first rows to read: to the page's end

_ONE_STATE = "one"  # a ``Filters.shape``'s state for any one state but ``invited``


def _pending_invites(by_role: bool) -> list[sa.ColumnElement[bool]]:
    """The program's personal invites nobody has used yet (of the role ``role`` when
    ``by_role``): state ``invited``. They expire, so they are counted when read (pending at
    ``now``); a program has few, found by its index, and whether their address joined already
    is one lookup each."""
    joined = sa.exists().where(
        User.email == sa.func.lower(Invite.email),
        Membership.user_id == User.id,
        Membership.program_id == Invite.program_id,
    )
    return [
        Invite.program_id == _PROGRAM_ID,
        Invite.email.is_not(None),
        Invite.role == _ROLE if by_role else Invite.role.in_(PARTICIPANTS),
        Invite.uses_left > 0,
        Invite.expires_at > _NOW,
        ~joined,
    ]


@dataclass(frozen=True)
class Filters:
    state: str = ""  # a State value, CURRENT, or "" for everyone
    role: Role | None = None
    search: str = ""
    page: int = 1

    def shape(self) -> tuple[str, bool, bool]:
        """What the statements depend on (their values aside): the state ("", CURRENT,
        ``invited``, or ``_ONE_STATE`` for any other state), whether a role and a search are
        asked."""
        state = self.state
        if state not in ("", CURRENT, State.INVITED.value):
            state = _ONE_STATE
        return state, self.role is not None, bool(self.search)

    def values(self, program_id: int) -> dict[str, object]:
        """The values of the statements' parameters, all but the page's bounds."""
        return {
            "program_id": program_id,
            "now": utcnow(),
            "role": None if self.role is None else self.role.value,
            "state": self.state,
            "needle": _needle(self.search),
        }


def _needle(search: str) -> str:
    """The LIKE pattern of names and addresses containing ``search`` (any case), its own
    wildcards escaped."""
    escaped = search.lower()
    for special in (_LIKE_ESCAPE, "%", "_"):
        escaped = escaped.replace(special, _LIKE_ESCAPE + special)
    return f"%{escaped}%"


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


def _searched(searching: bool, *columns: sa.ColumnElement[str]) -> list[sa.ColumnElement[bool]]:
    if not searching:
        return []
    return [sa.or_(*(sa.func.lower(c).like(_NEEDLE, escape=_LIKE_ESCAPE) for c in columns))]


def _members(state: str, by_role: bool, searching: bool) -> sa.Select:
    """The program's mentors and mentees by their stored state (``MemberState``), within the
    role and search asked for, and in the state ``state`` (a ``shape``'s: _ONE_STATE is the
    parameter ``state``); a coordinator's row has no state."""
    where = [MemberState.program_id == _PROGRAM_ID, MemberState.state.is_not(None)]
    if by_role:
        where.append(MemberState.role == _ROLE)
    if state == CURRENT:  # all but the few who left: read in name order by the program's index
        where.append(MemberState.state != State.LEFT.value)
    elif state:
        where.append(MemberState.state == _STATE)
    query = sa.select(MemberState.state).where(*where)
    if searching:
        query = query.join(Membership, Membership.id == MemberState.membership_id).join(
            User, User.id == Membership.user_id
        )
    return query.where(*_searched(searching, User.name, User.email))


def _invites(by_role: bool, searching: bool) -> sa.Select:
    invite_name = sa.func.coalesce(Invite.name, Invite.email)
    return sa.select(Invite.id).where(
        *_pending_invites(by_role), *_searched(searching, invite_name, Invite.email)
    )


@functools.cache
def _counts_statement(by_role: bool, searching: bool) -> sa.CompoundSelect:
    """How many are in each state within the role and search, in one statement: from the
    program's counters, or (searching names) from the stored states of those found."""
    if searching:
        members = _members("", by_role, searching)
        members = members.add_columns(sa.func.count()).group_by(MemberState.state)
    else:
        kinds = (
            ProgramState.kind == _ROLE
            if by_role
            else ProgramState.kind.in_([role.value for role in PARTICIPANTS])
        )
        members = sa.select(ProgramState.state, sa.func.sum(ProgramState.total)).where(
            ProgramState.program_id == _PROGRAM_ID, kinds
        )
        members = members.group_by(ProgramState.state)
    invites = _invites(by_role, searching).with_only_columns(
        _text(State.INVITED.value), sa.func.count()
    )
    return sa.union_all(members, invites)


def with_totals(by_state: dict[str, int]) -> dict[str, int]:
    counts = {state.value: by_state.get(state.value, 0) for state in State}
    counts[CURRENT] = sum(counts[s.value] for s in CURRENT_STATES)
    counts[""] = sum(counts[s.value] for s in State)
    return counts


@functools.cache
def _page_statement(state: str, by_role: bool, searching: bool) -> sa.Select:
    """The page (``size`` rows from ``offset``) of the list of a ``shape``, each member with
    their partners: in name order from the stored states' index (members) beside the pending
    invites, each side's first ``enough`` rows (the page is in them)."""
    sides = []
    if state != State.INVITED.value:
        members = _members(state, by_role, searching).with_only_columns(
            _text("member").label("kind"),
            MemberState.membership_id.label("id"),
            MemberState.name_key.label("sort"),
            MemberState.state.label("state"),
        )
        order = (MemberState.name_key, MemberState.membership_id)
        sides.append(members.order_by(*order).limit(_ENOUGH).subquery())
    if state in ("", State.INVITED.value):
        invites = _invites(by_role, searching)
        sort = sa.func.lower(sa.func.coalesce(Invite.name, Invite.email))
        invites = invites.with_only_columns(
            _text("invite").label("kind"),
            Invite.id.label("id"),
            sort.label("sort"),
            _text(State.INVITED.value).label("state"),
        )
        sides.append(invites.order_by(sort, Invite.id).limit(_ENOUGH).subquery())
    rows = sa.union_all(*(sa.select(side) for side in sides)).subquery("rows")
    page = (
        sa.select(rows)
        .order_by(rows.c.sort, rows.c.kind, rows.c.id)
        .limit(sa.bindparam("size"))
        .offset(sa.bindparam("offset"))
        .subquery("page")
    )
    return _with_partners(page)


def people_page(program: Program, filters: Filters) -> PeoplePage:
    """One page of the list, each member with their partners, and the count of each state, in
    two statements however many people: the counts from the program's counters, the page in
    name order from the stored states' index (members) beside the pending invites."""
    state, by_role, searching = filters.shape()
    values = filters.values(program.id)
    found = db.session.execute(_counts_statement(by_role, searching), values).all()
    counts = with_totals({state: int(count or 0) for state, count in found})
    pager = Pager.of(filters.page, counts[filters.state], PAGE_SIZE)
    values.update(enough=pager.offset + pager.size, size=pager.size, offset=pager.offset)
    people: dict[tuple[str, int], Person] = {}
    partners: dict[int, list[str]] = {}
    for r in db.session.execute(_page_statement(state, by_role, searching), values):
        person = Person(r.kind, r.id, r.user_id, r.name, r.email, r.role, State(r.state))
        people.setdefault((person.kind, person.id), person)
        if r.partner is not None:
            partners.setdefault(person.id, []).append(r.partner)
    return PeoplePage(list(people.values()), counts, pager, partners)


def _with_partners(page: sa.Subquery) -> sa.Select:
    """The page's rows in order with their names and roles, a member's once per partner: the
    names of the other side of their active or proposed mentorships (a mentee's mentor, a
    mentor's mentees)."""
    member, person = aliased(Membership), aliased(User)
    mine, theirs = aliased(MentorshipMember), aliased(MentorshipMember)
    other, partner = aliased(Membership), aliased(User)
    is_member = page.c.kind == "member"
    return (
        sa.select(
            page.c.kind,
            page.c.id,
            member.user_id,
            sa.func.coalesce(person.name, Invite.name, Invite.email).label("name"),
            sa.func.coalesce(person.email, Invite.email).label("email"),
            sa.case((is_member, member.role), else_=Invite.role).label("role"),
            page.c.state,
            partner.name.label("partner"),
        )
        .select_from(page)
        .outerjoin(member, sa.and_(is_member, member.id == page.c.id))
        .outerjoin(person, person.id == member.user_id)
        .outerjoin(Invite, sa.and_(page.c.kind == "invite", Invite.id == page.c.id))
        .outerjoin(mine, mine.membership_id == member.id)
        .outerjoin(
            Mentorship,
            sa.and_(Mentorship.id == mine.mentorship_id, Mentorship.status.in_(OPEN_STATUSES)),
        )
        .outerjoin(theirs, theirs.mentorship_id == Mentorship.id)
        .outerjoin(other, sa.and_(other.id == theirs.membership_id, other.role != member.role))
        .outerjoin(partner, partner.id == other.user_id)
        .order_by(page.c.sort, page.c.kind, page.c.id, partner.name)
    )


@dataclass(frozen=True)
class PairsPage:
    pairs: list[tuple[PairNames, MentorshipStatus]]
    counts: dict[MentorshipStatus, int]
    pager: Pager


_PAIR_COUNTS = sa.select(ProgramState.state, ProgramState.total).where(
    ProgramState.program_id == _PROGRAM_ID, ProgramState.kind == PAIR
)
_PAIR_NAMES = names_of(
    sa.select(Mentorship.id)
    .where(Mentorship.program_id == _PROGRAM_ID)
    .order_by(Mentorship.status, Mentorship.id)
    .limit(sa.bindparam("size"))
    .offset(sa.bindparam("offset"))
)


def pairs_page(program_id: int, requested: int) -> PairsPage:
    """One page of the program's mentorships (by status, then age) with their people's names,
    and how many there are of each status (the program's counters): two queries however many
    pairs."""
    values = {"program_id": program_id}
    found = dict(db.session.execute(_PAIR_COUNTS, values).all())
    counts = {s: found[s.value] for s in MentorshipStatus if found.get(s.value)}
    pager = Pager.of(requested, sum(counts.values()), PAIRS_PAGE_SIZE)
    if not pager.total:
        return PairsPage([], counts, pager)
    values.update(size=pager.size, offset=pager.offset)
    in_order = sorted(
        pair_names(_PAIR_NAMES, values), key=lambda pair: (pair.status.value, pair.id)
    )
    return PairsPage([(pair, pair.status) for pair in in_order], counts, pager)


_INVITE_ROLE = sa.cast(Invite.role, sa.String(16))
STATE_COUNTS = sa.union_all(
    sa.select(ProgramState.kind, ProgramState.state, ProgramState.total).where(
        ProgramState.program_id == _PROGRAM_ID, ProgramState.total > 0
    ),
    sa.select(_INVITE_ROLE, _text(State.INVITED.value), sa.func.count())
    .where(*_pending_invites(by_role=False))
    .group_by(_INVITE_ROLE),
)
"""(role or ``PAIR``, state or status, how many) of the program ``program_id``: its counters,
and its personal invites pending at ``now``."""


def state_counts(program: Program) -> dict[tuple[str, str], int]:
    """How many mentors and mentees (and personal invites) are in each state and how many
    pairs have each status, by (role or ``PAIR``, state or status), in one statement: the
    program's counters, and its pending invites."""
    found = db.session.execute(STATE_COUNTS, {"program_id": program.id, "now": utcnow()})
    return {(kind, state): int(count) for kind, state, count in found}


_COORDINATORS = (
    sa.select(Membership.id, User.name, Membership.left_at)
    .join(User, User.id == Membership.user_id)
    .where(Membership.program_id == _PROGRAM_ID, Membership.role == Role.COORDINATOR)
    .order_by(User.name, Membership.id)
)


def coordinators(program_id: int) -> list[tuple[int, str, bool]]:
    """(membership id, name, has left) of the program's coordinators: a handful, listed apart
    from the participants since they have no onboarding or matching state."""
    return [
        (membership_id, name, left_at is not None)
        for membership_id, name, left_at in db.session.execute(
            _COORDINATORS, {"program_id": program_id}
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
