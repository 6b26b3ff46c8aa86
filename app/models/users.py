"""People who use Waypoint."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import ClassVar

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from game.weeks import WeekKey, WeekZones

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
    # After a change of zone, the old one decides check-in weeks until the week stored here.
    previous_zone: Mapped[str | None] = mapped_column(sa.String(64))
    zone_from_week: Mapped[str | None] = mapped_column(sa.String(8))
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

    @property
    def week_zones(self) -> WeekZones:
        """The zones that decide the person's check-in weeks (see ``game.WeekZones``)."""
        since = None if self.zone_from_week is None else WeekKey.parse(self.zone_from_week)
        return WeekZones(self.time_zone, self.previous_zone, since)

    def move_to_zone(self, zone: str) -> None:
        """Change the person's zone; for check-ins it takes effect from their next week on."""
        zones = self.week_zones.moved_to(zone, utcnow())
        self.time_zone, self.previous_zone = zones.zone, zones.previous
        self.zone_from_week = None if zones.since is None else str(zones.since)

    def rotate_calendar_token(self) -> None:
        """A new secret for the calendar feed URL, for when the old one was shared by mistake."""
        self.calendar_token = new_session_token()

    @property
    def first_name(self) -> str:
        return self.name.split()[0] if self.name.strip() else self.name

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"
