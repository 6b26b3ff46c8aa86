"""Kudos: a mentor's short written note of recognition, at most one a month per mentee.

``key`` is ``game.kudos_key(program, mentee, month)``, UNIQUE: the game's rule and the schema
are the same rule, so a mentee in two programs can be recognised in each.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import utcnow
from ..extensions import db
from .awards import KEY_LENGTH
from .types import UTCDateTime
from .users import User


class Kudos(db.Model):
    __tablename__ = "kudos"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(KEY_LENGTH), unique=True)
    mentorship_id: Mapped[int] = mapped_column(sa.ForeignKey("mentorships.id", ondelete="CASCADE"))
    mentor_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    mentee_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    month: Mapped[str] = mapped_column(sa.String(7))  # YYYY-MM in the mentor's zone
    note: Mapped[str] = mapped_column(sa.String(280))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    mentor: Mapped[User] = relationship(foreign_keys=[mentor_id], lazy="raise")
    mentee: Mapped[User] = relationship(foreign_keys=[mentee_id], lazy="raise")

    __table_args__ = (
        sa.Index("ix_kudos_mentee_created", "mentee_id", "created_at"),  # a mentee's kudos
        sa.Index("ix_kudos_mentorship_mentor", "mentorship_id", "mentor_id"),  # pairs at risk
    )
