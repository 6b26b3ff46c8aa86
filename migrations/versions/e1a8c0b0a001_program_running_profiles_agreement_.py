"""program running: profiles, agreement versions, training, matching drafts, notices, roster uploads

Each program's current agreement becomes its version 1, and whoever accepted it on joining
is counted as having signed version 1.

Revision ID: e1a8c0b0a001
Revises: d0c1a551a0d1
Create Date: 2026-11-30 01:17:02.809285

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "e1a8c0b0a001"
down_revision = "d0c1a551a0d1"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "agreement_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("program_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["program_id"],
            ["programs.id"],
            name=op.f("fk_agreement_versions_program_id_programs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agreement_versions")),
        sa.UniqueConstraint(
            "program_id", "version", name=op.f("uq_agreement_versions_program_id_version")
        ),
    )
    op.create_table(
        "notices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("program_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("text", sa.String(length=300), nullable=False),
        sa.Column("url", sa.String(length=300), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("read_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["program_id"],
            ["programs.id"],
            name=op.f("fk_notices_program_id_programs"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_notices_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notices")),
    )
    with op.batch_alter_table("notices", schema=None) as batch_op:
        batch_op.create_index("ix_notices_user_read", ["user_id", "read_at"], unique=False)

    op.create_table(
        "roster_uploads",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("program_id", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("imported_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_roster_uploads_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["program_id"],
            ["programs.id"],
            name=op.f("fk_roster_uploads_program_id_programs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_roster_uploads")),
    )
    op.create_table(
        "training_modules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("program_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("question", sa.String(length=300), nullable=False),
        sa.Column("choices", sa.Text(), nullable=False),
        sa.Column("answer", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["program_id"],
            ["programs.id"],
            name=op.f("fk_training_modules_program_id_programs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_modules")),
    )
    with op.batch_alter_table("training_modules", schema=None) as batch_op:
        batch_op.create_index(
            "ix_training_modules_program", ["program_id", "position"], unique=False
        )

    op.create_table(
        "agreement_signatures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("membership_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("typed_name", sa.String(length=80), nullable=False),
        sa.Column("signed_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["membership_id"],
            ["memberships.id"],
            name=op.f("fk_agreement_signatures_membership_id_memberships"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agreement_signatures")),
        sa.UniqueConstraint(
            "membership_id", "version", name=op.f("uq_agreement_signatures_membership_id_version")
        ),
    )
    op.create_table(
        "match_drafts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("program_id", sa.Integer(), nullable=False),
        sa.Column("mentee_membership_id", sa.Integer(), nullable=False),
        sa.Column("mentor_membership_id", sa.Integer(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("accepted", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["mentee_membership_id"],
            ["memberships.id"],
            name=op.f("fk_match_drafts_mentee_membership_id_memberships"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["mentor_membership_id"],
            ["memberships.id"],
            name=op.f("fk_match_drafts_mentor_membership_id_memberships"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["program_id"],
            ["programs.id"],
            name=op.f("fk_match_drafts_program_id_programs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_match_drafts")),
        sa.UniqueConstraint(
            "mentee_membership_id", name=op.f("uq_match_drafts_mentee_membership_id")
        ),
    )
    with op.batch_alter_table("match_drafts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_match_drafts_mentor_membership_id"),
            ["mentor_membership_id"],
            unique=False,
        )
        batch_op.create_index("ix_match_drafts_program", ["program_id"], unique=False)

    op.create_table(
        "participant_profiles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("membership_id", sa.Integer(), nullable=False),
        sa.Column("interests", sa.String(length=500), nullable=False),
        sa.Column("goals", sa.String(length=500), nullable=False),
        sa.Column("skills", sa.String(length=500), nullable=False),
        sa.Column("availability", sa.String(length=400), nullable=False),
        sa.Column("style", sa.String(length=20), nullable=True),
        sa.Column("modes", sa.String(length=60), nullable=False),
        sa.Column("languages", sa.String(length=200), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "capacity IS NULL OR capacity BETWEEN 0 AND 50",
            name=op.f("ck_participant_profiles_capacity_range"),
        ),
        sa.ForeignKeyConstraint(
            ["membership_id"],
            ["memberships.id"],
            name=op.f("fk_participant_profiles_membership_id_memberships"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_participant_profiles")),
        sa.UniqueConstraint("membership_id", name=op.f("uq_participant_profiles_membership_id")),
    )
    op.create_table(
        "training_completions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("membership_id", sa.Integer(), nullable=False),
        sa.Column("module_id", sa.Integer(), nullable=False),
        sa.Column("completed_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["membership_id"],
            ["memberships.id"],
            name=op.f("fk_training_completions_membership_id_memberships"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["module_id"],
            ["training_modules.id"],
            name=op.f("fk_training_completions_module_id_training_modules"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_completions")),
        sa.UniqueConstraint(
            "membership_id",
            "module_id",
            name=op.f("uq_training_completions_membership_id_module_id"),
        ),
    )
    with op.batch_alter_table("training_completions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_training_completions_module_id"), ["module_id"], unique=False
        )

    with op.batch_alter_table("invites", schema=None) as batch_op:
        batch_op.add_column(sa.Column("email", sa.String(length=254), nullable=True))
        batch_op.add_column(sa.Column("name", sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column("profile", sa.JSON(), nullable=True))
        batch_op.create_index("ix_invites_program_email", ["program_id", "email"], unique=False)

    with op.batch_alter_table("memberships", schema=None) as batch_op:
        batch_op.add_column(sa.Column("agreed_version", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("left_at", sa.DateTime(), nullable=True))

    with op.batch_alter_table("mentorships", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("closed_reason", sa.Text(), server_default="", nullable=False)
        )
        batch_op.add_column(sa.Column("closed_by_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_mentorships_closed_by_id_users"),
            "users",
            ["closed_by_id"],
            ["id"],
            ondelete="SET NULL",
        )

    with op.batch_alter_table("programs", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("agreement_version", sa.Integer(), server_default="1", nullable=False)
        )
        batch_op.add_column(
            sa.Column("group_size", sa.Integer(), server_default="4", nullable=False)
        )

    op.execute(
        "INSERT INTO agreement_versions (program_id, version, text, created_at) "
        "SELECT id, 1, agreement, created_at FROM programs"
    )
    op.execute("UPDATE memberships SET agreed_version = 1 WHERE agreed_at IS NOT NULL")


def downgrade():
    with op.batch_alter_table("programs", schema=None) as batch_op:
        batch_op.drop_column("group_size")
        batch_op.drop_column("agreement_version")

    with op.batch_alter_table("mentorships", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_mentorships_closed_by_id_users"), type_="foreignkey"
        )
        batch_op.drop_column("closed_by_id")
        batch_op.drop_column("closed_reason")

    with op.batch_alter_table("memberships", schema=None) as batch_op:
        batch_op.drop_column("left_at")
        batch_op.drop_column("agreed_version")

    with op.batch_alter_table("invites", schema=None) as batch_op:
        batch_op.drop_index("ix_invites_program_email")
        batch_op.drop_column("profile")
        batch_op.drop_column("name")
        batch_op.drop_column("email")

    with op.batch_alter_table("training_completions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_training_completions_module_id"))

    op.drop_table("training_completions")
    op.drop_table("participant_profiles")
    with op.batch_alter_table("match_drafts", schema=None) as batch_op:
        batch_op.drop_index("ix_match_drafts_program")
        batch_op.drop_index(batch_op.f("ix_match_drafts_mentor_membership_id"))

    op.drop_table("match_drafts")
    op.drop_table("agreement_signatures")
    with op.batch_alter_table("training_modules", schema=None) as batch_op:
        batch_op.drop_index("ix_training_modules_program")

    op.drop_table("training_modules")
    op.drop_table("roster_uploads")
    with op.batch_alter_table("notices", schema=None) as batch_op:
        batch_op.drop_index("ix_notices_user_read")

    op.drop_table("notices")
    op.drop_table("agreement_versions")
