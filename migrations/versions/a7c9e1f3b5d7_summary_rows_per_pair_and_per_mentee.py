"""Summary rows per pair and per mentee, filled from the existing facts.

``pair_summaries`` holds each pair's latest held meeting and its mentors' latest action,
``mentee_summaries`` each mentee's last three counted moods and open help requests: the
coordinator's pages read these instead of scanning check-ins, meetings, milestone events and
kudos. The services keep them up to date from now on; the backfill below is plain SQL that
SQLite and PostgreSQL both run, the same rules as ``app.summaries`` (``flask summaries check``
compares the two).

Revision ID: a7c9e1f3b5d7
Revises: f6b8d0e2a4c6
Create Date: 2026-11-30 15:31:06.173447

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "a7c9e1f3b5d7"
down_revision = "f6b8d0e2a4c6"
branch_labels = None
depends_on = None

MENTORS = """
    SELECT mm.mentorship_id AS pair, ms.user_id AS user_id
    FROM mentorship_members mm JOIN memberships ms ON ms.id = mm.membership_id
    WHERE ms.role = 'mentor'
"""

PAIRS = f"""
INSERT INTO pair_summaries (mentorship_id, program_id, last_met_at, mentor_last_active)
SELECT p.id, p.program_id, held.at, acted.at
FROM mentorships p
LEFT JOIN (
    SELECT mentorship_id AS pair, max(starts_at) AS at FROM meetings
    WHERE status = 'held' GROUP BY mentorship_id
) held ON held.pair = p.id
LEFT JOIN (
    SELECT actions.pair AS pair, max(actions.at) AS at FROM (
        SELECT mm.mentorship_id AS pair, c.acknowledged_at AS at
        FROM checkins c JOIN mentorship_members mm ON mm.membership_id = c.membership_id
        WHERE c.acknowledged_at IS NOT NULL
        UNION ALL
        SELECT m.mentorship_id, m.created_at FROM meetings m
        JOIN ({MENTORS}) r ON r.pair = m.mentorship_id AND r.user_id = m.created_by_id
        UNION ALL
        SELECT m.mentorship_id, mc.at FROM meeting_confirmations mc
        JOIN meetings m ON m.id = mc.meeting_id
        JOIN ({MENTORS}) r ON r.pair = m.mentorship_id AND r.user_id = mc.user_id
        UNION ALL
        SELECT g.mentorship_id, e.at FROM milestone_events e
        JOIN milestones ml ON ml.id = e.milestone_id
        JOIN goals g ON g.id = ml.goal_id
        JOIN ({MENTORS}) r ON r.pair = g.mentorship_id AND r.user_id = e.actor_id
        UNION ALL
        SELECT k.mentorship_id, k.created_at FROM kudos k
        JOIN ({MENTORS}) r ON r.pair = k.mentorship_id AND r.user_id = k.mentor_id
    ) actions GROUP BY actions.pair
) acted ON acted.pair = p.id
"""  # noqa: S608 (constant text, no input)

MENTEES = """
INSERT INTO mentee_summaries
    (membership_id, program_id, mood_1, mood_2, mood_3, moods_since, help_asked_at, open_help)
SELECT ms.id, ms.program_id,
    max(CASE WHEN recent.place = 1 THEN recent.mood END),
    max(CASE WHEN recent.place = 2 THEN recent.mood END),
    max(CASE WHEN recent.place = 3 THEN recent.mood END),
    min(recent.week_key),
    help.asked, coalesce(help.open, 0)
FROM memberships ms
LEFT JOIN (
    SELECT membership_id, week_key, mood,
        row_number() OVER (PARTITION BY membership_id ORDER BY week_key DESC) AS place
    FROM checkins WHERE mood IS NOT NULL
) recent ON recent.membership_id = ms.id AND recent.place <= 3
LEFT JOIN (
    SELECT membership_id, min(updated_at) AS asked, count(*) AS open FROM checkins
    WHERE wants_help AND acknowledged_at IS NULL GROUP BY membership_id
) help ON help.membership_id = ms.id
WHERE ms.role = 'mentee'
GROUP BY ms.id, ms.program_id, help.asked, help.open
"""


def upgrade():
    op.create_table(
        "mentee_summaries",
        sa.Column("membership_id", sa.Integer(), nullable=False),
        sa.Column("program_id", sa.Integer(), nullable=False),
        sa.Column("mood_1", sa.Integer(), nullable=True),
        sa.Column("mood_2", sa.Integer(), nullable=True),
        sa.Column("mood_3", sa.Integer(), nullable=True),
        sa.Column("moods_since", sa.String(length=8), nullable=True),
        sa.Column("help_asked_at", sa.DateTime(), nullable=True),
        sa.Column("open_help", sa.Integer(), server_default="0", nullable=False),
        sa.ForeignKeyConstraint(
            ["membership_id"],
            ["memberships.id"],
            name=op.f("fk_mentee_summaries_membership_id_memberships"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["program_id"],
            ["programs.id"],
            name=op.f("fk_mentee_summaries_program_id_programs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("membership_id", name=op.f("pk_mentee_summaries")),
    )
    op.create_index(
        "ix_mentee_summaries_program_help", "mentee_summaries", ["program_id", "help_asked_at"]
    )
    op.create_table(
        "pair_summaries",
        sa.Column("mentorship_id", sa.Integer(), nullable=False),
        sa.Column("program_id", sa.Integer(), nullable=False),
        sa.Column("last_met_at", sa.DateTime(), nullable=True),
        sa.Column("mentor_last_active", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["mentorship_id"],
            ["mentorships.id"],
            name=op.f("fk_pair_summaries_mentorship_id_mentorships"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["program_id"],
            ["programs.id"],
            name=op.f("fk_pair_summaries_program_id_programs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("mentorship_id", name=op.f("pk_pair_summaries")),
    )
    op.create_index("ix_pair_summaries_program", "pair_summaries", ["program_id"])
    op.execute(PAIRS)
    op.execute(MENTEES)


def downgrade():
    op.drop_index("ix_pair_summaries_program", table_name="pair_summaries")
    op.drop_table("pair_summaries")
    op.drop_index("ix_mentee_summaries_program_help", table_name="mentee_summaries")
    op.drop_table("mentee_summaries")
