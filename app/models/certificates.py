"""Certificates issued when a program closes: the facts are frozen at closing, so the page and
its public verification say the same thing years later, whatever happens to the live rows."""

from __future__ import annotations

import secrets
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..clock import utcnow
from ..extensions import db
from .programs import Role
from .types import UTCDateTime, enum_column


def new_certificate_token() -> str:
    """32 URL-safe characters (192 random bits): the verification link cannot be guessed."""
    return secrets.token_urlsafe(24)


class Certificate(db.Model):
    """One person's recognition for taking part in one program, in one role."""

    __tablename__ = "certificates"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(sa.String(64), unique=True, default=new_certificate_token)
    program_id: Mapped[int] = mapped_column(sa.ForeignKey("programs.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    role: Mapped[Role] = mapped_column(enum_column(Role))
    # Frozen at closing: what the certificate says, never recomputed.
    name: Mapped[str] = mapped_column(sa.String(80))
    program_name: Mapped[str] = mapped_column(sa.String(120))
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    meetings_held: Mapped[int] = mapped_column(default=0)
    milestones_confirmed: Mapped[int] = mapped_column(default=0)
    badges: Mapped[list] = mapped_column(sa.JSON, default=list)  # badge names, rule book order
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        sa.UniqueConstraint("program_id", "user_id", "role"),
        sa.Index("ix_certificates_user", "user_id"),
    )

    @property
    def dates(self) -> str:
        """The program's dates as a certificate writes them: 1 September 2025 to 26 June 2026."""
        start, end = self.starts_on, self.ends_on
        return f"{start.day} {start:%B %Y} to {end.day} {end:%B %Y}"
