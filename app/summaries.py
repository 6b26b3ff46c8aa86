"""Keeping the summary rows (``PairSummary``, ``MenteeSummary``) equal to the facts.

Before each commit, the rows of the keys the transaction touched are refreshed
(``_refresh_touched``): the session notes the check-ins, meetings, confirmations, milestone
events and kudos it flushes, and a service that writes such facts in Core statements says so
(``app.core_writes``, which notes their keys here: ``touch``). The rows are locked (inserted
when missing, in the same statement), then recomputed from the facts for those keys alone (a
few indexed reads; a mentee's row by one UPDATE whose values are those reads) and written, in
the action's transaction. The lock comes before the recomputation, so two actions on one key at
once run one after the other and the second reads what the first committed (READ COMMITTED on
PostgreSQL; SQLite serialises writers): neither loses the other's change. Recomputing rather
than adding to a counter keeps a row right whatever the action was (an edit, an undone
acknowledgement, a moved meeting).

The program's totals the coordinator's home shows are sums of those rows (goal counts of the
pairs, open help of the mentees: ``ProgramSummary``) and, per week, of its mentees' check-ins
(``ProgramWeek``). The lock's RETURNING gives a row's old totals and the write's (or the
recomputation's) its new ones, and the difference is added to its program's row; the commit
adds each check-in's change (its stored values before the transaction against its values now)
to its week: a program's figure is read from one row, and kept up to date in the same
transaction, without counting the whole program on each action and without reading a row twice.

What the outcomes pages and the coordinator's meeting figures count per program week (pairs
matched, meetings held, people joined…) is kept on the same week rows by ``app.program_weeks``:
a pair's share rides on its summary row, a participant's is taken before and after.

The same recomputation, for every key at once in a few grouped queries, is
``flask summaries check``'s (the migrations' backfills are its SQL twins): a missing row reads
as a row of nothing.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa
from flask import has_app_context
from sqlalchemy import event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, aliased
from sqlalchemy.orm.attributes import NO_VALUE

from game import risk

from . import member_states, program_weeks
from .database import insert_on_conflict
from .extensions import db
from .models import (
    BreakWeek,
    CareKind,
    CareRecord,
    CheckIn,
    Goal,
    GoalStatus,
    Kudos,
    Meeting,
    MeetingConfirmation,
    MeetingStatus,
    Membership,
    MenteeSummary,
    Mentorship,
    MentorshipMember,
    Milestone,
    MilestoneEvent,
    MilestoneStatus,
    PairSummary,
    Program,
    ProgramSummary,
    ProgramWeek,
    Role,
)

PAIR_TOTALS = ("goals_active", "goals_completed", "milestones_confirmed", "milestones_waiting")
"""A pair row's counts, summed into its program's row."""
MENTEE_TOTALS = ("open_help",)
PROGRAM_FIELDS = (*PAIR_TOTALS, *MENTEE_TOTALS)
PAIR_FIELDS = (
    "last_met_at",
    "mentor_last_active",
    *PAIR_TOTALS,
    "listed_from",
    "resolved_at",
    "weeks",
)
MENTEE_SIGNALS = ("mood_1", "mood_2", "mood_3", "moods_since", "help_asked_at")
"""A mentee row's fields that the list of pairs at risk reads (``risk_rows.mentee_signals``)."""
MENTEE_FIELDS = (*MENTEE_SIGNALS, "open_help")
WEEK_FIELDS = ("checkins", "mood_total", *program_weeks.COUNTS)
EMPTY_PAIR = {**dict.fromkeys(PAIR_FIELDS), **dict.fromkeys(PAIR_TOTALS, 0)}
EMPTY_MENTEE = {**dict.fromkeys(MENTEE_FIELDS), "open_help": 0}
EMPTY_PROGRAM = dict.fromkeys(PROGRAM_FIELDS, 0)
EMPTY_WEEK = dict.fromkeys(WEEK_FIELDS, 0)


