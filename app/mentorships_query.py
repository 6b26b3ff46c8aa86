"""Loading mentorships with their people in a fixed number of queries."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from .extensions import db
from .models import Membership, Mentorship, MentorshipMember, MentorshipStatus

# One statement after the pairs' own: their members, with each member's membership and person
# joined in (a member has exactly one of each), where it took three.
WITH_PEOPLE = selectinload(Mentorship.members).options(
    joinedload(MentorshipMember.membership, innerjoin=True).joinedload(
        Membership.user, innerjoin=True
    )
)


def mentorships_of(membership: Membership) -> list[Mentorship]:
    """The mentorships the membership sees (``Mentorship.seen_by``), people loaded."""
    return list(
        db.session.scalars(
            sa.select(Mentorship)
            .join(MentorshipMember)
            .join(Membership, Membership.id == MentorshipMember.membership_id)
            .where(
                MentorshipMember.membership_id == membership.id,
                Mentorship.seen_by(Membership.role),
            )
            .options(WITH_PEOPLE)
            .order_by(Mentorship.id)
        )
    )


def mentorships_in_program(program_id: int) -> list[Mentorship]:
    return list(
        db.session.scalars(
            sa.select(Mentorship)
            .where(Mentorship.program_id == program_id)
            .options(WITH_PEOPLE)
            .order_by(Mentorship.status, Mentorship.id)
        )
    )


def active_mentorships(program_id: int) -> list[Mentorship]:
    """The program's active pairs, people loaded, in id order."""
    return list(
        db.session.scalars(
            sa.select(Mentorship)
            .where(
                Mentorship.program_id == program_id,
                Mentorship.status == MentorshipStatus.ACTIVE,
            )
            .options(WITH_PEOPLE)
            .order_by(Mentorship.id)
        )
    )
