"""The periodic evaluation of the nudge rules: SQL in, ``game.nudges`` decides, outbox out.

The queue's periodic task calls ``plan`` every few minutes. A fixed number of queries finds,
across every running program at once, the meetings starting within two days, the mentees
whose week may want a reminder, the milestones waiting more than 48 hours and the active
pairs with their last meeting, the people asked an open survey; the pure rules pick what is
due now, and each nudge goes into
the outbox under a key naming its cause, so running ``plan`` again adds nothing. Keys already
in the outbox are read in one query first, so a rerun does no per-person work either.

Only people who turned notifications on (a device subscribed) are planned for: nobody else
could receive the nudge. Only current members (not deactivated) of active pairs (a mentee's
proposed pair too, for check-ins) in running programs take part.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import aliased

import game
from game import nudges
from game import surveys as survey_schedule
from game.nudges import MeetingReminder, NudgeKind, Words

from ..calendars import all_calendars, joined_week, matched_week, week_at
from ..extensions import db
from ..gamification import sources
from ..models import (
    Goal,
    GoalStatus,
    Meeting,
    MeetingStatus,
    Membership,
    Mentorship,
    MentorshipMember,
    MentorshipStatus,
    Milestone,
    MilestoneStatus,
    NotificationSettings,
    Nudge,
    PushSubscription,
    Role,
    Survey,
    SurveyResponse,
    User,
)
from .causes import stamp
from .outbox import queue_nudge

LOOKAHEAD = timedelta(days=2)
"""Meetings this close are read; a day-before reminder is due at most ~31 hours ahead."""
CHECKIN_URL = "/checkins/this-week"


@dataclass(frozen=True)
class _Mentee:
    """What the check-in reminder still needs once its key is known to be new."""

    membership_id: int
    week: game.WeekKey
    calendar: game.ProgramCalendar
    since: game.WeekKey


@dataclass(frozen=True)
class _Candidate:
    user_id: int
    kind: NudgeKind
    key: str
    url: str
    words: Words | None = None  # None: a check-in reminder, worded from the streak
    mentee: _Mentee | None = None


def plan(now: datetime) -> int:
    """Queue every nudge due at ``now`` and commit; returns how many were new."""
    calendars = all_calendars()
    running = [pid for pid, cal in calendars.items() if cal.current_week(now) in cal]
    candidates: dict[str, _Candidate] = {}
    for rule in (_meetings, _checkins, _reviews, _quiet_pairs, _surveys):
        for candidate in rule(now, calendars, running):
            candidates.setdefault(candidate.key, candidate)  # a mentee of two programs: once
    fresh = [candidates[key] for key in sorted(_not_queued(candidates))]
    counted, streaks = _streaks([c.mentee for c in fresh if c.mentee is not None])
    queued = 0
    for candidate in fresh:
        words = candidate.words
        if candidate.mentee is not None:
            if candidate.mentee.week in counted[candidate.mentee.membership_id]:
                continue
            words = nudges.checkin_words(streaks[candidate.mentee.membership_id])
        queue_nudge(
            candidate.user_id,
            candidate.kind,
            candidate.key,
            title=words.title,
            body=words.body,
            url=candidate.url,
        )
        queued += 1
    db.session.commit()
    return queued


def _subscribed(user_id) -> sa.ColumnElement[bool]:
    return sa.exists().where(PushSubscription.user_id == user_id)


def _not_queued(keys: Iterable[str]) -> set[str]:
    keys = set(keys)
    done = db.session.scalars(sa.select(Nudge.dedupe_key).where(Nudge.dedupe_key.in_(keys)))
    return keys - set(done)


def _meetings(now: datetime, _calendars, running: list[int]) -> Iterator[_Candidate]:
    """Everyone of a scheduled meeting in the next two days, with the others' first names."""
    rows = db.session.execute(
        sa.select(
            Meeting.id,
            Meeting.starts_at,
            Meeting.created_at,
            Membership.role,
            User,
            _subscribed(User.id),
        )
        .join(Mentorship, Mentorship.id == Meeting.mentorship_id)
        .join(MentorshipMember, MentorshipMember.mentorship_id == Mentorship.id)
        .join(Membership, Membership.id == MentorshipMember.membership_id)
        .join(User, User.id == Membership.user_id)
        .where(
            Meeting.status == MeetingStatus.SCHEDULED.literal,
            Meeting.starts_at > now,
            Meeting.starts_at <= now + LOOKAHEAD,
            Mentorship.status == MentorshipStatus.ACTIVE,
            Mentorship.program_id.in_(running),
            Membership.left_at.is_(None),
        )
        .order_by(Meeting.id, User.id)
    ).all()
    people = defaultdict(list)
    for meeting_id, _, _, role, user, _ in rows:
        people[meeting_id].append((role, user))
    for meeting_id, starts_at, booked_at, role, user, subscribed in rows:
        zone = user.time_zone
        reminder = nudges.meeting_reminder_due(now, starts_at, zone, booked_at)
        if not subscribed or reminder is None:
            continue
        yield _Candidate(
            user.id,
            NudgeKind.MEETING_REMINDER,
            f"meeting-{reminder}:{meeting_id}:{user.id}:{starts_at:%Y%m%d%H%M}",
            f"/meetings/{meeting_id}",
            nudges.meeting_words(
                now, starts_at, zone, _others(people[meeting_id], role), MeetingReminder(reminder)
            ),
        )


