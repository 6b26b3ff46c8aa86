"""The weekly check-in nudge: invariant 12."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

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
from game.nudges import (
    DAILY_CAP,
    WORDS,
    MeetingReminder,
    NudgeKind,
    Words,
    badge_words,
    checkin_words,
    confirmed_words,
    day_before_time,
    delivery_time,
    help_words,
    kudos_words,
    meeting_reminder_due,
    meeting_words,
    news_words,
    pair_quiet_words,
    quiet_spell,
    reply_words,
    review_overdue,
    review_words,
    should_nudge_pair_quiet,
    survey_words,
    trial_words,
)
from game.weeks import local_date

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


# --- delivery time ----------------------------------------------------------------------------

clocks = st.times().map(lambda t: t.replace(microsecond=0))


@PROPERTY
@given(instants, zones, clocks, clocks, st.integers(0, 10), st.sampled_from(NudgeKind))
def test_delivery_is_never_early_nor_in_quiet_hours(
    now: datetime, zone: str, start: time, end: time, sent: int, kind: NudgeKind
) -> None:
    at = delivery_time(now, zone, start, end, sent, DAILY_CAP, kind)
    assert at >= now
    if kind is not NudgeKind.TEST:
        assert not in_quiet_hours(local_datetime(at, zone).time(), start, end)
    if kind is NudgeKind.TEST or (kind is NudgeKind.HELP_REQUESTED and sent >= DAILY_CAP):
        assert at <= delivery_time(now, zone, start, end, 0, DAILY_CAP, kind)
    if sent >= DAILY_CAP and kind not in (NudgeKind.TEST, NudgeKind.HELP_REQUESTED):
        assert at >= now + timedelta(days=1)


@PROPERTY
@given(instants, zones, clocks, clocks)
def test_outside_quiet_hours_under_the_cap_delivery_is_at_once(
    now: datetime, zone: str, start: time, end: time
) -> None:
    at = delivery_time(now, zone, start, end, DAILY_CAP - 1, DAILY_CAP, NudgeKind.KUDOS)
    quiet = in_quiet_hours(local_datetime(now, zone).time(), start, end)
    assert (at == now) == (not quiet)


@PROPERTY
@given(instants, zones, clocks, clocks)
def test_quiet_hours_delay_to_their_first_end(
    now: datetime, zone: str, start: time, end: time
) -> None:
    """Nothing between now and the delivery time was outside quiet hours (within a minute)."""
    at = delivery_time(now, zone, start, end, 0, DAILY_CAP, NudgeKind.MENTOR_REPLIED)
    assert at - now <= timedelta(hours=26)  # a day at most, plus a clock change
    step = now
    while step + timedelta(minutes=1) < at:
        assert in_quiet_hours(local_datetime(step, zone).time(), start, end)
        step += timedelta(minutes=17)


def test_delivery_examples_across_dst() -> None:
    zone = "Europe/London"
    # 29 Mar 2026: clocks go forward at 01:00; quiet 21:00–01:30 ends at a skipped time.
    late = at_local(date(2026, 3, 28), time(23), zone)
    at = delivery_time(late, zone, time(21), time(1, 30), 0, DAILY_CAP, NudgeKind.KUDOS)
    assert local_datetime(at, zone).time() == time(2, 30)  # the skipped 01:30 moves later
    # 25 Oct 2026: clocks go back at 02:00, 01:00–02:00 happens twice.
    second = at_local(date(2026, 10, 25), time(1, 15), zone) + timedelta(hours=1)
    assert local_datetime(second, zone).time() == time(1, 15)
    at = delivery_time(second, zone, time(21), time(1, 30), 0, DAILY_CAP, NudgeKind.KUDOS)
    assert at == second + timedelta(minutes=15)  # the second 01:30, not the first
    night = at_local(date(2026, 3, 10), time(22), zone)
    help_at = delivery_time(night, zone, time(21), time(8), 9, DAILY_CAP, NudgeKind.HELP_REQUESTED)
    assert help_at == at_local(date(2026, 3, 11), time(8), zone)
    assert delivery_time(night, zone, time(21), time(8), 9, DAILY_CAP, NudgeKind.TEST) == night
    capped = delivery_time(night, zone, time(21), time(8), DAILY_CAP, DAILY_CAP, NudgeKind.KUDOS)
    assert capped == at_local(date(2026, 3, 12), time(8), zone)


# --- meetings -------------------------------------------------------------------------------


def test_meeting_reminders_examples() -> None:
    zone = "America/New_York"
    starts = at_local(date(2026, 3, 12), time(16, 30), zone)
    booked = at_local(date(2026, 3, 2), time(9), zone)
    eve = at_local(date(2026, 3, 11), time(18), zone)
    assert meeting_reminder_due(eve - timedelta(minutes=1), starts, zone, booked) is None
    assert meeting_reminder_due(eve, starts, zone, booked) is MeetingReminder.TOMORROW
    assert meeting_reminder_due(starts - timedelta(minutes=61), starts, zone, booked) == (
        MeetingReminder.TOMORROW
    )
    assert meeting_reminder_due(starts - timedelta(hours=1), starts, zone, booked) == (
        MeetingReminder.SOON
    )
    assert meeting_reminder_due(starts, starts, zone, booked) is None
    late_booking = at_local(date(2026, 3, 11), time(20), zone)  # after 18:00: at once
    assert day_before_time(starts, zone, late_booking) == late_booking
    same_day = at_local(date(2026, 3, 12), time(7), zone)
    assert day_before_time(starts, zone, same_day) is None
    early = at_local(date(2026, 3, 12), time(0, 30), zone)  # booked 23:00 for 00:30
    assert day_before_time(early, zone, at_local(date(2026, 3, 11), time(23), zone)) is None


@PROPERTY
@given(instants, instants, zones, st.integers(0, 60 * 24 * 5))
def test_meeting_reminders_are_before_the_meeting_and_never_before_booking(
    now: datetime, booked: datetime, zone: str, minutes: int
) -> None:
    starts = booked + timedelta(minutes=minutes)
    reminder = meeting_reminder_due(now, starts, zone, booked)
    if reminder is not None:
        assert now < starts
    if reminder is MeetingReminder.SOON:
        assert starts - now <= timedelta(hours=1)
    if reminder is MeetingReminder.TOMORROW:
        due = day_before_time(starts, zone, booked)
        assert due is not None and booked <= due <= now
        assert starts - now > timedelta(hours=1)
        assert local_date(due, zone) < local_date(starts, zone)
        assert local_date(starts, zone) - local_date(due, zone) == timedelta(days=1)


# --- milestones, pairs ------------------------------------------------------------------------


def test_review_waits_48_hours() -> None:
    submitted = datetime(2026, 3, 2, 9, tzinfo=UTC)
    assert not review_overdue(submitted, submitted + timedelta(hours=47, minutes=59))
    assert review_overdue(submitted, submitted + timedelta(hours=48))


def test_pair_quiet_skips_break_weeks_and_names_its_spell() -> None:
    cal = ProgramCalendar(
        date(2026, 2, 2), date(2026, 6, 28), Cadence.WEEKLY, {WeekKey(2026, 10)}, "UTC"
    )
    met = [WeekKey(2026, 7)]
    since = WeekKey(2026, 6)
    assert not should_nudge_pair_quiet(met, cal, WeekKey(2026, 8), since)
    assert should_nudge_pair_quiet(met, cal, WeekKey(2026, 9), since)
    assert not should_nudge_pair_quiet(met, cal, WeekKey(2026, 10), since)  # a break week
    assert should_nudge_pair_quiet([WeekKey(2026, 8)], cal, WeekKey(2026, 11), since)
    assert not should_nudge_pair_quiet([WeekKey(2026, 8)], cal, WeekKey(2026, 9), since)
    assert not should_nudge_pair_quiet([], cal, WeekKey(2027, 2), since)  # program over
    assert quiet_spell(WeekKey(2026, 7), since) == "2026-W07"
    assert quiet_spell(None, since) == "2026-W06"


# --- words ----------------------------------------------------------------------------------

SECRET = "Xylophone-secret-42"
first_names = st.text(st.characters(categories=["L"]), min_size=1, max_size=100)


def every_kind_words(name: str, state: StreakState) -> dict[NudgeKind, Words]:
    now = datetime(2026, 3, 11, 12, tzinfo=UTC)
    return {
        NudgeKind.HELP_REQUESTED: help_words(name),
        NudgeKind.REVIEW_WAITING: review_words(name, overdue=True),
        NudgeKind.MENTOR_REPLIED: reply_words(name, replied=True),
        NudgeKind.MILESTONE_CONFIRMED: confirmed_words(name),
        NudgeKind.BADGE_EARNED: badge_words("Consistent", "Silver"),
        NudgeKind.KUDOS: kudos_words(name),
        NudgeKind.MEETING_REMINDER: meeting_words(
            now, now + timedelta(days=1), "Asia/Kolkata", name, MeetingReminder.TOMORROW
        ),
        NudgeKind.CHECKIN_REMINDER: checkin_words(state),
        NudgeKind.PAIR_QUIET: pair_quiet_words(f"{name} and {name}", Cadence.MONTHLY),
        NudgeKind.PROGRAM_NEWS: news_words("matched"),
        NudgeKind.SURVEY_OPEN: survey_words(True, date(2026, 12, 31)),
        NudgeKind.TEST: trial_words(),
    }


@PROPERTY
@given(first_names, st.integers(0, 30), st.integers(0, 2))
def test_every_kind_has_words_that_fit_the_lock_screen(
    name: str, current: int, tokens: int
) -> None:
    state = StreakState(current, current, current, tokens, (), None, False)
    words = every_kind_words(name, state)
    assert set(words) == set(NudgeKind) == set(WORDS)
    for title, body in words.values():
        assert 0 < len(title) <= 80 and 0 < len(body) <= 200


def test_words_never_carry_what_people_wrote() -> None:
    """The words are built from first names and fixed text only: nothing the functions are
    not given can leak, and a notice's own text is never an input."""
    for title, body in every_kind_words("Mina", StreakState(3, 3, 3, 1, (), None, False)).values():
        assert SECRET not in title + body
    assert news_words(SECRET) == news_words("some-other-kind")


def test_meeting_words_say_the_day_as_the_person_sees_it() -> None:
    zone = "Europe/London"
    now = at_local(date(2026, 3, 11), time(18), zone)
    tomorrow = at_local(date(2026, 3, 12), time(16, 30), zone)
    assert meeting_words(now, tomorrow, zone, "Omar", MeetingReminder.TOMORROW) == Words(
        "Meeting tomorrow", "With Omar tomorrow at 4:30 pm."
    )
    later_today = at_local(date(2026, 3, 11), time(18, 45), zone)
    assert meeting_words(now, later_today, zone, "your group", MeetingReminder.SOON) == Words(
        "Your meeting starts soon", "With your group at 6:45 pm."
    )


def test_a_coordinators_nudge_to_a_pair_has_words_of_its_own() -> None:
    """The notice kind carries the pair's id; the words go by its family."""
    title, body = news_words("pair-nudge:42")
    assert body == news_words("pair-nudge:7").body
    assert "coordinator" in body and body != news_words("some-other-kind").body
