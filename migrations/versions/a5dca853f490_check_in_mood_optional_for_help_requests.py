"""check-in mood optional for help requests

"I'd like help" is one tap from the mentee's home, so it can arrive before the week's mood:
such a row has no mood yet and does not count as the week's check-in until one is given.

Revision ID: a5dca853f490
Revises: ebfffb6c5005
Create Date: 2026-11-23 15:04:16.666676

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "a5dca853f490"
down_revision = "ebfffb6c5005"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("checkins", schema=None) as batch_op:
        batch_op.alter_column("mood", existing_type=sa.Integer(), nullable=True)


def downgrade():
    # A help request without a mood has no place in the older schema.
    op.execute("DELETE FROM checkins WHERE mood IS NULL")
    with op.batch_alter_table("checkins", schema=None) as batch_op:
        batch_op.alter_column("mood", existing_type=sa.Integer(), nullable=False)
