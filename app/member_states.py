"""Each member's onboarding and matching state, stored (``MemberState``) and counted per
program (``ProgramState``), so the coordinator's home and the people page read a handful of
counter rows and page through states by an index instead of working out every member's; and
each member's place in the matching pool, so the matching pages read the pool alone.

A state depends on the membership (role, left, agreement signed), its open mentorships, its
profile, its training completions and its program (agreement version, training modules); a
mentor's places left on their capacity and on the mentees still in their open mentorships, and
on the program's model and group size. Like the other summaries (``app.summaries``, whose commit
hook calls ``refresh``), the rows of the memberships an action touched, and of the people who
share a mentorship with them, are locked (made when missing), recomputed from the facts in one
UPDATE and the difference is added to their programs' counters, in the action's transaction. A
change that moves every member of a program (a new agreement version, a training module added
or removed, the model changed, the program closed) touches the whole program: one grouped
recomputation. The
pairs' statuses are counted the same way (``PairState``: the people page's pair list and the
home's pair figures), and the touched memberships' places on the leaderboard are written on
their ``player_totals`` rows (whether they are on it, and their name) and counted per program
(``BOARD``), so the leaderboard's total is one counter row, not a count of the board. Personal
invites not used yet ("invited") depend on the clock (they expire), so they are counted when
read: a program has few, found by an index.
"""

from __future__ import annotations

import enum
import functools
from collections import Counter, defaultdict
from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, aliased

from . import summaries
from .database import insert_on_conflict
from .extensions import db
from .models import (
    OPEN_STATUSES,
    Membership,
    MemberState,
    Mentorship,
    MentorshipMember,
    MentorshipModel,
    PairState,
    ParticipantProfile,
    PlayerTotal,
    Program,
    ProgramState,
    Role,
    TrainingCompletion,
    TrainingModule,
    User,
)
from .onboarding.status import PROFILE_COMPLETE

PARTICIPANTS = (Role.MENTEE, Role.MENTOR)


class State(enum.Enum):
    INVITED = "invited"
    JOINED = "joined"
    ONBOARDED = "onboarded"
    MATCHED = "matched"
    LEFT = "left"

    @property
    def label(self) -> str:
        return self.value.capitalize()


def _in_open_mentorship(membership_id) -> sa.Exists:
    """In an open (active or proposed) mentorship: out of the matching pool, as on its page."""
    return sa.exists().where(
        MentorshipMember.membership_id == membership_id,
        Mentorship.id == MentorshipMember.mentorship_id,
        Mentorship.status.in_(OPEN_STATUSES),
    )


def training_done() -> sa.ScalarSelect[int]:
    """How many of its program's training modules a membership (``Membership``) completed."""
    return (
        sa.select(sa.func.count(TrainingCompletion.id))
        .join(TrainingModule, TrainingModule.id == TrainingCompletion.module_id)
        .where(
            TrainingCompletion.membership_id == Membership.id,
            TrainingModule.program_id == Membership.program_id,
        )
        .scalar_subquery()
    )


def _onboarded(agreement_version, modules) -> sa.ColumnElement[bool]:
    """SQL twin of ``Checklist.done`` for a mentor or mentee (``Membership``) of a program whose
    agreement is at ``agreement_version`` and which has ``modules`` training modules."""
    return sa.and_(
        sa.exists().where(ParticipantProfile.membership_id == Membership.id, *PROFILE_COMPLETE),
        Membership.agreed_version == agreement_version,
        sa.or_(Membership.role != Role.MENTOR, training_done() >= modules),
    )


def _checklist_done(program: Program | None = None) -> sa.ColumnElement[bool]:
    """Whether a membership's checklist is done, for a member of ``program`` or (None) of any
    program."""
    program_id = Membership.program_id if program is None else program.id
    modules = (
        sa.select(sa.func.count(TrainingModule.id))
        .where(TrainingModule.program_id == program_id)
        .scalar_subquery()
    )
    version = (
        sa.select(Program.agreement_version).where(Program.id == program_id).scalar_subquery()
        if program is None
        else program.agreement_version
    )
    return _onboarded(version, modules)