def computed_pairs(pair_ids: sa.Select | list[int]) -> dict[int, dict]:
    """Per pair of ``pair_ids`` with anything to say: its latest held meeting and the latest
    thing one of its own mentors did (acknowledged a check-in, logged or confirmed a meeting,
    acted on a milestone, gave kudos), its goal counts, and when it is on the list of pairs at
    risk (``risk_rows``). Three queries and the programs' calendars."""
    found: dict[int, dict] = defaultdict(lambda: dict(EMPTY_PAIR))
    met = (
        sa.select(
            Meeting.mentorship_id,
            sa.literal("last_met_at", sa.String()),
            sa.func.max(Meeting.starts_at),
        )
        .where(Meeting.mentorship_id.in_(pair_ids), Meeting.status == MeetingStatus.HELD.literal)
        .group_by(Meeting.mentorship_id)
    )
    for pair, name, at in db.session.execute(sa.union_all(met, _mentor_actions(pair_ids))):
        found[pair][name] = at
    for pair, *counts in db.session.execute(_goal_counts(Goal.mentorship_id.in_(pair_ids))):
        found[pair].update(zip(PAIR_TOTALS, counts, strict=True))
    for pair, weeks in program_weeks.computed_pair_weeks(pair_ids).items():
        if weeks:
            found[pair]["weeks"] = weeks
    from .programs.risk_rows import add_listing  # the list's rule, from the facts above

    add_listing(pair_ids, found)
    return dict(found)


def _goal_counts(where: sa.ColumnElement[bool]) -> sa.Select:
    """(pair, active goals, completed goals, confirmed milestones, milestones waiting on a goal
    not archived) of the pairs with a goal ``where`` selects."""
    goal = sa.func.count(sa.distinct(Goal.id))
    return (
        sa.select(
            Goal.mentorship_id,
            goal.filter(Goal.status == GoalStatus.ACTIVE),
            goal.filter(Goal.status == GoalStatus.COMPLETED),
            sa.func.count(Milestone.id).filter(Milestone.status == MilestoneStatus.CONFIRMED),
            sa.func.count(Milestone.id).filter(
                Milestone.status == MilestoneStatus.WAITING, Goal.status != GoalStatus.ARCHIVED
            ),
        )
        .outerjoin(Milestone, Milestone.goal_id == Goal.id)
        .where(where)
        .group_by(Goal.mentorship_id)
    )


def _mentor_actions(pair_ids: sa.Select | list[int]) -> sa.Select:
    """(pair, "mentor_last_active", latest action of one of its mentors): a union of the five
    kinds, aggregated."""
    mentors = (
        sa.select(MentorshipMember.mentorship_id, Membership.user_id)
        .join(Membership, Membership.id == MentorshipMember.membership_id)
        .where(MentorshipMember.mentorship_id.in_(pair_ids), Membership.role == Role.MENTOR)
        .subquery()
    )
    members = (
        sa.select(MentorshipMember.mentorship_id, MentorshipMember.membership_id)
        .where(MentorshipMember.mentorship_id.in_(pair_ids))
        .subquery()
    )

    def by_mentor(source, at, user_id, pair_id, *joins):
        query = sa.select(pair_id.label("pair"), at.label("at")).select_from(source)
        for target, on in joins:
            query = query.join(target, on)
        mentor = sa.and_(mentors.c.mentorship_id == pair_id, mentors.c.user_id == user_id)
        return query.join(mentors, mentor)

    acks = (  # only the pair's mentors acknowledge its check-ins
        sa.select(members.c.mentorship_id.label("pair"), CheckIn.acknowledged_at.label("at"))
        .join(members, members.c.membership_id == CheckIn.membership_id)
        .where(CheckIn.acknowledged_at.is_not(None))
    )
    logged = by_mentor(Meeting, Meeting.created_at, Meeting.created_by_id, Meeting.mentorship_id)
    confirmed = by_mentor(
        MeetingConfirmation,
        MeetingConfirmation.at,
        MeetingConfirmation.user_id,
        Meeting.mentorship_id,
        (Meeting, Meeting.id == MeetingConfirmation.meeting_id),
    )
    reviewed = by_mentor(
        MilestoneEvent,
        MilestoneEvent.at,
        MilestoneEvent.actor_id,
        Goal.mentorship_id,
        (Milestone, Milestone.id == MilestoneEvent.milestone_id),
        (Goal, Goal.id == Milestone.goal_id),
    )
    kudos = by_mentor(Kudos, Kudos.created_at, Kudos.mentor_id, Kudos.mentorship_id)
    actions = sa.union_all(acks, logged, confirmed, reviewed, kudos).subquery()
    name = sa.literal("mentor_last_active", sa.String())
    return sa.select(actions.c.pair, name, sa.func.max(actions.c.at)).group_by(actions.c.pair)


