"""The leaderboard's index holds ``on_board`` too, so its counts read the index alone.

The board's partial index holds only rows ``WHERE on_board``, but SQLite (before 3.41) still
fetches each row from the table to test ``on_board`` when a query names it: counting the board
and the places ahead of the viewer cost a table read per person. With the column in the index
(always true there) the counts are covering reads of the index.

Revision ID: b3d5f7a9c1e4
Revises: a7c9e1f3b5d2
Create Date: 2026-12-01 08:20:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "b3d5f7a9c1e4"
down_revision = "a7c9e1f3b5d2"
branch_labels = None
depends_on = None

NAME = "ix_player_totals_board"
ORDER = ["program_id", sa.text("points DESC"), "name", "user_id"]


def _board_index(columns: list) -> None:
    op.create_index(
        NAME,
        "player_totals",
        columns,
        unique=False,
        sqlite_where=sa.text("on_board"),
        postgresql_where=sa.text("on_board"),
    )


def upgrade():
    op.drop_index(NAME, table_name="player_totals")
    _board_index([*ORDER, "on_board"])


def downgrade():
    op.drop_index(NAME, table_name="player_totals")
    _board_index(ORDER)
