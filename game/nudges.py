"""When to remind a mentee that this week's check-in is still open.

At most once a week, late in the week, only for users who opted in, never during quiet hours
(default 21:00–08:00 local), never in a break week or outside the program, never once the week
is counted. The week and the hours are the user's own, from their IANA zone.

Tuned: the window opens Friday 16:00 local. School is usually out by then and the weekend is
still ahead, so the nudge is a friendly heads-up rather than a last-minute alarm.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from game.calendar import ProgramCalendar
from game.streaks import StreakState
from game.weeks import WeekKey, local_datetime, week_of

QUIET_START = time(21, 0)
QUIET_END = time(8, 0)
WINDOW_OPENS_WEEKDAY = 4  # Friday
WINDOW_OPENS_AT = time(16, 0)


class NudgeKind(StrEnum):
    """Every kind of notification, each with its own switch on the settings page."""

    HELP_REQUESTED = "help_requested"  # to the mentor, at once
    REVIEW_WAITING = "review_waiting"  # to the mentor: a milestone waits for review
    MENTOR_REPLIED = "mentor_replied"  # to the mentee
    MILESTONE_CONFIRMED = "milestone_confirmed"  # to the mentee
    BADGE_EARNED = "badge_earned"  # to the mentee
    KUDOS = "kudos"  # to the mentee
    MEETING_REMINDER = "meeting_reminder"  # the day before and an hour before
    CHECKIN_REMINDER = "checkin_reminder"  # late in the week, once
    PAIR_QUIET = "pair_quiet"  # to the coordinator
    PROGRAM_NEWS = "program_news"  # matched, a mentorship ended, a word from the coordinator
    TEST = "test"  # "send me a test": never muted, never capped

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    NudgeKind.HELP_REQUESTED: "A mentee asks for help",
    NudgeKind.REVIEW_WAITING: "Milestones waiting for your review",
    NudgeKind.MENTOR_REPLIED: "Your mentor replied",
    NudgeKind.MILESTONE_CONFIRMED: "Milestone confirmed",
    NudgeKind.BADGE_EARNED: "Badges earned",
    NudgeKind.KUDOS: "Kudos",
    NudgeKind.MEETING_REMINDER: "Meeting reminders",
    NudgeKind.CHECKIN_REMINDER: "Weekly check-in reminder",
    NudgeKind.PAIR_QUIET: "Pairs that have not met",
    NudgeKind.PROGRAM_NEWS: "News from your program",
    NudgeKind.TEST: "Test notifications",
}


def in_quiet_hours(
    clock: time, quiet_start: time = QUIET_START, quiet_end: time = QUIET_END
) -> bool:
    """Quiet hours may run over midnight (21:00–08:00) or not (13:00–14:00)."""
    if quiet_start <= quiet_end:
        return quiet_start <= clock < quiet_end
    return clock >= quiet_start or clock < quiet_end


def should_nudge_checkin(
    now_utc: datetime,
    zone: str,
    calendar: ProgramCalendar,
    *,
    week_counted: bool,
    opted_in: bool,
    already_nudged_this_week: bool,
    quiet_start: time = QUIET_START,
    quiet_end: time = QUIET_END,
) -> bool:
    """Whether to send the check-in nudge now; the flags describe the user's current week."""
    if not opted_in or week_counted or already_nudged_this_week:
        return False
    local = local_datetime(now_utc, zone)
    week = week_of(local.date())
    return (
        _nudge_week(week, calendar)
        and (local.weekday(), local.time()) >= (WINDOW_OPENS_WEEKDAY, WINDOW_OPENS_AT)
        and not in_quiet_hours(local.time(), quiet_start, quiet_end)
    )


def next_nudge_time(
    now_utc: datetime,
    zone: str,
    calendar: ProgramCalendar,
    *,
    week_counted: bool,
    opted_in: bool,
    already_nudged_this_week: bool,
    quiet_start: time = QUIET_START,
    quiet_end: time = QUIET_END,
) -> datetime | None:
    """The first instant at or after ``now_utc`` when the nudge may go out, in UTC, or None.

    The flags describe the current week; every later week starts with nothing counted and
    nothing sent.
    """
    if not opted_in:
        return None
    current = week_of(local_datetime(now_utc, zone).date())
    skip_current = week_counted or already_nudged_this_week
    for week in calendar.weeks():
        if week < current or (week == current and skip_current) or not _nudge_week(week, calendar):
            continue
        opens = _at(week.monday() + timedelta(days=WINDOW_OPENS_WEEKDAY), WINDOW_OPENS_AT, zone)
        candidate = max(now_utc.astimezone(UTC), opens)
        local = local_datetime(candidate, zone)
        if in_quiet_hours(local.time(), quiet_start, quiet_end):
            day = local.date() + timedelta(days=1 if local.time() >= quiet_end else 0)
            candidate = _at(day, quiet_end, zone)
        if week_of(local_datetime(candidate, zone).date()) == week:
            return candidate
    return None


def checkin_nudge_text(state: StreakState) -> str:
    """Encouraging words for the nudge; never the content of a check-in, never a threat."""
    if state.current == 0:
        return "A new week, a fresh start: two taps to check in."
    if state.tokens:
        return (
            f"Your {state.current}-week streak is ready to grow: two taps to check in. "
            "Busy week? A freeze token has you covered."
        )
    return f"Your {state.current}-week streak is ready to grow: two taps to check in."


def _nudge_week(week: WeekKey, calendar: ProgramCalendar) -> bool:
    return week in calendar and not calendar.is_break(week)


def _at(day: date, clock: time, zone: str) -> datetime:
    """``clock`` on ``day`` in ``zone`` as a UTC instant (a time skipped by DST moves later)."""
    return datetime.combine(day, clock, tzinfo=ZoneInfo(zone)).astimezone(UTC)
