"""What a program's certificates say, for all its participants at once, in four grouped
queries whatever the program's size.

Who took part: a current (not deactivated) mentor or mentee of a pair that is active at
closing, or of a pair that ended earlier after at least one held meeting. A pair that was only
ever proposed, or ended before anyone met, earns nobody a certificate.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import aliased

import game

from ..extensions import db
from ..gamification.words import badge_name
from ..models import (
    BadgeEarned,
    Goal,
    Meeting,
    MeetingStatus,
    Membership,
    Mentorship,
    MentorshipMember,
    MentorshipStatus,
    Milestone,
    MilestoneStatus,
    Role,
    User,
)

PARTICIPANT_ROLES = (Role.MENTOR, Role.MENTEE)
RULES = {rule.id: rule for rule in game.BADGES}
ORDER = {rule.id: position for position, rule in enumerate(game.BADGES)}


@dataclass(frozen=True)
class Facts:
    membership_id: int
    user_id: int
    role: Role
    name: str
    meetings_held: int
    milestones_confirmed: int
    badges: tuple[str, ...]


def _held_meeting() -> sa.Exists:
    return sa.exists().where(
        Meeting.mentorship_id == Mentorship.id, Meeting.status == MeetingStatus.HELD.literal
    )


def _took_part() -> sa.ColumnElement[bool]:
    return sa.or_(
        Mentorship.status == MentorshipStatus.ACTIVE,
        sa.and_(Mentorship.status == MentorshipStatus.CLOSED, _held_meeting()),
    )


def _places(program_id: int) -> sa.Select:
    """(membership, mentorship) of every participant's place in a pair that counts."""
    return (
        sa.select(
            MentorshipMember.membership_id.label("membership_id"),
            MentorshipMember.mentorship_id.label("mentorship_id"),
            Membership.role.label("role"),
        )
        .join(Mentorship, Mentorship.id == MentorshipMember.mentorship_id)
        .join(Membership, Membership.id == MentorshipMember.membership_id)
        .where(
            Mentorship.program_id == program_id,
            Membership.left_at.is_(None),
            Membership.role.in_(PARTICIPANT_ROLES),
            _took_part(),
        )
    )


def _meetings(places: sa.Subquery) -> dict[int, int]:
    rows = db.session.execute(
        sa.select(places.c.membership_id, sa.func.count(sa.distinct(Meeting.id)))
        .join(Meeting, Meeting.mentorship_id == places.c.mentorship_id)
        .where(Meeting.status == MeetingStatus.HELD.literal)
        .group_by(places.c.membership_id)
    )
    return dict(rows.all())


def _milestones(places: sa.Subquery) -> dict[int, int]:
    """A mentee counts the milestones of their own goals; a mentor, those of their pairs'."""
    rows = db.session.execute(
        sa.select(places.c.membership_id, sa.func.count(sa.distinct(Milestone.id)))
        .join(Goal, Goal.mentorship_id == places.c.mentorship_id)
        .join(Milestone, Milestone.goal_id == Goal.id)
        .where(
            Milestone.status == MilestoneStatus.CONFIRMED,
            sa.or_(places.c.role == Role.MENTOR, Goal.membership_id == places.c.membership_id),
        )
        .group_by(places.c.membership_id)
    )
    return dict(rows.all())


def _badges(program_id: int) -> dict[int, tuple[str, ...]]:
    """Each person's highest tier of each badge earned in the program, in rule book order."""
    rows = db.session.execute(
        sa.select(BadgeEarned.user_id, BadgeEarned.badge_id, sa.func.max(BadgeEarned.tier))
        .where(BadgeEarned.program_id == program_id)
        .group_by(BadgeEarned.user_id, BadgeEarned.badge_id)
    ).all()
    held: dict[int, list[tuple[str, int]]] = defaultdict(list)
    for user_id, badge_id, tier in rows:
        if badge_id in RULES:
            held[user_id].append((badge_id, tier))
    return {
        user_id: tuple(
            badge_name(RULES[badge_id], tier)
            for badge_id, tier in sorted(badges, key=lambda b: ORDER[b[0]])
        )
        for user_id, badges in held.items()
    }


def program_facts(program_id: int) -> list[Facts]:
    """Every participant's facts, by name."""
    places = _places(program_id).subquery()
    member = aliased(Membership)
    people = db.session.execute(
        sa.select(member.id, member.user_id, member.role, User.name)
        .join(User, User.id == member.user_id)
        .where(member.id.in_(sa.select(places.c.membership_id)))
        .order_by(User.name, member.id)
    ).all()
    meetings, milestones, badges = _meetings(places), _milestones(places), _badges(program_id)
    return [
        Facts(
            membership_id=row.id,
            user_id=row.user_id,
            role=row.role,
            name=row.name,
            meetings_held=meetings.get(row.id, 0),
            milestones_confirmed=milestones.get(row.id, 0),
            badges=badges.get(row.user_id, ()),
        )
        for row in people
    ]
