"""Loading mentorships with their people in a fixed number of queries."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from .extensions import db
from .models import Membership, Mentorship, MentorshipMember, MentorshipStatus

WITH_PEOPLE = selectinload(Mentorship.members).options(
    selectinload(MentorshipMember.membership).selectinload(Membership.user)
)


def mentorships_of(membership: Membership) -> list[Mentorship]:
    """Open mentorships the membership takes part in, people loaded."""
    return list(
        db.session.scalars(
            sa.select(Mentorship)
            .join(MentorshipMember)
            .where(
                MentorshipMember.membership_id == membership.id,
                Mentorship.status != MentorshipStatus.CLOSED,
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
