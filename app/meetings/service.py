"""Changes to meetings, one function per action, each one transaction.

Views call these after the form has checked the input's shape; the meeting rules (a time that
exists, in the future, inside the program; a link for video, a place in person) are checked
here so no caller can skip them. A broken rule raises ``MeetingRejected`` naming the form
field the message belongs next to.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from game.weeks import local_date

from .. import clock, core_writes
from ..database import insert_on_conflict
from ..extensions import db
from ..gamification import hooks as game_hooks
from ..models import (
    ActionItem,
    AgendaItem,
    Meeting,
    MeetingConfirmation,
    MeetingMode,
    MeetingStatus,
    Membership,
    Mentorship,
    MentorshipMember,
    MentorshipStatus,
    Program,
    Role,
    User,
)
from .links import is_video_link

MIN_MINUTES, MAX_MINUTES = 10, 240
ONE_DAY = timedelta(days=1)


class MeetingRejected(ValueError):
    """A rule the request broke, with the form field its message belongs next to."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


class MeetingClosed(Exception):
    """The meeting was cancelled meanwhile: the page the person acted on is out of date."""

    message = "This meeting was cancelled, so it can't be changed now."

    def __init__(self, meeting_id: int) -> None:
        super().__init__(self.message)
        self.meeting_id = meeting_id


@dataclass(frozen=True)
class MeetingPlan:
    """When and how to meet, as the scheduler typed it: a wall-clock time in their own zone."""

    day: date
    start: time
    zone: str
    minutes: int
    mode: MeetingMode
    location: str


def local_to_utc(day: date, start: time, zone_name: str) -> datetime:
    """The instant of a wall-clock time; a time skipped by a clock change is refused.

    Repeated times (clocks going back) take their first occurrence.
    """
    local = datetime.combine(day, start, tzinfo=ZoneInfo(zone_name))
    instant = local.astimezone(UTC)
    shown = instant.astimezone(local.tzinfo)
    if shown.replace(tzinfo=None) != local.replace(tzinfo=None):
        raise MeetingRejected(
            "start",
            f"The clocks go forward that night in {zone_name}, so {start:%H:%M} doesn't exist "
            f"on {day:%a %d %b}. Try {shown:%H:%M}.",
        )
    return instant


def _starts_at(plan: MeetingPlan, program: Program) -> datetime:
    outside = MeetingRejected(
        "day",
        f"Pick a date while the program runs: {program.starts_on:%d %b %Y} "
        f"to {program.ends_on:%d %b %Y}.",
    )
    # A day's slack for zones either side of the program's; this also keeps years like 1 or
    # 9999, which have no UTC equivalent at some hours, away from the conversion.
    if not program.starts_on - ONE_DAY <= plan.day <= program.ends_on + ONE_DAY:
        raise outside
    starts_at = local_to_utc(plan.day, plan.start, plan.zone)
    if starts_at <= clock.utcnow():
        raise MeetingRejected("day", "That time has already passed. Pick a time from now on.")
    program_day = starts_at.astimezone(ZoneInfo(program.time_zone)).date()
    if not program.starts_on <= program_day <= program.ends_on:
        raise outside
    return starts_at


def _check_location(mode: MeetingMode, location: str) -> None:
    if mode is MeetingMode.VIDEO:
        if not is_video_link(location):
            raise MeetingRejected(
                "location", "Paste the video link, starting with https:// (from Meet, Zoom…)."
            )
    elif mode is MeetingMode.IN_PERSON and not location:
        raise MeetingRejected("location", "Say where you will meet, e.g. the school library.")


def _apply(meeting: Meeting, plan: MeetingPlan, program: Program) -> None:
    if not MIN_MINUTES <= plan.minutes <= MAX_MINUTES:
        raise MeetingRejected("minutes", f"Between {MIN_MINUTES} and {MAX_MINUTES} minutes.")
    _check_location(plan.mode, plan.location)
    meeting.starts_at = _starts_at(plan, program)
    meeting.zone = plan.zone
    meeting.minutes = plan.minutes
    meeting.mode = plan.mode
    meeting.location = plan.location


def _program_of(mentorship_id: int) -> Program:
    """Both come from the identity map when the view resolved them, so no query is sent."""
    mentorship = db.session.get(Mentorship, mentorship_id)
    return db.session.get(Program, mentorship.program_id)


def _must_be_open(meeting: Meeting) -> None:
    if meeting.status is MeetingStatus.CANCELLED:
        raise MeetingClosed(meeting.id)


def _insert_once(model, **values) -> None:
    """INSERT … ON CONFLICT DO NOTHING: the unique constraint, not the button, stops doubles."""
    db.session.execute(insert_on_conflict(model).values(**values).on_conflict_do_nothing())


def schedule_meeting(mentorship: Mentorship, by: User, plan: MeetingPlan) -> Meeting:
    meeting = Meeting(mentorship_id=mentorship.id, created_by_id=by.id)
    _apply(meeting, plan, _program_of(mentorship.id))
    db.session.add(meeting)
    db.session.commit()
    return meeting


