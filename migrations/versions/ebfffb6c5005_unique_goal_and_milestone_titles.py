"""unique goal titles per mentee and milestone titles per goal, so a double submit adds one row

Revision ID: ebfffb6c5005
Revises: 1a7101c3716d
Create Date: 2026-11-23 15:03:17.167064

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "ebfffb6c5005"
down_revision = "1a7101c3716d"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("goals", schema=None) as batch_op:
        batch_op.create_unique_constraint(
            batch_op.f("uq_goals_membership_id_title"), ["membership_id", "title"]
        )

    with op.batch_alter_table("milestones", schema=None) as batch_op:
        batch_op.create_unique_constraint(
            batch_op.f("uq_milestones_goal_id_title"), ["goal_id", "title"]
        )


def downgrade():
    with op.batch_alter_table("milestones", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_milestones_goal_id_title"), type_="unique")

    with op.batch_alter_table("goals", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_goals_membership_id_title"), type_="unique")
