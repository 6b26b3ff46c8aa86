"""a change of time zone decides check-in weeks from the person's next week on

Revision ID: f0a1e551a0f1
Revises: b1a5e551a0a1
Create Date: 2026-11-29 22:50:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "f0a1e551a0f1"
down_revision = "b1a5e551a0a1"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("previous_zone", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("zone_from_week", sa.String(length=8), nullable=True))


def downgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("zone_from_week")
        batch_op.drop_column("previous_zone")
