"""kudos unique per program, mentee and month, under game.kudos_key

Kudos were unique per (mentor, mentee, month) with no program, while the game's key is
``kudos:{program}:{mentee}:{month}``. Each row gets that key; of two kudos a mentee received
in the same program and month (from two mentors), the later one keeps its note under the key
suffixed with its id, so nothing is lost.

Revision ID: d0c1a551a0d1
Revises: f0a1e551a0f1
Create Date: 2026-11-29 22:50:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "d0c1a551a0d1"
down_revision = "f0a1e551a0f1"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("kudos", schema=None) as batch_op:
        batch_op.add_column(sa.Column("key", sa.String(length=120), nullable=True))
    op.execute(
        "UPDATE kudos SET key = 'kudos:' || (SELECT mentorships.program_id FROM mentorships "
        "WHERE mentorships.id = kudos.mentorship_id) || ':' || kudos.mentee_id || ':' "
        "|| kudos.month"
    )
    op.execute(
        "UPDATE kudos SET key = key || ':' || id WHERE EXISTS "
        "(SELECT 1 FROM kudos AS earlier WHERE earlier.key = kudos.key AND earlier.id < kudos.id)"
    )
    with op.batch_alter_table("kudos", schema=None) as batch_op:
        batch_op.alter_column("key", existing_type=sa.String(length=120), nullable=False)
        batch_op.drop_constraint(batch_op.f("uq_kudos_mentor_id_mentee_id_month"), type_="unique")
        batch_op.create_unique_constraint(batch_op.f("uq_kudos_key"), ["key"])


def downgrade():
    op.execute(
        "DELETE FROM kudos WHERE EXISTS (SELECT 1 FROM kudos AS earlier WHERE "
        "earlier.mentor_id = kudos.mentor_id AND earlier.mentee_id = kudos.mentee_id "
        "AND earlier.month = kudos.month AND earlier.id < kudos.id)"
    )
    with op.batch_alter_table("kudos", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_kudos_key"), type_="unique")
        batch_op.create_unique_constraint(
            batch_op.f("uq_kudos_mentor_id_mentee_id_month"), ["mentor_id", "mentee_id", "month"]
        )
        batch_op.drop_column("key")
