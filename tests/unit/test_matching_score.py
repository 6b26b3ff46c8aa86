"""The scorer: each reason in words and points, the rules that rule a pair out, the scale."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from matching_strategies import PROPERTY, pools, profiles

from matching import FULL_AT, MAX_TOTAL, WEIGHTS, Profile, Reason, Score, score, score_matrix


def reason(mentee: Profile, mentor: Profile, kind: str) -> Reason | None:
    found = [r for r in score(mentee, mentor).reasons if r.kind == kind]
    assert len(found) <= 1
    return found[0] if found else None


def test_weights_rank_goals_first_and_add_up_to_100() -> None:
    assert list(WEIGHTS) == ["goals", "availability", "interests", "language", "mode", "style"]
    assert list(WEIGHTS.values()) == sorted(WEIGHTS.values(), reverse=True)
    assert MAX_TOTAL == sum(WEIGHTS.values()) == 100


def test_a_perfect_pair_scores_100_with_a_reason_per_kind() -> None:
    mentee = Profile(
        1,
        interests=frozenset({"art", "music", "chess"}),
        goals=frozenset({"maths"}),
        availability=frozenset({"mon-lunch", "tue-lunch", "wed-lunch"}),
        style="direct",
        modes=frozenset({"video"}),
        languages=frozenset({"english"}),
    )
    mentor = Profile(
        2,
        skills=frozenset({"maths", "physics"}),
        interests=mentee.interests,
        availability=mentee.availability,
        style="direct",
        modes=mentee.modes,
        languages=mentee.languages,
    )
    result = score(mentee, mentor)
    assert result == Score(
        total=100,
        allowed=True,
        reasons=(
            Reason("goals", "Mentor offers maths, which the mentee wants help with", 40),
            Reason("availability", "3 shared time slots: Mon lunch, Tue lunch, Wed lunch", 25),
            Reason("interests", "Both like art, chess and music", 15),
            Reason("language", "Share a language: English", 10),
            Reason("mode", "Both prefer video", 6),
            Reason("style", "Same communication style: direct and practical", 4),
        ),
    )


def test_two_empty_profiles_only_agree_that_any_mode_will_do() -> None:
    assert score(Profile(1), Profile(2)) == Score(
        total=WEIGHTS["mode"], reasons=(Reason("mode", "Any meeting mode suits both", 6),)
    )


@pytest.mark.parametrize(
    ("goals", "skills", "text", "points"),
    [
        ({"maths"}, {"maths", "art"}, "Mentor offers maths, which the mentee wants help with", 40),
        (
            {"maths", "physics", "art"},
            {"maths", "physics"},
            "Mentor offers maths and physics, which the mentee wants help with (2 of 3 goals)",
            26,
        ),
        (
            {"a", "b", "c", "d", "e"},
            {"a", "b", "c", "d", "e"},
            "Mentor offers a, b, c and 2 more, which the mentee wants help with",
            40,
        ),
        ({"maths"}, {"art"}, "Mentor's subjects don't cover what the mentee wants help with", 0),
    ],
)
def test_goals_against_skills(goals: set, skills: set, text: str, points: int) -> None:
    found = reason(
        Profile(1, goals=frozenset(goals)), Profile(2, skills=frozenset(skills)), "goals"
    )
    assert found == Reason("goals", text, points)


def test_goals_say_nothing_when_either_list_is_empty() -> None:
    assert reason(Profile(1, goals=frozenset({"maths"})), Profile(2), "goals") is None
    assert reason(Profile(1), Profile(2, skills=frozenset({"maths"})), "goals") is None


def test_goals_look_at_the_mentors_skills_not_their_goals() -> None:
    mentee = Profile(1, goals=frozenset({"maths"}))
    assert reason(mentee, Profile(2, goals=frozenset({"maths"})), "goals") is None
    assert (
        score(Profile(1, skills=frozenset({"maths"})), Profile(2, goals=frozenset({"maths"}))).total
        == 6
    )


@pytest.mark.parametrize(
    ("shared", "text", "points"),
    [
        (("mon-lunch",), "1 shared time slot: Mon lunch", 8),
        (("tue-afternoon", "mon-lunch"), "2 shared time slots: Mon lunch, Tue afternoon", 16),
        (
            ("sun-evening", "mon-morning", "mon-lunch", "wed-lunch"),
            "4 shared time slots: Mon morning, Mon lunch, Wed lunch, …",
            25,
        ),
    ],
)
def test_availability_names_the_shared_slots_in_week_order(
    shared: tuple[str, ...], text: str, points: int
) -> None:
    mentee = Profile(1, availability=frozenset({*shared, "fri-evening"}))
    mentor = Profile(2, availability=frozenset({*shared, "sat-morning"}))
    assert reason(mentee, mentor, "availability") == Reason("availability", text, points)
    assert score(mentee, mentor).allowed


@pytest.mark.parametrize(("count", "points"), [(1, 5), (2, 10), (3, 15), (5, 15)])
def test_interests_earn_a_third_each_up_to_three(count: int, points: int) -> None:
    words = frozenset(f"topic {i}" for i in range(count))
    found = reason(
        Profile(1, interests=words | {"chess"}), Profile(2, interests=words), "interests"
    )
    assert (
        found is not None
        and found.points == points == WEIGHTS["interests"] * min(count, FULL_AT) // FULL_AT
    )
    assert found.text.startswith("Both like topic 0")


def test_no_shared_interests_is_said_but_does_not_rule_out() -> None:
    result = score(
        Profile(1, interests=frozenset({"art"})), Profile(2, interests=frozenset({"chess"}))
    )
    assert Reason("interests", "No shared interests", 0) in result.reasons
    assert result.allowed


def test_languages_shared_are_named_with_capitals() -> None:
    mentee = Profile(1, languages=frozenset({"english", "spanish"}))
    mentor = Profile(2, languages=frozenset({"spanish", "polish"}))
    assert reason(mentee, mentor, "language") == Reason("language", "Share a language: Spanish", 10)
    both = Profile(3, languages=frozenset({"english", "spanish"}))
    assert reason(mentee, both, "language") == Reason(
        "language", "Share languages: English and Spanish", 10
    )


def test_no_shared_language_rules_the_pair_out() -> None:
    result = score(
        Profile(1, languages=frozenset({"english"})), Profile(2, languages=frozenset({"polish"}))
    )
    assert Reason("language", "No shared language", 0) in result.reasons
    assert not result.allowed


def test_no_shared_free_time_rules_the_pair_out() -> None:
    mentee = Profile(1, availability=frozenset({"mon-lunch"}), goals=frozenset({"maths"}))
    mentor = Profile(2, availability=frozenset({"tue-lunch"}), skills=frozenset({"maths"}))
    result = score(mentee, mentor)
    assert Reason("availability", "No shared free time", 0) in result.reasons
    assert not result.allowed
    assert result.total == 46  # still scored, so a coordinator can see why it was left out


@pytest.mark.parametrize("field", ["languages", "availability"])
def test_a_list_left_empty_on_one_side_rules_nothing_out(field: str) -> None:
    value = frozenset({"english"}) if field == "languages" else frozenset({"mon-lunch"})
    result = score(Profile(1, **{field: value}), Profile(2))
    assert result.allowed
    assert all(r.points == WEIGHTS["mode"] for r in result.reasons)


@pytest.mark.parametrize(
    ("mentee_modes", "mentor_modes", "text", "points"),
    [
        ({"video", "chat"}, {"chat", "video", "call"}, "Both prefer video or chat", 6),
        ({"in_person"}, {"in_person"}, "Both prefer meeting in person", 6),
        ({"call"}, {"video"}, "Prefer different meeting modes", 0),
        (set(), {"video"}, "Any meeting mode suits the mentee", 6),
        ({"video"}, set(), "Any meeting mode suits the mentor", 6),
    ],
)
def test_meeting_modes(mentee_modes: set, mentor_modes: set, text: str, points: int) -> None:
    mentee, mentor = (
        Profile(1, modes=frozenset(mentee_modes)),
        Profile(2, modes=frozenset(mentor_modes)),
    )
    assert reason(mentee, mentor, "mode") == Reason("mode", text, points)
    assert score(mentee, mentor).allowed


def test_styles() -> None:
    same = reason(Profile(1, style="reflective"), Profile(2, style="reflective"), "style")
    assert same == Reason("style", "Same communication style: asks questions to think with", 4)
    different = reason(Profile(1, style="direct"), Profile(2, style="encouraging"), "style")
    assert different == Reason("style", "Different communication styles", 0)
    assert reason(Profile(1, style="direct"), Profile(2), "style") is None


@pytest.mark.parametrize("total", [-1, 101])
def test_a_score_stays_on_the_scale(total: int) -> None:
    with pytest.raises(ValueError, match="0 to 100"):
        Score(total=total)


@PROPERTY
@given(profiles(id=1), profiles(id=2))
def test_reasons_add_up_to_the_total_in_weights_order(mentee: Profile, mentor: Profile) -> None:
    result = score(mentee, mentor)
    assert 0 <= result.total <= MAX_TOTAL
    assert result.total == sum(r.points for r in result.reasons)
    kinds = [r.kind for r in result.reasons]
    assert kinds == [kind for kind in WEIGHTS if kind in kinds]
    for r in result.reasons:
        assert 0 <= r.points <= WEIGHTS[r.kind] and r.text
    ruled_out = {"No shared language", "No shared free time"} & {r.text for r in result.reasons}
    assert result.allowed == (not ruled_out)


@PROPERTY
@given(pools(max_mentees=5, max_mentors=5))
def test_the_matrix_agrees_with_the_scorer_pair_by_pair(pool: tuple[list, list]) -> None:
    mentees, mentors = pool
    matrix = score_matrix(mentees, mentors)
    assert matrix.totals.shape == matrix.allowed.shape == (len(mentees), len(mentors))
    assert matrix.totals.dtype == np.int64 and matrix.allowed.dtype == np.bool_
    for i, mentee in enumerate(mentees):
        for j, mentor in enumerate(mentors):
            expected = score(mentee, mentor)
            assert (int(matrix.totals[i, j]), bool(matrix.allowed[i, j])) == (
                expected.total,
                expected.allowed,
            )


@given(st.data())
def test_the_matrix_of_empty_pools_is_empty(data: st.DataObject) -> None:
    some = [data.draw(profiles(id=1))]
    assert score_matrix([], some).totals.shape == (0, 1)
    assert score_matrix(some, []).allowed.shape == (1, 0)