def _mentee_values(key: sa.ColumnElement[int]) -> dict[str, sa.ColumnElement]:
    """Each field of a mentee's row as a scalar subquery on the facts of the mentee ``key``
    (a column of the enclosing statement): the moods of their last ``risk.LOW_MOOD_WEEKS``
    counted weeks (newest first) and the oldest of those weeks, and their open help requests
    (the oldest one's time and how many). Each is an indexed read of the mentee's rows."""
    counted = (
        sa.select(CheckIn.mood)
        .where(CheckIn.membership_id == key, CheckIn.mood.is_not(None))
        .order_by(CheckIn.week_key.desc())
        .limit(1)
    )
    ranks = range(risk.LOW_MOOD_WEEKS)
    moods = [counted.offset(rank).scalar_subquery() for rank in ranks]
    weeks = [counted.with_only_columns(CheckIn.week_key).offset(r).scalar_subquery() for r in ranks]
    open_help = sa.select(sa.func.count()).where(
        CheckIn.membership_id == key, CheckIn.wants_help, CheckIn.acknowledged_at.is_(None)
    )
    return {
        **{f"mood_{rank + 1}": mood for rank, mood in zip(ranks, moods, strict=True)},
        "moods_since": sa.func.coalesce(*reversed(weeks)),
        "help_asked_at": open_help.with_only_columns(
            sa.func.min(CheckIn.updated_at).label("asked")
        ).scalar_subquery(),
        "open_help": open_help.scalar_subquery(),
    }


def computed_mentees(mentee_ids: sa.Select | list[int]) -> dict[int, dict]:
    """Each mentee of ``mentee_ids``: their row as the facts say (``_mentee_values``). One
    query."""
    mentee = aliased(Membership)  # ``mentee_ids`` may itself select from memberships
    values = _mentee_values(mentee.id)
    rows = db.session.execute(
        sa.select(mentee.id, *values.values()).where(mentee.id.in_(mentee_ids))
    )
    return {row[0]: dict(zip(values, row[1:], strict=True)) for row in rows}


def _insert_missing(model, key, source: sa.Select) -> None:
    """INSERT … SELECT … ON CONFLICT DO NOTHING: a row for each key that has none yet (the
    SELECT always has a WHERE, or SQLite reads ON CONFLICT as a join's ON)."""
    source = source.where(sa.true())
    insert = insert_on_conflict(model).from_select([key.key, "program_id"], source)
    db.session.execute(insert.on_conflict_do_nothing())


def _add(model, keys: tuple[str, ...], changes: dict[tuple, dict[str, int]]) -> None:
    """Add each change to its row (``keys`` name the row; a missing row counts from nothing):
    INSERT … ON CONFLICT DO UPDATE SET n = n + excluded.n, one statement per row changed."""
    postgres = db.session.get_bind().dialect.name == "postgresql"
    for key, change in sorted(changes.items()):  # rows locked in one order: no deadlock
        if any(change.values()):
            statement = _add_statement(model, keys, tuple(change), postgres)
            db.session.execute(statement, {**dict(zip(keys, key, strict=True)), **change})


@functools.cache
def _add_statement(model, keys: tuple[str, ...], names: tuple[str, ...], postgres: bool):
    """Built once, like ``_lock_statement``."""
    table = model.__table__
    dialect = postgresql if postgres else sqlite
    insert = dialect.insert(table).values({n: sa.bindparam(n) for n in (*keys, *names)})
    added = {name: table.c[name] + insert.excluded[name] for name in names}
    return insert.on_conflict_do_update(index_elements=list(keys), set_=added)


Changes = dict[tuple, dict[str, int]]


def _lock(model, ids: list[int]) -> list[sa.Row]:
    """(key, program, the row's totals) of the rows of ``ids`` whose pair or mentee exists,
    each made when missing and locked, in one statement: INSERT … SELECT … ON CONFLICT DO
    UPDATE (rewriting the row's own program) … RETURNING, which gives the totals as they were
    (a new row's are its defaults). PostgreSQL locks every row it inserts or updates, in key
    order; on SQLite it is a write, so it holds the database's write lock."""
    postgres = db.session.get_bind().dialect.name == "postgresql"
    return sorted(db.session.execute(_lock_statement(model, postgres), {"ids": ids}).all())


