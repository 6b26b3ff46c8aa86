"""The survey schedule: pulses every four counted weeks, the end survey in the last two, and
which groups of answers a coordinator may see."""

from __future__ import annotations

from datetime import date, timedelta

from game.calendar import Cadence, ProgramCalendar
from game.surveys import (
    EVERYONE,
    SurveyKind,
    SurveySlot,
    find,
    open_on,
    schedule,
    shown,
)
from game.weeks import week_of

MONDAY = date(2025, 9, 1)


def calendar(weeks: int, breaks=(), start: date = MONDAY) -> ProgramCalendar:
    return ProgramCalendar(
        start=start,
        end=MONDAY + timedelta(weeks=weeks) - timedelta(days=3),  # a Friday
        cadence=Cadence.WEEKLY,
        break_weeks=frozenset(week_of(MONDAY + timedelta(weeks=i)) for i in breaks),
        zone="Europe/London",
    )


def week(i: int) -> date:
    return MONDAY + timedelta(weeks=i)


def test_pulses_every_four_weeks_then_the_end_survey() -> None:
    slots = schedule(calendar(20))
    assert [(s.kind, s.number, s.opens_on) for s in slots] == [
        (SurveyKind.PULSE, 1, week(4)),
        (SurveyKind.PULSE, 2, week(8)),
        (SurveyKind.PULSE, 3, week(12)),
        (SurveyKind.PULSE, 4, week(16)),
        (SurveyKind.END, 1, week(18)),
    ]
    assert slots[0].closes_on == week(4) + timedelta(days=6)
    assert slots[-1].closes_on == calendar(20).end + timedelta(days=3)


def test_break_weeks_do_not_count_and_never_hold_a_pulse() -> None:
    # week 2 is a break: the fourth counted week ends a week later; week 9 (pulse 2's week
    # without breaks) is a break too, so pulse 2 moves on again
    slots = schedule(calendar(20, breaks=(2, 9)))
    pulses = [s.opens_on for s in slots if s.kind is SurveyKind.PULSE]
    assert pulses == [week(5), week(10), week(14)]
    breaks = {week(2), week(9)}
    assert not breaks & {s.opens_on for s in slots}


def test_the_last_weeks_hold_only_the_end_survey() -> None:
    # counted weeks 0..15 and two breaks at the end: the end survey opens in the last two
    # counted weeks, and pulse 4 (week 16 would be its Monday) never happens
    slots = schedule(calendar(18, breaks=(16, 17)))
    assert slots[-1] == SurveySlot(week(14), SurveyKind.END, 1, calendar(18).end + timedelta(3))
    assert [s.number for s in slots if s.kind is SurveyKind.PULSE] == [1, 2, 3]


def test_a_short_program_has_only_its_end_survey() -> None:
    slots = schedule(calendar(3))
    assert slots == (SurveySlot(week(1), SurveyKind.END, 1, calendar(3).end + timedelta(3)),)


def test_a_one_week_program_opens_its_end_survey_on_its_first_day() -> None:
    short = ProgramCalendar(
        MONDAY + timedelta(2), MONDAY + timedelta(4), Cadence.WEEKLY, frozenset(), "Europe/London"
    )
    assert schedule(short)[0].opens_on == MONDAY + timedelta(2)


def test_a_program_of_breaks_only_has_no_survey() -> None:
    assert schedule(calendar(2, breaks=(0, 1))) == ()


def test_surveys_never_overlap_and_open_on_finds_the_one_open() -> None:
    cal = calendar(30, breaks=(3, 7, 8, 20))
    slots = schedule(cal)
    for earlier, later in zip(slots, slots[1:], strict=False):
        assert earlier.closes_on < later.opens_on
    day = cal.start
    while day <= cal.end + timedelta(days=5):
        found = open_on(cal, day)
        assert found == next((s for s in slots if s.opens_on <= day <= s.closes_on), None)
        day += timedelta(days=1)
    assert open_on(cal, slots[0].opens_on - timedelta(days=1)) is None
    assert find(cal, SurveyKind.PULSE, 2) == slots[1]
    assert find(cal, SurveyKind.PULSE, 99) is None


def test_groups_below_the_threshold_are_never_shown() -> None:
    assert shown({"mentee": 3, "mentor": 1}) == set()
    assert shown({"mentee": 4, "mentor": 0}) == set()
    assert shown({"mentee": 5, "mentor": 0}) == {EVERYONE, "mentee"}
    assert shown({"mentee": 6, "mentor": 5}) == {EVERYONE, "mentee", "mentor"}


def test_a_small_role_hides_the_other_roles_group_too() -> None:
    # seven mentees beside everyone's nine would give the two mentors' answers away
    assert shown({"mentee": 7, "mentor": 2}) == {EVERYONE}
    assert shown({"mentee": 2, "mentor": 3}) == {EVERYONE}
