"""Profiles and score tables for the matching property tests."""

from __future__ import annotations

from collections.abc import Callable

from hypothesis import settings
from hypothesis import strategies as st

from matching import MODES, SLOTS, STYLES, Profile, Score

PROPERTY = settings(max_examples=150, deadline=None)

# Few words, so that random profiles overlap often and every rule gets exercised.
TOPICS = ("maths", "physics", "art", "music", "robotics", "history")
LANGUAGES = ("english", "spanish", "polish")


def word_sets(words: tuple[str, ...]) -> st.SearchStrategy[frozenset[str]]:
    """Any subset of ``words``, drawn as one bit mask (far cheaper than a set of draws)."""
    return st.integers(0, 2 ** len(words) - 1).map(
        lambda mask: frozenset(word for i, word in enumerate(words) if mask >> i & 1)
    )


@st.composite
def profiles(draw: st.DrawFn, id: int = 0) -> Profile:
    return Profile(
        id=id,
        interests=draw(word_sets(TOPICS)),
        goals=draw(word_sets(TOPICS)),
        skills=draw(word_sets(TOPICS)),
        # a small corner of the week, so that "no shared time" happens
        availability=draw(word_sets(SLOTS[:6])),
        style=draw(st.none() | st.sampled_from(sorted(STYLES))),
        modes=draw(word_sets(MODES)),
        languages=draw(word_sets(LANGUAGES)),
        capacity=draw(st.integers(0, 3)),
    )


def pools(
    max_mentees: int, max_mentors: int, people: Callable[..., st.SearchStrategy[Profile]] = profiles
) -> st.SearchStrategy[tuple[list[Profile], list[Profile]]]:
    """Mentees with ids 1.., mentors with ids 101.. (distinct from every mentee id)."""

    def build(sizes: tuple[int, int]) -> st.SearchStrategy[tuple[list, list]]:
        mentees = st.tuples(*(people(id=1 + i) for i in range(sizes[0])))
        mentors = st.tuples(*(people(id=101 + j) for j in range(sizes[1])))
        return st.tuples(mentees.map(list), mentors.map(list))

    return st.tuples(st.integers(0, max_mentees), st.integers(0, max_mentors)).flatmap(build)


def seats(id: int) -> st.SearchStrategy[Profile]:
    """A profile that is only an id and a capacity, for tests that bring their own scores."""
    return st.builds(Profile, id=st.just(id), capacity=st.integers(0, 3))


# Extremes often, so that matching one more mentee and scoring higher pull different ways.
scores = st.builds(
    Score,
    total=st.sampled_from((0, 1, 40, 60, 99, 100)) | st.integers(0, 100),
    allowed=st.booleans(),
)
