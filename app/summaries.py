"""Keeping the summary rows (``PairSummary``, ``MenteeSummary``) equal to the facts.

Before each commit, the rows of the keys the transaction touched are refreshed
(``_refresh_touched``): the session notes the check-ins, meetings, confirmations, milestone
events and kudos it flushes, and a service that writes such facts in Core statements notes
their keys itself (``touch``). The rows are locked (inserted when missing, in the same
statement), then recomputed from the facts for those keys alone (a few indexed reads; a
mentee's row by one UPDATE whose values are those reads) and written, in the action's
transaction. The lock comes before the recomputation, so two actions on one key at
once run one after the other and the second reads what the first committed (READ COMMITTED on
PostgreSQL; SQLite serialises writers): neither loses the other's change. Recomputing rather
than adding to a counter keeps a row right whatever the action was (an edit, an undone
acknowledgement, a moved meeting).

The same recomputation, for every key at once in a query or two, is ``flask summaries check``'s
(the migration's backfill is its SQL twin): a missing row reads as a row of nothing.
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

from game import risk

from .extensions import db
from .models import (
    CheckIn,
    Goal,
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
    PairSummary,
    Role,
)

PAIR_FIELDS = ("last_met_at", "mentor_last_active")
MENTEE_FIELDS = ("mood_1", "mood_2", "mood_3", "moods_since", "help_asked_at", "open_help")
EMPTY_PAIR = dict.fromkeys(PAIR_FIELDS)
EMPTY_MENTEE = {**dict.fromkeys(MENTEE_FIELDS), "open_help": 0}


def computed_pairs(pair_ids: sa.Select | list[int]) -> dict[int, dict]:
    """Per pair of ``pair_ids`` with anything to say: its latest held meeting and the latest
    thing one of its own mentors did (acknowledged a check-in, logged or confirmed a meeting,
    acted on a milestone, gave kudos). One query."""
    found: dict[int, dict] = defaultdict(lambda: dict(EMPTY_PAIR))
    met = (
        sa.select(
            Meeting.mentorship_id,
            sa.literal("last_met_at", sa.String()),
            sa.func.max(Meeting.starts_at),
        )
        .where(Meeting.mentorship_id.in_(pair_ids), Meeting.status == MeetingStatus.HELD)
        .group_by(Meeting.mentorship_id)
    )
    for pair, name, at in db.session.execute(sa.union_all(met, _mentor_actions(pair_ids))):
        found[pair][name] = at
    return dict(found)


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
    """INSERT … SELECT … ON CONFLICT DO NOTHING: a row for each key that has none yet."""
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    insert = dialect.insert(model).from_select([key.key, "program_id"], source)
    db.session.execute(insert.on_conflict_do_nothing())


def _lock(model, ids: list[int]) -> list[int]:
    """The rows of ``ids`` whose pair or mentee exists, each made when missing and locked, in
    one statement: INSERT … SELECT … ON CONFLICT DO UPDATE (rewriting the row's own program)
    … RETURNING. PostgreSQL locks every row it inserts or updates, in key order; on SQLite it
    is a write, so it holds the database's write lock."""
    postgres = db.session.get_bind().dialect.name == "postgresql"
    return sorted(db.session.scalars(_lock_statement(model, postgres), {"ids": ids}))


_PAIRS, _MEMBERSHIPS = Mentorship.__table__.c, Membership.__table__.c  # Core, like the lock
_SOURCES = {  # (key, program) of the pairs or mentees of ``ids``
    PairSummary: lambda ids: sa.select(_PAIRS.id, _PAIRS.program_id).where(_PAIRS.id.in_(ids)),
    MenteeSummary: lambda ids: sa.select(_MEMBERSHIPS.id, _MEMBERSHIPS.program_id).where(
        _MEMBERSHIPS.id.in_(ids), _MEMBERSHIPS.role == Role.MENTEE
    ),
}


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
    return upsert.returning(key)


def refresh_pairs(mentorship_ids: Iterable[int]) -> None:
    """Bring the rows of these pairs up to date with what the transaction did so far."""
    ids = sorted(set(mentorship_ids))
    if ids and (locked := _lock(PairSummary, ids)):
        values = computed_pairs(locked)
        rows = [{"mentorship_id": i, **values.get(i, EMPTY_PAIR)} for i in locked]
        db.session.execute(sa.update(PairSummary), rows)


def refresh_mentees(membership_ids: Iterable[int]) -> None:
    """Bring these mentees' rows up to date with what the transaction did so far: after the
    lock, one UPDATE computes them from the facts (``_mentee_values``)."""
    ids = sorted(set(membership_ids))
    if ids and (locked := _lock(MenteeSummary, ids)):
        db.session.execute(_update_mentees(), {"locked": locked})


@functools.cache
def _update_mentees() -> sa.Update:
    """Built once, like ``_lock_statement``."""
    table = MenteeSummary.__table__  # Core, like ``_lock_statement``'s
    key = table.c.membership_id
    update = sa.update(table).where(key.in_(sa.bindparam("locked", expanding=True)))
    return update.values(_mentee_values(key))


_TOUCHED = "waypoint_summaries_touched"
_KINDS = ("pairs", "mentees", "meetings", "milestones", "pairs_of_mentees")


def touch(session: Session | None = None, **keys: Iterable[int]) -> None:
    """Note keys whose rows the commit must refresh: ``pairs``, ``mentees``, ``meetings`` or
    ``milestones`` (of a pair). ORM changes to the facts are noted by themselves (``listen``);
    a service that writes facts in Core statements notes them here."""
    touched = (session or db.session()).info.setdefault(_TOUCHED, {k: set() for k in _KINDS})
    for kind, ids in keys.items():
        touched[kind].update(ids)


def _noticed(session: Session, _context) -> None:
    """After each flush: the keys of the check-ins, meetings, confirmations, milestone events,
    kudos and pair members it wrote, changed or deleted."""
    for row in (*session.new, *session.dirty, *session.deleted):
        if isinstance(row, CheckIn):
            touch(session, mentees=[row.membership_id])
            if _acknowledgement_changed(session, row):  # a mentor's action, given or taken back
                touch(session, pairs_of_mentees=[row.membership_id])
        elif isinstance(row, Meeting | Kudos | MentorshipMember):  # a member decides "mentor"
            touch(session, pairs=[row.mentorship_id])
        elif isinstance(row, MeetingConfirmation):
            touch(session, meetings=[row.meeting_id])
        elif isinstance(row, MilestoneEvent):
            touch(session, milestones=[row.milestone_id])


def _acknowledgement_changed(session: Session, checkin: CheckIn) -> bool:
    """Whether the flush wrote the check-in's acknowledgement (a deleted one had it, maybe)."""
    if checkin in session.new:
        return checkin.acknowledged_at is not None
    if checkin in session.deleted:
        return True
    return sa.inspect(checkin).attrs.acknowledged_at.history.has_changes()


def _refresh_touched(session: Session) -> None:
    """Before the commit: refresh every noted row, in the action's own transaction (refreshing
    may flush more, so until nothing new was noted)."""
    if not has_app_context() or session is not db.session():
        return
    session.flush()  # the commit's own flush comes after this hook: note its rows first
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
        if touched["milestones"]:
            pairs.update(
                session.scalars(
                    sa.select(Goal.mentorship_id)
                    .join(Milestone, Milestone.goal_id == Goal.id)
                    .where(Milestone.id.in_(touched["milestones"]))
                )
            )
        refresh_mentees(touched["mentees"])
        refresh_pairs(pairs)


def _forget(session: Session, *_args) -> None:
    session.info.pop(_TOUCHED, None)


def listen() -> None:
    """Install the session hooks once per process (every app shares SQLAlchemy's Session).
    They act on the app's session (``db.session``), the one the services use."""
    if not event.contains(Session, "before_commit", _refresh_touched):
        event.listen(Session, "after_flush", _noticed)
        event.listen(Session, "before_commit", _refresh_touched)
        event.listen(Session, "after_rollback", _forget)


@dataclass(frozen=True)
class Drift:
    table: str
    key: int
    stored: dict
    computed: dict


def check(fix: bool = False) -> list[Drift]:
    """Every pair's and mentee's row against a recomputation from the facts; with ``fix``, the
    differing rows rewritten (missing ones inserted) in one transaction. A few grouped queries
    whatever the size."""
    drifts = [
        *_check(
            PairSummary,
            PairSummary.mentorship_id,
            sa.select(Mentorship.id, Mentorship.program_id),
            computed_pairs,
            PAIR_FIELDS,
            EMPTY_PAIR,
            fix,
        ),
        *_check(
            MenteeSummary,
            MenteeSummary.membership_id,
            sa.select(Membership.id, Membership.program_id).where(Membership.role == Role.MENTEE),
            computed_mentees,
            MENTEE_FIELDS,
            EMPTY_MENTEE,
            fix,
        ),
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
