"""The trend a mood chart's text alternative states in words (app.checkins.trend)."""

from __future__ import annotations

import pytest

from app.checkins.trend import mood_trend


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
