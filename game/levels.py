"""Levels: a gentle curve over cumulative points, private to the mentee and their mentor.

Reaching level L takes ``50 · L · (L − 1)`` points (L2 = 100, L3 = 300, L5 = 1,000,
L10 = 4,500), so each level asks for 100 points more than the one before: a school year of
weekly check-ins and monthly milestones lands around level 5–6. Names describe a journey, not a
rank, and are never compared between people.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import isqrt

NAMES = (
    "Starter",
    "Explorer",
    "Pathfinder",
    "Trailblazer",
    "Navigator",
    "Voyager",
    "Wayfinder",
    "Summit Seeker",
    "Star Guide",
    "Horizon",
)


@dataclass(frozen=True, slots=True)
class LevelProgress:
    level: int
    name: str
    points_into_level: int
    points_to_next: int
    fraction: float


def threshold(level: int) -> int:
    """Cumulative points needed to reach ``level`` (level 1 needs none)."""
    if level < 1:
        raise ValueError("levels start at 1")
    return 50 * level * (level - 1)


def level_for(points: int) -> int:
    if points < 0:
        raise ValueError("points are never negative")
    # 50·L·(L−1) ≤ p  ⇔  4·L·(L−1) ≤ ⌊2p/25⌋  ⇔  (2L−1)² ≤ 1 + ⌊2p/25⌋: exact in integers.
    return (1 + isqrt(1 + 2 * points // 25)) // 2


def name_of(level: int) -> str:
    """Past the last name the journey keeps going: "Horizon 2", "Horizon 3", ..."""
    if level <= len(NAMES):
        return NAMES[level - 1]
    return f"{NAMES[-1]} {level - len(NAMES) + 1}"


def progress(points: int) -> LevelProgress:
    level = level_for(points)
    floor, ceiling = threshold(level), threshold(level + 1)
    return LevelProgress(
        level=level,
        name=name_of(level),
        points_into_level=points - floor,
        points_to_next=ceiling - points,
        fraction=(points - floor) / (ceiling - floor),
    )
