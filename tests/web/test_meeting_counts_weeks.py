"""The coordinator's meeting figures, read from the program's week rows, against the same
figures counted from every meeting: held in the current cadence period and in the last four
weeks (this week and the three before it), and the active pairs gone quiet (the rhythm rule as
SQL over the meetings, ``quiet_condition``), on random programs of each cadence, in zones
ahead of and behind UTC, at any moment around the program's first weeks. A meeting is held
only once it has begun, as the services have it."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_outcomes_figures import _add, pairs

from app import summaries
from app.calendars import calendar_of, week_at
from app.extensions import db
from app.meetings.queries import QUIET_PAIRS, held_counts, quiet_params
from app.models import Cadence, Meeting, MeetingStatus, Mentorship, Program

MINUTES_A_DAY = 24 * 60


def _begun_only(spec: dict, now_minutes: int) -> dict:
    meetings = [
        (
            at,
            MeetingStatus.SCHEDULED
            if status is MeetingStatus.HELD and at > now_minutes
            else status,
        )
        for at, status in spec["meetings"]
    ]
    return {**spec, "meetings": meetings}


def _expected(program: Program, now: datetime) -> tuple[int, int, int]:
    calendar = calendar_of(program.id)
    today = calendar.current_week(now)
    periods = calendar.periods()
    week = min(max(today, periods[0][0]), periods[-1][-1])
    monday = calendar.period_of(week)[0].monday()
    period_start = datetime.combine(monday, time(), tzinfo=ZoneInfo(calendar.zone)).astimezone(UTC)
    held = db.session.scalars(
        sa.select(Meeting.starts_at)
        .join(Mentorship, Mentorship.id == Meeting.mentorship_id)
        .where(
            Mentorship.program_id == program.id,
            Meeting.status == MeetingStatus.HELD,
            Meeting.starts_at <= now,
        )
    ).all()
    four_weeks = today.previous().previous().previous()
    bounds = quiet_params(calendar, now)
    quiet = 0
    if bounds is not None:
        count = sa.select(sa.func.count()).select_from(QUIET_PAIRS.subquery())
        quiet = db.session.scalar(count, {"program_id": program.id, "now": now, **bounds})
    return (
        sum(at >= period_start for at in held),
        sum(four_weeks <= week_at(at, calendar.zone) <= today for at in held),
        quiet,
    )


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    specs=st.lists(pairs(), max_size=6),
    zone=st.sampled_from(["UTC", "America/New_York", "Pacific/Auckland"]),
    cadence=st.sampled_from(list(Cadence)),
    weeks=st.integers(-1, 8),
    minutes=st.integers(0, 7 * MINUTES_A_DAY - 1),
)
def test_meeting_figures_match_a_count_of_every_meeting(
    app, world, specs, zone, cadence, weeks, minutes
):
    minutes += weeks * 7 * MINUTES_A_DAY
    with app.app_context():
        try:
            program = db.session.get(Program, world.program_id)
            program.time_zone, program.cadence = zone, cadence
            start = datetime.combine(program.starts_on, time(), UTC)
            for n, spec in enumerate(specs):
                _add(program, start, n, _begun_only(spec, minutes))
            summaries.refresh()  # what the commit does first: the week rows count the rows
            now = start + timedelta(minutes=minutes)
            assert held_counts(program.id, calendar_of(program.id), now) == _expected(program, now)
        finally:
            db.session.rollback()
