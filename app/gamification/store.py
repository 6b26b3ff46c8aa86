"""Writing the game's rows: insert-or-ignore, a lock per player, totals moved by a delta.

Serialization, the one rule both backends follow: before a recording reads anything, its
transaction holds a write lock that covers its players (``lock_players``).

- SQLite allows one writer at a time. The transaction's first write ends its read snapshot
  and begins again with BEGIN IMMEDIATE (see ``app.database``), which waits (busy_timeout)
  for the database write lock and keeps it until COMMIT, so every read made after it (the
  caps, the streak, the badges) sees the latest data and nobody can write in between. A
  recording whose action wrote first (a check-in's INSERT) holds it already and sends no lock
  statement; otherwise the lock is that first write (insert-or-ignore of the totals).
- PostgreSQL then locks the players' rows with ``SELECT … FOR UPDATE`` (in id order, so two
  recordings never deadlock); a concurrent recording for the same person waits, and READ
  COMMITTED lets it see the rows the first one committed. One gap: a person's very first rows
  in two programs, created at the same instant, do not see each other's lock, so the weekly
  meeting cap (counted across programs) could be passed once in that moment.
- Only the meeting cap reads a person's rows of other programs: every other event locks the
  players' rows of its own program alone, inserting and locking them in one statement (an
  upsert that adds nothing), since a recording in another program cannot change what it
  reads. Holding one row of the person, it cannot deadlock with one that locks them all.

Caps (meetings per week, milestones per goal) are read after the lock and written before the
commit, so they hold under concurrency; the UNIQUE keys make every retry a no-op.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping, Sequence

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

import game

from ..database import holds_write_lock, insert_on_conflict
from ..extensions import db
from ..models import PlayerTotal, PointsAward

BULK_ROWS = 500  # rows per multi-row INSERT: well under both backends' bound-parameter limits


def insert_once(model, rows: dict | Sequence[dict], index_elements: Sequence[str]) -> int:
    """INSERT … ON CONFLICT DO NOTHING on the dialect in use; returns how many rows were new.

    The new rows are counted from RETURNING (only inserted rows come back, on both backends):
    psycopg reports a row count of -1 for this statement, so ``rowcount`` cannot be trusted.
    """
    return len(inserted(model, rows, index_elements))


def inserted(model, rows: dict | Sequence[dict], index_elements: Sequence[str]) -> list:
    """Insert-or-ignore; the first unique column of each row that was new."""
    table = model.__table__
    statement = (
        insert_on_conflict(table)
        .values(rows)
        .on_conflict_do_nothing(index_elements=index_elements)
        .returning(table.c[index_elements[0]])
    )
    return list(db.session.scalars(statement))


def insert_all_once(model, rows: Sequence[dict], index_elements: Sequence[str]) -> list:
    """``inserted`` for any number of rows, ``BULK_ROWS`` to a statement."""
    return [
        new
        for start in range(0, len(rows), BULK_ROWS)
        for new in inserted(model, rows[start : start + BULK_ROWS], index_elements)
    ]


def lock_players(user_ids: Iterable[int], program_id: int, every_program: bool = True) -> None:
    """Take the players' write lock (see the module docstring), unless the transaction holds
    SQLite's already.

    With ``every_program``, every total row of each person is locked, in every program,
    because the meeting cap counts a person's meetings of the week in any program; without
    it, only their row of ``program_id``, in one statement.
    """
    users = sorted(set(user_ids))
    if not users or holds_write_lock():
        return
    if not every_program:
        add_points(dict.fromkeys(users, 0), program_id)
        return
    insert_once(
        PlayerTotal,
        [{"user_id": user, "program_id": program_id, "points": 0} for user in users],
        ["user_id", "program_id"],
    )
    db.session.execute(
        sa.select(PlayerTotal.user_id)
        .where(PlayerTotal.user_id.in_(users))
        .order_by(PlayerTotal.user_id, PlayerTotal.program_id)
        .with_for_update()
    ).all()


def add_points(deltas: Mapping[int, int], program_id: int) -> dict[int, int]:
    """``points = points + delta`` in the database, never read, added and written back; each
    row made when missing. Returns every total after, in one statement however many rows:
    INSERT … ON CONFLICT DO UPDATE … RETURNING, a write that PostgreSQL locks in id order (a
    delta of 0 only locks and reads the row)."""
    postgres = db.session.get_bind().dialect.name == "postgresql"
    rows = [  # a row is checked as inserted before its conflict is: never below 0 (a reversal)
        {"user_id": user, "program_id": program_id, "points": max(delta, 0), "delta": delta}
        for user, delta in sorted(deltas.items())
    ]
    if not rows:
        return {}
    return dict(db.session.execute(_add_to_totals(postgres), rows).all())


@functools.cache
def _add_to_totals(postgres: bool) -> sa.Insert:
    """Built once: statement construction costs more than SQLite running it."""
    table = PlayerTotal.__table__
    insert = (postgresql if postgres else sqlite).insert(table)
    return insert.on_conflict_do_update(
        index_elements=["user_id", "program_id"],
        set_={"points": table.c.points + sa.bindparam("delta")},
    ).returning(table.c.user_id, table.c.points, sort_by_parameter_order=True)


def lock_all_totals() -> None:
    """Take every player's lock at once, before a rebuild reads anything: on PostgreSQL every
    total row ``FOR UPDATE`` (in the order ``lock_players`` uses, so neither deadlocks the
    other); on SQLite a write, which takes the database's write lock until COMMIT. A recording
    that starts meanwhile waits, so the rebuild's sums cannot overwrite fresher totals."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(
            sa.select(PlayerTotal.user_id)
            .order_by(PlayerTotal.user_id, PlayerTotal.program_id)
            .with_for_update()
        ).all()
    else:
        db.session.execute(sa.update(PlayerTotal).values(points=PlayerTotal.points))


