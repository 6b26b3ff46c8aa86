"""Per-program-week counters: what the outcomes pages and the coordinator's meeting figures
count, kept on ``ProgramWeek`` rows so a page reads a handful of rows per week whatever the
program's size.

A week is the program's own (its time zone), the one an instant falls in. Two kinds of fact
feed the rows:

- a pair's (``pair_counts``): its confirmed milestones and completed goals, its match and its
  close (when it ran: active or closed), whether it is active, its held meetings, and two keys
  for the figures that are not sums of weeks (below). A pair's whole contribution is stored on
  its summary row (``PairSummary.weeks``): ``app.summaries`` refreshes that row under its lock
  for every pair an action touched, and adds the new contribution minus the stored one (the
  lock's RETURNING) to the program's weeks.
- a participant's (``member_counts``): the week they joined in (mentees: and left in), and,
  for the outcomes funnel, whether they ever were in a pair that ran and whether they are still
  in one that lasts (counted on their joining week: only the program's sums are read). Those
  are read from the database before the transaction's first flush that changes them (the
  membership, its pair links, or a pair's status: ``_before_flush``) and again before the
  commit, and the difference is added.

"Pairs that held a meeting in a cadence period" is a distinct count: a pair counts 1 in the
week of its first held meeting of each period (``pairs_met``), so a period's figure is the sum
of its weeks. It is recomputed with the rest of the pair's contribution (a pair has a few
dozen meetings at most), which keeps it right however a meeting moves; per-pair summary data
was chosen over recounting the touched period from the meetings because a pair's row is
locked and rewritten anyway on every such action.

"Quiet" pairs (``game.quiet_bounds``: matched before the period after the first bound and no
held meeting of the program's weeks from the first bound on) are counted from one key per
active pair (``pairs_recent``): the first week of the later of the period of its latest held
meeting and the period before the one it was matched in. A pair is not quiet exactly when that
key is at or after the first bound, so the quiet pairs are the active ones minus the keys from
the bound on.

A change that moves the weeks or the periods of a whole program (its time zone, cadence,
dates, or its closing) recounts that program's rows and pairs in one grouped pass
(``recount``); ``flask summaries check`` recomputes every row the same way.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask import has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from game.weeks import WeekKey, local_date, week_of

from .calendars import program_calendar
from .extensions import db
from .models import (
    Goal,
    GoalStatus,
    Meeting,
    MeetingStatus,
    Membership,
    Mentorship,
    MentorshipMember,
    MentorshipStatus,
    Milestone,
    MilestoneStatus,
    Program,
    Role,
)

PAIR_COUNTS = (
    "milestones",  # milestones confirmed that week
    "goals",  # goals completed that week
    "pairs_matched",  # pairs that ran (active or closed), by the week they were matched
    "pairs_closed",  # of those, by the week they closed
    "pairs_active",  # active pairs, by the week they were matched
    "meetings_held",  # held meetings of any pair
    "pairs_met",  # pairs whose first held meeting of a period is that week's
    "pairs_recent",  # active pairs by their quiet key (the module says how)
)
MEMBER_COUNTS = (
    "mentees_joined",
    "mentees_left",
    "mentors_joined",
    "mentees_matched",  # ever in a pair that ran, by the week they joined
    "mentors_matched",
    "mentees_lasting",  # not left and in a pair that lasts (active, or ended by the closing)
    "mentors_lasting",
)
COUNTS = (*PAIR_COUNTS, *MEMBER_COUNTS)
RAN = (MentorshipStatus.ACTIVE, MentorshipStatus.CLOSED)
_PAIR = {name: i for i, name in enumerate(PAIR_COUNTS)}

Contribution = dict[tuple[int, str], dict[str, int]]  # (program, week) -> counts


@dataclass(frozen=True)
class Shape:
    """How a program's instants fall in its weeks and cadence periods."""

    zone: str
    first: WeekKey
    last: WeekKey
    period_of: dict[WeekKey, int]
    period_starts: tuple[WeekKey, ...]

    def week(self, instant: datetime) -> WeekKey:
        return week_of(local_date(instant, self.zone))

    def period(self, week: WeekKey) -> int | None:
        """The period a week counts in: the first one for a week before the program, none
        after it."""
        if week < self.first:
            return 0
        return self.period_of.get(week)


