"""Member states: each membership's onboarding and matching state, and per program how many
are in each, filled from the facts.

``member_states`` holds each membership's role, state (null for a coordinator) and lower-case
name, ``pair_states`` each pair's status as counted, ``program_states`` how many of a program's
members of each role are in each state and how many of its pairs have each status: the
coordinator's home and the people page read these instead of working out every member's state
and counting every pair.
The services keep them up to date from now on (``app.member_states``); the backfill below is
plain SQL that SQLite and PostgreSQL both run, the same rules as ``app.member_states``
(``flask summaries check`` compares the two).

Revision ID: c1a3e5b7d9f0
Revises: b8d0f2a4c6e8
Create Date: 2026-11-30 21:49:38.092680

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "c1a3e5b7d9f0"
down_revision = "b8d0f2a4c6e8"
branch_labels = None
depends_on = None

MEMBERS = """
INSERT INTO member_states (membership_id, program_id, role, state, name_key)
SELECT m.id, m.program_id, m.role,
    CASE
        WHEN m.role NOT IN ('mentee', 'mentor') THEN NULL
        WHEN m.left_at IS NOT NULL THEN 'left'
        WHEN EXISTS (
            SELECT 1 FROM mentorship_members mm JOIN mentorships t ON t.id = mm.mentorship_id
            WHERE mm.membership_id = m.id AND t.status IN ('active', 'proposed')
        ) THEN 'matched'
        WHEN EXISTS (
            SELECT 1 FROM participant_profiles pp
            WHERE pp.membership_id = m.id AND pp.availability != '' AND pp.style IS NOT NULL
        )
        AND m.agreed_version = p.agreement_version
        AND (
            m.role != 'mentor'
            OR (
                SELECT count(tc.id) FROM training_completions tc
                JOIN training_modules tm ON tm.id = tc.module_id
                WHERE tc.membership_id = m.id AND tm.program_id = m.program_id
            ) >= (SELECT count(tm.id) FROM training_modules tm WHERE tm.program_id = m.program_id)
        ) THEN 'onboarded'
        ELSE 'joined'
    END,
    lower(u.name)
FROM memberships m
JOIN programs p ON p.id = m.program_id
JOIN users u ON u.id = m.user_id
"""

PAIRS = """
INSERT INTO pair_states (mentorship_id, program_id, status)
SELECT id, program_id, status FROM mentorships
"""

PROGRAMS = """
INSERT INTO program_states (program_id, kind, state, total)
SELECT program_id, role, state, count(*) FROM member_states
WHERE state IS NOT NULL
GROUP BY program_id, role, state
UNION ALL
SELECT program_id, 'pair', status, count(*) FROM pair_states
GROUP BY program_id, status
"""


def upgrade():
    op.create_table(
        "program_states",
        sa.Column("program_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("total", sa.Integer(), server_default="0", nullable=False),
        sa.ForeignKeyConstraint(
            ["program_id"],
            ["programs.id"],
            name=op.f("fk_program_states_program_id_programs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("program_id", "kind", "state", name=op.f("pk_program_states")),
    )
    op.create_table(
        "pair_states",
        sa.Column("mentorship_id", sa.Integer(), nullable=False),
        sa.Column("program_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=True),
        sa.ForeignKeyConstraint(
            ["mentorship_id"],
            ["mentorships.id"],
            name=op.f("fk_pair_states_mentorship_id_mentorships"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["program_id"],
            ["programs.id"],
            name=op.f("fk_pair_states_program_id_programs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("mentorship_id", name=op.f("pk_pair_states")),
    )
    op.create_index("ix_pair_states_program_status", "pair_states", ["program_id", "status"])
    op.create_table(
        "member_states",
        sa.Column("membership_id", sa.Integer(), nullable=False),
        sa.Column("program_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=True),
        sa.Column("name_key", sa.String(length=80), nullable=True),
        sa.ForeignKeyConstraint(
            ["membership_id"],
            ["memberships.id"],
            name=op.f("fk_member_states_membership_id_memberships"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["program_id"],
            ["programs.id"],
            name=op.f("fk_member_states_program_id_programs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("membership_id", name=op.f("pk_member_states")),
    )
    with op.batch_alter_table("member_states", schema=None) as batch_op:
        batch_op.create_index("ix_member_states_program_name", ["program_id", "name_key"])
        batch_op.create_index(
            "ix_member_states_program_state_name", ["program_id", "state", "name_key"]
        )
        batch_op.create_index(
            "ix_member_states_program_role_name", ["program_id", "role", "name_key"]
        )
        batch_op.create_index(
            "ix_member_states_program_role_state_name",
            ["program_id", "role", "state", "name_key"],
        )
    op.execute(MEMBERS)
    op.execute(PAIRS)
    op.execute(PROGRAMS)


def downgrade():
    op.drop_table("member_states")
    op.drop_table("pair_states")
    op.drop_table("program_states")
