"""Nudges caused by an action, written in the action's own transaction (see ``outbox``).

Each feature service calls one function here just before it commits, so the change and the
nudge announcing it are saved together or not at all. The words come from ``game.nudges``:
first names and fixed text, never what anyone wrote. Each dedupe key names its cause, so a
retried or double-clicked action never nudges twice.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa

from game import nudges
from game.nudges import NudgeKind

from ..extensions import db
from ..models import (
    CheckIn,
    Goal,
    Membership,
    Mentorship,
    MentorshipMember,
    MentorshipStatus,
    MilestoneAction,
    MilestoneEvent,
    Notice,
    Role,
    User,
)
from .outbox import queue_nudge

if TYPE_CHECKING:
    from ..gamification.service import EarnedBadge

PROGRESS = "/me/progress"
HOME = "/"


def stamp(instant: datetime) -> str:
    """An instant as it goes into a dedupe key (to the microsecond, zone-free UTC)."""
    return f"{instant:%Y%m%dT%H%M%S%f}"


def help_requested(checkin: CheckIn) -> None:
    """The check-in just became an open help request: each mentor of the pair hears at once."""
    mentee = _user_of(checkin.membership_id)
    title, body = nudges.help_words(mentee.first_name)
    for mentor_id, mentorship_id in _mentors_of(checkin.membership_id):
        queue_nudge(
            mentor_id,
            NudgeKind.HELP_REQUESTED,
            f"help:{checkin.id}:{mentor_id}:{stamp(checkin.updated_at)}",
            title=title,
            body=body,
            url=f"/mentorships/{mentorship_id}/checkins",
        )


def mentor_replied(checkin: CheckIn, mentor_id: int) -> None:
    """The mentor acknowledged the check-in: the mentee hears once that it was seen and once
    that it was answered, whatever the mentor taps again."""
    mentee = _user_of(checkin.membership_id)
    mentorship_id = next(
        (pair for mentor, pair in _mentors_of(checkin.membership_id) if mentor == mentor_id), None
    )
    replied = bool(checkin.reply)
    title, body = nudges.reply_words(db.session.get(User, mentor_id).first_name, replied=replied)
    queue_nudge(
        mentee.id,
        NudgeKind.MENTOR_REPLIED,
        f"reply:{checkin.id}:{stamp(checkin.acknowledged_at)}:{'reply' if replied else 'seen'}",
        title=title,
        body=body,
        url=HOME if mentorship_id is None else f"/mentorships/{mentorship_id}/checkins",
    )


def milestone_moved(event: MilestoneEvent, goal_id: int) -> None:
    """Submitted: the pair's mentors have a review waiting. Confirmed: the mentee hears."""
    if event.action not in (MilestoneAction.SUBMITTED, MilestoneAction.CONFIRMED):
        return
    db.session.flush()  # the event's id names the cause
    goal = db.session.get(Goal, goal_id)
    mentee = _user_of(goal.membership_id)
    url = f"/goals/{goal_id}"
    if event.action is MilestoneAction.CONFIRMED:
        title, body = nudges.confirmed_words(db.session.get(User, event.actor_id).first_name)
        queue_nudge(
            mentee.id,
            NudgeKind.MILESTONE_CONFIRMED,
            f"confirmed:{event.id}",
            title=title,
            body=body,
            url=url,
        )
        return
    title, body = nudges.review_words(mentee.first_name)
    for mentor_id in _mentors_of_pair(goal.mentorship_id):
        queue_nudge(
            mentor_id,
            NudgeKind.REVIEW_WAITING,
            f"review:{event.id}:{mentor_id}",
            title=title,
            body=body,
            url=url,
        )


def badges_earned(badges: Iterable[EarnedBadge], program_id: int) -> None:
    """One nudge per badge tier newly awarded (the award's own unique columns are the key)."""
    for badge in badges:
        tier = badge.tier_label if len(badge.rule.tiers) > 1 else None
        title, body = nudges.badge_words(badge.rule.name, tier)
        queue_nudge(
            badge.user_id,
            NudgeKind.BADGE_EARNED,
            f"badge:{program_id}:{badge.user_id}:{badge.rule.id}:{badge.tier}",
            title=title,
            body=body,
            url=PROGRESS,
        )


def kudos_given(kudos_key: str, mentor_id: int, mentee_id: int) -> None:
    """A mentor's kudos: the mentee hears who sent it, never the note."""
    title, body = nudges.kudos_words(db.session.get(User, mentor_id).first_name)
    queue_nudge(mentee_id, NudgeKind.KUDOS, kudos_key, title=title, body=body, url=HOME)


def program_news(notice: Notice) -> None:
    """An in-app notice (matched, ended …) also reaches the person's phone, by its kind."""
    db.session.flush()  # the notice's id names the cause
    title, body = nudges.news_words(notice.kind)
    queue_nudge(
        notice.user_id,
        NudgeKind.PROGRAM_NEWS,
        f"notice:{notice.id}",
        title=title,
        body=body,
        url=notice.url or HOME,
    )


def _mentors_of_pair(mentorship_id: int) -> list[int]:
    """User ids of the active pair's current mentors (none once it is closed)."""
    return [user_id for user_id, _ in _current_mentors(Mentorship.id == mentorship_id)]


def _mentors_of(mentee_membership_id: int) -> list[tuple[int, int]]:
    """(mentor user id, mentorship id) for the mentee's active pairs; mentors who left are out."""
    pairs_of_mentee = sa.select(MentorshipMember.mentorship_id).where(
        MentorshipMember.membership_id == mentee_membership_id
    )
    return _current_mentors(Mentorship.id.in_(pairs_of_mentee))


def _current_mentors(pairs: sa.ColumnElement[bool]) -> list[tuple[int, int]]:
    """(mentor user id, mentorship id) of the active pairs chosen by ``pairs``, mentors who
    left left out."""
    return [
        (user_id, mentorship_id)
        for user_id, mentorship_id in db.session.execute(
            sa.select(Membership.user_id, Mentorship.id)
            .select_from(MentorshipMember)
            .join(Mentorship, Mentorship.id == MentorshipMember.mentorship_id)
            .join(Membership, Membership.id == MentorshipMember.membership_id)
            .where(
                pairs,
                Mentorship.status == MentorshipStatus.ACTIVE,
                Membership.role == Role.MENTOR,
                Membership.left_at.is_(None),
            )
            .order_by(Membership.user_id, Mentorship.id)
        )
    ]


def _user_of(membership_id: int) -> User:
    return db.session.scalars(
        sa.select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.id == membership_id)
    ).one()
