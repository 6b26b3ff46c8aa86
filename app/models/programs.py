"""Programs, who belongs to them, and how people join."""

from __future__ import annotations

import enum
import secrets
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import utcnow
from ..extensions import db
from .types import UTCDateTime, enum_column


class Role(enum.Enum):
    COORDINATOR = "coordinator"
    MENTOR = "mentor"
    MENTEE = "mentee"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class MentorshipModel(enum.Enum):
    ONE_ON_ONE = "one_on_one"
    GROUP = "group"
    PEER = "peer"
    REVERSE = "reverse"

    @property
    def label(self) -> str:
        return {
            "one_on_one": "One-on-one",
            "group": "Group",
            "peer": "Peer",
            "reverse": "Reverse",
        }[self.value]

    def explained(self, group_size: int) -> str:
        """What the model means for participants, in a sentence."""
        return {
            "one_on_one": "each mentee meets one mentor",
            "group": f"one mentor with up to {group_size} mentees",
            "peer": "mentors are fellow students a little further along",
            "reverse": "students mentor adults in what they know best",
        }[self.value]


class Cadence(enum.Enum):
    WEEKLY = "weekly"
    BIWEEKLY = "biweekly"
    MONTHLY = "monthly"

    @property
    def label(self) -> str:
        return {"weekly": "Weekly", "biweekly": "Every two weeks", "monthly": "Monthly"}[self.value]


class MeetingMode(enum.Enum):
    IN_PERSON = "in_person"
    VIDEO = "video"
    CALL = "call"
    CHAT = "chat"

    @property
    def label(self) -> str:
        return {"in_person": "In person", "video": "Video", "call": "Call", "chat": "Chat"}[
            self.value
        ]


class Program(db.Model):
    """A mentorship program: its purpose, its calendar and the agreement people sign."""

    __tablename__ = "programs"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    objectives: Mapped[str] = mapped_column(sa.Text, default="")
    target_audience: Mapped[str] = mapped_column(sa.String(200), default="")
    model: Mapped[MentorshipModel] = mapped_column(
        enum_column(MentorshipModel), default=MentorshipModel.ONE_ON_ONE
    )
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    cadence: Mapped[Cadence] = mapped_column(enum_column(Cadence), default=Cadence.WEEKLY)
    meeting_minutes: Mapped[int] = mapped_column(default=45)
    meeting_mode: Mapped[MeetingMode] = mapped_column(
        enum_column(MeetingMode), default=MeetingMode.IN_PERSON
    )
    time_zone: Mapped[str] = mapped_column(sa.String(64), default="UTC")
    agreement: Mapped[str] = mapped_column(sa.Text, default="")
    # Raised each time the agreement's text changes; a signature holds the version signed.
    agreement_version: Mapped[int] = mapped_column(default=1, server_default="1")
    # Mentees per group in a group program (one group per mentor); unused by other models.
    group_size: Mapped[int] = mapped_column(default=4, server_default="4")
    leaderboard_enabled: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Closed by a coordinator at the end: its pairs end and its certificates are issued.
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    break_weeks: Mapped[list[BreakWeek]] = relationship(
        back_populates="program",
        lazy="raise",
        cascade="all, delete-orphan",
        order_by="BreakWeek.monday",
    )

    __table_args__ = (sa.CheckConstraint("ends_on > starts_on", name="dates_in_order"),)

    @property
    def objective_list(self) -> list[str]:
        return [line.strip() for line in self.objectives.splitlines() if line.strip()]


class BreakWeek(db.Model):
    """A week (by its Monday, in the program's zone) with no expected activity."""

    __tablename__ = "break_weeks"

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(sa.ForeignKey("programs.id", ondelete="CASCADE"))
    monday: Mapped[date]
    label: Mapped[str] = mapped_column(sa.String(80), default="")

    program: Mapped[Program] = relationship(back_populates="break_weeks", lazy="raise")

    __table_args__ = (sa.UniqueConstraint("program_id", "monday"),)


class Membership(db.Model):
    """A person's role in one program. The same person may hold roles in several programs."""

    __tablename__ = "memberships"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    program_id: Mapped[int] = mapped_column(sa.ForeignKey("programs.id", ondelete="CASCADE"))
    role: Mapped[Role] = mapped_column(enum_column(Role))
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    agreed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    agreed_version: Mapped[int | None] = mapped_column()  # the agreement version last signed
    # A participant the coordinator deactivated: their rows stay, their access ends.
    left_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    leaderboard_opt_in: Mapped[bool] = mapped_column(default=False, server_default=sa.false())

    user: Mapped[User] = relationship(back_populates="memberships", lazy="raise")  # noqa: F821
    program: Mapped[Program] = relationship(lazy="raise")

    __table_args__ = (
        sa.UniqueConstraint("user_id", "program_id", "role"),
        sa.Index("ix_memberships_program_role", "program_id", "role"),
    )


INVITE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread


def new_invite_code() -> str:
    raw = "".join(secrets.choice(INVITE_ALPHABET) for _ in range(8))
    return f"{raw[:4]}-{raw[4:]}"


def normalise_invite_code(text: str) -> str:
    """Accept what people type: lower case, spaces, a missing dash."""
    raw = "".join(ch for ch in text.upper() if ch.isalnum())
    return f"{raw[:4]}-{raw[4:]}" if len(raw) == 8 else raw


class Invite(db.Model):
    """A link or code that lets people join one program in one role."""

    __tablename__ = "invites"

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(sa.ForeignKey("programs.id", ondelete="CASCADE"))
    role: Mapped[Role] = mapped_column(enum_column(Role))
    code: Mapped[str] = mapped_column(sa.String(16), unique=True, default=new_invite_code)
    expires_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=lambda: utcnow() + timedelta(days=30)
    )
    uses_left: Mapped[int] = mapped_column(default=30)
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # A personal invite from a roster import: for one person, with what the roster knew of them.
    email: Mapped[str | None] = mapped_column(sa.String(254))
    name: Mapped[str | None] = mapped_column(sa.String(80))
    profile: Mapped[dict | None] = mapped_column(sa.JSON)

    program: Mapped[Program] = relationship(lazy="raise")

    __table_args__ = (
        sa.CheckConstraint("uses_left >= 0", name="uses_not_negative"),
        sa.Index("ix_invites_program_email", "program_id", "email"),
    )

    def usable(self, now: datetime) -> bool:
        return self.uses_left > 0 and now < self.expires_at