def membership_state(program: Program | None = None) -> sa.ColumnElement[str]:
    """A membership's state: left, else matched (in an open mentorship), else onboarded
    (checklist done), else joined; of a member of ``program``, or (None) of any program."""
    return sa.case(
        (Membership.left_at.is_not(None), State.LEFT.value),
        (_in_open_mentorship(Membership.id), State.MATCHED.value),
        (_checklist_done(program), State.ONBOARDED.value),
        else_=State.JOINED.value,
    )


class InPool(enum.Enum):
    """Where a present mentor or mentee stands in their program's matching pool
    (``pairing.pool``); anyone else (matched mentees, full mentors, people who left) is out
    of it."""

    WAITING = "waiting"  # a mentee whose checklist is done, in no open mentorship
    ROOM = "room"  # a mentor whose checklist is done, with places left
    NOT_READY = "not_ready"  # a mentee in no open mentorship, or any mentor, not done yet


def _places_left() -> sa.ColumnElement[int]:
    """SQL twin of ``pairing.pool.capacity_of`` less the mentees (still in) of the mentor's
    open mentorships: how many more mentees a mentor (``Membership``) may take."""
    stated = sa.func.coalesce(
        sa.select(sa.func.coalesce(ParticipantProfile.capacity, 1))
        .where(ParticipantProfile.membership_id == Membership.id)
        .scalar_subquery(),
        0,
    )
    model, group_size = (
        sa.select(column).where(Program.id == Membership.program_id).scalar_subquery()
        for column in (Program.model, Program.group_size)
    )
    capacity = sa.case(
        (sa.and_(model == MentorshipModel.GROUP, group_size < stated), group_size), else_=stated
    )
    mine, theirs, mentee = aliased(MentorshipMember), aliased(MentorshipMember), aliased(Membership)
    load = (
        sa.select(sa.func.count())
        .select_from(mine)
        .join(Mentorship, Mentorship.id == mine.mentorship_id)
        .join(theirs, theirs.mentorship_id == mine.mentorship_id)
        .join(mentee, mentee.id == theirs.membership_id)
        .where(
            mine.membership_id == Membership.id,
            Mentorship.status.in_(OPEN_STATUSES),
            mentee.role == Role.MENTEE,
            mentee.left_at.is_(None),
        )
        .scalar_subquery()
    )
    return capacity - load


def _pool_values() -> dict[str, sa.ColumnElement]:
    """A membership's place in the matching pool and, for a present mentor, the places left
    (zero or less: full)."""
    mentee = Membership.role == Role.MENTEE
    present = sa.and_(Membership.role.in_(PARTICIPANTS), Membership.left_at.is_(None))
    done = _checklist_done()  # a null (no agreement signed) is not done: only tested as true
    places = _places_left()
    place = sa.case(
        (sa.not_(present), sa.null()),
        (sa.and_(mentee, _in_open_mentorship(Membership.id)), sa.null()),
        (sa.and_(mentee, done), InPool.WAITING.value),
        (mentee, InPool.NOT_READY.value),
        (sa.and_(done, places > 0), InPool.ROOM.value),
        (done, sa.null()),
        else_=InPool.NOT_READY.value,
    )
    mentor = sa.and_(present, Membership.role == Role.MENTOR)
    return {"pool": place, "places": sa.case((mentor, places), else_=sa.null())}


def _stored_values() -> dict[str, sa.ColumnElement]:
    """A ``member_states`` row's values as the facts say, over ``Membership`` joined to its
    ``User``: a coordinator has no state and signs no agreement."""
    participant = Membership.role.in_(PARTICIPANTS)
    version = (
        sa.select(Program.agreement_version)
        .where(Program.id == Membership.program_id)
        .scalar_subquery()
    )
    signed = sa.and_(
        participant, Membership.left_at.is_(None), Membership.agreed_version == version
    )
    return {
        "program_id": Membership.program_id,
        "role": sa.cast(Membership.role, sa.String(16)),
        "state": sa.case((participant, membership_state()), else_=sa.null()),
        "name_key": sa.func.lower(User.name),
        "signed": sa.case((signed, sa.true()), else_=sa.false()),
        **_pool_values(),
        "on_board": sa.case((_on_board(Membership), sa.true()), else_=sa.false()),
    }


