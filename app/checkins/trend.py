"""Which way a run of weekly moods went, in words: the text alternative of a mood chart says
the trend a sighted reader sees in it, not only each week's value."""

from __future__ import annotations

from collections.abc import Iterable

STEADY = 0.5
"""A change smaller than this, on the 1–5 scale, reads as steady."""


def mood_trend(moods: Iterable[float | None]) -> str:
    """The trend of weekly moods (1–5, oldest first, None for a week without one): the first
    and the last week that have a mood, compared."""
    known = [mood for mood in moods if mood is not None]
    if len(known) < 2:
        return "Too few weeks with a mood to show a trend."
    first, last = known[0], known[-1]
    if abs(last - first) < STEADY:
        return f"Steady, around {round(sum(known) / len(known), 1):g} out of 5."
    direction = "Rising" if last > first else "Falling"
    return f"{direction}, from {first:g} to {last:g} out of 5."