def reschedule_meeting(meeting: Meeting, plan: MeetingPlan, reason: str) -> None:
    """Move the meeting, keeping it the same event in everyone's calendar (SEQUENCE + 1).

    "We met" answers given for the old time no longer say anything about the new one.
    """
    if meeting.status is not MeetingStatus.SCHEDULED:
        raise MeetingRejected("day", "A held or cancelled meeting can't move.")
    _apply(meeting, plan, _program_of(meeting.mentorship_id))
    meeting.change_reason = reason
    meeting.sequence += 1
    db.session.execute(
        sa.delete(MeetingConfirmation).where(MeetingConfirmation.meeting_id == meeting.id)
    )
    db.session.commit()


def cancel_meeting(meeting: Meeting, reason: str) -> None:
    """Cancel once; cancelling again (a double tap) changes nothing."""
    if meeting.status is MeetingStatus.CANCELLED:
        return
    if meeting.status is MeetingStatus.HELD:
        raise MeetingRejected("reason", "This meeting has been held; it can't be cancelled.")
    meeting.status = MeetingStatus.CANCELLED
    meeting.change_reason = reason
    meeting.sequence += 1
    db.session.commit()


def add_agenda_item(meeting: Meeting, author: User, text: str) -> None:
    """Add a topic; the same topic again (a double submit) is already there."""
    _must_be_open(meeting)
    _insert_once(AgendaItem, meeting_id=meeting.id, author_id=author.id, text=text.strip())
    db.session.commit()


def save_notes(meeting: Meeting, notes: str) -> None:
    _must_be_open(meeting)
    meeting.notes = notes.strip()
    db.session.commit()


def add_action_item(meeting: Meeting, owner: User, text: str, due_on: date | None) -> None:
    _must_be_open(meeting)
    program = _program_of(meeting.mentorship_id)
    if due_on is not None and not program.starts_on <= due_on <= program.ends_on:
        raise MeetingRejected(
            "due_on", f"Pick a date while the program runs, until {program.ends_on:%d %b %Y}."
        )
    _insert_once(
        ActionItem, meeting_id=meeting.id, owner_id=owner.id, text=text.strip(), due_on=due_on
    )
    db.session.commit()


def set_action_done(item: ActionItem, done: bool) -> None:
    """Set, not flip, the state: a repeated tap leaves it as the person last saw it."""
    if done != (item.done_at is not None):
        item.done_at = clock.utcnow() if done else None
        db.session.commit()


def _confirmed_by(role: Role) -> sa.Exists:
    """Someone of ``role`` in the meeting's mentorship has said "we met"."""
    return sa.exists().where(
        MeetingConfirmation.meeting_id == Meeting.id,
        Membership.user_id == MeetingConfirmation.user_id,
        Membership.role == role,
        MentorshipMember.membership_id == Membership.id,
        MentorshipMember.mentorship_id == Meeting.mentorship_id,
    )


def confirm_met(meeting: Meeting, user: User) -> bool:
    """Record ``user``'s "we met"; True when this very call made the meeting HELD.

    The rule: a meeting is held once a mentor of the mentorship AND at least one of its mentees
    have confirmed. For a pair that is both sides; in a group, one mentee confirming with the
    mentor is enough (a mentee who was off sick does not hold the others back), and the other
    mentees may still add their confirmation afterwards. Confirming is possible from the start
    time on, never for a cancelled meeting, and a repeated confirmation is a no-op.

    The meeting row is locked first (FOR UPDATE on PostgreSQL; SQLite serialises writers), so
    two people confirming at the same moment cannot both miss each other's answer, and the
    HELD transition is a conditional UPDATE that only one call can win.
    """
    _must_be_open(meeting)
    now = clock.utcnow()
    if now < meeting.starts_at:
        raise MeetingRejected("confirm", "You can say you met once the meeting has started.")
    db.session.execute(sa.select(Meeting.id).where(Meeting.id == meeting.id).with_for_update())
    held = _record_met(meeting.id, user.id, now)
    db.session.commit()
    return held


def _record_met(meeting_id: int, user_id: int, now: datetime) -> bool:
    """The person's "we met" and, when it completes the sides, the HELD transition and its
    points; True when this call made the meeting held. The caller holds the lock."""
    _insert_once(MeetingConfirmation, meeting_id=meeting_id, user_id=user_id, at=now)
    held = db.session.execute(
        sa.update(Meeting)
        .where(
            Meeting.id == meeting_id,
            Meeting.status == MeetingStatus.SCHEDULED.literal,
            _confirmed_by(Role.MENTOR),
            _confirmed_by(Role.MENTEE),
        )
        .values(status=MeetingStatus.HELD, held_at=now)
        .execution_options(synchronize_session=False)
    )
    game_hooks.meeting_confirmed(meeting_id)
    core_writes.meetings_written([meeting_id])
    return held.rowcount == 1