Key = tuple[int, str, str]  # program, kind (a role, or PAIR), state
COUNTER_KEYS = ("program_id", "kind", "state")
PAIR = "pair"
"""The kind of a program's counters of its pairs by status."""
SIGNED = ("agreement", "signed")
"""The (kind, state) of a program's counter of present participants who signed its current
agreement (``MemberState.signed``)."""
BOARD = ("board", "on")
"""The (kind, state) of a program's counter of the mentees on its leaderboard
(``MemberState.on_board``)."""


# --- refreshing before the commit ----------------------------------------------------------

_TOUCHED = "waypoint_member_states_touched"
_KINDS = ("members", "pairs", "programs", "users")


def touch(session: Session | None = None, **keys: Iterable[int]) -> None:
    """Note what moved states: ``members`` (memberships), ``pairs`` (their status and
    members), ``programs`` (every member and pair) or ``users`` (their memberships: a new
    name). ORM changes are noted by themselves (``_noticed``); a service writing facts in
    Core says so through ``app.core_writes``."""
    touched = (session or db.session()).info.setdefault(_TOUCHED, {k: set() for k in _KINDS})
    for kind, ids in keys.items():
        touched[kind].update(ids)


_MEMBERSHIP_FACTS = ("role", "left_at", "agreed_version", "program_id", "leaderboard_opt_in")


def _changed(row, names: Iterable[str]) -> bool:
    attrs = sa.inspect(row).attrs
    return any(attrs[name].history.has_changes() for name in names)


def _noticed(session: Session, _context) -> None:
    """After each flush: the memberships, pairs, programs and people whose rows it wrote in a
    way that can move a state."""
    for row in (*session.new, *session.dirty, *session.deleted):
        if isinstance(row, Membership):
            if row in session.dirty and not _changed(row, _MEMBERSHIP_FACTS):
                continue
            touch(session, members=[row.id])
        elif isinstance(row, ParticipantProfile | TrainingCompletion | MentorshipMember):
            touch(session, members=[row.membership_id])
        elif isinstance(row, Mentorship):
            if row in session.dirty and not _changed(row, ("status",)):
                continue
            touch(session, pairs=[row.id])
        elif isinstance(row, TrainingModule):
            if row in session.dirty and not _changed(row, ("program_id",)):
                continue
            touch(session, programs=[row.program_id])
        elif isinstance(row, Program) and row in session.dirty:
            if _changed(row, ("agreement_version", "model", "group_size")):
                touch(session, programs=[row.id])
        elif isinstance(row, User) and row in session.dirty and _changed(row, ("name",)):
            touch(session, users=[row.id])


def _forget(session: Session, *_args) -> None:
    session.info.pop(_TOUCHED, None)


def listen() -> None:
    """Installed by ``summaries.listen``, once per process."""
    if not event.contains(Session, "after_flush", _noticed):
        event.listen(Session, "after_flush", _noticed)
        event.listen(Session, "after_rollback", _forget)