def shape_of(program: Program) -> Shape:
    calendar = program_calendar(program, ())  # break weeks change no period
    periods = calendar.periods()
    return Shape(
        program.time_zone,
        calendar.weeks()[0],
        calendar.weeks()[-1],
        {week: i for i, period in enumerate(periods) for week in period},
        tuple(period[0] for period in periods),
    )


def pair_counts(shape: Shape, status, matched, closed, held, completed, confirmed) -> dict | None:
    """One pair's contribution, by week key: a list of ``PAIR_COUNTS`` (None when nothing)."""
    found: dict[str, list[int]] = {}

    def add(week: WeekKey, name: str) -> None:
        found.setdefault(str(week), [0] * len(PAIR_COUNTS))[_PAIR[name]] += 1

    for at in confirmed:
        add(shape.week(at), "milestones")
    for at in completed:
        add(shape.week(at), "goals")
    held_weeks = sorted(shape.week(at) for at in held)
    for week in held_weeks:
        add(week, "meetings_held")
    if status in RAN:
        matched_week = shape.week(matched)
        add(matched_week, "pairs_matched")
        if closed is not None:
            add(shape.week(closed), "pairs_closed")
        firsts: dict[int, WeekKey] = {}
        for week in held_weeks:  # in order: the first of each period stays
            period = shape.period(week)
            if period is not None:
                firsts.setdefault(period, week)
        for week in firsts.values():
            add(week, "pairs_met")
        if status is MentorshipStatus.ACTIVE:
            add(matched_week, "pairs_active")
            inside = [w for w in held_weeks if shape.first <= w <= shape.last]
            met = shape.period_of[inside[-1]] if inside else -1
            if matched_week < shape.first:
                matched_period = 0
            else:
                matched_period = shape.period_of.get(matched_week, len(shape.period_starts))
            key = min(max(met, matched_period - 1), len(shape.period_starts) - 1)
            if key >= 0:
                add(shape.period_starts[key], "pairs_recent")
    return found or None


def _shapes(program_ids: Iterable[int], conn=None) -> dict[int, Shape]:
    """The programs' shapes: from the session's identity map (where an action's program
    usually is), or read through ``conn`` (a migration's connection)."""
    ids = set(program_ids)
    if conn is None:
        programs = [db.session.get(Program, i) for i in ids]
    else:
        programs = conn.execute(
            sa.select(
                Program.id, Program.starts_on, Program.ends_on, Program.cadence, Program.time_zone
            ).where(Program.id.in_(ids))
        ).all()
    return {program.id: shape_of(program) for program in programs if program is not None}


def computed_pair_weeks(pair_ids: sa.Select | list[int], conn=None) -> dict[int, dict | None]:
    """Each pair of ``pair_ids``: its contribution (``pair_counts``). Two queries (through
    ``conn`` when given, else the session)."""
    execute = (conn or db.session).execute
    pairs = execute(
        sa.select(
            Mentorship.id,
            Mentorship.program_id,
            Mentorship.status,
            Mentorship.created_at,
            Mentorship.closed_at,
        ).where(Mentorship.id.in_(pair_ids))
    ).all()
    if not pairs:
        return {}
    facts = sa.union_all(
        sa.select(Meeting.mentorship_id, sa.literal(0), Meeting.starts_at).where(
            Meeting.mentorship_id.in_(pair_ids), Meeting.status == MeetingStatus.HELD.literal
        ),
        sa.select(Goal.mentorship_id, sa.literal(1), Goal.completed_at).where(
            Goal.mentorship_id.in_(pair_ids),
            Goal.status == GoalStatus.COMPLETED,
            Goal.completed_at.is_not(None),
        ),
        sa.select(Goal.mentorship_id, sa.literal(2), Milestone.confirmed_at)
        .join(Milestone, Milestone.goal_id == Goal.id)
        .where(
            Goal.mentorship_id.in_(pair_ids),
            Milestone.status == MilestoneStatus.CONFIRMED,
            Milestone.confirmed_at.is_not(None),
        ),
    )
    times: dict[int, tuple[list, list, list]] = defaultdict(lambda: ([], [], []))
    for pair, kind, at in execute(facts):
        times[pair][kind].append(at)
    shapes = _shapes((row.program_id for row in pairs), conn)
    return {
        row.id: pair_counts(
            shapes[row.program_id], row.status, row.created_at, row.closed_at, *times[row.id]
        )
        for row in pairs
    }