_PAIRS, _MEMBERSHIPS = Mentorship.__table__.c, Membership.__table__.c  # Core, like the lock
_SOURCES = {  # (key, program) of the pairs or mentees of ``ids``
    PairSummary: lambda ids: sa.select(_PAIRS.id, _PAIRS.program_id).where(_PAIRS.id.in_(ids)),
    MenteeSummary: lambda ids: sa.select(_MEMBERSHIPS.id, _MEMBERSHIPS.program_id).where(
        _MEMBERSHIPS.id.in_(ids), _MEMBERSHIPS.role == Role.MENTEE
    ),
}
_RETURNED = {PairSummary: (*PAIR_TOTALS, "weeks"), MenteeSummary: (*MENTEE_TOTALS, *MENTEE_SIGNALS)}
"""What the lock returns of a row as it was: the counts its program's row sums, then what a
refresh compares with the new values (its share of the weeks; what the list reads)."""


@functools.cache
def _lock_statement(model, postgres: bool) -> sa.Insert:
    """Built once per table: building a statement costs more than SQLite running it."""
    table = model.__table__  # Core: given parameters, the ORM would take them for rows
    key = table.primary_key.columns[0]
    source = _SOURCES[model](sa.bindparam("ids", expanding=True))
    ordered = source.order_by(source.selected_columns[0])
    dialect = postgresql if postgres else sqlite
    insert = dialect.insert(table).from_select([key.key, "program_id"], ordered)
    upsert = insert.on_conflict_do_update(
        index_elements=[key.key], set_={"program_id": insert.excluded.program_id}
    )
    return upsert.returning(key, table.c.program_id, *(table.c[n] for n in _RETURNED[model]))


def _changes(locked: list[sa.Row], new: dict[int, tuple], totals: tuple[str, ...]) -> Changes:
    """By program, what its rows' ``totals`` gained: ``new`` (by key) against what the lock
    returned."""
    changes: Changes = defaultdict(lambda: dict.fromkeys(totals, 0))
    for row_key, program_id, *old in locked:
        change = changes[(program_id,)]
        for name, before, after in zip(totals, old, new[row_key], strict=True):
            change[name] += after - before
    return changes


def refresh_pairs(mentorship_ids: Iterable[int]) -> Changes:
    """Bring the rows of these pairs up to date with what the transaction did so far; return
    what that changed of their programs' totals."""
    ids = sorted(set(mentorship_ids))
    if not ids or not (locked := _lock(PairSummary, ids)):
        return {}
    values = computed_pairs([row[0] for row in locked])
    rows = [{"mentorship_id": row[0], **values.get(row[0], EMPTY_PAIR)} for row in locked]
    db.session.execute(sa.update(PairSummary), rows)
    new = {row["mentorship_id"]: tuple(row[n] for n in PAIR_TOTALS) for row in rows}
    weeks = program_weeks.pair_changes(
        {row[0]: (row[1], row[-1]) for row in locked},
        {row["mentorship_id"]: row["weeks"] for row in rows},
    )
    _add_weeks(db.session(), weeks)
    return _changes([row[:-1] for row in locked], new, PAIR_TOTALS)


def refresh_mentees(membership_ids: Iterable[int]) -> Changes:
    """Bring these mentees' rows up to date with what the transaction did so far: after the
    lock, one UPDATE computes them from the facts (``_mentee_values``) and returns their new
    values. Note the pairs of the mentees whose rows moved what the list of pairs at risk
    reads, for the same commit to refresh; return what the rows changed of their programs'
    totals."""
    from .programs.risk_rows import mentee_signals  # the list's reading of a mentee's row

    ids = sorted(set(membership_ids))
    if not ids or not (locked := _lock(MenteeSummary, ids)):
        return {}
    totals = len(MENTEE_TOTALS)
    before = {key: mentee_signals(*_signal_fields(row[totals:])) for key, _, *row in locked}
    new, moved = {}, []
    for key, *row in db.session.execute(_update_mentees(), {"locked": list(before)}):
        new[key] = tuple(row[:totals])
        if mentee_signals(*_signal_fields(row[totals:])) != before[key]:
            moved.append(key)
    if moved:
        touch(pairs_of_mentees=moved)
    return _changes([row[: 2 + totals] for row in locked], new, MENTEE_TOTALS)


def _signal_fields(values) -> tuple:
    """``MENTEE_SIGNALS``' values as ``risk_rows.mentee_signals`` takes them."""
    *moods, since, asked_at = values
    return tuple(moods), since, asked_at