def refresh(session: Session) -> None:
    """Bring the rows of every touched membership and pair up to date and add what that
    changed to their programs' counters. Called by ``summaries``' commit hook after the pairs'
    and mentees' summaries, so every transaction locks in one order: pair and mentee
    summaries, member states, pair states, counters."""
    touched = session.info.pop(_TOUCHED, None)
    if not touched or not any(touched.values()):
        return
    params = {kind: sorted(ids) for kind, ids in touched.items()}
    postgres = session.get_bind().dialect.name == "postgresql"
    changes: Counter[Key] = Counter()
    pairs_moved = bool(touched["pairs"] or touched["programs"])  # else no pair's status did
    for lock, update, kind in (
        (_lock_statement(postgres), _update_statement(), None),
        *(_pair_statements(postgres) if pairs_moved else ()),
    ):
        locked = session.execute(lock, params).all()
        if not locked:
            continue
        for sign, rows in ((-1, locked), (1, session.execute(update, params))):
            for _key, program_id, *facts in rows:
                for counted in _counted(kind, facts):
                    changes[(program_id, *counted)] += sign
    totals = {key: {"total": n} for key, n in changes.items() if n}
    summaries._add(ProgramState, COUNTER_KEYS, totals)
    if touched["members"] or touched["programs"] or touched["users"]:
        session.execute(_board_statement(postgres), params)


def _returned(table: sa.Table) -> tuple[sa.Column, ...]:
    """What a member's lock and update return: (membership, program, role, state, signed,
    on the board)."""
    c = table.c
    return c.membership_id, c.program_id, c.role, c.state, c.signed, c.on_board


def _counted(kind: str | None, facts) -> list[tuple[str, str]]:
    """The counters (kind, state) one returned row counts in: a pair (``kind``) by its status;
    a member (None) by role and state, among the signatures when they signed, and on the
    leaderboard when they are on it."""
    if kind is not None:
        (status,) = facts
        return [] if status is None else [(kind, status)]
    role, state, signed, on_board = facts
    return (
        ([] if state is None else [(role, state)])
        + ([SIGNED] if signed else [])
        + ([BOARD] if on_board else [])
    )


def _touched_memberships(table_id: sa.ColumnElement[int], program_id, user_id=None):
    """Whether a membership (its id, program and person) is among the touched, or shares a
    mentorship with a touched one (a mentee who leaves frees a place of their mentor's)."""
    member_ids = sa.bindparam("members", expanding=True)
    pairs = sa.select(MentorshipMember.membership_id).where(
        MentorshipMember.mentorship_id.in_(sa.bindparam("pairs", expanding=True))
    )
    theirs = aliased(MentorshipMember)
    partners = (
        sa.select(MentorshipMember.membership_id)
        .join(theirs, theirs.mentorship_id == MentorshipMember.mentorship_id)
        .where(theirs.membership_id.in_(member_ids))
    )
    users = sa.bindparam("users", expanding=True)
    of_users = (
        table_id.in_(sa.select(Membership.id).where(Membership.user_id.in_(users)))
        if user_id is None
        else user_id.in_(users)
    )
    return sa.or_(
        table_id.in_(member_ids),
        table_id.in_(partners),
        table_id.in_(pairs),
        program_id.in_(sa.bindparam("programs", expanding=True)),
        of_users,
    )


@functools.cache
def _lock_statement(postgres: bool) -> sa.Insert:
    """The touched rows, each made when missing and locked, in one statement (as
    ``summaries._lock_statement``): it returns their values (``_returned``) as they were; a
    new row's state and signature are null (counted nowhere yet)."""
    table = MemberState.__table__
    members = Membership.__table__.c  # Core: given parameters, the ORM would take them for rows
    source = (
        sa.select(members.id, members.program_id, sa.cast(members.role, sa.String(16)))
        .where(_touched_memberships(members.id, members.program_id, members.user_id))
        .order_by(members.id)
    )
    dialect = postgresql if postgres else sqlite
    insert = dialect.insert(table).from_select(["membership_id", "program_id", "role"], source)
    upsert = insert.on_conflict_do_update(
        index_elements=["membership_id"], set_={"program_id": table.c.program_id}
    )
    return upsert.returning(*_returned(table))


@functools.cache
def _update_statement() -> sa.Update:
    """Each touched row recomputed from the facts, returning its new values (``_returned``)."""
    table = MemberState.__table__
    values = {
        name: sa.select(value)
        .select_from(Membership)
        .join(User, User.id == Membership.user_id)
        .where(Membership.id == table.c.membership_id)
        .scalar_subquery()
        for name, value in _stored_values().items()
    }
    return (
        sa.update(table)
        .where(_touched_memberships(table.c.membership_id, table.c.program_id))
        .values(values)
        .returning(*_returned(table))
    )


