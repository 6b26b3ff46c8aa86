"""How well a mentor suits a mentee: a score from 0 to 100 with its reasons in plain words.

The scale is a sum of six parts, each worth at most its weight in ``WEIGHTS`` (they add up to
100), strongest first:

- goals 40: the share of the mentee's goals that the mentor's subjects or skills cover
  (``40 · covered // goals``; no goals or no skills given: 0);
- availability 25: shared weekly time slots, full marks from ``FULL_AT`` (3) slots on
  (``25 · min(shared, 3) // 3``: 8, 16, 25), since a pair needs a regular time to meet;
- interests 15: shared interests, likewise full from 3 (5, 10, 15);
- language 10: at least one language in common;
- mode 6: a meeting mode both prefer, or one of them is happy with any (lists none);
- style 4: the same communication style.

Every part that earns points gives a reason worth those points, so the reasons add up to the
total. A few reasons worth 0 say what is missing ("No shared interests"). Two of them rule the
pair out (``Score.allowed`` is False): no shared language when both list languages, and no
shared time slot when both list their availability. A side that left a list empty is neither
rewarded nor ruled out by it.

``score`` explains one pair; ``score_matrix`` computes the same totals for whole pools at once
with numpy, without the words, for the solver.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np

from matching.profiles import MODES, SLOTS, STYLES, Profile, slot_label

WEIGHTS = MappingProxyType(
    {"goals": 40, "availability": 25, "interests": 15, "language": 10, "mode": 6, "style": 4}
)
"""Points per reason kind, at most; they sum to 100."""
FULL_AT = 3
"""Shared time slots (and shared interests) that earn the full weight."""
MAX_TOTAL = sum(WEIGHTS.values())
_SHOWN = 3  # items a reason names before it says "and N more" or "…"
_MODE_WORDS = {"in_person": "meeting in person", "video": "video", "call": "calls", "chat": "chat"}


@dataclass(frozen=True)
class Reason:
    """One part of a score, in words; ``kind`` is a key of ``WEIGHTS``."""

    kind: str
    text: str
    points: int


@dataclass(frozen=True)
class Score:
    """A pair's total (0 to 100), its reasons, and whether it may be suggested at all."""

    total: int
    reasons: tuple[Reason, ...] = ()
    allowed: bool = True

    def __post_init__(self) -> None:
        if not 0 <= self.total <= MAX_TOTAL:
            raise ValueError(f"a score runs from 0 to {MAX_TOTAL}, not {self.total}")


# The point rules, written once for plain ints and numpy arrays alike, so that ``score`` and
# ``score_matrix`` cannot disagree.
def _goal_points(covered, wanted):
    return WEIGHTS["goals"] * covered // np.maximum(wanted, 1)


def _counted_points(kind: str, shared):
    return WEIGHTS[kind] * np.minimum(shared, FULL_AT) // FULL_AT


def _flag_points(kind: str, ok):
    return WEIGHTS[kind] * ok


def _words(items: Iterable[str]) -> str:
    """A list in words: "a", "a and b", "a, b and c", "a, b, c and 2 more"."""
    items = list(items)
    if len(items) > _SHOWN:
        items = [*items[:_SHOWN], f"{len(items) - _SHOWN} more"]
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def _capital(word: str) -> str:
    return word[:1].upper() + word[1:]


def _goals(mentee: Profile, mentor: Profile) -> Reason | None:
    covered = sorted(mentee.goals & mentor.skills)
    if not covered:
        text = "Mentor's subjects don't cover what the mentee wants help with"
        return _lacking("goals", text, mentee.goals, mentor.skills)
    text = f"Mentor offers {_words(covered)}, which the mentee wants help with"
    if len(covered) < len(mentee.goals):
        text += f" ({len(covered)} of {len(mentee.goals)} goals)"
    return Reason("goals", text, int(_goal_points(len(covered), len(mentee.goals))))


def _availability(mentee: Profile, mentor: Profile) -> Reason | None:
    both = mentee.availability & mentor.availability
    shared = [slot for slot in SLOTS if slot in both]
    if not shared:
        return _lacking(
            "availability", "No shared free time", mentee.availability, mentor.availability
        )
    labels = ", ".join(slot_label(slot) for slot in shared[:_SHOWN])
    more = ", …" if len(shared) > _SHOWN else ""
    noun = "time slot" if len(shared) == 1 else "time slots"
    points = int(_counted_points("availability", len(shared)))
    return Reason("availability", f"{len(shared)} shared {noun}: {labels}{more}", points)


def _interests(mentee: Profile, mentor: Profile) -> Reason | None:
    shared = sorted(mentee.interests & mentor.interests)
    if not shared:
        return _lacking("interests", "No shared interests", mentee.interests, mentor.interests)
    return Reason(
        "interests", f"Both like {_words(shared)}", int(_counted_points("interests", len(shared)))
    )


def _language(mentee: Profile, mentor: Profile) -> Reason | None:
    shared = sorted(mentee.languages & mentor.languages)
    if not shared:
        return _lacking("language", "No shared language", mentee.languages, mentor.languages)
    noun = "a language" if len(shared) == 1 else "languages"
    text = f"Share {noun}: {_words(_capital(language) for language in shared)}"
    return Reason("language", text, int(_flag_points("language", True)))