@functools.cache
def _update_mentees() -> sa.Update:
    """Built once, like ``_lock_statement``; it returns (key, the row's new totals)."""
    table = MenteeSummary.__table__  # Core, like ``_lock_statement``'s
    key = table.c.membership_id
    update = sa.update(table).where(key.in_(sa.bindparam("locked", expanding=True)))
    returned = (table.c[n] for n in _RETURNED[MenteeSummary])
    return update.values(_mentee_values(key)).returning(key, *returned)


_TOUCHED = "waypoint_summaries_touched"
_KINDS = ("pairs", "mentees", "meetings", "milestones", "goals", "pairs_of_mentees", "programs")


def touch(session: Session | None = None, **keys: Iterable[int]) -> None:
    """Note keys whose rows the commit must refresh: ``pairs``, ``mentees``, ``meetings``,
    ``milestones`` or ``goals`` (of a pair), ``programs`` (every pair of theirs). ORM changes
    to the facts are noted by themselves (``listen``); a service that writes facts in Core
    statements says so through ``app.core_writes``."""
    touched = (session or db.session()).info.setdefault(_TOUCHED, {k: set() for k in _KINDS})
    for kind, ids in keys.items():
        touched[kind].update(ids)


def checkin_inserted(checkin: CheckIn) -> None:
    """A check-in inserted by a statement of its own, not by a flush: the mentee's row and
    the program's week count it at the commit, as ``_before_flush`` and ``_noticed`` would
    have noted it (it counted nothing before)."""
    session = db.session()
    session.info.setdefault(_WEEKS, {}).setdefault(checkin, None)
    touch(session, mentees=[checkin.membership_id])


def _noticed(session: Session, _context) -> None:
    """After each flush: the keys of the check-ins, meetings, confirmations, goals, milestones,
    milestone events, kudos and pair members it wrote, changed or deleted."""
    for row in (*session.new, *session.dirty, *session.deleted):
        if isinstance(row, CheckIn):
            touch(session, mentees=[row.membership_id])
            if _acknowledgement_changed(session, row):  # a mentor's action, given or taken back
                touch(session, pairs_of_mentees=[row.membership_id])
        elif isinstance(row, Meeting | Kudos | MentorshipMember | Goal):  # a member: "mentor"
            touch(session, pairs=[row.mentorship_id])
        elif isinstance(row, Mentorship):  # its status and dates: the program's weeks
            touch(session, pairs=[row.id])
        elif isinstance(row, Milestone):
            touch(session, goals=[row.goal_id])
        elif isinstance(row, MeetingConfirmation):
            touch(session, meetings=[row.meeting_id])
        elif isinstance(row, MilestoneEvent):
            touch(session, milestones=[row.milestone_id])
        elif isinstance(row, Mentorship) or (
            isinstance(row, CareRecord) and row.kind is CareKind.RESOLVED
        ):  # its status or its match; a resolution: when it is on the list of pairs at risk
            touch(session, pairs=[row.id if isinstance(row, Mentorship) else row.mentorship_id])
        elif isinstance(row, Membership) and _membership_moved(session, row):
            touch(session, pairs_of_mentees=[row.id])  # whether its mentee's signals count
        elif isinstance(row, BreakWeek) or (isinstance(row, Program) and _calendar_changed(row)):
            touch(session, programs=[row.id if isinstance(row, Program) else row.program_id])


_CALENDAR = ("starts_on", "ends_on", "cadence", "time_zone")
"""A program's fields its calendar reads: its pairs' rows follow (when they go quiet)."""


def _calendar_changed(program: Program) -> bool:
    attrs = sa.inspect(program).attrs
    return any(attrs[name].history.has_changes() for name in _CALENDAR)


def _membership_moved(session: Session, membership: Membership) -> bool:
    """Whether the flush changed who the membership is to its pairs (left, came back, another
    role): a pair's list reads only its present mentees."""
    if membership in session.new:
        return False  # in no pair yet
    if membership in session.deleted:
        return True
    attrs = sa.inspect(membership).attrs
    return attrs.left_at.history.has_changes() or attrs.role.history.has_changes()