def write_entry(entry: game.Entry, program_id: int) -> bool:
    """Append one ledger row unless its key is already there; True when it is new."""
    return insert_once(PointsAward, entry_values(entry, program_id), ["key"]) == 1


def write_entries(entries: Sequence[game.Entry], program_id: int) -> tuple[game.Entry, ...]:
    """Append the ledger rows whose keys are not there yet, in one statement; the new ones."""
    if not entries:
        return ()
    rows = [entry_values(entry, program_id) for entry in entries]
    new = set(insert_all_once(PointsAward, rows, ["key"]))
    return tuple(entry for entry in entries if entry.key in new)


def entry_values(entry: game.Entry, program_id: int) -> dict:
    """The ``awards`` row of a ledger entry, every column named (rows of one multi-row INSERT
    must have the same keys)."""
    reversal = isinstance(entry, game.Reversal)
    week = None if reversal or entry.week is None else str(entry.week)
    return {
        "key": entry.key,
        "user_id": entry.user_id,
        "program_id": program_id,
        "amount": entry.amount,
        "reason": entry.reason.value,
        "goal_id": entry.goal_id,
        "target_key": entry.target_key if reversal else None,
        "week_key": week,
    }


def move_all_totals(deltas: Mapping[tuple[int, int], int]) -> None:
    """``points = points + delta`` for (user, program) pairs of any programs whose rows exist, in
    one executemany (a rebuild's corrections, made after ``lock_all_totals``)."""
    table = PlayerTotal.__table__
    params = [
        {"user": user, "program": program, "delta": delta}
        for (user, program), delta in sorted(deltas.items())
        if delta
    ]
    if params:
        db.session.execute(
            sa.update(table)
            .where(
                table.c.user_id == sa.bindparam("user"),
                table.c.program_id == sa.bindparam("program"),
            )
            .values(points=table.c.points + sa.bindparam("delta")),
            params,
        )
