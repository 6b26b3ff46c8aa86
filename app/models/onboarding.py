"""What a participant does before being matched: a profile, the signed agreement, and (for
mentors) the program's training modules."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import utcnow
from ..extensions import db
from .programs import Membership
from .types import UTCDateTime


class AgreementVersion(db.Model):
    """The text of each version of a program's agreement, so a signature names what was read."""

    __tablename__ = "agreement_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(sa.ForeignKey("programs.id", ondelete="CASCADE"))
    version: Mapped[int]
    text: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (sa.UniqueConstraint("program_id", "version"),)


class AgreementSignature(db.Model):
    """A participant's typed name under one version of the agreement."""

    __tablename__ = "agreement_signatures"

    id: Mapped[int] = mapped_column(primary_key=True)
    membership_id: Mapped[int] = mapped_column(sa.ForeignKey("memberships.id", ondelete="CASCADE"))
    version: Mapped[int]
    typed_name: Mapped[str] = mapped_column(sa.String(80))
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (sa.UniqueConstraint("membership_id", "version"),)


class ParticipantProfile(db.Model):
    """What matching reads about a participant in one program, as they wrote it.

    Lists are kept as typed (comma-separated words); ``matching.tags`` reads them. Slots and
    modes are space-separated keys from ``matching.SLOTS`` and ``matching.MODES``.
    """

    __tablename__ = "participant_profiles"

    id: Mapped[int] = mapped_column(primary_key=True)
    membership_id: Mapped[int] = mapped_column(
        sa.ForeignKey("memberships.id", ondelete="CASCADE"), unique=True
    )
    interests: Mapped[str] = mapped_column(sa.String(500), default="")
    goals: Mapped[str] = mapped_column(sa.String(500), default="")
    skills: Mapped[str] = mapped_column(sa.String(500), default="")
    availability: Mapped[str] = mapped_column(sa.String(400), default="")
    style: Mapped[str | None] = mapped_column(sa.String(20))
    modes: Mapped[str] = mapped_column(sa.String(60), default="")
    languages: Mapped[str] = mapped_column(sa.String(200), default="")
    capacity: Mapped[int | None] = mapped_column()  # mentors: how many mentees at most
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    membership: Mapped[Membership] = relationship(lazy="raise")

    __table_args__ = (
        sa.CheckConstraint("capacity IS NULL OR capacity BETWEEN 0 AND 50", name="capacity_range"),
    )


class TrainingModule(db.Model):
    """A coordinator-written reading for mentors (Markdown), with one self-check question."""

    __tablename__ = "training_modules"

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(sa.ForeignKey("programs.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[str] = mapped_column(sa.String(120))
    body: Mapped[str] = mapped_column(sa.Text, default="")
    question: Mapped[str] = mapped_column(sa.String(300))
    choices: Mapped[str] = mapped_column(sa.Text)  # one answer per line
    answer: Mapped[int] = mapped_column(default=0)  # index of the right line in ``choices``
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (sa.Index("ix_training_modules_program", "program_id", "position"),)

    @property
    def choice_list(self) -> list[str]:
        return [line.strip() for line in self.choices.splitlines() if line.strip()]


class TrainingCompletion(db.Model):
    """A mentor read a module and answered its question right."""

    __tablename__ = "training_completions"

    id: Mapped[int] = mapped_column(primary_key=True)
    membership_id: Mapped[int] = mapped_column(sa.ForeignKey("memberships.id", ondelete="CASCADE"))
    module_id: Mapped[int] = mapped_column(
        sa.ForeignKey("training_modules.id", ondelete="CASCADE"), index=True
    )
    completed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (sa.UniqueConstraint("membership_id", "module_id"),)
