"""Surveys, with who answered (responses) kept apart from what was answered (answers).

Revision ID: b2d4e6f8a0c1
Revises: d4f6a8c0e2b3
Create Date: 2026-11-30 07:53:21.493745

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "b2d4e6f8a0c1"
down_revision = "d4f6a8c0e2b3"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "surveys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("program_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind", sa.Enum("pulse", "end", name="surveykind", native_enum=False), nullable=False
        ),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("opens_on", sa.Date(), nullable=False),
        sa.Column("closes_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["program_id"],
            ["programs.id"],
            name=op.f("fk_surveys_program_id_programs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_surveys")),
        sa.UniqueConstraint(
            "program_id", "kind", "number", name=op.f("uq_surveys_program_id_kind_number")
        ),
    )
    op.create_table(
        "survey_answers",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column(
            "role",
            sa.Enum("coordinator", "mentor", "mentee", name="role", native_enum=False),
            nullable=False,
        ),
        sa.Column("relationship", sa.Integer(), nullable=True),
        sa.Column("usefulness", sa.Integer(), nullable=True),
        sa.Column(
            "goals_reached",
            sa.Enum("yes", "partly", "no", name="goalsreached", native_enum=False),
            nullable=True,
        ),
        sa.Column(
            "again", sa.Enum("yes", "maybe", "no", name="again", native_enum=False), nullable=True
        ),
        sa.Column("comment", sa.String(length=500), nullable=False),
        sa.CheckConstraint(
            "relationship BETWEEN 1 AND 5", name=op.f("ck_survey_answers_relationship_range")
        ),
        sa.CheckConstraint(
            "usefulness BETWEEN 1 AND 5", name=op.f("ck_survey_answers_usefulness_range")
        ),
        sa.ForeignKeyConstraint(
            ["survey_id"],
            ["surveys.id"],
            name=op.f("fk_survey_answers_survey_id_surveys"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_answers")),
    )
    with op.batch_alter_table("survey_answers", schema=None) as batch_op:
        batch_op.create_index(
            "ix_survey_answers_tally",
            ["survey_id", "role", "goals_reached", "again", "relationship", "usefulness"],
            unique=False,
        )
        batch_op.create_index("ix_survey_answers_comments", ["survey_id", "comment"], unique=False)

    op.create_table(
        "survey_responses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["survey_id"],
            ["surveys.id"],
            name=op.f("fk_survey_responses_survey_id_surveys"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_survey_responses_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_responses")),
        sa.UniqueConstraint(
            "survey_id", "user_id", name=op.f("uq_survey_responses_survey_id_user_id")
        ),
    )


def downgrade():
    op.drop_table("survey_responses")
    with op.batch_alter_table("survey_answers", schema=None) as batch_op:
        batch_op.drop_index("ix_survey_answers_comments")
        batch_op.drop_index("ix_survey_answers_tally")

    op.drop_table("survey_answers")
    op.drop_table("surveys")
