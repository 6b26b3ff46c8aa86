"""The solver: the same optimum as trying every assignment, within every mentor's capacity."""

from __future__ import annotations

import random
from collections import Counter

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from matching_strategies import PROPERTY, pools, profiles, scores, seats

from matching import Pair, Profile, Score, Suggestion, assign, explain, rank, score, suggest


def brute_force(
    mentees: list[Profile], mentors: list[Profile], table: dict[tuple[int, int], Score]
) -> tuple[int, int]:
    """(matched, total) of the best assignment, found by trying every one of them."""
    seats = {mentor.id: max(mentor.capacity, 0) for mentor in mentors}

    def best(i: int) -> tuple[int, int]:
        if i == len(mentees):
            return (0, 0)
        found = best(i + 1)  # this mentee left unmatched
        for mentor in mentors:
            pair = table[mentees[i].id, mentor.id]
            if pair.allowed and seats[mentor.id]:
                seats[mentor.id] -= 1
                matched, total = best(i + 1)
                seats[mentor.id] += 1
                found = max(found, (matched + 1, total + pair.total))
        return found

    return best(0)


def check_valid(result: Suggestion, mentees: list[Profile], mentors: list[Profile]) -> None:
    capacity = {mentor.id: mentor.capacity for mentor in mentors}
    load = Counter(pair.mentor_id for pair in result.pairs)
    assert all(load[mentor_id] <= capacity[mentor_id] for mentor_id in load)
    matched = [pair.mentee_id for pair in result.pairs]
    assert matched == sorted(set(matched))
    assert all(pair.score.allowed for pair in result.pairs)
    assert sorted(matched + list(result.unmatched)) == sorted(m.id for m in mentees)
    assert list(result.unmatched) == sorted(result.unmatched)
    assert result.total == sum(pair.score.total for pair in result.pairs)


@PROPERTY
@given(pools(max_mentees=5, max_mentors=4))
def test_profiles_get_the_brute_force_optimum(pool: tuple[list, list]) -> None:
    mentees, mentors = pool
    table = {(m.id, t.id): score(m, t) for m in mentees for t in mentors}
    result = suggest(mentees, mentors)
    check_valid(result, mentees, mentors)
    assert (len(result.pairs), result.total) == brute_force(mentees, mentors, table)
    for pair in result.pairs:
        assert pair.score == table[pair.mentee_id, pair.mentor_id]


@PROPERTY
@given(pools(max_mentees=5, max_mentors=4, people=seats), st.data())
def test_any_score_table_gets_the_brute_force_optimum(
    pool: tuple[list, list], data: st.DataObject
) -> None:
    """Arbitrary totals and forbidden pairs, passed in as ``scores``, stress the solver itself."""
    mentees, mentors = pool
    table = {(m.id, t.id): data.draw(scores) for m in mentees for t in mentors}
    result = suggest(mentees, mentors, scores=table)
    check_valid(result, mentees, mentors)
    assert (len(result.pairs), result.total) == brute_force(mentees, mentors, table)
    for pair in result.pairs:
        assert pair.score is table[pair.mentee_id, pair.mentor_id]


@settings(PROPERTY, max_examples=60)
@given(pools(max_mentees=6, max_mentors=4), st.randoms(use_true_random=False))
def test_the_same_pool_in_any_order_gives_the_same_suggestion(
    pool: tuple[list, list], shuffler: random.Random
) -> None:
    mentees, mentors = pool
    first = suggest(mentees, mentors)
    shuffler.shuffle(mentees)
    shuffler.shuffle(mentors)
    assert suggest(mentees, mentors) == first


def test_matching_more_mentees_beats_a_higher_total() -> None:
    """One 100 and one unmatched would total more than 2 × 40; the objective says match both."""
    mentees = [Profile(1), Profile(2)]
    mentors = [Profile(10), Profile(11)]
    table = {
        (1, 10): Score(100),
        (1, 11): Score(40),
        (2, 10): Score(40),
        (2, 11): Score(0, allowed=False),
    }
    result = suggest(mentees, mentors, scores=table)
    assert [(p.mentee_id, p.mentor_id) for p in result.pairs] == [(1, 11), (2, 10)]
    assert result.total == 80 and result.unmatched == ()