LOG_DAYS_BACK = 14


class LogRefused(Exception):
    """The pair can't log meetings now (not active yet, or the program has closed)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class LoggedMeeting:
    meeting_id: int
    new: bool  # False: the pair already had a meeting that day, which now has this "we met"
    held: bool  # this log made the meeting held (the other side had confirmed it already)


def log_refusal(status: MentorshipStatus, closed_at: datetime | None, program: str) -> str | None:
    """Why the pair can't log a meeting now, or None."""
    if closed_at is not None:
        return f"{program} has closed, so no more meetings can be logged."
    if status is not MentorshipStatus.ACTIVE:
        return "You can log meetings once your coordinator has confirmed this match."
    return None


def log_window(program: Program, today: date) -> tuple[date, date]:
    """The days a meeting can be logged for: the last two weeks, inside the program."""
    return max(today - timedelta(days=LOG_DAYS_BACK), program.starts_on), min(
        today, program.ends_on
    )


def _check_log_day(day: date, today: date, program: Program) -> None:
    if day > today:
        raise MeetingRejected("day", "That day hasn't come yet. Log a meeting once it happened.")
    if day < today - timedelta(days=LOG_DAYS_BACK):
        raise MeetingRejected("day", f"Only meetings from the last {LOG_DAYS_BACK} days.")
    first, last = log_window(program, today)
    if not first <= day <= last:
        raise MeetingRejected(
            "day",
            f"Pick a day while the program ran: {program.starts_on:%d %b %Y} "
            f"to {program.ends_on:%d %b %Y}.",
        )


def _day_bounds(day: date, zone: str) -> tuple[datetime, datetime]:
    """The UTC instants that start ``day`` and the day after in ``zone``."""
    tz = ZoneInfo(zone)
    return tuple(
        datetime.combine(d, time(), tzinfo=tz).astimezone(UTC) for d in (day, day + ONE_DAY)
    )


def _logged_start(day: date, minutes: int, zone: str, now: datetime) -> datetime:
    """A logged meeting ended at this time of day (now, for today), or started at midnight if
    that would reach into the day before: the day, not the minute, is what the person told."""
    tz = ZoneInfo(zone)
    ended = datetime.combine(day, now.astimezone(tz).time(), tzinfo=tz).astimezone(UTC)
    return max(min(ended, now) - timedelta(minutes=minutes), _day_bounds(day, zone)[0])


def log_met(mentorship: Mentorship, by: User, day: date, minutes: int) -> LoggedMeeting:
    """Log "we met" for a meeting nobody planned: a meeting of ``day`` (the logger's own date) that
    already has the logger's confirmation and waits for the other side's, like any meeting.

    The mentorship row is locked first, so a double tap finds the meeting the first tap made:
    a pair has one meeting a day here, and logging a day that already has a started meeting
    (planned, logged by the other side, or a repeat) adds this person's "we met" to it.
    """
    if not MIN_MINUTES <= minutes <= MAX_MINUTES:
        raise MeetingRejected("minutes", f"Between {MIN_MINUTES} and {MAX_MINUTES} minutes.")
    status, closed_at = db.session.execute(
        sa.select(Mentorship.status, Program.closed_at)
        .join(Program, Program.id == Mentorship.program_id)
        .where(Mentorship.id == mentorship.id)
        .with_for_update(of=Mentorship)
    ).one()
    program = _program_of(mentorship.id)
    refusal = log_refusal(status, closed_at, program.name)
    if refusal:
        raise LogRefused(refusal)
    now = clock.utcnow()
    _check_log_day(day, local_date(now, by.time_zone), program)
    day_starts, day_ends = _day_bounds(day, by.time_zone)
    same_day = db.session.scalar(
        sa.select(Meeting.id)
        .where(
            Meeting.mentorship_id == mentorship.id,
            Meeting.status != MeetingStatus.CANCELLED,
            Meeting.starts_at >= day_starts,
            Meeting.starts_at < day_ends,
            Meeting.starts_at <= now,
        )
        .order_by(Meeting.starts_at, Meeting.id)
        .limit(1)
    )
    if same_day is not None:
        held = _record_met(same_day, by.id, now)
        db.session.commit()
        return LoggedMeeting(same_day, new=False, held=held)
    meeting = Meeting(
        mentorship_id=mentorship.id,
        created_by_id=by.id,
        starts_at=_logged_start(day, minutes, by.time_zone, now),
        zone=by.time_zone,
        minutes=minutes,
        mode=program.meeting_mode,
        location="",
    )
    db.session.add(meeting)
    db.session.flush()
    _record_met(meeting.id, by.id, now)
    db.session.commit()
    return LoggedMeeting(meeting.id, new=True, held=False)


def rotate_calendar_token(user: User) -> None:
    user.rotate_calendar_token()
    db.session.commit()
