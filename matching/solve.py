"""Suggest mentors for a whole pool at once: an optimal assignment, not a greedy one.

The objective, in order:

1. match as many mentees as possible through allowed pairs (``Score.allowed``), each mentor
   taking at most ``capacity`` mentees (0 or less: none);
2. among all assignments that match that many, maximise the sum of the pairs' totals.

How: each mentor becomes ``capacity`` identical columns (never more than there are mentees), and
``scipy.optimize.linear_sum_assignment`` maximises over the mentee × column matrix whose allowed
cells hold ``BIG + total`` and whose forbidden cells hold 0, with ``BIG`` larger than any sum of
totals the pool can reach. One more matched mentee is then always worth more than any gain in
score, so the optimum of that matrix is the optimum of the objective above; the forbidden cells
the solver had to fill are dropped (those mentees stay unmatched).

Mentees and mentors are taken in id order, so the same pool always gives the same suggestion.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import linear_sum_assignment

from matching.profiles import Profile
from matching.score import MAX_TOTAL, Score, score, score_matrix


@dataclass(frozen=True)
class Pair:
    mentee_id: int
    mentor_id: int
    score: Score


@dataclass(frozen=True)
class Suggestion:
    """The chosen pairs (by mentee id), the mentee ids left without a mentor, the sum of totals."""

    pairs: tuple[Pair, ...]
    unmatched: tuple[int, ...]
    total: int


def _by_id(profiles: Sequence[Profile], who: str) -> list[Profile]:
    ordered = sorted(profiles, key=lambda profile: profile.id)
    ids = [profile.id for profile in ordered]
    if len(set(ids)) != len(ids):
        raise ValueError(f"{who} ids must be unique")
    return ordered


def suggest(
    mentees: Sequence[Profile],
    mentors: Sequence[Profile],
    *,
    scores: Mapping[tuple[int, int], Score] | None = None,
) -> Suggestion:
    """The best assignment of ``mentees`` to ``mentors`` (see the module's docstring).

    ``scores`` maps (mentee id, mentor id) to a Score the caller already has, or wants used
    instead of the scorer's (a forbidden pair: ``allowed=False``); pairs it lacks are scored here,
    and keys naming someone outside the pools are ignored.
    """
    mentees, mentors = _by_id(mentees, "mentee"), _by_id(mentors, "mentor")
    scores = scores or {}
    matrix = score_matrix(mentees, mentors)
    totals, allowed = matrix.totals.copy(), matrix.allowed.copy()
    rows = {mentee.id: i for i, mentee in enumerate(mentees)}
    columns = {mentor.id: j for j, mentor in enumerate(mentors)}
    for (mentee_id, mentor_id), given in scores.items():
        if mentee_id in rows and mentor_id in columns:
            totals[rows[mentee_id], columns[mentor_id]] = given.total
            allowed[rows[mentee_id], columns[mentor_id]] = given.allowed

    chosen = assign(totals, allowed, [mentor.capacity for mentor in mentors])
    pairs = []
    for row, column in chosen:
        mentee, mentor = mentees[row], mentors[column]
        key = (mentee.id, mentor.id)
        found = scores[key] if key in scores else score(mentee, mentor)
        pairs.append(Pair(mentee_id=mentee.id, mentor_id=mentor.id, score=found))
    matched = {pair.mentee_id for pair in pairs}
    return Suggestion(
        pairs=tuple(pairs),
        unmatched=tuple(mentee.id for mentee in mentees if mentee.id not in matched),
        total=sum(pair.score.total for pair in pairs),
    )


def assign(
    totals: np.ndarray, allowed: np.ndarray, capacities: Sequence[int]
) -> list[tuple[int, int]]:
    """The optimal (row, column) pairs of a mentee × mentor matrix, by row (see the docstring).

    ``totals`` holds scores from 0 to ``MAX_TOTAL``; ``capacities`` has one entry per column.
    """
    rows = totals.shape[0]
    seats = np.clip(np.asarray(capacities, dtype=np.int64), 0, rows)
    owner = np.repeat(np.arange(len(seats)), seats)  # the mentor behind each column
    if not rows or not owner.size:
        return []
    big = MAX_TOTAL * min(rows, owner.size) + 1
    weights = np.where(allowed, big + totals, 0)[:, owner]
    picked = zip(*linear_sum_assignment(weights, maximize=True), strict=True)
    return sorted((int(r), int(owner[c])) for r, c in picked if allowed[r, owner[c]])


def rank(mentee: Profile, mentors: Sequence[Profile]) -> tuple[Pair, ...]:
    """Every mentor for one mentee, best first (allowed ones first, then by total, then id).

    For matching by hand and for a mentee who joins late; capacity is not checked here.
    """
    pairs = (Pair(mentee.id, mentor.id, score(mentee, mentor)) for mentor in mentors)
    return tuple(sorted(pairs, key=lambda p: (not p.score.allowed, -p.score.total, p.mentor_id)))
