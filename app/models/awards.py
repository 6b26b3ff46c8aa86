"""The game's records: the append-only points ledger, badges earned, cached totals, repairs.

``awards`` is the ledger. Rows are only ever inserted (insert-or-ignore on ``key``, so a retry
or a double click lands on the same row); a milestone sent back adds a negative row whose
``target_key`` names the award it cancels, UNIQUE so an award is reversed at most once.
``player_totals`` caches each person's sum per program, moved in the same transaction as the
rows (``points = points + delta``); ``flask game rebuild`` checks it against the ledger.
``goal_id`` is a plain number, not a foreign key: a ledger row must never be edited by a
cascade.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..clock import utcnow
from ..extensions import db
from .types import UTCDateTime

KEY_LENGTH = 120
REPAIR_REASON_LIMIT = 280


class PointsAward(db.Model):
    __tablename__ = "awards"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(KEY_LENGTH), unique=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    program_id: Mapped[int] = mapped_column(sa.ForeignKey("programs.id", ondelete="CASCADE"))
    amount: Mapped[int]
    reason: Mapped[str] = mapped_column(sa.String(32))  # a game.Reason value
    week_key: Mapped[str | None] = mapped_column(sa.String(8))
    goal_id: Mapped[int | None]
    target_key: Mapped[str | None] = mapped_column(sa.String(KEY_LENGTH), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        sa.CheckConstraint("amount <> 0", name="amount_not_zero"),
        sa.CheckConstraint(
            "(amount < 0 AND target_key IS NOT NULL) OR (amount > 0 AND target_key IS NULL)",
            name="only_reversals_are_negative",
        ),
        sa.Index("ix_awards_user_program_reason", "user_id", "program_id", "reason"),
        sa.Index("ix_awards_user_reason_week", "user_id", "reason", "week_key"),
        sa.Index("ix_awards_goal", "goal_id"),
    )


class BadgeEarned(db.Model):
    """One tier of one badge, once per person and program; ``subject`` says what earned it:
    ``user``, ``mentor`` or ``pair:<mentorship id>``."""

    __tablename__ = "badge_awards"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    program_id: Mapped[int] = mapped_column(sa.ForeignKey("programs.id", ondelete="CASCADE"))
    badge_id: Mapped[str] = mapped_column(sa.String(40))
    tier: Mapped[int]
    rule_version: Mapped[int]
    subject: Mapped[str] = mapped_column(sa.String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        sa.UniqueConstraint("user_id", "badge_id", "tier", "program_id"),
        sa.Index("ix_badge_awards_program_user", "program_id", "user_id"),
    )


ON_BOARD = "on_board"
"""The leaderboard's index holds only the rows on the board (the same words on both
databases: SQLite uses a partial index only for a query with its very terms)."""


class PlayerTotal(db.Model):
    """A cache of ``sum(awards.amount)`` per person and program, never read-modify-written.

    ``on_board`` and ``name`` are the leaderboard's (kept by ``app.member_states``): whether
    the person is a mentee of the program still in it who chose to be shown, and then their
    name, so a page of the board and a place on it are read from one index in its order."""

    __tablename__ = "player_totals"

    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    program_id: Mapped[int] = mapped_column(
        sa.ForeignKey("programs.id", ondelete="CASCADE"), primary_key=True
    )
    points: Mapped[int] = mapped_column(default=0)
    on_board: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    name: Mapped[str | None] = mapped_column(sa.String(80))

    __table_args__ = (sa.CheckConstraint("points >= 0", name="points_not_negative"),)


sa.Index(
    "ix_player_totals_board",
    PlayerTotal.program_id,
    PlayerTotal.points.desc(),
    PlayerTotal.name,
    PlayerTotal.user_id,
    PlayerTotal.on_board,  # always true here, but held: SQLite then counts along the index alone
    sqlite_where=sa.text(ON_BOARD),
    postgresql_where=sa.text(ON_BOARD),
)


class StreakRepair(db.Model):
    """A mentor's repair of one missed week: once per mentee membership, that is per program."""

    __tablename__ = "streak_repairs"

    id: Mapped[int] = mapped_column(primary_key=True)
    membership_id: Mapped[int] = mapped_column(
        sa.ForeignKey("memberships.id", ondelete="CASCADE"), unique=True
    )
    week_key: Mapped[str] = mapped_column(sa.String(8))
    mentor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(sa.String(REPAIR_REASON_LIMIT))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
