"""The weekly check-in nudge: invariant 12."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from game_strategies import (
    LOSS_WORDS,
    NAMED_ZONES,
    PROPERTY,
    SCENARIO,
    at_local,
    calendars,
    instants,
    zones,
)
from hypothesis import given
from hypothesis import strategies as st

from game import (
    Cadence,
    ProgramCalendar,
    StreakState,
    WeekKey,
    checkin_nudge_text,
    in_quiet_hours,
    local_datetime,
    next_nudge_time,
    should_nudge_checkin,
    week_of,
)

flags = st.fixed_dictionaries(
    {
        "week_counted": st.booleans(),
        "opted_in": st.booleans(),
        "already_nudged_this_week": st.booleans(),
    }
)
FRESH = {"week_counted": False, "opted_in": True, "already_nudged_this_week": False}


@st.composite
def moments(draw: st.DrawFn) -> tuple[ProgramCalendar, str, datetime]:
    """A program, the user's own zone, and a moment in or around the program."""
    cal = draw(calendars(max_weeks=12))
    start = at_local(cal.start, time(0), cal.zone) - timedelta(days=3)
    offset = draw(st.integers(0, (cal.end - cal.start).days * 24 * 60 + 14 * 24 * 60))
    return cal, draw(zones), start + timedelta(minutes=offset)


@PROPERTY
@given(moments(), flags)
def test_a_nudge_needs_every_condition(moment: tuple, f: dict) -> None:
    """Invariant 12: never without opt-in, once counted or nudged, in a break week, outside
    the program, in quiet hours, or before the late-week window."""
    cal, zone, now = moment
    if should_nudge_checkin(now, zone, cal, **f):
        clock = local_datetime(now, zone)
        week = week_of(clock.date())
        assert f == FRESH
        assert week in cal and not cal.is_break(week)
        assert not in_quiet_hours(clock.time())
        assert (clock.weekday(), clock.time()) >= (4, time(16))


@SCENARIO
@given(calendars(max_weeks=8), zones, st.data())
def test_at_most_one_nudge_a_week(cal: ProgramCalendar, zone: str, data: st.DataObject) -> None:
    """Invariant 12, as the tick command runs it: every 20 minutes across the program, the user
    checking in at some moment of some weeks; at most one nudge per week, none once counted."""
    weeks = cal.weeks()
    checkin_at = {
        week: at_local(week.monday(), time(0), zone) + timedelta(minutes=minutes)
        for week in weeks
        if (minutes := data.draw(st.one_of(st.none(), st.integers(0, 7 * 24 * 60 - 1)))) is not None
    }
    sent: dict[WeekKey, datetime] = {}
    tick = at_local(weeks[0].monday(), time(0), zone) - timedelta(days=1)
    end = at_local(weeks[-1].monday(), time(0), zone) + timedelta(days=8)
    while tick < end:
        week = week_of(local_datetime(tick, zone).date())
        counted = week in checkin_at and checkin_at[week] <= tick
        if should_nudge_checkin(
            tick,
            zone,
            cal,
            week_counted=counted,
            opted_in=True,
            already_nudged_this_week=week in sent,
        ):
            assert week not in sent and not cal.is_break(week)
            sent[week] = tick
        tick += timedelta(minutes=20)
    for week, when in sent.items():
        assert week not in checkin_at or when < checkin_at[week]
    open_weeks = [w for w in weeks if not cal.is_break(w) and w not in checkin_at]
    assert all(week in sent for week in open_weeks)  # nobody is forgotten either


@PROPERTY
@given(moments(), flags, st.lists(st.floats(0, 1), max_size=6))
def test_next_nudge_time_is_the_first_allowed_moment(
    moment: tuple, f: dict, samples: list[float]
) -> None:
    """The flags describe the current week; later weeks start with nothing counted or sent."""
    cal, zone, now = moment
    first = next_nudge_time(now, zone, cal, **f)
    this_week = week_of(local_datetime(now, zone).date())
    later = {**f, "week_counted": False, "already_nudged_this_week": False}

    def allowed(at: datetime) -> bool:
        same_week = week_of(local_datetime(at, zone).date()) == this_week
        return should_nudge_checkin(at, zone, cal, **(f if same_week else later))

    if first is None:
        horizon = at_local(cal.end, time(0), cal.zone) + timedelta(days=3)
        assert not any(allowed(now + (horizon - now) * s) for s in samples if horizon > now)
        return
    assert first >= now and allowed(first)
    just_before = first - timedelta(minutes=1)
    assert just_before < now or not allowed(just_before)
    assert not any(
        allowed(now + (first - now) * s) for s in samples if now + (first - now) * s < first
    )


def test_next_nudge_examples() -> None:
    cal = ProgramCalendar(
        date(2025, 3, 3), date(2025, 3, 30), Cadence.WEEKLY, {WeekKey(2025, 12)}, "UTC"
    )
    zone = "America/New_York"
    monday = at_local(date(2025, 3, 10), time(9), zone)
    friday_four = at_local(date(2025, 3, 14), time(16), zone)
    assert next_nudge_time(monday, zone, cal, **FRESH) == friday_four
    late = at_local(date(2025, 3, 14), time(22), zone)  # quiet hours: wait for the morning
    assert next_nudge_time(late, zone, cal, **FRESH) == at_local(date(2025, 3, 15), time(8), zone)
    counted = {**FRESH, "week_counted": True}  # this week is done; W12 is a break: W13
    assert next_nudge_time(monday, zone, cal, **counted) == at_local(
        date(2025, 3, 28), time(16), zone
    )
    assert next_nudge_time(monday, zone, cal, **{**FRESH, "opted_in": False}) is None
    sunday_night = at_local(date(2025, 3, 30), time(21, 30), zone)  # last week, quiet until it ends
    assert next_nudge_time(sunday_night, zone, cal, **FRESH) is None


def test_quiet_hours() -> None:
    assert in_quiet_hours(time(21)) and in_quiet_hours(time(7, 59)) and in_quiet_hours(time(0))
    assert not in_quiet_hours(time(8)) and not in_quiet_hours(time(20, 59))
    assert in_quiet_hours(time(13, 30), time(13), time(14))
    assert not in_quiet_hours(time(14), time(13), time(14))
    assert not in_quiet_hours(time(3), time(0), time(0))


@PROPERTY
@given(instants, st.sampled_from(NAMED_ZONES))
def test_the_user_zone_decides_the_hours(now: datetime, zone: str) -> None:
    cal = ProgramCalendar(date(1990, 1, 1), date(2045, 1, 1), Cadence.WEEKLY, frozenset(), "UTC")
    clock = local_datetime(now, zone)
    expected = (clock.weekday(), clock.time()) >= (4, time(16)) and not in_quiet_hours(clock.time())
    assert should_nudge_checkin(now, zone, cal, **FRESH) == expected


@PROPERTY
@given(st.integers(0, 60), st.integers(0, 2))
def test_nudge_words_encourage(current: int, tokens: int) -> None:
    state = StreakState(current, current, current, tokens, (), None, False)
    text = checkin_nudge_text(state)
    assert not LOSS_WORDS.search(text)
    assert ("freeze token" in text) == (tokens > 0 and current > 0)
