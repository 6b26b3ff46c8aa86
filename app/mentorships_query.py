"""Loading mentorships with their people in a fixed number of queries, or reading them as
rows among a page's other lists."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import aliased, joinedload, selectinload

from .extensions import db
from .models import (
    Membership,
    Mentorship,
    MentorshipMember,
    MentorshipStatus,
    PeopleInRoles,
    Role,
    User,
)

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


_viewer, _viewer_membership = aliased(MentorshipMember), aliased(Membership)


def _seen_by_viewer(select: sa.Select) -> sa.Select:
    """``select`` (from the viewer's member row) narrowed to the pairs the membership
    ``membership_id`` sees (``Mentorship.seen_by``)."""
    return (
        select.join(_viewer_membership, _viewer_membership.id == _viewer.membership_id)
        .join(Mentorship, Mentorship.id == _viewer.mentorship_id)
        .where(
            _viewer.membership_id == sa.bindparam("membership_id"),
            Mentorship.seen_by(_viewer_membership.role),
        )
    )


_SEEN_BY = (
    _seen_by_viewer(sa.select(Mentorship).select_from(_viewer))
    .options(JOINED_PEOPLE)
    .order_by(Mentorship.id)
)


def mentorships_of(membership: Membership) -> list[Mentorship]:
    """The mentorships the membership sees (``Mentorship.seen_by``), people loaded, in one
    query (a home page's)."""
    return list(db.session.scalars(_SEEN_BY, {"membership_id": membership.id}).unique())


SEEN_PAIR_IDS = _seen_by_viewer(sa.select(_viewer.mentorship_id)).correlate(None)
"""The ids of the pairs the membership ``membership_id`` sees, for a list to filter on (its
own memberships and mentorships, never the outer query's)."""

PAIR_PEOPLE = (
    _seen_by_viewer(
        sa.select(
            Mentorship.id.label("pair_id"),
            Mentorship.name.label("pair_name"),
            Mentorship.status,
            Membership.role,
            User.id.label("user_id"),
            User.name.label("user_name"),
        ).select_from(_viewer)
    )
    .join(MentorshipMember, MentorshipMember.mentorship_id == Mentorship.id)
    .join(Membership, Membership.id == MentorshipMember.membership_id)
    .join(User, User.id == Membership.user_id)
    .order_by(Mentorship.id, MentorshipMember.id)
)
"""A row for each person of each pair the membership ``membership_id`` sees, pair by pair:
what ``pairs_from`` makes its ``Pair`` of."""


@dataclass(frozen=True)
class PairPerson:
    id: int
    name: str
    role: Role


@dataclass(frozen=True)
class Pair(PeopleInRoles):
    """A pair as a page shows it (who is in it, its name and status), read among the page's
    other lists: loading ``Mentorship`` objects with their people took a tenth of the mentee's
    home."""

    id: int
    name: str
    status: MentorshipStatus
    members: tuple[PairPerson, ...]

    def people(self, role: Role) -> list[PairPerson]:
        return [person for person in self.members if person.role is role]


def pairs_from(rows: list[tuple]) -> list[Pair]:
    """The ``Pair`` of each pair in the rows of ``PAIR_PEOPLE``, in their order."""
    pairs: dict[int, tuple[tuple, list[PairPerson]]] = {}
    for row in rows:
        pair = pairs.setdefault(row.pair_id, (row, []))
        pair[1].append(PairPerson(row.user_id, row.user_name, row.role))
    return [
        Pair(first.pair_id, first.pair_name, first.status, tuple(people))
        for first, people in pairs.values()
    ]
