"""The trend a mood chart's text alternative states in words (app.checkins.trend), and the
mentor card's faces and words around it."""

from __future__ import annotations

import pytest

from app.checkins.queries import Health
from app.checkins.trend import mood_trend
from game.weeks import WeekKey


@pytest.mark.parametrize(
    ("moods", "said"),
    [
        ((2, 3, 4), "Rising, from 2 to 4 out of 5."),
        ((4, 3, 3, 2), "Falling, from 4 to 2 out of 5."),
        ((None, 4.5, None, 1.5, None), "Falling, from 4.5 to 1.5 out of 5."),
        ((3, 5, 1, 3.4), "Steady, around 3.1 out of 5."),
        ((3, 3.4), "Steady, around 3.2 out of 5."),
        ((3, 3.5), "Rising, from 3 to 3.5 out of 5."),
        ((None, 4, None), "Too few weeks with a mood to show a trend."),
        ((), "Too few weeks with a mood to show a trend."),
    ],
)
def test_the_first_and_last_weeks_with_a_mood_decide(moods, said) -> None:
    assert mood_trend(moods) == said


def test_a_card_draws_each_week_as_a_face_and_says_it_in_words() -> None:
    """A group's week is its mentees' average: drawn as the nearest face, said exactly."""
    weeks = WeekKey(2026, 40), WeekKey(2026, 41), WeekKey(2026, 42), WeekKey(2026, 43)
    health = Health(moods=tuple(zip(weeks, (None, 4.0, 2.5, 3.75), strict=True)))

    assert health.faces == [0, 4, 2, 4]
    assert health.said == (
        "Mood, last 4 weeks, oldest first: no check-in, 4 – Good, average 2.5, average 3.75. "
        "Steady, around 3.4 out of 5."
    )
