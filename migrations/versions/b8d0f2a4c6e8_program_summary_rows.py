"""Program summary rows: the totals the coordinator's home shows, filled from the facts.

``pair_summaries`` gains each pair's goal counts; ``program_summaries`` holds their sums and
the mentees' open help requests per program, ``program_weeks`` each program week's count and
sum of its mentees' moods: the coordinator's home reads these instead of counting the whole
program's goals, milestones and check-ins. The services keep them up to date from now on
(``app.summaries``); the backfill below is plain SQL that SQLite and PostgreSQL both run, the
same rules as ``app.summaries`` (``flask summaries check`` compares the two).

Revision ID: b8d0f2a4c6e8
Revises: a7c9e1f3b5d7
Create Date: 2026-11-30 18:17:21.791968

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "b8d0f2a4c6e8"
down_revision = "a7c9e1f3b5d7"
branch_labels = None
depends_on = None

PAIR_TOTALS = ("goals_active", "goals_completed", "milestones_confirmed", "milestones_waiting")

GOAL_COUNTS = """
    SELECT g.mentorship_id AS pair,
        count(DISTINCT CASE WHEN g.status = 'active' THEN g.id END) AS goals_active,
        count(DISTINCT CASE WHEN g.status = 'completed' THEN g.id END) AS goals_completed,
        count(CASE WHEN ml.status = 'confirmed' THEN ml.id END) AS milestones_confirmed,
        count(CASE WHEN ml.status = 'waiting' AND g.status != 'archived' THEN ml.id END)
            AS milestones_waiting
    FROM goals g LEFT JOIN milestones ml ON ml.goal_id = g.id
    GROUP BY g.mentorship_id
"""

PAIRS = f"""
UPDATE pair_summaries SET {", ".join(f"{n} = c.{n}" for n in PAIR_TOTALS)}
FROM ({GOAL_COUNTS}) c
WHERE c.pair = pair_summaries.mentorship_id
"""  # noqa: S608 (constant text, no input)

PROGRAMS = f"""
INSERT INTO program_summaries (program_id, {", ".join(PAIR_TOTALS)}, open_help)
SELECT p.id, {", ".join(f"coalesce(pairs.{n}, 0)" for n in PAIR_TOTALS)}, coalesce(help.open, 0)
FROM programs p
LEFT JOIN (
    SELECT program_id, {", ".join(f"sum({n}) AS {n}" for n in PAIR_TOTALS)}
    FROM pair_summaries GROUP BY program_id
) pairs ON pairs.program_id = p.id
LEFT JOIN (
    SELECT program_id, sum(open_help) AS open FROM mentee_summaries GROUP BY program_id
) help ON help.program_id = p.id
"""  # noqa: S608 (constant text, no input)

WEEKS = """
INSERT INTO program_weeks (program_id, week_key, checkins, mood_total)
SELECT ms.program_id, c.week_key, count(*), sum(c.mood)
FROM checkins c JOIN memberships ms ON ms.id = c.membership_id
WHERE ms.role = 'mentee' AND c.mood IS NOT NULL
GROUP BY ms.program_id, c.week_key
"""


def upgrade():
    op.create_table(
        "program_summaries",
        sa.Column("program_id", sa.Integer(), nullable=False),
        sa.Column("goals_active", sa.Integer(), server_default="0", nullable=False),
        sa.Column("goals_completed", sa.Integer(), server_default="0", nullable=False),
        sa.Column("milestones_confirmed", sa.Integer(), server_default="0", nullable=False),
        sa.Column("milestones_waiting", sa.Integer(), server_default="0", nullable=False),
        sa.Column("open_help", sa.Integer(), server_default="0", nullable=False),
        sa.ForeignKeyConstraint(
            ["program_id"],
            ["programs.id"],
            name=op.f("fk_program_summaries_program_id_programs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("program_id", name=op.f("pk_program_summaries")),
    )
    op.create_table(
        "program_weeks",
        sa.Column("program_id", sa.Integer(), nullable=False),
        sa.Column("week_key", sa.String(length=8), nullable=False),
        sa.Column("checkins", sa.Integer(), server_default="0", nullable=False),
        sa.Column("mood_total", sa.Integer(), server_default="0", nullable=False),
        sa.ForeignKeyConstraint(
            ["program_id"],
            ["programs.id"],
            name=op.f("fk_program_weeks_program_id_programs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("program_id", "week_key", name=op.f("pk_program_weeks")),
    )
    with op.batch_alter_table("pair_summaries", schema=None) as batch_op:
        for name in PAIR_TOTALS:
            batch_op.add_column(sa.Column(name, sa.Integer(), server_default="0", nullable=False))
    op.execute(PAIRS)
    op.execute(PROGRAMS)
    op.execute(WEEKS)


def downgrade():
    with op.batch_alter_table("pair_summaries", schema=None) as batch_op:
        for name in reversed(PAIR_TOTALS):
            batch_op.drop_column(name)
    op.drop_table("program_weeks")
    op.drop_table("program_summaries")