def test_greedy_would_take_the_best_pair_first_the_solver_does_not() -> None:
    mentees = [Profile(1), Profile(2)]
    mentors = [Profile(10), Profile(11)]
    table = {(1, 10): Score(90), (1, 11): Score(80), (2, 10): Score(85), (2, 11): Score(10)}
    result = suggest(mentees, mentors, scores=table)
    assert [(p.mentee_id, p.mentor_id) for p in result.pairs] == [(1, 11), (2, 10)]
    assert result.total == 165


def test_capacity_fills_a_mentors_seats_and_lists_the_rest_unmatched() -> None:
    mentees = [Profile(i, goals=frozenset({"maths"})) for i in (3, 1, 2)]
    mentors = [Profile(10, skills=frozenset({"maths"}), capacity=2), Profile(11, capacity=0)]
    result = suggest(mentees, mentors)
    assert [(p.mentee_id, p.mentor_id) for p in result.pairs] == [(1, 10), (2, 10)]
    assert result.unmatched == (3,)
    assert result.total == 2 * score(mentees[0], mentors[0]).total


def test_zero_and_negative_capacity_take_no_one() -> None:
    result = suggest([Profile(1)], [Profile(10, capacity=0), Profile(11, capacity=-2)])
    assert result == Suggestion(pairs=(), unmatched=(1,), total=0)


def test_more_seats_than_mentees() -> None:
    result = suggest([Profile(1)], [Profile(10, capacity=500), Profile(11, capacity=3)])
    assert [(p.mentee_id, p.mentor_id) for p in result.pairs] == [(1, 10)]  # a tie: lower id


def test_empty_pools() -> None:
    assert suggest([], []) == Suggestion(pairs=(), unmatched=(), total=0)
    assert suggest([], [Profile(10)]) == Suggestion(pairs=(), unmatched=(), total=0)
    assert suggest([Profile(2), Profile(1)], []) == Suggestion(pairs=(), unmatched=(1, 2), total=0)


def test_a_forbidden_pair_is_never_suggested_even_if_alone() -> None:
    mentee = Profile(1, languages=frozenset({"english"}))
    mentor = Profile(10, languages=frozenset({"polish"}))
    assert suggest([mentee], [mentor]) == Suggestion(pairs=(), unmatched=(1,), total=0)


def test_given_scores_override_only_their_pairs_and_strangers_are_ignored() -> None:
    mentees = [Profile(1, goals=frozenset({"maths"})), Profile(2, goals=frozenset({"maths"}))]
    mentors = [Profile(10, skills=frozenset({"maths"}))]
    override = {(1, 10): Score(0, allowed=False), (99, 10): Score(100)}
    result = suggest(mentees, mentors, scores=override)
    assert result.pairs == (Pair(2, 10, score(mentees[1], mentors[0])),)
    assert result.unmatched == (1,)


def test_duplicate_ids_are_refused() -> None:
    with pytest.raises(ValueError, match="mentor ids must be unique"):
        suggest([Profile(1)], [Profile(10), Profile(10)])


@given(profiles(id=1), st.lists(profiles(), max_size=5))
def test_rank_puts_allowed_mentors_first_then_the_best(
    mentee: Profile, drafts: list[Profile]
) -> None:
    mentors = [Profile(**{**vars(d), "id": 100 + i}) for i, d in enumerate(drafts)]
    ranked = rank(mentee, mentors)
    assert sorted(p.mentor_id for p in ranked) == [m.id for m in mentors]
    keys = [(not p.score.allowed, -p.score.total, p.mentor_id) for p in ranked]
    assert keys == sorted(keys)
    assert all(p.score == score(mentee, m) for p in ranked for m in mentors if m.id == p.mentor_id)


def test_assign_works_on_a_bare_matrix() -> None:
    totals = np.array([[10, 90], [80, 85], [0, 0]])
    allowed = np.array([[True, True], [True, True], [True, False]])
    assert assign(totals, allowed, [1, 1]) == [(0, 1), (1, 0)]
    assert assign(totals, allowed, [2, 0]) == [(0, 0), (1, 0)]
    assert assign(totals, allowed, [3, 0]) == [(0, 0), (1, 0), (2, 0)]
    assert assign(totals[:0], allowed[:0], [1, 1]) == []
    assert assign(totals[:, :0], allowed[:, :0], []) == []


def test_explain_is_the_scorer() -> None:
    mentee, mentor = (
        Profile(1, interests=frozenset({"art"})),
        Profile(2, interests=frozenset({"art"})),
    )
    assert explain(mentee, mentor) == score(mentee, mentor)
