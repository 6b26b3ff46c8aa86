"""People who use Waypoint."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import ClassVar

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import utcnow
from ..extensions import db
from .types import UTCDateTime


def new_session_token() -> str:
    return secrets.token_urlsafe(32)


class User(db.Model):
    """An account. Roles live on memberships, never on the person."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(80))
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    time_zone: Mapped[str] = mapped_column(sa.String(64), default="UTC")
    calendar_token: Mapped[str] = mapped_column(
        sa.String(64), unique=True, default=new_session_token
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    memberships: Mapped[list[Membership]] = relationship(  # noqa: F821
        back_populates="user", lazy="raise", cascade="all, delete-orphan"
    )

    # Flask-Login protocol. The id handed to the session and the remember cookie is the token of
    # this login (a LoginSession), set by app.auth; ending that record refuses both cookies.
    is_authenticated = True
    is_active = True
    is_anonymous = False
    # Set per request by app.accounts.sessions, never stored on the row.
    login_token: ClassVar[str | None] = None
    login_session_id: ClassVar[int | None] = None

    def get_id(self) -> str | None:
        return self.login_token

    def rotate_calendar_token(self) -> None:
        """A new secret for the calendar feed URL, for when the old one was shared by mistake."""
        self.calendar_token = new_session_token()

    @property
    def first_name(self) -> str:
        return self.name.split()[0] if self.name.strip() else self.name

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"
