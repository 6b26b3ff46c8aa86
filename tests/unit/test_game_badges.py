"""Badges: invariant 7 (one award per tier, higher implies lower, incremental == from scratch)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from game_strategies import PROPERTY
from hypothesis import given
from hypothesis import strategies as st

from game import (
    BADGES,
    BadgeRule,
    KudosGiven,
    Metric,
    Metrics,
    Scope,
    Tier,
    answered_in_time,
    evaluate,
    next_within_reach,
    rules_for,
    timely_answers,
)

counts = st.integers(min_value=0, max_value=40)
metrics = st.dictionaries(st.sampled_from(Metric), counts).map(Metrics)
held = st.frozensets(
    st.sampled_from([(rule.id, n) for rule in BADGES for n in range(1, len(rule.tiers) + 1)])
)


@st.composite
def growth(draw: st.DrawFn) -> list[Metrics]:
    """Snapshots of one subject's metrics over time: every count only grows."""
    steps = draw(st.lists(st.dictionaries(st.sampled_from(Metric), st.integers(0, 6)), max_size=12))
    snapshots, total = [], dict.fromkeys(Metric, 0)
    for step in steps:
        for name, more in step.items():
            total[name] += more
        snapshots.append(Metrics(total))
    return snapshots


def pairs(awards: list) -> set[tuple[str, int]]:
    return {(award.badge_id, award.tier) for award in awards}


@PROPERTY
@given(metrics, held)
def test_no_tier_twice_and_higher_implies_lower(m: Metrics, already: frozenset) -> None:
    awards = evaluate(BADGES, m, already)
    earned = pairs(awards)
    assert len(earned) == len(awards)
    assert earned.isdisjoint(already)
    rules = {rule.id: rule for rule in BADGES}
    for badge, tier in earned:
        assert m.get(rules[badge].metric, 0) >= rules[badge].tiers[tier - 1].threshold
        assert all((badge, lower) in earned | already for lower in range(1, tier))
    for award in awards:
        assert award.rule_version == rules[award.badge_id].version
        assert award.subject is rules[award.badge_id].scope


@PROPERTY
@given(growth())
def test_incremental_equals_from_scratch(snapshots: list[Metrics]) -> None:
    held_so_far: set[tuple[str, int]] = set()
    for snapshot in snapshots:
        new = pairs(evaluate(BADGES, snapshot, held_so_far))
        assert new.isdisjoint(held_so_far)
        held_so_far |= new
    final = snapshots[-1] if snapshots else Metrics()
    assert held_so_far == pairs(evaluate(BADGES, final, set()))


@PROPERTY
@given(metrics, held, st.permutations(BADGES))
def test_rule_order_does_not_matter(m: Metrics, already: frozenset, rules: list) -> None:
    assert pairs(evaluate(rules, m, already)) == pairs(evaluate(BADGES, m, already))


@PROPERTY
@given(metrics, held)
def test_next_within_reach(m: Metrics, already: frozenset) -> None:
    earned_now = pairs(evaluate(BADGES, m, already)) | already
    reach = next_within_reach(BADGES, m, already)
    assert len({r.badge.id for r in reach}) == len(reach)
    for r in reach:
        assert r.have == m.get(r.badge.metric, 0) < r.need == r.badge.tiers[r.tier - 1].threshold
        assert (r.badge.id, r.tier) not in earned_now
        assert all(
            (r.badge.id, lower) in earned_now or m.get(r.badge.metric, 0) >= tier.threshold
            for lower, tier in enumerate(r.badge.tiers[: r.tier - 1], start=1)
        )
    fractions = [(r.need - r.have) / r.need for r in reach]
    assert fractions == sorted(fractions)


def test_tiers_from_game_md() -> None:
    rules = {rule.id: rule for rule in BADGES}
    expected = {
        "first_step": (1,),
        "consistent": (4, 12, 26),
        "unbroken": (8,),
        "comeback": (1,),
        "milestone_maker": (1, 5, 15),
        "goal_getter": (1,),
        "dream_team": (6,),
        "full_term": (5,),
        "responsive_mentor": (10,),
        "steady_guide": (12,),
        "kudos": (1,),
    }
    assert {key: tuple(t.threshold for t in rule.tiers) for key, rule in rules.items()} == expected
    assert {rule.id for rule in rules_for(Scope.PAIR)} == {"dream_team", "full_term"}
    assert {rule.id for rule in rules_for(Scope.MENTOR)} == {"responsive_mentor", "steady_guide"}
    assert all(rule.description and rule.name for rule in BADGES)


def test_gold_brings_bronze_and_silver() -> None:
    awards = evaluate(BADGES, Metrics({Metric.CHECKIN_WEEKS: 26}), set())
    assert pairs(awards) == {("consistent", 1), ("consistent", 2), ("consistent", 3)}
    assert evaluate(BADGES, Metrics({Metric.CHECKIN_WEEKS: 26}), pairs(awards)) == []


def test_reach_example() -> None:
    m = Metrics({Metric.CHECKIN_WEEKS: 10, Metric.CHECKINS: 14})
    reach = next_within_reach(BADGES, m, {("first_step", 1), ("consistent", 1)})
    consistent = next(r for r in reach if r.badge.id == "consistent")
    assert (consistent.tier, consistent.have, consistent.need) == (2, 10, 12)
    assert reach[0] == consistent


def test_rule_and_metric_validation() -> None:
    with pytest.raises(ValueError):
        BadgeRule("x", "X", Scope.USER, Metric.CHECKINS, (Tier(5), Tier(5)), 1, "twice the same")
    with pytest.raises(ValueError):
        BadgeRule("x", "X", Scope.USER, Metric.CHECKINS, (), 1, "no tiers")
    with pytest.raises(ValueError):
        Metrics({Metric.CHECKINS: -1})


def test_kudos_need_a_note_and_a_month() -> None:
    KudosGiven(1, 2, 3, "2025-03", "Great work on the essay plan.")
    with pytest.raises(ValueError):
        KudosGiven(1, 2, 3, "2025-03", "   ")
    with pytest.raises(ValueError):
        KudosGiven(1, 2, 3, "2025-13", "Nice")


def test_responsive_means_within_72_hours() -> None:
    asked = datetime(2025, 3, 3, 18, 0, tzinfo=UTC)
    assert answered_in_time(asked, asked + timedelta(hours=72))
    assert not answered_in_time(asked, asked + timedelta(hours=72, seconds=1))
    assert not answered_in_time(asked, asked - timedelta(minutes=1))


def test_an_ask_answered_many_times_counts_once() -> None:
    asked = datetime(2025, 3, 3, 18, 0, tzinfo=UTC)
    soon, late = asked + timedelta(hours=1), asked + timedelta(hours=80)
    answers = [("m1", asked, soon)] * 10 + [("m2", asked, late), ("m3", None, soon)]
    assert timely_answers(answers) == 1
    assert timely_answers([(n, asked, soon) for n in range(10)]) == 10