def _others(people: list[tuple[Role, User]], role: Role) -> str:
    """Who the meeting is with, as this person would say it."""
    if role is Role.MENTOR:
        mentees = [user.first_name for other, user in people if other is Role.MENTEE]
        return mentees[0] if len(mentees) == 1 else "your group"
    mentors = [user.first_name for other, user in people if other is Role.MENTOR]
    return " and ".join(mentors) or "your group"


def _checkins(now: datetime, calendars, running: list[int]) -> Iterator[_Candidate]:
    """Mentees in their own late-week window, outside their own quiet hours."""
    seen_pair = (
        sa.select(MentorshipMember.id)
        .join(Mentorship, Mentorship.id == MentorshipMember.mentorship_id)
        .where(
            MentorshipMember.membership_id == Membership.id,
            Mentorship.seen_by(Membership.role),
        )
        .exists()
    )
    rows = db.session.execute(
        sa.select(
            Membership, User, NotificationSettings.quiet_start, NotificationSettings.quiet_end
        )
        .join(User, User.id == Membership.user_id)
        .outerjoin(NotificationSettings, NotificationSettings.user_id == User.id)
        .where(
            Membership.role == Role.MENTEE,
            Membership.left_at.is_(None),
            Membership.program_id.in_(running),
            seen_pair,
            _subscribed(User.id),
        )
        .order_by(Membership.id)
    )
    for membership, user, quiet_start, quiet_end in rows:
        calendar, zone = calendars[membership.program_id], user.time_zone
        if not nudges.should_nudge_checkin(
            now,
            zone,
            calendar,
            week_counted=False,  # read afterwards, only for the keys not queued yet
            opted_in=True,
            already_nudged_this_week=False,  # the key says so
            quiet_start=quiet_start or nudges.QUIET_START,
            quiet_end=quiet_end or nudges.QUIET_END,
        ):
            continue
        week = game.week_of(game.local_date(now, zone))
        yield _Candidate(
            user.id,
            NudgeKind.CHECKIN_REMINDER,
            f"checkin:{user.id}:{week}",
            CHECKIN_URL,
            mentee=_Mentee(membership.id, week, calendar, joined_week(membership, zone)),
        )


def _streaks(
    mentees: list[_Mentee],
) -> tuple[dict[int, set[game.WeekKey]], dict[int, game.StreakState]]:
    """Counted weeks and streaks of these mentees (two queries, however many)."""
    ids = [mentee.membership_id for mentee in mentees]
    weeks = sources.checkin_weeks(ids)
    repairs = sources.repairs_of(ids)
    streaks = {
        mentee.membership_id: sources.streak(
            weeks[mentee.membership_id],
            mentee.calendar,
            mentee.week,
            repairs.get(mentee.membership_id),
            mentee.since,
        )
        for mentee in mentees
    }
    return weeks, streaks


def _reviews(now: datetime, _calendars, running: list[int]) -> Iterator[_Candidate]:
    """Milestones waiting over 48 hours, once per submission, to each current mentor."""
    mentee, mentor = aliased(Membership), aliased(Membership)
    mentee_user, mentor_side = aliased(User), aliased(MentorshipMember)
    rows = db.session.execute(
        sa.select(Milestone.id, Milestone.submitted_at, Goal.id, mentee_user, mentor.user_id)
        .join(Goal, Goal.id == Milestone.goal_id)
        .join(Mentorship, Mentorship.id == Goal.mentorship_id)
        .join(mentee, mentee.id == Goal.membership_id)
        .join(mentee_user, mentee_user.id == mentee.user_id)
        .join(mentor_side, mentor_side.mentorship_id == Mentorship.id)
        .join(mentor, mentor.id == mentor_side.membership_id)
        .where(
            Milestone.status == MilestoneStatus.WAITING,
            Milestone.submitted_at <= now - nudges.REVIEW_WAIT,
            Goal.status != GoalStatus.ARCHIVED,
            Mentorship.status == MentorshipStatus.ACTIVE,
            Mentorship.program_id.in_(running),
            mentor.role == Role.MENTOR,
            mentor.left_at.is_(None),
            _subscribed(mentor.user_id),
        )
        .order_by(Milestone.id, mentor.user_id)
    )
    for milestone_id, submitted_at, goal_id, user, mentor_id in rows:
        if nudges.review_overdue(submitted_at, now):
            yield _Candidate(
                mentor_id,
                NudgeKind.REVIEW_WAITING,
                f"review-late:{milestone_id}:{mentor_id}:{stamp(submitted_at)}",
                f"/goals/{goal_id}",
                nudges.review_words(user.first_name, overdue=True),
            )