@functools.cache
def _pair_statements(postgres: bool) -> tuple[tuple[sa.Insert, sa.Update, str]]:
    """The lock and the update of the touched pairs' rows (``pairs`` or of ``programs``), as
    the members': each returns (pair, program, status)."""
    table = PairState.__table__
    pairs = Mentorship.__table__.c

    def touched(pair_id, program_id) -> sa.ColumnElement[bool]:
        return sa.or_(
            pair_id.in_(sa.bindparam("pairs", expanding=True)),
            program_id.in_(sa.bindparam("programs", expanding=True)),
        )

    status = sa.cast(pairs.status, sa.String(16))
    source = (
        sa.select(pairs.id, pairs.program_id)
        .where(touched(pairs.id, pairs.program_id))
        .order_by(pairs.id)
    )
    dialect = postgresql if postgres else sqlite
    insert = dialect.insert(table).from_select(["mentorship_id", "program_id"], source)
    returned = (table.c.mentorship_id, table.c.program_id, table.c.status)
    lock = insert.on_conflict_do_update(
        index_elements=["mentorship_id"], set_={"program_id": table.c.program_id}
    ).returning(*returned)
    new = sa.select(status).where(pairs.id == table.c.mentorship_id).scalar_subquery()
    update = (
        sa.update(table)
        .where(touched(table.c.mentorship_id, table.c.program_id))
        .values(status=new)
        .returning(*returned)
    )
    return ((lock, update, PAIR),)


def _on_board(members) -> sa.ColumnElement[bool]:
    """A membership (columns ``members``) on its program's leaderboard: a mentee still in the
    program who chose to be shown."""
    return sa.and_(
        members.role == Role.MENTEE, members.leaderboard_opt_in, members.left_at.is_(None)
    )


def _board_values(members, users) -> tuple[sa.ColumnElement, sa.ColumnElement]:
    """A ``player_totals`` row's ``on_board`` and ``name`` as the facts say: the name is kept
    only while on the board."""
    on_board = _on_board(members)
    return on_board.label("on_board"), sa.case((on_board, users.name)).label("name")


@functools.cache
def _board_statement(postgres: bool) -> sa.Insert:
    """The touched memberships' leaderboard columns written where they changed, in one
    statement; a row is made (with no points yet) for whoever joins the board without one. An
    unchanged row is neither written nor locked."""
    table = PlayerTotal.__table__
    members, users = Membership.__table__.c, User.__table__.c  # Core, as in _lock_statement
    has_row = sa.exists().where(
        table.c.user_id == members.user_id, table.c.program_id == members.program_id
    )
    source = (
        sa.select(
            members.user_id, members.program_id, sa.literal(0), *_board_values(members, users)
        )
        .join(User.__table__, users.id == members.user_id)
        .where(
            _touched_memberships(members.id, members.program_id, members.user_id),
            sa.or_(_on_board(members), has_row),
        )
        .order_by(members.user_id, members.program_id)
    )
    insert = (postgresql if postgres else sqlite).insert(table)
    columns = ["user_id", "program_id", "points", "on_board", "name"]
    return insert.from_select(columns, source).on_conflict_do_update(
        index_elements=["user_id", "program_id"],
        set_={"on_board": insert.excluded.on_board, "name": insert.excluded.name},
        where=sa.or_(
            table.c.on_board != insert.excluded.on_board,
            table.c.name.is_distinct_from(insert.excluded.name),
        ),
    )


# --- checking ------------------------------------------------------------------------------


def computed_states() -> dict[int, dict]:
    """Every membership's row as the facts say, in one query."""
    values = _stored_values()
    rows = db.session.execute(
        sa.select(Membership.id, *values.values()).join(User, User.id == Membership.user_id)
    )
    return {row[0]: dict(zip(values, row[1:], strict=True)) for row in rows}


