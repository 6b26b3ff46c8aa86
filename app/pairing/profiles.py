"""Profile rows as the matching package reads them: the one place that turns what people typed
into ``matching.Profile``.

Typed lists go through ``matching.tags``; availability and modes are space-separated keys, and a
key the package does not know (a slot renamed since the person saved) is dropped rather than
failing the whole pool.
"""

from __future__ import annotations

import matching

from ..models import ParticipantProfile

_SLOTS = frozenset(matching.SLOTS)
_MODES = frozenset(matching.MODES)


def _keys(text: str, known: frozenset[str]) -> frozenset[str]:
    return frozenset(word for word in (text or "").split() if word in known)


def to_profile(
    membership_id: int, row: ParticipantProfile | None, capacity: int = 1
) -> matching.Profile:
    """``row`` (None: no profile yet) as a ``matching.Profile``; ``capacity`` is the room left."""
    if row is None:
        return matching.Profile(id=membership_id, capacity=capacity)
    return matching.Profile(
        id=membership_id,
        interests=matching.tags(row.interests or ""),
        goals=matching.tags(row.goals or ""),
        skills=matching.tags(row.skills or ""),
        availability=_keys(row.availability, _SLOTS),
        style=row.style if row.style in matching.STYLES else None,
        modes=_keys(row.modes, _MODES),
        languages=matching.tags(row.languages or ""),
        capacity=capacity,
    )


def stated_capacity(row: ParticipantProfile | None) -> int:
    """How many mentees a mentor said they can take (a profile without the answer: one)."""
    if row is None:
        return 0
    return 1 if row.capacity is None else row.capacity
