"""Profiles and score tables for the matching property tests."""

from __future__ import annotations

from hypothesis import settings
from hypothesis import strategies as st

from matching import MODES, SLOTS, STYLES, Profile, Score

PROPERTY = settings(max_examples=150, deadline=None)

# Few words, so that random profiles overlap often and every rule gets exercised.
TOPICS = ("maths", "physics", "art", "music", "robotics", "history")
LANGUAGES = ("english", "spanish", "polish")


def word_sets(words: tuple[str, ...], max_size: int = 4) -> st.SearchStrategy[frozenset[str]]:
    return st.frozensets(st.sampled_from(words), max_size=max_size)


@st.composite
def profiles(draw: st.DrawFn, id: int = 0) -> Profile:
    return Profile(
        id=id,
        interests=draw(word_sets(TOPICS)),
        goals=draw(word_sets(TOPICS)),
        skills=draw(word_sets(TOPICS)),
        # a small corner of the week, so that "no shared time" happens
        availability=draw(word_sets(SLOTS[:6], max_size=5)),
        style=draw(st.none() | st.sampled_from(sorted(STYLES))),
        modes=draw(word_sets(MODES)),
        languages=draw(word_sets(LANGUAGES, max_size=2)),
        capacity=draw(st.integers(0, 3)),
    )


def pools(max_mentees: int, max_mentors: int) -> st.SearchStrategy[tuple[list, list]]:
    """Mentees with ids 1.., mentors with ids 101.. (distinct from every mentee id)."""

    def build(sizes: tuple[int, int]) -> st.SearchStrategy[tuple[list, list]]:
        mentees = st.tuples(*(profiles(id=1 + i) for i in range(sizes[0])))
        mentors = st.tuples(*(profiles(id=101 + j) for j in range(sizes[1])))
        return st.tuples(mentees.map(list), mentors.map(list))

    return st.tuples(st.integers(0, max_mentees), st.integers(0, max_mentors)).flatmap(build)


scores = st.builds(Score, total=st.integers(0, 100), allowed=st.booleans())