def _acknowledgement_changed(session: Session, checkin: CheckIn) -> bool:
    """Whether the flush wrote the check-in's acknowledgement (a deleted one had it, maybe)."""
    if checkin in session.new:
        return checkin.acknowledged_at is not None
    if checkin in session.deleted:
        return True
    return sa.inspect(checkin).attrs.acknowledged_at.history.has_changes()


def _refresh_touched(session: Session) -> None:
    """Before the commit: refresh every noted row, in the action's own transaction (refreshing
    may flush more, so until nothing new was noted), then add what changed to the programs'
    rows and weeks: last, so every transaction locks pairs and mentees before programs."""
    if not has_app_context() or session is not db.session():
        return
    session.flush()  # the commit's own flush comes after this hook: note its rows first
    programs: Changes = defaultdict(lambda: dict(EMPTY_PROGRAM))
    while touched := session.info.pop(_TOUCHED, None):
        pairs = set(touched["pairs"])
        if touched["meetings"]:
            pairs.update(
                session.scalars(
                    sa.select(Meeting.mentorship_id).where(Meeting.id.in_(touched["meetings"]))
                )
            )
        if touched["pairs_of_mentees"]:
            pairs.update(
                session.scalars(
                    sa.select(MentorshipMember.mentorship_id).where(
                        MentorshipMember.membership_id.in_(touched["pairs_of_mentees"])
                    )
                )
            )
        if touched["programs"]:
            pairs.update(
                session.scalars(
                    sa.select(Mentorship.id).where(Mentorship.program_id.in_(touched["programs"]))
                )
            )
        if touched["milestones"] or touched["goals"]:
            pairs.update(
                session.scalars(
                    sa.select(Goal.mentorship_id)
                    .outerjoin(Milestone, Milestone.goal_id == Goal.id)
                    .where(
                        sa.or_(
                            Milestone.id.in_(touched["milestones"]),
                            Goal.id.in_(touched["goals"]),
                        )
                    )
                    .distinct()
                )
            )
        for changes in (refresh_mentees(touched["mentees"]), refresh_pairs(pairs)):
            for program, change in changes.items():
                for name, value in change.items():
                    programs[program][name] += value
    member_states.refresh(session)
    _add(ProgramSummary, ("program_id",), programs)
    _count_weeks(session)


def refresh() -> None:
    """Bring every summary row up to date with what the session did so far, as its commit
    would first (for a reading inside a transaction that is rolled back, as tests do)."""
    _refresh_touched(db.session())


_WEEKS = "waypoint_summaries_weeks"
_COUNTED = ("membership_id", "week_key", "mood")


def _counted(membership_id: int, week_key: str, mood: int | None) -> tuple | None:
    """What a check-in adds to its week's row: its mentee, week and mood, if it has a mood."""
    return None if mood is None else (membership_id, week_key, mood)


def _stored(history) -> object:
    """An attribute's value as the database holds it before the flush (NO_VALUE: not known)."""
    if history.deleted:
        return history.deleted[0]
    return history.unchanged[0] if history.unchanged else NO_VALUE


def _before_flush(session: Session, _context, _instances) -> None:
    """Before each flush: what each check-in it creates, changes or deletes counted before the
    transaction first changed it (read from the database when the session never loaded it)."""
    if not has_app_context() or session is not db.session():
        return
    seen = session.info.setdefault(_WEEKS, {})
    for row in session.new:
        if isinstance(row, CheckIn):
            seen.setdefault(row, None)
    unknown = {}
    for row in (*session.dirty, *session.deleted):
        if not isinstance(row, CheckIn) or row in seen:
            continue
        attrs = sa.inspect(row).attrs
        if row not in session.deleted and not any(
            attrs[name].history.has_changes() for name in _COUNTED
        ):
            continue
        stored = [_stored(attrs[name].history) for name in _COUNTED]
        if any(value is NO_VALUE for value in stored):
            unknown[sa.inspect(row).identity[0]] = row
        else:
            seen[row] = _counted(*stored)
    if unknown:
        with session.no_autoflush:
            for checkin_id, *stored in session.execute(
                sa.select(CheckIn.id, *(getattr(CheckIn, name) for name in _COUNTED)).where(
                    CheckIn.id.in_(unknown)
                )
            ):
                seen[unknown[checkin_id]] = _counted(*stored)


_PENDING = "waypoint_summaries_pending_weeks"


def _add_weeks(session: Session, changes: dict[tuple, dict[str, int]]) -> None:
    """Note changes to programs' weeks that the commit adds (``_count_weeks``)."""
    program_weeks.add_into(session.info.setdefault(_PENDING, {}), changes)


