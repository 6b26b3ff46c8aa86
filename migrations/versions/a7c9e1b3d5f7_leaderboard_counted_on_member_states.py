"""Whether each member is on their program's leaderboard, kept on their ``member_states`` row
and counted per program.

The leaderboard counted its whole board on every view for the total its pages need: at
10,000 pairs that count was most of the page's SQLite work, and the page grew with the board.
Now each ``member_states`` row says whether its membership is on the board (a mentee still in
the program who chose to be shown), kept in the action's transaction like the state beside it,
and a counter row (kind ``board``) holds the total.

The backfill is plain SQL that SQLite and PostgreSQL both run, the same rule as
``app.member_states`` (``flask summaries check`` compares the two).

Revision ID: a7c9e1b3d5f7
Revises: d5f7a9c1e3b5
Create Date: 2026-12-03 13:10:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "a7c9e1b3d5f7"
down_revision = "d5f7a9c1e3b5"
branch_labels = None
depends_on = None

ON_BOARD = """
UPDATE member_states SET on_board = (
    SELECT CASE
        WHEN m.role = 'mentee' AND m.leaderboard_opt_in AND m.left_at IS NULL THEN TRUE
        ELSE FALSE
    END
    FROM memberships m
    WHERE m.id = member_states.membership_id
)
"""

BOARD_COUNTERS = """
INSERT INTO program_states (program_id, kind, state, total)
SELECT program_id, 'board', 'on', count(*) FROM member_states
WHERE on_board
GROUP BY program_id
"""


def upgrade():
    with op.batch_alter_table("member_states") as batch_op:
        batch_op.add_column(sa.Column("on_board", sa.Boolean(), nullable=True))
    op.execute(ON_BOARD)
    op.execute(BOARD_COUNTERS)


def downgrade():
    op.execute("DELETE FROM program_states WHERE kind = 'board'")
    with op.batch_alter_table("member_states") as batch_op:
        batch_op.drop_column("on_board")
