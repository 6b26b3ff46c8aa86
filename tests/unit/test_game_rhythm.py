"""The pair's meeting rhythm over cadence periods, and the Full Term measure."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from game_strategies import PROPERTY, History, histories
from hypothesis import given
from hypothesis import strategies as st

from game import (
    Cadence,
    ProgramCalendar,
    RhythmState,
    WeekKey,
    compute_rhythm,
    full_term_sixths,
    is_quiet,
    measured_periods,
    quiet_bounds,
    week_of,
)
from game.runs import NO_FREEZES, Mark, tally


@PROPERTY
@given(histories())
def test_bounds(history: History) -> None:
    cal, met, up_to = history
    state = compute_rhythm(met, cal, up_to)
    assert 0 <= state.current <= state.best <= state.total_periods <= len(cal.periods())
    assert 0 <= full_term_sixths(state, cal, up_to) <= 6


@PROPERTY
@given(histories(), st.data())
def test_another_meeting_never_lowers_the_rhythm(history: History, data: st.DataObject) -> None:
    cal, met, up_to = history
    extra = data.draw(st.sampled_from(cal.weeks()))
    before, after = compute_rhythm(met, cal, up_to), compute_rhythm(met | {extra}, cal, up_to)
    assert after.current >= before.current and after.best >= before.best
    assert full_term_sixths(after, cal, up_to) >= full_term_sixths(before, cal, up_to)


@PROPERTY
@given(histories(), st.data())
def test_a_new_break_period_never_lowers_current(history: History, data: st.DataObject) -> None:
    cal, met, up_to = history
    period = data.draw(st.sampled_from(cal.periods()))
    if not met.isdisjoint(period):
        return
    paused = replace(cal, break_weeks=cal.break_weeks | set(period))
    assert compute_rhythm(met, paused, up_to).current >= compute_rhythm(met, cal, up_to).current


@PROPERTY
@given(histories())
def test_the_period_in_progress_is_never_a_miss(
    history: History,
) -> None:
    cal, met, up_to = history
    if up_to not in cal:
        return
    period = frozenset(cal.period_of(up_to))
    met -= period
    assert compute_rhythm(met, cal, up_to) == compute_rhythm(
        met, replace(cal, break_weeks=cal.break_weeks | period), up_to
    )


@PROPERTY
@given(histories(), st.randoms(use_true_random=False))
def test_order_does_not_matter(history: History, rnd: object) -> None:
    cal, met, up_to = history
    shuffled = [*met, *met]
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]
    assert compute_rhythm(shuffled, cal, up_to) == compute_rhythm(sorted(met), cal, up_to)


def monthly(breaks: frozenset[WeekKey] = frozenset()) -> ProgramCalendar:
    """September to February, six monthly periods."""
    return ProgramCalendar(date(2025, 9, 1), date(2026, 2, 28), Cadence.MONTHLY, breaks, "UTC")


def test_a_month_of_break_weeks_is_neutral() -> None:
    december = frozenset(week_of(date(2025, 12, d)) for d in (1, 8, 15, 22, 29))
    cal = monthly(december)
    met = [week_of(date(2025, 9, 10)), week_of(date(2025, 10, 8)), week_of(date(2025, 11, 5))]
    met.append(week_of(date(2026, 1, 14)))
    state = compute_rhythm(met, cal, week_of(date(2026, 1, 20)))
    assert (state.current, state.best, state.total_periods) == (4, 4, 4)


def test_a_missed_period_starts_the_rhythm_again() -> None:
    cal = ProgramCalendar(date(2025, 9, 1), date(2025, 12, 21), Cadence.BIWEEKLY, set(), "UTC")
    weeks = cal.weeks()
    state = compute_rhythm([weeks[0], weeks[2], weeks[6]], cal, weeks[7])
    assert (state.current, state.best, state.total_periods) == (1, 2, 3)
    assert state.last_counted == (weeks[6], weeks[7])


def test_full_term_needs_five_of_every_six_periods_by_the_end() -> None:
    cal = monthly()
    months = [week_of(date(y, m, 10)) for y, m in ((2025, 9), (2025, 10), (2025, 11), (2025, 12))]
    last = cal.weeks()[-1]
    five = compute_rhythm([*months, week_of(date(2026, 2, 10))], cal, last)
    four = compute_rhythm(months, cal, last)
    assert full_term_sixths(five, cal, last) == 5
    assert full_term_sixths(four, cal, last) == 4
    assert full_term_sixths(five, cal, last.previous()) == 0  # not before the last week


def test_measured_periods_leave_out_break_periods_and_the_future() -> None:
    december = frozenset(week_of(date(2025, 12, d)) for d in (1, 8, 15, 22, 29))
    cal = monthly(december)
    measured = measured_periods(cal, week_of(date(2026, 1, 20)))
    assert [p[0].monday().month for p in measured] == [9, 10, 11, 1]


@PROPERTY
@given(histories())
def test_measured_periods_are_the_ones_a_pair_can_count(history: History) -> None:
    cal, met, up_to = history
    measured = measured_periods(cal, up_to)
    assert compute_rhythm(cal.weeks(), cal, up_to).total_periods == len(measured)


@PROPERTY
@given(histories(), st.data())
def test_quiet_bounds_decide_as_is_quiet_does(history: History, data: st.DataObject) -> None:
    """A database counts quiet pairs by two bounds alone: the latest meeting before the first,
    the match before the second; that must agree with walking the pair's periods."""
    cal, met, up_to = history
    weeks = cal.weeks()
    since = data.draw(st.sampled_from(weeks))
    last = max((w for w in met if w <= up_to), default=None)
    bounds = quiet_bounds(cal, up_to)
    by_bounds = bounds is not None and (last is None or last < bounds[0]) and since < bounds[1]
    assert by_bounds == is_quiet([last] if last else [], cal, up_to, since)