def _count_weeks(session: Session) -> None:
    """Add each check-in's change (what it counts now against what it counted before the
    transaction), and the pairs' and participants' (``program_weeks``), to its program's
    week; recount the programs whose weeks moved."""
    seen = session.info.pop(_WEEKS, None) or {}
    changes: dict[tuple, dict[str, int]] = session.info.pop(_PENDING, {})
    program_weeks.add_into(changes, program_weeks.member_changes(session))
    for row, before in seen.items():
        now = _counted(*(getattr(row, n) for n in _COUNTED)) if sa.inspect(row).persistent else None
        for counted, sign in ((before, -1), (now, 1)):
            if counted is None:
                continue
            membership_id, week_key, mood = counted
            mentee = session.get(Membership, membership_id)
            if mentee is not None and mentee.role is Role.MENTEE:
                change = changes.setdefault((mentee.program_id, week_key), {})
                change["checkins"] = change.get("checkins", 0) + sign
                change["mood_total"] = change.get("mood_total", 0) + sign * mood
    recount = program_weeks.recounted(session)
    _add(
        ProgramWeek,
        ("program_id", "week_key"),
        {key: change for key, change in changes.items() if key[0] not in recount},
    )
    if recount:
        _recount(sorted(recount))


def _forget(session: Session, *_args) -> None:
    session.info.pop(_TOUCHED, None)
    session.info.pop(_WEEKS, None)
    session.info.pop(_PENDING, None)
    program_weeks.forget(session)


def listen() -> None:
    """Install the session hooks once per process (every app shares SQLAlchemy's Session).
    They act on the app's session (``db.session``), the one the services use."""
    if not event.contains(Session, "before_commit", _refresh_touched):
        event.listen(Session, "before_flush", _before_flush)
        event.listen(Session, "after_flush", _noticed)
        event.listen(Session, "before_commit", _refresh_touched)
        event.listen(Session, "after_rollback", _forget)
        program_weeks.listen()
    member_states.listen()


@dataclass(frozen=True)
class Drift:
    table: str
    key: int | tuple
    stored: dict
    computed: dict


def check(fix: bool = False) -> list[Drift]:
    """Every mentee's, pair's, program's, program week's and member state's row against a
    recomputation from the facts; with ``fix``, the differing rows rewritten (missing ones
    inserted) in one transaction, the mentees' first (a pair's list reads its mentees' rows).
    A few grouped queries whatever the size."""
    drifts = [
        *_check(
            MenteeSummary,
            MenteeSummary.membership_id,
            sa.select(Membership.id, Membership.program_id).where(Membership.role == Role.MENTEE),
            computed_mentees,
            MENTEE_FIELDS,
            EMPTY_MENTEE,
            fix,
        ),
        *_check(
            PairSummary,
            PairSummary.mentorship_id,
            sa.select(Mentorship.id, Mentorship.program_id),
            computed_pairs,
            PAIR_FIELDS,
            EMPTY_PAIR,
            fix,
        ),
        *_check_sums(ProgramSummary, ("program_id",), computed_programs(), EMPTY_PROGRAM, fix),
        *_check_sums(ProgramWeek, ("program_id", "week_key"), computed_weeks(), EMPTY_WEEK, fix),
        *member_states.check(fix),
    ]
    if fix:
        db.session.commit()
    return drifts


def _check(model, key, source: sa.Select, computed, fields, empty, fix: bool) -> list[Drift]:
    ids = sa.select(source.selected_columns[0])
    expected = computed(ids)
    stored = {
        row[0]: dict(zip(fields, row[1:], strict=True))
        for row in db.session.execute(sa.select(key, *(getattr(model, f) for f in fields)))
    }
    drifts = []
    for i in db.session.scalars(ids):
        want, have = expected.get(i, empty), stored.get(i, empty)
        if want != have:
            drifts.append(Drift(model.__tablename__, i, have, want))
    if fix and drifts:
        _insert_missing(model, key, source)
        db.session.execute(sa.update(model), [{key.key: d.key, **d.computed} for d in drifts])
    return drifts