def pair_changes(old: dict[int, tuple[int, dict | None]], new: dict[int, dict | None]):
    """By (program, week), what the pairs' contributions gained: ``new`` against ``old``
    ((program, stored contribution) by pair)."""
    changes: Contribution = defaultdict(lambda: dict.fromkeys(PAIR_COUNTS, 0))
    for pair, (program_id, before) in old.items():
        for weeks, sign in ((before, -1), (new.get(pair), 1)):
            for week, counts in (weeks or {}).items():
                change = changes[(program_id, week)]
                for name, count in zip(PAIR_COUNTS, counts, strict=True):
                    change[name] += sign * count
    return changes


def _member_rows(where: sa.ColumnElement[bool]) -> sa.Select:
    """(membership, program, role, joined, left, ever matched, lasting) of the participants
    ``where`` selects."""

    def paired(condition: sa.ColumnElement[bool]) -> sa.Exists:
        return (
            sa.select(MentorshipMember.id)
            .join(Mentorship, Mentorship.id == MentorshipMember.mentorship_id)
            .where(MentorshipMember.membership_id == Membership.id, condition)
            .exists()
        )

    lasting = sa.or_(
        Mentorship.status == MentorshipStatus.ACTIVE,
        sa.and_(Program.closed_at.is_not(None), Mentorship.closed_at >= Program.closed_at),
    )
    return (
        sa.select(
            Membership.id,
            Membership.program_id,
            Membership.role,
            Membership.joined_at,
            Membership.left_at,
            paired(Mentorship.status.in_(RAN)),
            paired(lasting),
        )
        .join(Program, Program.id == Membership.program_id)
        .where(where, Membership.role.in_((Role.MENTEE, Role.MENTOR)))
    )


def member_counts(
    where: sa.ColumnElement[bool], conn=None, lock: bool = False
) -> dict[int, Contribution]:
    """Each participant ``where`` selects: their contribution by (program, week); with
    ``lock``, their rows locked first (PostgreSQL), so a second transaction changing them
    reads what this one commits as its "before"."""
    query = _member_rows(where)
    if lock:
        query = query.order_by(Membership.id).with_for_update(of=Membership)
    rows = (conn or db.session).execute(query).all()
    shapes = _shapes((row.program_id for row in rows), conn)
    found: dict[int, Contribution] = {}
    for key, program_id, role, joined, left, matched, lasting in rows:
        shape, side = shapes[program_id], "mentees" if role is Role.MENTEE else "mentors"
        counts: Contribution = defaultdict(lambda: dict.fromkeys(MEMBER_COUNTS, 0))
        week = (program_id, str(shape.week(joined)))
        counts[week][f"{side}_joined"] += 1
        counts[week][f"{side}_matched"] += bool(matched)
        counts[week][f"{side}_lasting"] += bool(lasting) and left is None
        if left is not None and role is Role.MENTEE:
            counts[(program_id, str(shape.week(left)))]["mentees_left"] += 1
        found[key] = counts
    return found


def add_into(total: Contribution, contribution: Contribution, sign: int = 1) -> None:
    for key, counts in contribution.items():
        row = total.setdefault(key, {})
        for name, count in counts.items():
            row[name] = row.get(name, 0) + sign * count


# --- participants: before the transaction's first change, and before its commit -------------

_SEEN = "waypoint_program_weeks_members"  # membership id -> contribution before
_NEW = "waypoint_program_weeks_new"  # Membership objects created by the transaction
_RECOUNT = "waypoint_program_weeks_recount"  # program ids whose weeks or periods moved
_MEMBER_FIELDS = ("program_id", "role", "joined_at", "left_at")
_PAIR_FIELDS = ("status", "closed_at")
_PROGRAM_FIELDS = ("time_zone", "cadence", "starts_on", "ends_on", "closed_at")


def _changed(row, names) -> bool:
    attrs = sa.inspect(row).attrs
    return any(attrs[name].history.has_changes() for name in names)


def members_added(ids: Iterable[int], session: Session | None = None) -> None:
    """Note participants a service inserted in Core: they counted nothing before."""
    seen = (session or db.session()).info.setdefault(_SEEN, {})
    for key in ids:
        seen.setdefault(key, {})