def _quiet_pairs(now: datetime, calendars, running: list[int]) -> Iterator[_Candidate]:
    """Active pairs quiet for two cadence periods, to their program's coordinators (three
    queries: the pairs with their last held meeting, the quiet ones' people, coordinators)."""
    last_held = (
        sa.select(Meeting.mentorship_id, sa.func.max(Meeting.starts_at).label("at"))
        .where(Meeting.status == MeetingStatus.HELD.literal, Meeting.starts_at <= now)
        .group_by(Meeting.mentorship_id)
        .subquery()
    )
    quiet = {}
    for mentorship, last_at in db.session.execute(
        sa.select(Mentorship, last_held.c.at)
        .outerjoin(last_held, last_held.c.mentorship_id == Mentorship.id)
        .where(Mentorship.status == MentorshipStatus.ACTIVE, Mentorship.program_id.in_(running))
        .order_by(Mentorship.id)
    ):
        calendar = calendars[mentorship.program_id]
        since = matched_week(mentorship, calendar)
        last = None if last_at is None else week_at(last_at, calendar.zone)
        today = calendar.current_week(now)
        if nudges.should_nudge_pair_quiet([last] if last else [], calendar, today, since):
            quiet[mentorship.id] = (mentorship.program_id, nudges.quiet_spell(last, since))
    names = defaultdict(lambda: defaultdict(list))
    for mentorship_id, role, user in db.session.execute(
        sa.select(MentorshipMember.mentorship_id, Membership.role, User)
        .join(Membership, Membership.id == MentorshipMember.membership_id)
        .join(User, User.id == Membership.user_id)
        .where(MentorshipMember.mentorship_id.in_(list(quiet)), Membership.left_at.is_(None))
        .order_by(User.id)
    ):
        names[mentorship_id][role].append(user.first_name)
    coordinators = defaultdict(list)
    for program_id, user_id in db.session.execute(
        sa.select(Membership.program_id, Membership.user_id)
        .where(
            Membership.role == Role.COORDINATOR,
            Membership.left_at.is_(None),
            Membership.program_id.in_(running),
            _subscribed(Membership.user_id),
        )
        .order_by(Membership.user_id)
    ):
        coordinators[program_id].append(user_id)
    for mentorship_id, (program_id, spell) in quiet.items():
        words = nudges.pair_quiet_words(
            _pair_names(names[mentorship_id]), calendars[program_id].cadence
        )
        for coordinator_id in coordinators[program_id]:
            yield _Candidate(
                coordinator_id,
                NudgeKind.PAIR_QUIET,
                f"quiet:{mentorship_id}:{coordinator_id}:{spell}",
                "/",
                words,
            )


def _pair_names(people: dict[Role, list[str]]) -> str:
    mentors, mentees = people[Role.MENTOR], people[Role.MENTEE]
    mentor = " and ".join(mentors) or "A pair"
    if len(mentees) == 1:
        return f"{mentor} and {mentees[0]}"
    return f"{mentor}'s group" if mentors else mentor


def _surveys(now: datetime, calendars, running: list[int]) -> Iterator[_Candidate]:
    """Each mentee and mentor of an active pair, once per open survey they have not answered
    (two queries: the people asked, the answers already in)."""
    slots = {
        program_id: slot
        for program_id in running
        if (
            slot := survey_schedule.open_on(
                calendars[program_id], game.local_date(now, calendars[program_id].zone)
            )
        )
    }
    in_active_pair = (
        sa.select(MentorshipMember.id)
        .join(Mentorship, Mentorship.id == MentorshipMember.mentorship_id)
        .where(
            MentorshipMember.membership_id == Membership.id,
            Mentorship.status == MentorshipStatus.ACTIVE,
        )
        .exists()
    )
    asked = db.session.execute(
        sa.select(Membership.program_id, Membership.user_id)
        .where(
            Membership.program_id.in_(list(slots)),
            Membership.role.in_([Role.MENTEE, Role.MENTOR]),
            Membership.left_at.is_(None),
            in_active_pair,
            _subscribed(Membership.user_id),
        )
        .order_by(Membership.program_id, Membership.user_id)
    ).all()
    answered = set(
        db.session.execute(
            sa.select(Survey.program_id, Survey.kind, Survey.number, SurveyResponse.user_id)
            .join(SurveyResponse, SurveyResponse.survey_id == Survey.id)
            .where(
                sa.tuple_(Survey.program_id, Survey.kind, Survey.number).in_(
                    [(program_id, slot.kind, slot.number) for program_id, slot in slots.items()]
                )
            )
        ).all()
    )
    for program_id, user_id in asked:
        slot = slots[program_id]
        if (program_id, slot.kind, slot.number, user_id) in answered:
            continue
        yield _Candidate(
            user_id,
            NudgeKind.SURVEY_OPEN,
            f"survey-open:{program_id}:{slot.kind}-{slot.number}:{user_id}",
            f"/programs/{program_id}/survey",
            nudges.survey_words(slot.kind is survey_schedule.SurveyKind.END, slot.closes_on),
        )