def _plain_rhythm(met, cal, up_to, since) -> tuple[RhythmState, int]:
    """The rhythm and Full Term's sixths walked over the periods themselves, week by week."""
    met = {week for week in met if week <= up_to}
    pairs = [
        (period, resting)
        for period, resting in zip(cal.periods(), cal.resting_periods(), strict=True)
        if since is None or period[-1] >= since
    ]
    marks = []
    for period, resting in pairs:
        held = not met.isdisjoint(period)
        if period[0] > up_to or (not held and period[-1] >= up_to):
            break
        marks.append((period, Mark.NEUTRAL if resting else Mark.COUNTED if held else Mark.MISSED))
    run = tally(marks, NO_FREEZES)
    state = RhythmState(run.current, run.best, run.total, run.last_counted)
    eligible = sum(1 for _, resting in pairs if not resting)
    sixths = 6 * run.total // eligible if eligible and up_to >= cal.weeks()[-1] else 0
    return state, sixths


@PROPERTY
@given(histories(), st.data())
def test_the_walk_by_period_position_is_the_walk_over_the_periods(history, data) -> None:
    cal, met, up_to = history
    weeks = cal.weeks()
    around = (weeks[0].previous(), weeks[-1].next())
    up_to = data.draw(st.sampled_from((up_to, around[0], around[1], weeks[-1])))
    firsts, lasts = cal.period_bounds()
    edges = (*firsts, *lasts, up_to.next(), *around)  # around: off the calendar
    met = met | data.draw(st.frozensets(st.sampled_from(edges)))
    since = data.draw(st.none() | st.sampled_from(edges) | st.sampled_from(weeks))
    state = compute_rhythm(met, cal, up_to, since)
    assert (state, full_term_sixths(state, cal, up_to, since)) == _plain_rhythm(
        met, cal, up_to, since
    )


def test_a_meeting_later_in_the_period_in_progress_does_not_count_yet() -> None:
    cal = ProgramCalendar(date(2026, 1, 5), date(2026, 3, 1), Cadence.BIWEEKLY, frozenset(), "UTC")
    weeks = cal.weeks()
    state = compute_rhythm({weeks[1]}, cal, weeks[0])
    assert (state.current, state.total_periods) == (0, 0)
    assert state == _plain_rhythm({weeks[1]}, cal, weeks[0], None)[0]
