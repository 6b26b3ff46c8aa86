"""Loading mentorships with their people in a fixed number of queries."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from .extensions import db
from .models import Membership, Mentorship, MentorshipMember

# One statement after the pairs' own: their members, with each member's membership and person
# joined in (a member has exactly one of each), where it took three.
WITH_PEOPLE = selectinload(Mentorship.members).options(
    joinedload(MentorshipMember.membership, innerjoin=True).joinedload(
        Membership.user, innerjoin=True
    )
)
"""Members in one query after the mentorships', each joined to its membership and person."""

JOINED_PEOPLE = (
    joinedload(Mentorship.members)
    .joinedload(MentorshipMember.membership)
    .joinedload(Membership.user)
)
"""Members and their people in the mentorships' own query (its result needs ``unique()``);
outer joins all along, which SQLite drives by the members' index (a nested inner join it would
read whole)."""


_SEEN_BY = (
    sa.select(Mentorship)
    .join(MentorshipMember)
    .join(Membership, Membership.id == MentorshipMember.membership_id)
    .where(
        MentorshipMember.membership_id == sa.bindparam("membership_id"),
        Mentorship.seen_by(Membership.role),
    )
    .options(JOINED_PEOPLE)
    .order_by(Mentorship.id)
)


def mentorships_of(membership: Membership) -> list[Mentorship]:
    """The mentorships the membership sees (``Mentorship.seen_by``), people loaded, in one
    query (a home page's)."""
    return list(db.session.scalars(_SEEN_BY, {"membership_id": membership.id}).unique())
