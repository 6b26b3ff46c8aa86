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
_COUNTED, _MISSED = Mark.COUNTED, Mark.MISSED  # read once per step of every walk


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


class _Run(Generic[K]):
    """The running state of one walk, changed in place step by step."""

    __slots__ = (
        "best",
        "comebacks",
        "current",
        "frozen",
        "last_counted",
        "resets",
        "tokens",
        "total",
    )

    def __init__(self, freezes: Freezes) -> None:
        self.current = self.best = self.total = self.resets = self.comebacks = 0
        self.tokens = freezes.start
        self.frozen: list[K] = []
        self.last_counted: K | None = None

    def step(self, step: K, mark: Mark, freezes: Freezes) -> None:
        if mark is _COUNTED:
            current = self.current
            if current == 0 and self.resets:
                self.comebacks += 1
            current += 1
            self.current = current
            self.total += 1
            if current > self.best:
                self.best = current
            self.last_counted = step
            if freezes.earn_every and current % freezes.earn_every == 0:
                self.tokens = min(freezes.hold_max, self.tokens + 1)
        elif mark is _MISSED:
            if self.tokens:
                self.tokens -= 1
                self.frozen.append(step)
            elif self.current:
                self.current = 0
                self.resets += 1

    def tally(self) -> Tally[K]:
        return Tally(
            self.current,
            self.best,
            self.total,
            self.tokens,
            tuple(self.frozen),
            self.last_counted,
            self.resets,
            self.comebacks,
        )


def tally(marks: Iterable[tuple[K, Mark]], freezes: Freezes) -> Tally[K]:
    """Walk the steps once; ``resets`` counts runs that ended, ``comebacks`` runs begun after."""
    run: _Run[K] = _Run(freezes)
    for step, mark in marks:
        run.step(step, mark, freezes)
    return run.tally()


def walk(marks: Iterable[tuple[K, Mark]], freezes: Freezes) -> Iterator[tuple[K, Mark, Tally[K]]]:
    """The tally after each step, in order: a replay reads the state as of any step from one
    walk instead of walking again for every step."""
    run: _Run[K] = _Run(freezes)
    for step, mark in marks:
        run.step(step, mark, freezes)
        yield step, mark, run.tally()
