"""The coordinator's working state while matching, and messages people see in the app."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import utcnow
from ..extensions import db
from .programs import Membership
from .types import UTCDateTime


class MatchDraft(db.Model):
    """A suggested (or hand-made) pair, not yet published: nobody but coordinators sees it.

    ``reasons`` is the scorer's explanation as a list of ``{"kind", "text", "points"}``.
    """

    __tablename__ = "match_drafts"

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(sa.ForeignKey("programs.id", ondelete="CASCADE"))
    mentee_membership_id: Mapped[int] = mapped_column(
        sa.ForeignKey("memberships.id", ondelete="CASCADE"), unique=True
    )
    mentor_membership_id: Mapped[int] = mapped_column(
        sa.ForeignKey("memberships.id", ondelete="CASCADE"), index=True
    )
    score: Mapped[int] = mapped_column(default=0)
    reasons: Mapped[list] = mapped_column(sa.JSON, default=list)
    accepted: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    mentee: Mapped[Membership] = relationship(foreign_keys=[mentee_membership_id], lazy="raise")
    mentor: Mapped[Membership] = relationship(foreign_keys=[mentor_membership_id], lazy="raise")

    __table_args__ = (sa.Index("ix_match_drafts_program", "program_id"),)


class Notice(db.Model):
    """Something to tell a person in the app (a new match, a re-match), until they dismiss it."""

    __tablename__ = "notices"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    program_id: Mapped[int | None] = mapped_column(sa.ForeignKey("programs.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(sa.String(40))
    text: Mapped[str] = mapped_column(sa.String(300))
    url: Mapped[str] = mapped_column(sa.String(300), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (sa.Index("ix_notices_user_read", "user_id", "read_at"),)


class RosterUpload(db.Model):
    """A CSV a coordinator uploaded: previewed first, imported all at once on confirmation."""

    __tablename__ = "roster_uploads"

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(sa.ForeignKey("programs.id", ondelete="CASCADE"))
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    filename: Mapped[str] = mapped_column(sa.String(200), default="")
    content: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    imported_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
