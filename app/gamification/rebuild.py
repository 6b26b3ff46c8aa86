"""Checking the game's records against the facts they come from, and repairing them.

- Ledger: replaying the recorded facts through the rules (``replay``) gives every row that
  should exist; each missing row is reported, and a stored row under the same key that pays
  someone else or another amount is reported too (never edited). A reversal must negate exactly
  one award of the same person.
- Badges: every tier the facts earn must be held. A tier held but no longer earned is reported
  and kept: badges are never taken back.
- Totals: each cached total must equal the sum of its ledger rows.

The reads are a fixed number of grouped queries however many people there are, and the work in
Python is the rules' own arithmetic. ``fix`` first takes the write lock
(``store.lock_all_totals``), so no recording can slip in between reading the facts and
writing; then it appends the missing rows and badges in bulk (a few hundred to a statement)
and moves each wrong total by its difference in one executemany, all in the caller's one
transaction. The ledger is never edited.
"""

from __future__ import annotations

import gc
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import aliased

import game

from ..extensions import db
from ..models import BadgeEarned, PlayerTotal, PointsAward
from . import replay, store


@dataclass(frozen=True)
class Difference:
    kind: str
    text: str
    fixable: bool = True


def check(fix: bool = False) -> list[Difference]:
    """Every difference found (already repaired when ``fix``); the caller commits."""
    with _no_cycle_collection():
        return _check(fix)


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """The check builds millions of small tuples that form no reference cycles (refcounting
    frees them): Python's cycle collector would walk them over and over as they pile up, a
    third of the check's time at 10,000 mentees. It runs again afterwards as it was."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _check(fix: bool) -> list[Difference]:
    if fix:
        store.lock_all_totals()
    else:
        _one_snapshot()
    expected = replay.replay(replay.read())
    differences = _ledger_integrity()
    differences += [Difference("refused", text, False) for text in expected.refused]
    awards, sums = _awards(expected, fix)
    differences += awards
    differences += _badges(expected, fix)
    differences += _totals(sums, fix)
    return differences


def _one_snapshot() -> None:
    """A check reads the facts, the ledger and the totals in separate statements: on
    PostgreSQL they all read one snapshot (REPEATABLE READ) when the check begins the
    transaction (as the command does), so a recording committed in between is seen by all of
    them or by none, never reported as a difference. Within a caller's transaction (the demo's
    seeding) its level stays. SQLite's transaction already reads one snapshot; a fix needs
    none, its lock keeps recordings out."""
    postgres = db.session.get_bind().dialect.name == "postgresql"
    if postgres and not db.session().in_transaction():
        db.session.connection(execution_options={"isolation_level": "REPEATABLE READ"})


Sums = Counter[tuple[int, int]]
"""What the ledger's rows add up to, by (person, program)."""


def _awards(expected: replay.Replay, fix: bool) -> tuple[list[Difference], Sums]:
    """The stored rows are streamed against the expected ones: each stored key takes its row
    out of a copy of the expected rows, so what is left is missing (in ledger order); a row
    found paying someone else or another amount is kept aside. Then each is reported in
    ledger order. The same pass adds up each person's rows for the totals' check (with the
    rows a fix appends), so the ledger is read once."""
    pending = dict(expected.rows)
    wrong: dict[str, tuple[int, int]] = {}
    added: dict[tuple[int, int], int] = {}  # a plain dict: a Counter's += costs half again
    rows = replay.stream(
        sa.select(PointsAward.key, PointsAward.user_id, PointsAward.program_id, PointsAward.amount)
    )
    pop, so_far = pending.pop, added.get
    for key, user, program, amount in rows:
        person = user, program
        added[person] = so_far(person, 0) + amount
        row = pop(key, None)
        if row is not None and (row[0] != user or row[1] != amount):
            wrong[key] = user, amount
    differences = []
    for key, row in expected.rows.items() if pending or wrong else ():
        if key in pending:
            differences.append(Difference("award", f"missing ledger row {key}"))
        elif key in wrong:
            held = wrong[key]
            differences.append(
                Difference(
                    "award",
                    f"ledger row {key} pays user {held[0]} {held[1]}, the rules say "
                    f"user {row[0]} {row[1]}",
                    False,
                )
            )
    sums = Counter(added)
    if fix:
        sums.update(_append(pending))
    return differences, sums


def _append(missing: dict[str, replay.Row]) -> Sums:
    """Insert the missing rows in bulk (each key once) and move their payees' totals by what
    was new, creating total rows first where a person has none yet: what was new, by person."""
    _create_totals({(row[0], row[2]) for row in missing.values()})
    rows = [row_values(key, row) for key, row in missing.items()]
    new = set(store.insert_all_once(PointsAward, rows, ["key"]))
    deltas: Sums = Counter()
    for key, (user, amount, program, *_) in missing.items():
        if key in new:
            deltas[user, program] += amount
    store.move_all_totals(deltas)
    return deltas


