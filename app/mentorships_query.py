"""Loading mentorships with their people in a fixed number of queries."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from .extensions import db
from .models import Membership, Mentorship, MentorshipMember

WITH_PEOPLE = selectinload(Mentorship.members).options(
    selectinload(MentorshipMember.membership).selectinload(Membership.user)
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
