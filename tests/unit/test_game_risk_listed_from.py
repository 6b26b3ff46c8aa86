"""``game.risk``'s instants: from when a pair is quiet, silent or waiting for help, and from when
it is on the list, checked against the rules they stand for at every week or hour."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from game.calendar import Cadence, ProgramCalendar
from game.rhythm import quiet_bounds
from game.risk import (
    HELP_WAIT,
    Reason,
    Resolution,
    Signal,
    help_from,
    help_waiting,
    listed_from,
    mentor_silent,
    open_reasons,
    quiet_from,
    silent_from,
)
from game.weeks import week_of

START, END = date(2026, 9, 7), date(2027, 1, 29)
BREAKS = st.sets(st.integers(0, 20), max_size=6)


def _calendar(cadence: Cadence, breaks: set[int]) -> ProgramCalendar:
    weeks = [week_of(START + timedelta(weeks=n)) for n in breaks]
    return ProgramCalendar(START, END, cadence, frozenset(weeks), "Europe/Paris")


def _quiet(calendar: ProgramCalendar, met, matched, week) -> bool:
    """The rule ``quiet_from`` stands for: ``quiet_bounds`` of that week."""
    bounds = quiet_bounds(calendar, week)
    return bounds is not None and (met is None or met < bounds[0]) and matched < bounds[1]


@given(
    cadence=st.sampled_from(list(Cadence)),
    breaks=BREAKS,
    met=st.none() | st.integers(0, 20),
    matched=st.integers(-3, 21),
)
def test_quiet_from_is_the_first_week_quiet_and_every_later_one_is(cadence, breaks, met, matched):
    calendar = _calendar(cadence, breaks)
    weeks = calendar.weeks()
    met_week = None if met is None else weeks[met]
    matched_week = week_of(START + timedelta(weeks=matched))
    first = quiet_from(calendar, met_week, matched_week)
    quiet = [_quiet(calendar, met_week, matched_week, week) for week in weeks]
    if first is None:
        assert not any(quiet)
    else:
        assert quiet == [week >= first for week in weeks]


def test_a_pair_that_never_met_is_quiet_from_two_counted_periods_after_its_match():
    calendar = _calendar(Cadence.WEEKLY, set())
    weeks = calendar.weeks()
    assert quiet_from(calendar, None, weeks[0]) == weeks[1]
    assert quiet_from(calendar, weeks[4], weeks[0]) == weeks[6]
    assert quiet_from(calendar, weeks[-1], weeks[0]) is None  # met in the last week


def test_a_break_pushes_the_quiet_week_later():
    weeks = _calendar(Cadence.WEEKLY, set()).weeks()
    assert quiet_from(_calendar(Cadence.WEEKLY, {5}), weeks[4], weeks[0]) == weeks[7]


NOW = datetime(2026, 11, 4, 12, tzinfo=UTC)
HOURS = st.integers(-24 * 40, 24 * 40)


@given(matched=HOURS, active=st.none() | HOURS, later=HOURS)
def test_silent_from_is_when_the_rule_starts_to_hold(matched, active, later):
    matched_at = NOW + timedelta(hours=matched)
    active_at = None if active is None else NOW + timedelta(hours=active)
    now = NOW + timedelta(hours=later)
    assert mentor_silent(matched_at, active_at, now) == (now >= silent_from(matched_at, active_at))


@given(asked=HOURS, later=HOURS)
def test_help_from_is_when_the_request_starts_to_wait(asked, later):
    asked_at, now = NOW + timedelta(hours=asked), NOW + timedelta(hours=later)
    assert help_waiting(asked_at, now) == (now >= help_from(asked_at))
    assert help_from(asked_at) - asked_at == HELP_WAIT


def test_listed_from_is_the_earliest_reason_the_resolution_leaves_open():
    quiet = Reason(Signal.QUIET, NOW - timedelta(days=20))
    silent = Reason(Signal.MENTOR_SILENT, NOW - timedelta(days=3))
    raised = [(quiet, NOW + timedelta(days=1)), (silent, NOW + timedelta(days=11))]
    assert listed_from(raised, None) == NOW + timedelta(days=1)
    resolution = Resolution(frozenset({"quiet"}), NOW - timedelta(days=1), NOW.date())
    assert listed_from(raised, resolution) == NOW + timedelta(days=11)
    both = Resolution(frozenset({"quiet", "mentor_silent"}), NOW, NOW.date())
    assert listed_from(raised, both) is None
    assert listed_from([(quiet, None)], None) is None  # never raised: never listed


@given(
    starts=st.lists(st.tuples(st.sampled_from(list(Signal)), HOURS, st.none() | HOURS), max_size=4),
    resolved=st.none() | st.tuples(HOURS, st.sets(st.sampled_from([s.value for s in Signal]))),
    later=HOURS,
)
def test_on_the_list_exactly_from_listed_from(starts, resolved, later):
    """The reasons raised at any instant (those whose start has come) leave one open exactly
    when that instant is ``listed_from``'s or later."""
    raised = [
        (
            Reason(signal, NOW + timedelta(hours=since)),
            None if at is None else NOW + timedelta(hours=at),
        )
        for signal, since, at in starts
    ]
    resolution = None
    if resolved is not None:
        at = NOW + timedelta(hours=resolved[0])
        resolution = Resolution(frozenset(resolved[1]), at, at.date())
    now = NOW + timedelta(hours=later)
    found = [reason for reason, at in raised if at is not None and at <= now]
    first = listed_from(raised, resolution)
    assert bool(open_reasons(found, resolution)) == (first is not None and first <= now)
