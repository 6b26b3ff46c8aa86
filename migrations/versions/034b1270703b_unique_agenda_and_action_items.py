"""one agenda item per text and one action item per owner and text, so a double submit adds one row

The agenda's unique constraint starts with meeting_id, so it also serves the index it replaces.

Revision ID: 034b1270703b
Revises: cb24a5f197c5
Create Date: 2026-11-23 16:17:20.238277

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "034b1270703b"
down_revision = "cb24a5f197c5"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("action_items", schema=None) as batch_op:
        batch_op.create_unique_constraint(
            batch_op.f("uq_action_items_meeting_id_owner_id_text"),
            ["meeting_id", "owner_id", "text"],
        )

    with op.batch_alter_table("agenda_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agenda_items_meeting"))
        batch_op.create_unique_constraint(
            batch_op.f("uq_agenda_items_meeting_id_text"), ["meeting_id", "text"]
        )


def downgrade():
    with op.batch_alter_table("agenda_items", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_agenda_items_meeting_id_text"), type_="unique")
        batch_op.create_index(batch_op.f("ix_agenda_items_meeting"), ["meeting_id"], unique=False)

    with op.batch_alter_table("action_items", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("uq_action_items_meeting_id_owner_id_text"), type_="unique"
        )
