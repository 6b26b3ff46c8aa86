"""A change of time zone takes effect from the person's next week: hopping across the date line
never lets them claim two weeks on the same day, nor go back to a week already over."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from game_strategies import ZONES, instants
from hypothesis import example, given, settings
from hypothesis import strategies as st

from game import WeekKey, WeekZones, checkin_week, local_date, week_of

DATE_LINE = ("Pacific/Pago_Pago", "Pacific/Kiritimati", "Etc/GMT+12", "Etc/GMT-14")
hops = st.one_of(st.sampled_from(DATE_LINE), st.sampled_from(ZONES))

steps = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=36 * 60),  # minutes until the next step
        st.one_of(st.none(), hops),  # None: check in; else: move to that zone
    ),
    min_size=1,
    max_size=60,
)


@dataclass(frozen=True)
class Claim:
    at: datetime
    week: WeekKey
    in_force: WeekKey
    zones: frozenset[str]  # every zone the person had since the claim before this one


def _week(instant: datetime, zone: str) -> WeekKey:
    return week_of(local_date(instant, zone))


def replay(start: datetime, zone: str, plan) -> list[Claim]:
    """Check in and move as planned; a week claimed again is the same check-in, changed."""
    zones, now, held, claims = WeekZones(zone), start, {zone}, []
    claimed: set[WeekKey] = set()
    for minutes, move in plan:
        now += timedelta(minutes=minutes)
        if move is not None:
            before = zones.week_at(now)
            zones = zones.moved_to(move, now)
            held.add(move)
            assert zones.week_at(now) == before, "a new zone waits for the next week"
            continue
        in_force = zones.week_at(now)
        week = zones.checkin_week(now, previous_week_counted=in_force.previous() in claimed)
        claimed.add(week)
        claims.append(Claim(now, week, in_force, frozenset(held)))
        held = {zones.zone, *([zones.previous] if zones.previous else [])}
    return claims


@settings(max_examples=300, deadline=None)
@given(instants, hops, steps)
@example(  # west across the date line: Monday morning grace must not reopen the week before
    datetime(2000, 6, 3, 9, 55, tzinfo=UTC),
    "Pacific/Kiritimati",
    [(0, "Pacific/Pago_Pago"), (1445, None), (1500, None)],
)
def test_zone_hops_never_go_back_nor_claim_a_week_before_it_began(start, zone, plan) -> None:
    claims = replay(start, zone, plan)
    for earlier, later in zip(claims, claims[1:], strict=False):
        assert later.week >= earlier.week, "week keys never go backwards"
        if later.week > earlier.in_force:
            # The later week really began between the two check-ins in a zone the person
            # had: two weeks are never claimed on the same local day.
            assert any(
                _week(earlier.at, zone) < later.week <= _week(later.at, zone)
                for zone in later.zones
            )


def test_kiritimati_and_back_on_the_same_day() -> None:
    sunday_evening = datetime(2026, 3, 16, 7, 0, tzinfo=UTC)  # Sun 15 Mar, 20:00 in Pago Pago
    zones = WeekZones("Pacific/Pago_Pago")
    assert zones.week_at(sunday_evening) == WeekKey(2026, 11)
    moved = zones.moved_to("Pacific/Kiritimati", sunday_evening)  # Mon 16, 21:00 there
    assert moved.week_at(sunday_evening + timedelta(minutes=5)) == WeekKey(2026, 11)
    assert moved.week_at(sunday_evening + timedelta(hours=4)) == WeekKey(2026, 12)  # Mon 00:00
    back = moved.moved_to("Pacific/Pago_Pago", sunday_evening + timedelta(hours=5))
    # Saturday in Pago Pago is Sunday of the same week in Kiritimati: still week 12, never 11.
    assert back.week_at(datetime(2026, 3, 22, 1, 0, tzinfo=UTC)) == WeekKey(2026, 12)
    # Week 13 begins with Monday in Kiritimati, the zone the person had during week 12.
    assert back.week_at(datetime(2026, 3, 22, 10, 0, tzinfo=UTC)) == WeekKey(2026, 13)
    assert back.moved_to("UTC", datetime(2026, 3, 22, 11, tzinfo=UTC)).since == WeekKey(2026, 14)


@settings(max_examples=300, deadline=None)
@given(instants, hops, st.booleans())
def test_without_a_move_the_week_is_the_zone_s_own(instant, zone, counted) -> None:
    """(None of these zones turns its clocks back early on a Monday, where grace would be
    an hour shorter: it needs the week to have begun less than six real hours ago.)"""
    zones = WeekZones(zone)
    assert zones.week_at(instant) == _week(instant, zone)
    assert zones.checkin_week(instant, counted) == checkin_week(instant, zone, counted)
