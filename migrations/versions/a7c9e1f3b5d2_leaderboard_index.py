"""The leaderboard reads its own index: ``player_totals`` gains ``on_board`` and ``name``.

A program's leaderboard is its opted-in mentees still in it, most points first, ties by name.
It was read by joining memberships, users and totals for the whole board on every visit. Each
person's totals row now says whether they are on the board and, while they are, their name
(kept by ``app.member_states``), and a partial index holds the board in its order. The backfill
makes a row for whoever is on a board without one and fills both columns from the facts.

Revision ID: a7c9e1f3b5d2
Revises: d2b4f6a8c0e1
Create Date: 2026-12-01 04:30:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "a7c9e1f3b5d2"
down_revision = "d2b4f6a8c0e1"
branch_labels = None
depends_on = None

totals = sa.table(
    "player_totals",
    sa.column("user_id"),
    sa.column("program_id"),
    sa.column("points"),
    sa.column("on_board", sa.Boolean),
    sa.column("name"),
)
members = sa.table(
    "memberships",
    sa.column("user_id"),
    sa.column("program_id"),
    sa.column("role"),
    sa.column("leaderboard_opt_in", sa.Boolean),
    sa.column("left_at"),
)
users = sa.table("users", sa.column("id"), sa.column("name"))


def _member_on_board() -> sa.ColumnElement[bool]:
    return sa.and_(
        members.c.role == "mentee",
        members.c.leaderboard_opt_in.is_(True),
        members.c.left_at.is_(None),
    )


def upgrade():
    with op.batch_alter_table("player_totals") as batch:
        batch.add_column(
            sa.Column("on_board", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch.add_column(sa.Column("name", sa.String(length=80), nullable=True))
    same_person = sa.and_(
        totals.c.user_id == members.c.user_id, totals.c.program_id == members.c.program_id
    )
    missing = sa.select(members.c.user_id, members.c.program_id, sa.literal(0)).where(
        _member_on_board(), ~sa.exists().where(same_person)
    )
    op.execute(totals.insert().from_select(["user_id", "program_id", "points"], missing))
    op.execute(totals.update().values(on_board=sa.exists().where(same_person, _member_on_board())))
    name = sa.select(users.c.name).where(users.c.id == totals.c.user_id).scalar_subquery()
    op.execute(totals.update().where(totals.c.on_board.is_(True)).values(name=name))
    op.create_index(
        "ix_player_totals_board",
        "player_totals",
        ["program_id", sa.text("points DESC"), "name", "user_id"],
        unique=False,
        sqlite_where=sa.text("on_board"),
        postgresql_where=sa.text("on_board"),
    )


def downgrade():
    op.drop_index("ix_player_totals_board", table_name="player_totals")
    with op.batch_alter_table("player_totals") as batch:
        batch.drop_column("name")
        batch.drop_column("on_board")
