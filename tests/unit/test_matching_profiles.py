"""Profiles: typed lists become comparable words; slots, styles and modes are checked."""

from __future__ import annotations

import pytest

from matching import DAYS, PARTS, SLOTS, Profile, slot_label, tags


def test_tags_split_on_commas_semicolons_and_line_breaks() -> None:
    assert tags("Robotics, music;  Art") == {"robotics", "music", "art"}
    assert tags("maths\nphysics\r\nchemistry") == {"maths", "physics", "chemistry"}


def test_tags_casefold_collapse_spaces_and_drop_empties() -> None:
    assert tags("  Creative   Writing ,, ;\n STRASSE ") == {"creative writing", "strasse"}
    assert tags("Straße") == tags("STRASSE")
    assert tags("") == frozenset()
    assert tags(" ,; \n") == frozenset()


def test_tags_of_the_same_list_typed_twice_are_equal() -> None:
    assert tags("Music, Art") == tags("art;music\n")


def test_slots_run_through_the_week_day_by_day() -> None:
    assert len(SLOTS) == len(DAYS) * len(PARTS) == 28
    assert SLOTS[:5] == ("mon-morning", "mon-lunch", "mon-afternoon", "mon-evening", "tue-morning")
    assert SLOTS[-1] == "sun-evening"
    assert slot_label("mon-lunch") == "Mon lunch"
    assert slot_label("tue-afternoon") == "Tue afternoon"


def test_profile_sets_become_frozensets() -> None:
    profile = Profile(1, interests={"art"}, availability=["mon-lunch"])  # type: ignore[arg-type]
    assert profile.interests == frozenset({"art"})
    assert profile.availability == frozenset({"mon-lunch"})
    assert profile == Profile(
        1, interests=frozenset({"art"}), availability=frozenset({"mon-lunch"})
    )
    assert len({profile, profile}) == 1


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("availability", frozenset({"monday-lunch"})),
        ("modes", frozenset({"carrier pigeon"})),
        ("style", "sarcastic"),
    ],
)
def test_profile_refuses_unknown_values(field: str, value: object) -> None:
    with pytest.raises(ValueError, match="unknown"):
        Profile(1, **{field: value})
