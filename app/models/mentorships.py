"""Mentorships: a pair or a group inside a program."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import utcnow
from ..extensions import db
from .programs import Membership, Program, Role
from .types import UTCDateTime, enum_column


class MentorshipStatus(enum.Enum):
    PROPOSED = "proposed"
    ACTIVE = "active"
    CLOSED = "closed"


# A pair that is still going: its people are out of the matching pool and count as matched.
OPEN_STATUSES = (MentorshipStatus.ACTIVE, MentorshipStatus.PROPOSED)


class PeopleInRoles:
    """What a pair's people say about it, for the model and for a page's rows alike (each
    says who its ``people(role)`` are)."""

    def people(self, role: Role) -> list:
        raise NotImplementedError

    @property
    def is_group(self) -> bool:
        return len(self.people(Role.MENTEE)) > 1


class Mentorship(PeopleInRoles, db.Model):
    """The relationship is the unit that matters: goals, meetings and check-ins hang off it."""

    __tablename__ = "mentorships"

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(sa.ForeignKey("programs.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(sa.String(80), default="")
    status: Mapped[MentorshipStatus] = mapped_column(
        enum_column(MentorshipStatus), default=MentorshipStatus.PROPOSED
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Why the coordinator ended it (re-matched, left the program …), kept with its history.
    closed_reason: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    closed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    program: Mapped[Program] = relationship(lazy="raise")
    members: Mapped[list[MentorshipMember]] = relationship(
        back_populates="mentorship", lazy="raise", cascade="all, delete-orphan"
    )

    __table_args__ = (sa.Index("ix_mentorships_program_status", "program_id", "status"),)

    @classmethod
    def seen_by(cls, role) -> sa.ColumnElement[bool]:
        """SQL: whether a member in ``role`` (a ``Membership.role`` column) sees the pair.

        A mentee takes part from the proposal on; a mentor sees nothing of a mentee until the
        coordinator makes the pair active; a closed pair is hidden from both.
        """
        return sa.or_(
            cls.status == MentorshipStatus.ACTIVE,
            sa.and_(cls.status == MentorshipStatus.PROPOSED, role == Role.MENTEE),
        )

    def people(self, role: Role) -> list:
        """Users in ``role``; needs ``members → membership → user`` loaded."""
        return [m.membership.user for m in self.members if m.membership.role is role]


class MentorshipMember(db.Model):
    """A mentor or mentee of a mentorship, through their membership of the same program."""

    __tablename__ = "mentorship_members"

    id: Mapped[int] = mapped_column(primary_key=True)
    mentorship_id: Mapped[int] = mapped_column(sa.ForeignKey("mentorships.id", ondelete="CASCADE"))
    membership_id: Mapped[int] = mapped_column(
        sa.ForeignKey("memberships.id", ondelete="CASCADE"), index=True
    )

    mentorship: Mapped[Mentorship] = relationship(back_populates="members", lazy="raise")
    membership: Mapped[Membership] = relationship(lazy="raise")

    __table_args__ = (sa.UniqueConstraint("mentorship_id", "membership_id"),)