def row_values(key: str, row: replay.Row) -> dict:
    """The ``awards`` row of an expected row (as ``store.entry_values`` writes an entry)."""
    user, amount, program, reason, week, goal, target = row
    return {
        "key": key,
        "user_id": user,
        "program_id": program,
        "amount": amount,
        "reason": reason.value,
        "goal_id": goal,
        "target_key": target,
        "week_key": None if target is not None or week is None else str(week),
    }


def _create_totals(players: set[tuple[int, int]]) -> None:
    rows = [{"user_id": u, "program_id": p, "points": 0} for u, p in sorted(players)]
    store.insert_all_once(PlayerTotal, rows, ["user_id", "program_id"])


def _badges(expected: replay.Replay, fix: bool) -> list[Difference]:
    """Every tier earned according to the facts, against the tiers held."""
    held: dict[tuple[int, int], set[tuple[str, int]]] = defaultdict(set)
    for user, program, badge_id, tier in replay.stream(
        sa.select(
            BadgeEarned.user_id, BadgeEarned.program_id, BadgeEarned.badge_id, BadgeEarned.tier
        )
    ):
        held[user, program].add((badge_id, tier))
    earned: dict[tuple[int, int], set[tuple[str, int]]] = defaultdict(set)
    differences, missing = [], {}
    for program_id, groups in sorted(expected.groups.items()):
        for users, subject, metrics in groups:
            rules = [rule for rule in game.BADGES if rule.metric in metrics]
            awards = game.evaluate(rules, metrics, ())  # the same for everyone in the group
            for user in sorted(users):
                mine, holds = earned[user, program_id], held[user, program_id]
                for award in awards:
                    tier = award.badge_id, award.tier
                    mine.add(tier)
                    if tier not in holds:
                        differences.append(
                            Difference(
                                "badge",
                                f"user {user} in program {program_id} earned {award.badge_id} "
                                f"tier {award.tier} ({subject})",
                            )
                        )
                        row = (user, award.badge_id, award.tier, program_id)
                        missing.setdefault(row, (award.rule_version, subject))  # first wins
    if fix:
        rows = [
            {
                "user_id": user,
                "program_id": program_id,
                "badge_id": badge_id,
                "tier": tier,
                "rule_version": version,
                "subject": subject,
            }
            for (user, badge_id, tier, program_id), (version, subject) in missing.items()
        ]
        store.insert_all_once(BadgeEarned, rows, ["user_id", "badge_id", "tier", "program_id"])
    for (user, program_id), badges in sorted(held.items()):
        for badge_id, tier in sorted(badges - earned[user, program_id]):
            differences.append(
                Difference(
                    "badge",
                    f"user {user} in program {program_id} holds {badge_id} tier {tier}, "
                    "no longer earned (kept)",
                    False,
                )
            )
    return differences


def _totals(sums: Sums, fix: bool) -> list[Difference]:
    """Cached totals against the ledger's sums (``_awards``'s, so the same moment: see
    ``_one_snapshot``); a fix moves a total by its difference (never read, add and write
    back). Last, after the fixes that append rows and move totals alike."""
    held = {
        (user, program): points
        for user, program, points in db.session.execute(
            sa.select(PlayerTotal.user_id, PlayerTotal.program_id, PlayerTotal.points)
        )
    }
    wrong = sorted(
        (user, program, held.get((user, program)), sums.get((user, program), 0))
        for user, program in held.keys() | sums.keys()
        if held.get((user, program), 0) != sums.get((user, program), 0)
    )
    differences = [
        Difference(
            "total",
            f"user {user_id} in program {program_id}: cached total {points}, the ledger sums "
            f"to {expected}",
        )
        for user_id, program_id, points, expected in wrong
    ]
    if fix:
        _create_totals({(user, program) for user, program, points, _ in wrong if points is None})
        store.move_all_totals({(u, p): sum_ - (points or 0) for u, p, points, sum_ in wrong})
    return differences


def _ledger_integrity() -> list[Difference]:
    target = aliased(PointsAward)
    rows = db.session.execute(
        sa.select(
            PointsAward.key, PointsAward.user_id, PointsAward.amount, target.user_id, target.amount
        )
        .outerjoin(target, target.key == PointsAward.target_key)
        .where(PointsAward.target_key.is_not(None))
    )
    return [
        Difference(
            "ledger", f"reversal {key} does not negate exactly one award of user {user}", False
        )
        for key, user, amount, target_user, target_amount in rows
        if target_user != user or target_amount != -amount
    ]