def _mode(mentee: Profile, mentor: Profile) -> Reason:
    points = int(_flag_points("mode", True))
    if not mentee.modes and not mentor.modes:
        return Reason("mode", "Any meeting mode suits both", points)
    if not mentee.modes or not mentor.modes:
        side = "mentee" if not mentee.modes else "mentor"
        return Reason("mode", f"Any meeting mode suits the {side}", points)
    both = mentee.modes & mentor.modes
    shared = [mode for mode in MODES if mode in both]
    if not shared:
        return Reason("mode", "Prefer different meeting modes", 0)
    return Reason(
        "mode", f"Both prefer {' or '.join(_MODE_WORDS[mode] for mode in shared)}", points
    )


def _style(mentee: Profile, mentor: Profile) -> Reason | None:
    if mentee.style is None or mentor.style is None:
        return None
    if mentee.style != mentor.style:
        return Reason("style", "Different communication styles", 0)
    text = f"Same communication style: {STYLES[mentee.style].lower()}"
    return Reason("style", text, int(_flag_points("style", True)))


def _both(mentee: Profile, mentor: Profile, field: str) -> bool:
    return bool(getattr(mentee, field)) and bool(getattr(mentor, field))


def _lacking(kind: str, text: str, left: frozenset[str], right: frozenset[str]) -> Reason | None:
    """A reason worth 0 when both gave their list yet share nothing; none if one left it empty."""
    return Reason(kind, text, 0) if left and right else None


def _ruled_out(mentee: Profile, mentor: Profile) -> bool:
    return any(
        _both(mentee, mentor, field) and not getattr(mentee, field) & getattr(mentor, field)
        for field in ("languages", "availability")
    )


def score(mentee: Profile, mentor: Profile) -> Score:
    """The pair's score with every reason, in ``WEIGHTS`` order."""
    found = (_goals, _availability, _interests, _language, _mode, _style)
    reasons = tuple(reason for rule in found if (reason := rule(mentee, mentor)) is not None)
    total = sum(reason.points for reason in reasons)
    return Score(total=total, reasons=reasons, allowed=not _ruled_out(mentee, mentor))


explain = score


@dataclass(frozen=True, eq=False)
class ScoreMatrix:
    """Totals and allowed flags for every mentee (rows) × mentor (columns), in input order."""

    totals: np.ndarray
    allowed: np.ndarray


def _shared_counts(left: Sequence[frozenset[str]], right: Sequence[frozenset[str]]) -> np.ndarray:
    """How many words each left set shares with each right set (an int matrix)."""
    vocabulary = {
        word: i for i, word in enumerate(sorted(set().union(*left) & set().union(*right)))
    }
    a = np.zeros((len(left), len(vocabulary)))
    b = np.zeros((len(right), len(vocabulary)))
    for matrix, sets in ((a, left), (b, right)):
        for row, words in enumerate(sets):
            matrix[row, [vocabulary[word] for word in words if word in vocabulary]] = 1
    return np.rint(a @ b.T).astype(np.int64)


def _given(profiles: Sequence[Profile], field: str) -> np.ndarray:
    return np.array([bool(getattr(profile, field)) for profile in profiles], dtype=bool)


def score_matrix(mentees: Sequence[Profile], mentors: Sequence[Profile]) -> ScoreMatrix:
    """``score(mentee, mentor).total`` and ``.allowed`` for all pairs at once, without reasons."""

    def shared(field_left: str, field_right: str) -> np.ndarray:
        return _shared_counts(
            [getattr(p, field_left) for p in mentees], [getattr(p, field_right) for p in mentors]
        )

    covered = shared("goals", "skills")
    wanted = np.array([len(mentee.goals) for mentee in mentees], dtype=np.int64)[:, None]
    slots = shared("availability", "availability")
    languages = shared("languages", "languages")
    modes = shared("modes", "modes")
    any_mode = ~_given(mentees, "modes")[:, None] | ~_given(mentors, "modes")[None, :]
    codes = {style: i for i, style in enumerate(STYLES)}
    left_style = np.array([codes.get(p.style, -1) for p in mentees], dtype=np.int64)[:, None]
    right_style = np.array([codes.get(p.style, -2) for p in mentors], dtype=np.int64)[None, :]
    totals = (
        _goal_points(covered, wanted)
        + _counted_points("availability", slots)
        + _counted_points("interests", shared("interests", "interests"))
        + _flag_points("language", languages > 0)
        + _flag_points("mode", (modes > 0) | any_mode)
        + _flag_points("style", left_style == right_style)
    )
    allowed = np.ones(totals.shape, dtype=bool)
    for field, counts in (("languages", languages), ("availability", slots)):
        both = _given(mentees, field)[:, None] & _given(mentors, field)[None, :]
        allowed &= ~(both & (counts == 0))
    return ScoreMatrix(totals=totals.astype(np.int64), allowed=allowed)
