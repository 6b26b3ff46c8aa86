"""Nudges: which exist, when they are due, when they may be delivered, and their words.

The weekly check-in reminder goes out at most once a week, late in the week, only for users
who opted in, never during quiet hours (default 21:00–08:00 local), never in a break week or
outside the program, never once the week is counted. The week and the hours are the user's
own, from their IANA zone.

Tuned: the check-in window opens Friday 16:00 local. School is usually out by then and the
weekend is still ahead, so the nudge is a friendly heads-up rather than a last-minute alarm.

Meetings: a reminder the evening before (18:00 in the person's zone, or at once when the
meeting was booked later that evening; none for a meeting booked on its own day, nor when the
hour-before reminder is less than ``MIN_DAY_BEFORE_LEAD`` away) and one an hour before.
A milestone waiting more than 48 hours reminds the mentor once per submission. A pair with no
meeting for ``QUIET_PERIODS`` cadence periods (break-only periods skipped, see
``game.rhythm``) tells the coordinator once per quiet spell, never during a break week.
An open survey (``game.surveys``) asks each mentee and mentor of an active pair once, until
they answer it.

Delivery (``delivery_time``): quiet hours delay a nudge to their end, never drop it; past the
daily cap a nudge waits a full cap window. Tuned policies: a test the person asked for goes at
once (no quiet hours, no cap); a help request respects quiet hours (nobody is woken at 3am)
but is never held back by the cap, since it is the one a mentor must not miss.

Words (``WORDS``): a title and a body per kind for the lock screen. They never carry check-in,
goal, milestone or note content, nor anything another person wrote; first names, badge names,
and times are fine.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import NamedTuple
from zoneinfo import ZoneInfo

from game.calendar import Cadence, ProgramCalendar
from game.clock_words import clock
from game.rhythm import is_quiet
from game.streaks import StreakState
from game.weeks import WeekKey, local_date, local_datetime, week_of

QUIET_START = time(21, 0)
QUIET_END = time(8, 0)
WINDOW_OPENS_WEEKDAY = 4  # Friday
WINDOW_OPENS_AT = time(16, 0)

DAILY_CAP = 4
"""Nudges a person gets in a rolling day ("no more than a few a day"); see ``delivery_time``."""
CAP_WINDOW = timedelta(days=1)
EVENING_BEFORE = time(18, 0)
MEETING_SOON = timedelta(hours=1)
MIN_DAY_BEFORE_LEAD = timedelta(hours=3)
"""A meeting booked late in the evening for early next morning gets only the hour-before one."""
REVIEW_WAIT = timedelta(hours=48)
TITLE_LIMIT, BODY_LIMIT = 80, 200


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
    SURVEY_OPEN = "survey_open"  # to mentees and mentors, once per survey
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
    NudgeKind.SURVEY_OPEN: "Surveys to answer",
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


# --- delivery -------------------------------------------------------------------------------

UNCAPPED = frozenset({NudgeKind.TEST, NudgeKind.HELP_REQUESTED})
"""Kinds the daily cap never holds back."""
LOUD = frozenset({NudgeKind.TEST})
"""Kinds that ignore quiet hours: only the test the person just asked for."""


def delivery_time(
    now_utc: datetime,
    zone: str,
    quiet_start: time,
    quiet_end: time,
    sent_in_last_day: int,
    daily_cap: int,
    kind: NudgeKind | str,
) -> datetime:
    """The first instant at or after ``now_utc`` the nudge may be delivered, in UTC.

    ``sent_in_last_day``: nudges of capped kinds sent to the person in the last
    ``CAP_WINDOW``. Over the cap the nudge waits a whole window (without the send times we
    cannot know when the oldest leaves it, and waiting the full window is never too early),
    then quiet hours apply as usual. Never before ``now_utc``, never inside quiet hours.
    """
    kind = NudgeKind(kind)
    now_utc = now_utc.astimezone(UTC)
    if kind in LOUD:
        return now_utc
    at = now_utc
    if kind not in UNCAPPED and sent_in_last_day >= daily_cap:
        at = now_utc + CAP_WINDOW
    return after_quiet_hours(at, zone, quiet_start, quiet_end)


def after_quiet_hours(
    at_utc: datetime, zone: str, quiet_start: time = QUIET_START, quiet_end: time = QUIET_END
) -> datetime:
    """``at_utc`` itself, or the end of the quiet hours it falls in (in ``zone``)."""
    local = local_datetime(at_utc, zone)
    if not in_quiet_hours(local.time(), quiet_start, quiet_end):
        return at_utc
    day = local.date() + timedelta(days=1 if local.time() >= quiet_end else 0)
    return _first_at_or_after(day, quiet_end, zone, at_utc)


# --- meetings -------------------------------------------------------------------------------


class MeetingReminder(StrEnum):
    TOMORROW = "tomorrow"
    SOON = "soon"


def day_before_time(starts_at: datetime, zone: str, booked_at: datetime) -> datetime | None:
    """When the day-before reminder is due: 18:00 local the evening before, or the booking
    itself when it came later; None for a meeting booked on its own day, or when that moment
    is too close to the hour-before reminder to be worth a second nudge."""
    meeting_day = local_date(starts_at, zone)
    if local_date(booked_at, zone) >= meeting_day:
        return None
    due = max(_at(meeting_day - timedelta(days=1), EVENING_BEFORE, zone), booked_at)
    return due if starts_at - due >= MIN_DAY_BEFORE_LEAD else None


def meeting_reminder_due(
    now_utc: datetime, starts_at: datetime, zone: str, booked_at: datetime
) -> MeetingReminder | None:
    """Which reminder is due now for a scheduled meeting (the hour-before one wins once its
    time has come, so a late evaluation never sends "tomorrow" an hour before)."""
    if now_utc >= starts_at:
        return None
    if now_utc >= starts_at - MEETING_SOON:
        return MeetingReminder.SOON
    due = day_before_time(starts_at, zone, booked_at)
    return MeetingReminder.TOMORROW if due is not None and due <= now_utc else None


# --- milestones and pairs -------------------------------------------------------------------


def review_overdue(submitted_at: datetime, now_utc: datetime) -> bool:
    """A milestone has waited long enough for the mentor to hear about it again."""
    return now_utc - submitted_at >= REVIEW_WAIT


def should_nudge_pair_quiet(
    meeting_weeks: Iterable[WeekKey],
    calendar: ProgramCalendar,
    now_week: WeekKey,
    since: WeekKey | None,
) -> bool:
    """Tell the coordinator about a quiet pair: inside the program, not in a break week (a
    declared break is no moment to chase a pair), once the rhythm says quiet."""
    return (
        now_week in calendar
        and not calendar.is_break(now_week)
        and is_quiet(meeting_weeks, calendar, now_week, since)
    )


def quiet_spell(last_met: WeekKey | None, since: WeekKey | None) -> str:
    """Names one quiet spell: it began after the last meeting (or the match). Meeting again
    and going quiet again is a new spell, so the coordinator hears once per spell."""
    start = last_met or since
    return "start" if start is None else str(start)


# --- words ----------------------------------------------------------------------------------


class Words(NamedTuple):
    title: str
    body: str


def _words(title: str, body: str) -> Words:
    return Words(_fit(title, TITLE_LIMIT), _fit(body, BODY_LIMIT))


def _fit(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def help_words(mentee: str) -> Words:
    return _words(f"{mentee} asked for help", "Open Waypoint to see how you can help.")


def review_words(mentee: str, *, overdue: bool = False) -> Words:
    if overdue:
        return _words(
            "A milestone is waiting for your review",
            f"{mentee} marked a milestone done two days ago and is waiting to hear from you.",
        )
    return _words(
        "A milestone is waiting for your review",
        f"{mentee} marked a milestone done. Confirm it or send it back with a tip.",
    )


def reply_words(mentor: str, *, replied: bool) -> Words:
    if replied:
        return _words("Your mentor replied", f"{mentor} replied to your check-in.")
    return _words("Your mentor saw your check-in", f"{mentor} has read your check-in.")


def confirmed_words(mentor: str) -> Words:
    return _words("Milestone confirmed", f"{mentor} confirmed one of your milestones. Well done!")


def badge_words(badge: str, tier: str | None = None) -> Words:
    name = f"{badge} ({tier})" if tier else badge
    return _words("You earned a badge", f"{name}. Open Waypoint to see it.")


def kudos_words(mentor: str) -> Words:
    return _words("You got kudos", f"{mentor} sent you kudos. Open Waypoint to read it.")


def meeting_words(
    now_utc: datetime, starts_at: datetime, zone: str, with_whom: str, reminder: MeetingReminder
) -> Words:
    """``with_whom``: first names or "your group"; the day is said as the person sees it now."""
    start = local_datetime(starts_at, zone)
    days = (start.date() - local_date(now_utc, zone)).days
    when = {0: "today", 1: "tomorrow"}.get(days, f"on {start:%A}")
    if reminder is MeetingReminder.SOON:
        return _words("Your meeting starts soon", f"With {with_whom} at {clock(start)}.")
    return _words(f"Meeting {when}", f"With {with_whom} {when} at {clock(start)}.")


def checkin_words(state: StreakState) -> Words:
    return _words("Your weekly check-in", checkin_nudge_text(state))


TWO_PERIODS = {
    Cadence.WEEKLY: "two weeks",
    Cadence.BIWEEKLY: "four weeks",
    Cadence.MONTHLY: "two months",
}


def pair_quiet_words(pair: str, cadence: Cadence) -> Words:
    """``pair``: the pair's first names, e.g. "Omar and Mina"."""
    return _words(
        "A pair has not met lately",
        f"{pair} have not had a meeting in {TWO_PERIODS[cadence]}. A friendly word may help.",
    )


