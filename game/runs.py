"""The one walk behind both streaks: the weekly check-in streak and the pair's meeting rhythm.

Steps (weeks or cadence periods) come in order, each counted, neutral or missed; the caller
leaves out the step still in progress, so it is never a miss. A counted step grows the run; a
neutral one (break) changes nothing; a missed one spends a freeze token if one is held (the run
is kept but does not grow), and otherwise ends the run.

A token is earned each time the run reaches a multiple of ``earn_every`` steps: GAME.md's "one
per 4 consecutive counted weeks", measured on the run itself.

A miss spends a token even when there is no run yet to keep, as GAME.md words it. Sparing the
token in that case looks kinder but breaks invariant 9: a short early run would then use the
token a later, longer run needed, and one more check-in could lower the best streak. With the
rule as written, adding a counted step or turning a miss into a neutral step never lowers the
current run, the best run or the tokens held; the property tests check all three.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import Enum
from typing import Generic, TypeVar

K = TypeVar("K")


class Mark(Enum):
    COUNTED = "counted"
    NEUTRAL = "neutral"
    MISSED = "missed"


@dataclass(frozen=True, slots=True)
class Freezes:
    """Freeze-token policy: tokens held at the start, steps per token earned, most held."""

    start: int
    earn_every: int
    hold_max: int


NO_FREEZES = Freezes(start=0, earn_every=0, hold_max=0)


@dataclass(frozen=True, slots=True)
class Tally(Generic[K]):
    current: int
    best: int
    total: int
    tokens: int
    frozen: tuple[K, ...]
    last_counted: K | None
    resets: int
    comebacks: int


def tally(marks: Iterable[tuple[K, Mark]], freezes: Freezes) -> Tally[K]:
    """Walk the steps once; ``resets`` counts runs that ended, ``comebacks`` runs begun after."""
    last = deque((run for _, _, run in walk(marks, freezes)), maxlen=1)
    return last[0] if last else Tally(0, 0, 0, freezes.start, (), None, 0, 0)


def walk(marks: Iterable[tuple[K, Mark]], freezes: Freezes) -> Iterator[tuple[K, Mark, Tally[K]]]:
    """The tally after each step, in order: a replay reads the state as of any step from one
    walk instead of walking again for every step."""
    current = best = total = resets = comebacks = 0
    tokens = freezes.start
    frozen: list[K] = []
    last_counted: K | None = None
    for step, mark in marks:
        if mark is Mark.COUNTED:
            if current == 0 and resets:
                comebacks += 1
            current += 1
            total += 1
            best = max(best, current)
            last_counted = step
            if freezes.earn_every and current % freezes.earn_every == 0:
                tokens = min(freezes.hold_max, tokens + 1)
        elif mark is Mark.MISSED:
            if tokens:
                tokens -= 1
                frozen.append(step)
            elif current:
                current = 0
                resets += 1
        yield (
            step,
            mark,
            Tally(current, best, total, tokens, tuple(frozen), last_counted, resets, comebacks),
        )