def computed_programs() -> dict[tuple, dict]:
    """Per program with anything to say, its totals from the facts: its pairs' goal counts and
    its mentees' open help requests. Two grouped queries."""
    found: dict[tuple, dict] = defaultdict(lambda: dict(EMPTY_PROGRAM))
    goals = _goal_counts(sa.true()).subquery()
    for program_id, *sums in db.session.execute(
        sa.select(Mentorship.program_id, *(sa.func.sum(column) for column in list(goals.c)[1:]))
        .join(goals, goals.c.mentorship_id == Mentorship.id)
        .group_by(Mentorship.program_id)
    ):
        found[(program_id,)].update(zip(PAIR_TOTALS, map(int, sums), strict=True))
    for program_id, count in db.session.execute(
        sa.select(Membership.program_id, sa.func.count())
        .join(CheckIn, CheckIn.membership_id == Membership.id)
        .where(
            Membership.role == Role.MENTEE, CheckIn.wants_help, CheckIn.acknowledged_at.is_(None)
        )
        .group_by(Membership.program_id)
    ):
        found[(program_id,)]["open_help"] = count
    return dict(found)


def computed_weeks(program_ids: sa.Select | None = None) -> dict[tuple, dict]:
    """Per (program, week) of ``program_ids`` (all when None): its mentees' moods (how many,
    and their sum; one grouped query) and ``program_weeks``' counts."""
    program_ids = sa.select(Program.id) if program_ids is None else program_ids
    found: dict[tuple, dict] = defaultdict(lambda: dict(EMPTY_WEEK))
    for key, counts in program_weeks.computed_counts(program_ids).items():
        found[key].update(counts)
    for program_id, week_key, count, total in db.session.execute(
        sa.select(
            Membership.program_id,
            CheckIn.week_key,
            sa.func.count(),
            sa.func.sum(CheckIn.mood),
        )
        .join(CheckIn, CheckIn.membership_id == Membership.id)
        .where(
            Membership.role == Role.MENTEE,
            CheckIn.mood.is_not(None),
            Membership.program_id.in_(program_ids),
        )
        .group_by(Membership.program_id, CheckIn.week_key)
    ):
        found[(program_id, week_key)].update(checkins=count, mood_total=int(total))
    return {key: counts for key, counts in found.items() if any(counts.values())}


def _recount(program_ids: list[int]) -> None:
    """Rewrite these programs' weeks, and their pairs' contributions, from the facts: their
    weeks or cadence periods moved."""
    pairs = sa.select(Mentorship.id).where(Mentorship.program_id.in_(program_ids))
    _insert_missing(
        PairSummary, PairSummary.mentorship_id, pairs.add_columns(Mentorship.program_id)
    )
    weeks = program_weeks.computed_pair_weeks(pairs)
    if weeks:
        db.session.execute(
            sa.update(PairSummary.__table__).where(
                PairSummary.__table__.c.mentorship_id == sa.bindparam("pair")
            ),
            [{"pair": pair, "weeks": value} for pair, value in weeks.items()],
        )
    db.session.execute(sa.delete(ProgramWeek).where(ProgramWeek.program_id.in_(program_ids)))
    rows = computed_weeks(sa.select(Program.id).where(Program.id.in_(program_ids)))
    if rows:
        db.session.execute(
            sa.insert(ProgramWeek),
            [{"program_id": p, "week_key": w, **counts} for (p, w), counts in rows.items()],
        )


def _check_sums(model, keys: tuple[str, ...], expected: dict, empty: dict, fix: bool):
    """The rows of ``model`` (named by ``keys``) against ``expected``; with ``fix``, the
    differing ones written (inserted when missing)."""
    fields = tuple(empty)
    stored = {
        tuple(row[: len(keys)]): dict(zip(fields, row[len(keys) :], strict=True))
        for row in db.session.execute(sa.select(*(getattr(model, n) for n in (*keys, *fields))))
    }
    programs = set(db.session.scalars(sa.select(Program.id)))
    drifts = [
        Drift(model.__tablename__, key, stored.get(key, empty), expected.get(key, empty))
        for key in sorted(set(stored) | set(expected))
        if key[0] in programs and stored.get(key, empty) != expected.get(key, empty)
    ]
    for drift in drifts if fix else ():
        insert = insert_on_conflict(model).values(
            **dict(zip(keys, drift.key, strict=True)), **drift.computed
        )
        db.session.execute(
            insert.on_conflict_do_update(
                index_elements=list(keys), set_={n: insert.excluded[n] for n in fields}
            )
        )
    return drifts
