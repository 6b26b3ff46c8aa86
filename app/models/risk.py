"""A pair's care history, kept by its program's coordinators: private notes, nudges and
resolutions, as one table with a kind.

One table because the coordinator reads them as one story, newest first (the pair page is one
query), and because the at-risk list needs only the latest nudge and the latest resolution of
each pair, one windowed query over the same rows. The nudge's notices still tell the pair; this
row is the coordinator's record of it. A resolution keeps, in ``signals``, the codes of the
reasons it covered (``game.risk.Reason.code``), which decide when the entry comes back.

Everything here is for the coordinators of the pair's program only: it never reaches a mentor,
a mentee or an export.
"""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import utcnow
from ..extensions import db
from .types import UTCDateTime, enum_column
from .users import User

NOTE_LENGTH = 2000


class CareKind(enum.Enum):
    NOTE = "note"
    NUDGE = "nudge"
    RESOLVED = "resolved"


class CareRecord(db.Model):
    __tablename__ = "care_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    mentorship_id: Mapped[int] = mapped_column(sa.ForeignKey("mentorships.id", ondelete="CASCADE"))
    kind: Mapped[CareKind] = mapped_column(enum_column(CareKind))
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    signals: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    author: Mapped[User | None] = relationship(lazy="raise")

    __table_args__ = (
        sa.Index("ix_care_records_mentorship_kind", "mentorship_id", "kind", "created_at"),
    )
