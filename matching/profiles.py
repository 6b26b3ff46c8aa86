"""What a participant tells the program for matching, as plain frozen data.

The app reads its profile rows into ``Profile``; free-text lists (interests, goals, skills,
languages) go through ``tags`` first, so "Robotics" and " robotics " are the same word when two
people are compared.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
PARTS = ("morning", "lunch", "afternoon", "evening")
SLOTS: tuple[str, ...] = tuple(f"{day}-{part}" for day in DAYS for part in PARTS)
"""Weekly availability slots, "mon-morning" to "sun-evening", in week order."""

STYLES = {
    "direct": "Direct and practical",
    "encouraging": "Encouraging and gentle",
    "reflective": "Asks questions to think with",
}
MODES = ("in_person", "video", "call", "chat")
"""The values of ``app.models.MeetingMode``."""

_SEPARATORS = re.compile(r"[,;\n\r]")
_SPACES = re.compile(r"\s+")
_SETS = ("interests", "goals", "skills", "availability", "modes", "languages")


def slot_label(slot: str) -> str:
    """A slot as people read it: "mon-lunch" -> "Mon lunch"."""
    day, part = slot.split("-")
    return f"{day.capitalize()} {part}"


def tags(text: str) -> frozenset[str]:
    """The words of a typed list: split on commas, semicolons and line breaks, casefolded."""
    words = (_SPACES.sub(" ", part).strip().casefold() for part in _SEPARATORS.split(text))
    return frozenset(word for word in words if word)


@dataclass(frozen=True)
class Profile:
    """One participant's matching profile; ``id`` is their membership id.

    An empty set means "not given" (for ``modes``: any mode suits them). ``capacity`` counts
    only for mentors: how many more mentees they can take now (0 or less: none).
    """

    id: int
    interests: frozenset[str] = frozenset()
    goals: frozenset[str] = frozenset()
    skills: frozenset[str] = frozenset()
    availability: frozenset[str] = frozenset()
    style: str | None = None
    modes: frozenset[str] = frozenset()
    languages: frozenset[str] = frozenset()
    capacity: int = 1

    def __post_init__(self) -> None:
        # Sets passed as lists or sets become frozensets, so profiles stay hashable.
        for field in fields(self):
            if field.name in _SETS:
                object.__setattr__(self, field.name, frozenset(getattr(self, field.name)))
        if unknown := self.availability - set(SLOTS):
            raise ValueError(f"unknown availability slots: {sorted(unknown)}")
        if unknown := self.modes - set(MODES):
            raise ValueError(f"unknown meeting modes: {sorted(unknown)}")
        if self.style is not None and self.style not in STYLES:
            raise ValueError(f"unknown communication style: {self.style!r}")
