"""Pairs at risk: the coordinators' notes, nudges and resolutions of each pair.

Revision ID: c3e5f7a9b1d2
Revises: a9c0b1d2e3f4
Create Date: 2026-11-30 07:56:49.988556

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "c3e5f7a9b1d2"
down_revision = "a9c0b1d2e3f4"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "care_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("mentorship_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("note", "nudge", "resolved", name="carekind", native_enum=False),
            nullable=False,
        ),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("body", sa.Text(), server_default="", nullable=False),
        sa.Column("signals", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["users.id"],
            name=op.f("fk_care_records_author_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["mentorship_id"],
            ["mentorships.id"],
            name=op.f("fk_care_records_mentorship_id_mentorships"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_care_records")),
    )
    with op.batch_alter_table("care_records", schema=None) as batch_op:
        batch_op.create_index(
            "ix_care_records_mentorship_kind", ["mentorship_id", "kind", "created_at"], unique=False
        )


def downgrade():
    with op.batch_alter_table("care_records", schema=None) as batch_op:
        batch_op.drop_index("ix_care_records_mentorship_kind")

    op.drop_table("care_records")
