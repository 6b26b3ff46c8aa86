"""Levels: invariant 8 and the curve's numbers."""

from __future__ import annotations

import pytest
from game_strategies import PROPERTY
from hypothesis import given
from hypothesis import strategies as st

from game import level_for, progress, threshold

points = st.integers(min_value=0, max_value=10**9)


@pytest.mark.parametrize(("level", "needed"), [(1, 0), (2, 100), (3, 300), (5, 1000), (10, 4500)])
def test_thresholds(level: int, needed: int) -> None:
    assert threshold(level) == needed
    assert level_for(needed) == level
    if level > 1:
        assert level_for(needed - 1) == level - 1


def test_level_one_at_zero() -> None:
    assert level_for(0) == 1
    assert progress(0).name == "Starter"


def test_negative_points_and_levels_are_errors() -> None:
    with pytest.raises(ValueError):
        level_for(-1)
    with pytest.raises(ValueError):
        threshold(0)


@PROPERTY
@given(points)
def test_level_bounds(x: int) -> None:
    """Invariant 8: threshold(level(x)) <= x < threshold(level(x) + 1)."""
    level = level_for(x)
    assert level >= 1
    assert threshold(level) <= x < threshold(level + 1)


@PROPERTY
@given(points, points)
def test_level_never_decreases(a: int, b: int) -> None:
    low, high = sorted((a, b))
    assert level_for(low) <= level_for(high)


@PROPERTY
@given(points)
def test_progress_adds_up(x: int) -> None:
    p = progress(x)
    assert p.level == level_for(x)
    assert p.points_into_level + p.points_to_next == threshold(p.level + 1) - threshold(p.level)
    assert p.points_to_next > 0
    assert 0 <= p.fraction < 1
    assert p.name


def test_names_keep_going() -> None:
    names = [progress(threshold(level)).name for level in range(1, 13)]
    assert names[:3] == ["Starter", "Explorer", "Pathfinder"]
    assert names[9:] == ["Horizon", "Horizon 2", "Horizon 3"]
    assert len(set(names)) == len(names)