def computed_pairs() -> dict[int, dict]:
    """Every pair's row as the facts say, in one query."""
    status = sa.cast(Mentorship.status, sa.String(16))
    rows = db.session.execute(sa.select(Mentorship.id, Mentorship.program_id, status))
    return {pair: {"program_id": program_id, "status": s} for pair, program_id, s in rows}


def _check_rows(model, key: sa.Column, expected: dict[int, dict], fix: bool):
    """The rows of ``model`` against ``expected`` (by ``key``); with ``fix``, the differing
    ones written (inserted when missing)."""
    fields = tuple(next(iter(expected.values()), {}))
    stored = {
        row[0]: dict(zip(fields, row[1:], strict=True))
        for row in db.session.execute(sa.select(key, *(getattr(model, f) for f in fields)))
    }
    drifts = [
        summaries.Drift(model.__tablename__, i, stored.get(i, {}), want)
        for i, want in sorted(expected.items())
        if stored.get(i) != want
    ]
    if fix and drifts:
        insert = insert_on_conflict(model)
        upsert = insert.on_conflict_do_update(
            index_elements=[key.key], set_={f: insert.excluded[f] for f in fields}
        )
        db.session.execute(upsert, [{key.key: d.key, **d.computed} for d in drifts])
    return drifts


def computed_board() -> dict[tuple[int, int], dict]:
    """Every membership's leaderboard columns as the facts say, by (person, program): one
    query."""
    members, users = Membership.__table__.c, User.__table__.c
    rows = db.session.execute(
        sa.select(members.user_id, members.program_id, *_board_values(members, users)).join(
            User.__table__, users.id == members.user_id
        )
    )
    return {
        (user, program): {"on_board": bool(on), "name": name} for user, program, on, name in rows
    }


def _check_board(fix: bool) -> list[summaries.Drift]:
    """The leaderboard's columns of every ``player_totals`` row, and a row for everyone on a
    board (someone with no membership, or off the board, needs none)."""
    off = {"on_board": False, "name": None}
    expected = computed_board()
    stored = {
        (user, program): {"on_board": bool(on), "name": name}
        for user, program, on, name in db.session.execute(
            sa.select(
                PlayerTotal.user_id, PlayerTotal.program_id, PlayerTotal.on_board, PlayerTotal.name
            )
        )
    }
    keys = stored.keys() | {key for key, row in expected.items() if row["on_board"]}
    drifts = [
        summaries.Drift(PlayerTotal.__tablename__, key, stored.get(key, {}), expected.get(key, off))
        for key in sorted(keys)
        if stored.get(key) != expected.get(key, off)
    ]
    if fix and drifts:
        insert = insert_on_conflict(PlayerTotal)
        upsert = insert.on_conflict_do_update(
            index_elements=["user_id", "program_id"],
            set_={"on_board": insert.excluded.on_board, "name": insert.excluded.name},
        )
        rows = [
            {"user_id": d.key[0], "program_id": d.key[1], "points": 0, **d.computed} for d in drifts
        ]
        db.session.execute(upsert, rows)
    return drifts


def check(fix: bool) -> list[summaries.Drift]:
    """Every membership's and pair's row, every program's counters and the leaderboard's
    columns against the facts; with ``fix``, the differing rows rewritten (missing ones
    inserted)."""
    members, pairs = computed_states(), computed_pairs()
    counts: dict[Key, dict] = defaultdict(lambda: {"total": 0})
    for row in members.values():
        facts = (row["role"], row["state"], row["signed"], row["on_board"])
        for counted in _counted(None, facts):
            counts[(row["program_id"], *counted)]["total"] += 1
    for row in pairs.values():
        counts[(row["program_id"], PAIR, row["status"])]["total"] += 1
    return [
        *_check_rows(MemberState, MemberState.membership_id, members, fix),
        *_check_rows(PairState, PairState.mentorship_id, pairs, fix),
        *summaries._check_sums(ProgramState, COUNTER_KEYS, dict(counts), {"total": 0}, fix),
        *_check_board(fix),
    ]
