"""Profile rows as the matching package reads them (app/pairing/profiles.py)."""

from __future__ import annotations

from app.models import ParticipantProfile
from app.pairing.profiles import stated_capacity, to_profile


def test_typed_lists_become_tags_and_unknown_keys_are_dropped():
    row = ParticipantProfile(
        interests=" Robotics, music;  MUSIC ",
        goals="Maths\nPhysics",
        skills="",
        availability="mon-evening  tue-lunch someday",
        style="shouty",
        modes="video carrier-pigeon",
        languages="English, Español",
        capacity=3,
    )
    profile = to_profile(7, row, capacity=2)
    assert profile.id == 7 and profile.capacity == 2
    assert profile.interests == {"robotics", "music"}
    assert profile.goals == {"maths", "physics"} and profile.skills == frozenset()
    assert profile.availability == {"mon-evening", "tue-lunch"}
    assert profile.style is None and profile.modes == {"video"}
    assert profile.languages == {"english", "español"}


def test_no_profile_is_an_empty_one_and_capacity_defaults():
    assert to_profile(3, None).interests == frozenset()
    assert stated_capacity(None) == 0
    assert stated_capacity(ParticipantProfile(capacity=None)) == 1
    assert stated_capacity(ParticipantProfile(capacity=0)) == 0