def pair_closing(pair_id: int) -> None:
    """Before a service closes a pair in Core (``core_writes.pair_ending``): note what its
    people counted before."""
    session = db.session()
    seen = session.info.setdefault(_SEEN, {})
    members = set(
        session.scalars(
            sa.select(MentorshipMember.membership_id).where(
                MentorshipMember.mentorship_id == pair_id
            )
        )
    ) - set(seen)
    before = member_counts(Membership.id.in_(members), lock=True) if members else {}
    for key in members:
        seen[key] = before.get(key, {})


def recount_program(program_id: int, session: Session | None = None) -> None:
    """Note a program whose weeks or periods a Core statement moved (its closing)."""
    (session or db.session()).info.setdefault(_RECOUNT, set()).add(program_id)


def _before_flush(session: Session, _context, _instances) -> None:
    """What each participant the flush changes counted before the transaction changed them."""
    if not has_app_context() or session is not db.session():
        return
    with session.no_autoflush:
        _note_members(session)


def _note_members(session: Session) -> None:
    seen = session.info.setdefault(_SEEN, {})
    new = session.info.setdefault(_NEW, set())
    ids: set[int] = set()
    for row in (*session.new, *session.dirty, *session.deleted):
        if isinstance(row, Membership):
            if row in session.new:
                new.add(row)
            elif row in session.deleted or _changed(row, _MEMBER_FIELDS):
                ids.add(sa.inspect(row).identity[0])
        elif isinstance(row, MentorshipMember):
            membership = row.membership_id or (row.membership and row.membership.id)
            if membership is None and row.membership is not None:
                new.add(row.membership)
            elif membership is not None and (row in session.new or row in session.deleted):
                ids.add(membership)
        elif isinstance(row, Mentorship) and row not in session.new:
            if row in session.deleted or _changed(row, _PAIR_FIELDS):
                ids.update(
                    session.scalars(
                        sa.select(MentorshipMember.membership_id).where(
                            MentorshipMember.mentorship_id == row.id
                        )
                    )
                )
        elif isinstance(row, Program) and row not in session.new and _changed(row, _PROGRAM_FIELDS):
            session.info.setdefault(_RECOUNT, set()).add(row.id)
    for created in new:  # written by an earlier flush of this transaction: counted nothing before
        identity = sa.inspect(created).identity
        if identity is not None:
            seen.setdefault(identity[0], {})
    ids -= set(seen)
    if ids:
        before = member_counts(Membership.id.in_(ids), lock=True)
        for key in ids:
            seen[key] = before.get(key, {})


def member_changes(session: Session) -> Contribution:
    """By (program, week), what the participants the transaction changed gained."""
    seen = session.info.pop(_SEEN, {})
    for row in session.info.pop(_NEW, ()):
        identity = sa.inspect(row).identity
        if identity is not None:
            seen.setdefault(identity[0], {})
    if not seen:
        return {}
    changes: Contribution = {}
    for before in seen.values():
        add_into(changes, before, -1)
    for after in member_counts(Membership.id.in_(seen)).values():
        add_into(changes, after)
    return changes


def recounted(session: Session) -> set[int]:
    return session.info.pop(_RECOUNT, set())


def forget(session: Session) -> None:
    for name in (_SEEN, _NEW, _RECOUNT):
        session.info.pop(name, None)


def listen() -> None:
    if not event.contains(Session, "before_flush", _before_flush):
        event.listen(Session, "before_flush", _before_flush)


# --- whole programs ---------------------------------------------------------------------------


def computed_counts(program_ids: sa.Select | list[int], conn=None) -> Contribution:
    """Per (program, week) of the programs ``program_ids``: every count of ``COUNTS`` from the
    facts, by grouped reads of the programs' pairs and participants."""
    found: Contribution = {}
    pair_ids = sa.select(Mentorship.id).where(Mentorship.program_id.in_(program_ids))
    programs = dict(
        (conn or db.session)
        .execute(
            sa.select(Mentorship.id, Mentorship.program_id).where(
                Mentorship.program_id.in_(program_ids)
            )
        )
        .all()
    )
    for pair, weeks in computed_pair_weeks(pair_ids, conn).items():
        for week, counts in (weeks or {}).items():
            add_into(found, {(programs[pair], week): dict(zip(PAIR_COUNTS, counts, strict=True))})
    for contribution in member_counts(Membership.program_id.in_(program_ids), conn).values():
        add_into(found, contribution)
    return found