NEWS = {
    "matched": "You have a new match. Open Waypoint to say hello.",
    "ended": "A mentorship of yours has changed. Open Waypoint to see what comes next.",
    "pair-nudge": "Your coordinator is cheering you on: time to meet and catch up.",
}


def news_words(notice_kind: str) -> Words:
    """Program news mirrors an in-app notice by its kind (before any ":<id>" part), never by
    its text."""
    family = notice_kind.split(":", 1)[0]
    return _words("News from your program", NEWS.get(family, "There is something new for you."))


def survey_words(end_of_program: bool, closes_on: date) -> Words:
    """Asks once per survey, when it opens; says how long it stays open, never a score."""
    what = "The end-of-program survey" if end_of_program else "A one-minute survey"
    return _words(
        f"{what} is open",
        f"Tell your program how it is going, anonymously. Open until {closes_on:%a %d %b}.",
    )


def trial_words() -> Words:
    return _words("Waypoint notifications work", "This is the test you asked for.")


WORDS: dict[NudgeKind, Callable[..., Words]] = {
    NudgeKind.HELP_REQUESTED: help_words,
    NudgeKind.REVIEW_WAITING: review_words,
    NudgeKind.MENTOR_REPLIED: reply_words,
    NudgeKind.MILESTONE_CONFIRMED: confirmed_words,
    NudgeKind.BADGE_EARNED: badge_words,
    NudgeKind.KUDOS: kudos_words,
    NudgeKind.MEETING_REMINDER: meeting_words,
    NudgeKind.CHECKIN_REMINDER: checkin_words,
    NudgeKind.PAIR_QUIET: pair_quiet_words,
    NudgeKind.PROGRAM_NEWS: news_words,
    NudgeKind.SURVEY_OPEN: survey_words,
    NudgeKind.TEST: trial_words,
}
"""The lock-screen words of every kind."""


def _first_at_or_after(day: date, clock: time, zone: str, not_before: datetime) -> datetime:
    """``clock`` on ``day`` in ``zone``: a repeated time's first occurrence unless that one
    is already past (then its second), so the answer never lies before ``not_before``."""
    for fold in (0, 1):
        at = datetime.combine(day, clock, tzinfo=ZoneInfo(zone)).replace(fold=fold)
        if at.astimezone(UTC) >= not_before:
            return at.astimezone(UTC)
    return not_before
