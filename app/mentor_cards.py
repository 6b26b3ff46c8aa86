"""What the mentee cards on a mentor's home show, for the whole home or for one card again
after a reply: one query whatever the number of mentorships.

A card carries ids and counts only: the reply form, and the streaks and kudos behind "More",
are loaded when the mentor asks for them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_login import current_user
from sqlalchemy.orm import aliased

from game.weeks import local_date, week_of

from .checkins.queries import TREND_WEEKS, Health, weeks_up_to
from .clock import utcnow
from .extensions import db
from .meetings.queries import MeetingHealth
from .models import (
    CheckIn,
    Goal,
    GoalStatus,
    Meeting,
    MeetingStatus,
    Mentorship,
    MentorshipMember,
    Milestone,
    MilestoneStatus,
)


@dataclass(frozen=True)
class NextMeeting:
    """The columns of a card's next meeting that its line shows."""

    id: int
    starts_at: datetime
    minutes: int

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.minutes)


def _of_mentees(*columns):
    """Check-ins of the card's mentees, correlated to the outer query's mentorship."""
    return (
        sa.select(*columns)
        .join(MentorshipMember, MentorshipMember.membership_id == CheckIn.membership_id)
        .where(MentorshipMember.mentorship_id == Mentorship.id)
        .correlate(Mentorship)
    )


def _figures_statement() -> sa.Select:
    """One row per mentorship of ``:ids``: every figure of its card as of ``:now``, each a small
    indexed subquery; the mood of each of the ``TREND_WEEKS`` weeks ``:week0``, ``:week1``, ..."""
    not_seen = CheckIn.acknowledged_at.is_(None)
    counted = CheckIn.mood.is_not(None)
    upcoming = aliased(Meeting)
    next_id = (
        sa.select(upcoming.id)
        .where(
            upcoming.mentorship_id == Mentorship.id,
            upcoming.status == MeetingStatus.SCHEDULED.literal,
            upcoming.starts_at >= sa.bindparam("now"),
        )
        .order_by(upcoming.starts_at, upcoming.id)
        .limit(1)
        .correlate(Mentorship)
        .scalar_subquery()
    )
    moods = [
        _of_mentees(sa.func.avg(CheckIn.mood))
        .where(counted, CheckIn.week_key == sa.bindparam(f"week{n}"))
        .scalar_subquery()
        for n in range(TREND_WEEKS)
    ]
    return (
        sa.select(
            Mentorship.id,
            sa.select(sa.func.max(Meeting.starts_at))
            .where(
                Meeting.mentorship_id == Mentorship.id, Meeting.status == MeetingStatus.HELD.literal
            )
            .correlate(Mentorship)
            .scalar_subquery(),
            _of_mentees(sa.func.max(CheckIn.updated_at)).where(counted).scalar_subquery(),
            _of_mentees(sa.func.count(CheckIn.id)).where(not_seen).scalar_subquery(),
            _of_mentees(sa.func.count(CheckIn.id))
            .where(not_seen, CheckIn.wants_help)
            .scalar_subquery(),
            _of_mentees(CheckIn.id)
            .where(not_seen)
            .order_by(CheckIn.wants_help.desc(), CheckIn.updated_at.desc(), CheckIn.id.desc())
            .limit(1)
            .scalar_subquery(),
            sa.select(sa.func.count(Milestone.id))
            .join(Goal, Goal.id == Milestone.goal_id)
            .where(
                Goal.mentorship_id == Mentorship.id,
                Goal.status != GoalStatus.ARCHIVED,
                Milestone.status == MilestoneStatus.WAITING,
            )
            .correlate(Mentorship)
            .scalar_subquery(),
            Meeting.id,
            Meeting.starts_at,
            Meeting.minutes,
            *moods,
        )
        .outerjoin(Meeting, Meeting.id == next_id)
        .where(Mentorship.id.in_(sa.bindparam("ids", expanding=True)))
    )


_FIGURES = _figures_statement()
"""Built once: building its eleven subqueries and its cache key cost more than running it."""


def _figures(ids: list[int], now: datetime, weeks: list) -> list[sa.Row]:
    """One row per mentorship: every figure of its card."""
    values = {"ids": ids, "now": now} | {f"week{n}": str(week) for n, week in enumerate(weeks)}
    return db.session.execute(_FIGURES, values).all()


def mentor_cards(mentorships: list[Mentorship]) -> dict:
    """The context ``home/_mentee_card.html`` needs for each of ``mentorships``."""
    return card_figures([m.id for m in mentorships], utcnow(), current_user.time_zone)


def card_figures(mentorship_ids: list[int], now: datetime, zone: str) -> dict:
    """The cards' figures by mentorship id as of ``now``, days and weeks counted in ``zone``;
    no request needed. One query, none for no mentorships."""
    today = local_date(now, zone)
    weeks = weeks_up_to(week_of(today), TREND_WEEKS)
    meetings, checkins, waiting, replies = {}, {}, {}, {}
    for row in _figures(mentorship_ids, now, weeks) if mentorship_ids else ():
        (mentorship_id, held, last_at, unseen, help_open, reply_to, waits) = row[:7]
        next_id, starts_at, minutes, *averages = row[7:]
        meetings[mentorship_id] = MeetingHealth(
            days_since_held=None if held is None else (today - local_date(held, zone)).days,
            next_meeting=None if next_id is None else NextMeeting(next_id, starts_at, minutes),
        )
        checkins[mentorship_id] = Health(
            last_checkin_at=last_at,
            moods=tuple(
                (week, None if mood is None else round(float(mood), 1))
                for week, mood in zip(weeks, averages, strict=True)
            ),
            unacknowledged=unseen,
            open_help=help_open,
        )
        if waits:
            waiting[mentorship_id] = waits
        if reply_to is not None:
            replies[mentorship_id] = reply_to
    return {
        "meeting_health": meetings,
        "checkin_health": checkins,
        "waiting_counts": waiting,
        "reply_targets": replies,
    }
