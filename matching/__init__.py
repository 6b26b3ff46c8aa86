"""Matching mentees with mentors, as pure functions over plain data.

The app turns its profile rows into ``Profile`` objects; ``score`` says in words how well a pair
fits (0 to 100, see ``matching.score``), and ``suggest`` picks the best assignment for a whole
pool under the mentors' capacities (optimal, see ``matching.solve``). Nothing here touches a
database, the network or the clock.
"""

from matching.profiles import DAYS, MODES, PARTS, SLOTS, STYLES, Profile, slot_label, tags
from matching.score import (
    FULL_AT,
    MAX_TOTAL,
    WEIGHTS,
    Reason,
    Score,
    ScoreMatrix,
    explain,
    score,
    score_matrix,
)
from matching.solve import Pair, Suggestion, assign, rank, suggest

__all__ = [
    "DAYS",
    "FULL_AT",
    "MAX_TOTAL",
    "MODES",
    "PARTS",
    "SLOTS",
    "STYLES",
    "WEIGHTS",
    "Pair",
    "Profile",
    "Reason",
    "Score",
    "ScoreMatrix",
    "Suggestion",
    "assign",
    "explain",
    "rank",
    "score",
    "score_matrix",
    "slot_label",
    "suggest",
    "tags",
]
