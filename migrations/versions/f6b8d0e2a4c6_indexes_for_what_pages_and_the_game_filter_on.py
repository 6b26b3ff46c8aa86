"""Indexes for what the pages and the game filter on, so none reads a growing table whole.

tests/web/test_query_plans.py finds the full scans these remove: a mentorship's goals, the
milestones waiting for review, a mentee's kudos, a mentor's confirmations and kudos (progress
page, pairs at risk), a mentor's acknowledged check-ins (the game's timely responses), and
meetings counted by status over a time span.

Revision ID: f6b8d0e2a4c6
Revises: b2d4e6f8a0c1
Create Date: 2026-11-30 13:14:24.664999

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "f6b8d0e2a4c6"
down_revision = "b2d4e6f8a0c1"
branch_labels = None
depends_on = None

INDEXES = (
    ("ix_checkins_acknowledged_by_id", "checkins", ["acknowledged_by_id"]),
    ("ix_goals_mentorship_status", "goals", ["mentorship_id", "status"]),
    ("ix_kudos_mentee_created", "kudos", ["mentee_id", "created_at"]),
    ("ix_kudos_mentorship_mentor", "kudos", ["mentorship_id", "mentor_id"]),
    ("ix_meetings_mentorship_status_starts", "meetings", ["mentorship_id", "status", "starts_at"]),
    ("ix_milestone_events_actor_action", "milestone_events", ["actor_id", "action"]),
    ("ix_milestones_goal_status", "milestones", ["goal_id", "status"]),
)


def upgrade():
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns, unique=False)


def downgrade():
    for name, table, _ in reversed(INDEXES):
        op.drop_index(name, table_name=table)
