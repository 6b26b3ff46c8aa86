"""How long matching a whole pool takes, and whether the suggestion is truly optimal.

Why it exists: issue 8 asks that suggesting mentors for 500 mentees and 150 mentors (capacities
1-5) takes at most 2 s on this machine and is exactly optimal for the score it states. This
script generates such a pool deterministically (``random.Random(seed)``) to look like a school:

- a vocabulary of 40 school topics, some far more popular than others (maths, English, science);
- mentees want help with 1-3 topics and like 2-5; mentors offer 2-6 and like 2-5;
- 3-10 weekly time slots each, weekday lunch, afternoon and evening most likely;
- languages: English for most, a second one for some, a few list only another language (pairs
  without a shared language are ruled out), a few list none;
- a communication style for most, 0-2 preferred meeting modes (none: any).

It then times, each as the best of ``--repeat`` runs:

1. score: ``matching.score_matrix`` (every pair's total and allowed flag, no words);
2. solve: ``matching.assign`` on that matrix (``linear_sum_assignment`` over mentor seats);
3. suggest: ``matching.suggest`` end to end (sorting, scoring, solving, and the reasons in words
   for the chosen pairs): the figure the 2 s target is about.

Each is shown as wall seconds (``time.perf_counter``) and CPU seconds of this process
(``time.process_time``, the fairer figure when the machine is busy; numpy's BLAS may use more
than one thread, so CPU can exceed wall). The load average is printed with the pool.

The independent check solves the same matrix a second way: a linear program over the allowed
pairs (one variable per pair, at most 1 mentor per mentee, at most ``capacity`` mentees per
mentor) with ``scipy.optimize.linprog`` (HiGHS interior point), in two stages that follow the
objective's definition rather than the solver's trick: first the largest number of matched
mentees, then, with that number fixed, the highest total. Its constraint matrix is that of a
flow network, so the LP optimum is integral and is the true optimum. The script prints both
answers and "optimal: yes" when they are equal; otherwise "optimal: no" and exit status 1.
For scale, it also prints what a greedy pass (best allowed pair first, while seats last) would
have given.

It is not a test (pytest only collects ``tests/``). Run it from the repository root:
``.venv/bin/python benchmarks/matching.py`` (``--mentees``, ``--mentors``, ``--seed``).
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import numpy as np
from scipy.optimize import linprog
from scipy.sparse import coo_array

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from matching import (  # noqa: E402 (the repository root goes on the path first)
    MODES,
    SLOTS,
    STYLES,
    Profile,
    assign,
    score_matrix,
    suggest,
)

T = TypeVar("T")

TOPICS = (
    "maths", "english", "biology", "chemistry", "physics", "history", "geography", "french",
    "spanish", "german", "computer science", "coding", "robotics", "art", "music", "drama",
    "dance", "design technology", "photography", "film", "creative writing", "poetry",
    "debating", "public speaking", "economics", "business", "psychology", "sociology",
    "philosophy", "religious studies", "politics", "law", "medicine", "engineering",
    "environment", "astronomy", "football", "basketball", "chess", "volunteering",
)  # fmt: skip
POPULAR = 8  # the first topics are asked for far more often
LANGUAGES = ("spanish", "polish", "urdu", "arabic", "french", "portuguese")
DAYS, WEEKEND = 5 * 4, ("sat", "sun")


def topics(rng: random.Random, low: int, high: int) -> frozenset[str]:
    weights = [4 if i < POPULAR else 1 for i in range(len(TOPICS))]
    count = rng.randint(low, high)
    chosen: set[str] = set()
    while len(chosen) < count:
        chosen.add(rng.choices(TOPICS, weights)[0])
    return frozenset(chosen)


def availability(rng: random.Random) -> frozenset[str]:
    weights = [
        1 if slot.split("-")[0] in WEEKEND or slot.endswith("morning") else 4 for slot in SLOTS
    ]
    count = rng.randint(3, 10)
    chosen: set[str] = set()
    while len(chosen) < count:
        chosen.add(rng.choices(SLOTS, weights)[0])
    return frozenset(chosen)


def languages(rng: random.Random) -> frozenset[str]:
    roll = rng.random()
    if roll < 0.05:
        return frozenset()
    if roll < 0.10:
        return frozenset({rng.choice(LANGUAGES)})
    return frozenset({"english", rng.choice(LANGUAGES)} if roll < 0.35 else {"english"})


def person(rng: random.Random, id: int, mentor: bool) -> Profile:
    return Profile(
        id=id,
        interests=topics(rng, 2, 5),
        goals=frozenset() if mentor else topics(rng, 1, 3),
        skills=topics(rng, 2, 6) if mentor else frozenset(),
        availability=availability(rng),
        style=None if rng.random() < 0.15 else rng.choice(sorted(STYLES)),
        modes=frozenset(rng.sample(MODES, rng.randint(0, 2))),
        languages=languages(rng),
        capacity=rng.randint(1, 5) if mentor else 1,
    )


def best_of(repeat: int, work: Callable[[], T]) -> tuple[float, float, T]:
    """(wall s, cpu s, result) of the fastest of ``repeat`` runs."""
    runs = []
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        result = work()
        runs.append((time.perf_counter() - wall, time.process_time() - cpu))
    return (*min(runs), result)


def lp_optimum(
    totals: np.ndarray, allowed: np.ndarray, capacities: list[int]
) -> tuple[int, int, float]:
    """(matched, total, seconds) of the two-stage linear program described in the docstring."""
    start = time.perf_counter()
    rows, columns = np.nonzero(allowed)
    n, m, k = allowed.shape[0], allowed.shape[1], rows.size
    if not k:
        return 0, 0, time.perf_counter() - start
    incidence = coo_array(
        (np.ones(2 * k), (np.concatenate([rows, n + columns]), np.tile(np.arange(k), 2))),
        shape=(n + m, k),
    ).tocsr()
    limits = np.concatenate([np.ones(n), np.maximum(capacities, 0)])
    first = linprog(-np.ones(k), A_ub=incidence, b_ub=limits, bounds=(0, 1), method="highs-ipm")
    matched = round(-first.fun)
    second = linprog(
        -totals[rows, columns].astype(float),
        A_ub=incidence,
        b_ub=limits,
        A_eq=np.ones((1, k)),
        b_eq=[matched],
        bounds=(0, 1),
        method="highs-ipm",
    )
    if not (first.success and second.success):
        raise SystemExit(f"the linear program failed: {first.message} / {second.message}")
    if not np.allclose(second.x, np.round(second.x), atol=1e-6):
        print("note: the LP answer is fractional (its optimum still bounds the integral one)")
    return matched, round(-second.fun), time.perf_counter() - start


def greedy(totals: np.ndarray, allowed: np.ndarray, capacities: list[int]) -> tuple[int, int]:
    """(matched, total) when the best remaining allowed pair is always taken first."""
    seats, placed, matched, total = list(capacities), set(), 0, 0
    for flat in np.argsort(-np.where(allowed, totals, -1), axis=None, kind="stable"):
        row, column = divmod(int(flat), totals.shape[1])
        if not allowed[row, column]:
            break
        if row not in placed and seats[column] > 0:
            placed.add(row)
            seats[column] -= 1
            matched, total = matched + 1, total + int(totals[row, column])
    return matched, total


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mentees", type=int, default=500)
    parser.add_argument("--mentors", type=int, default=150)
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--repeat", type=int, default=3, help="timed runs; the best is shown")
    args = parser.parse_args()

    rng = random.Random(args.seed)
    mentees = [person(rng, 1 + i, mentor=False) for i in range(args.mentees)]
    mentors = [person(rng, 100_001 + j, mentor=True) for j in range(args.mentors)]
    capacities = [mentor.capacity for mentor in mentors]
    print(
        f"pool: {len(mentees)} mentees, {len(mentors)} mentors with {sum(capacities)} seats "
        f"(capacities {min(capacities, default=0)}-{max(capacities, default=0)}), seed "
        f"{args.seed}; load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}"
    )

    score_s, score_cpu, matrix = best_of(args.repeat, lambda: score_matrix(mentees, mentors))
    solve_s, solve_cpu, chosen = best_of(
        args.repeat, lambda: assign(matrix.totals, matrix.allowed, capacities)
    )
    suggest_s, suggest_cpu, suggestion = best_of(args.repeat, lambda: suggest(mentees, mentors))
    allowed_share = matrix.allowed.mean() if matrix.allowed.size else 0.0
    print(f"allowed pairs: {allowed_share:.1%} of {matrix.allowed.size}")
    print("                        wall s    cpu s")
    print(f"score  (score_matrix)  {score_s:7.3f}  {score_cpu:7.3f}")
    print(f"solve  (assign)        {solve_s:7.3f}  {solve_cpu:7.3f}")
    print(f"suggest, end to end    {suggest_s:7.3f}  {suggest_cpu:7.3f}   target 2 s (wall)")

    matched, total = len(suggestion.pairs), suggestion.total
    assert total == sum(int(matrix.totals[row, column]) for row, column in chosen)
    assert matched == len(chosen)
    lp_matched, lp_total, lp_s = lp_optimum(matrix.totals, matrix.allowed, capacities)
    print(
        f"suggestion: {matched} matched, {len(suggestion.unmatched)} unmatched, total {total} "
        f"(mean {total / max(matched, 1):.1f} per pair)"
    )
    print(f"linear program: {lp_matched} matched, total {lp_total}   ({lp_s:.2f} s, not timed)")
    greedy_matched, greedy_total = greedy(matrix.totals, matrix.allowed, capacities)
    print(f"greedy, for scale: {greedy_matched} matched, total {greedy_total}")
    optimal = (matched, total) == (lp_matched, lp_total)
    print(f"optimal: {'yes' if optimal else 'no'}")
    return 0 if optimal else 1


if __name__ == "__main__":
    sys.exit(main())
