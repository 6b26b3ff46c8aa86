"""The matching pool and the agreement's signatures kept on each member's row: its place in
the pool (waiting, room, not ready), a mentor's places left, and whether it signed the current
agreement, counted per program.

The matching pages read every mentor and mentee of the program, with their profiles, checklists
and mentorships, to find the few who can be matched, and the program's settings counted every
member's signature: the work grew with the program. Now each ``member_states`` row says whether
its membership is in the pool, how many more mentees a mentor may take and whether it signed,
kept in the action's transaction like the state beside it; an index finds a program's pool and
a counter row (kind ``agreement``) holds its signatures.

The backfill is plain SQL that SQLite and PostgreSQL both run, the same rules as
``app.member_states`` (``flask summaries check`` compares the two): places first, then the place
in the pool, which reads them; the signatures, then their counters.

Revision ID: d5f7a9c1e3b5
Revises: c4e6a8b0d2f3
Create Date: 2026-12-02 22:10:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "d5f7a9c1e3b5"
down_revision = "c4e6a8b0d2f3"
branch_labels = None
depends_on = None

CHECKLIST_DONE = """(
    EXISTS (
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
    )
)"""

STATED = """coalesce(
    (SELECT coalesce(pp.capacity, 1) FROM participant_profiles pp WHERE pp.membership_id = m.id),
    0
)"""

PLACES = f"""
UPDATE member_states SET places = (
    SELECT CASE WHEN m.role = 'mentor' AND m.left_at IS NULL THEN
        CASE WHEN p.model = 'group' AND p.group_size < {STATED} THEN p.group_size
            ELSE {STATED} END
        - (
            SELECT count(*) FROM mentorship_members mine
            JOIN mentorships t ON t.id = mine.mentorship_id
            JOIN mentorship_members theirs ON theirs.mentorship_id = mine.mentorship_id
            JOIN memberships mentee ON mentee.id = theirs.membership_id
            WHERE mine.membership_id = m.id AND t.status IN ('active', 'proposed')
                AND mentee.role = 'mentee' AND mentee.left_at IS NULL
        )
    END
    FROM memberships m JOIN programs p ON p.id = m.program_id
    WHERE m.id = member_states.membership_id
)
"""  # noqa: S608 (constant SQL pieces, no input)

POOL = f"""
UPDATE member_states SET pool = (
    SELECT CASE
        WHEN m.role NOT IN ('mentee', 'mentor') OR m.left_at IS NOT NULL THEN NULL
        WHEN m.role = 'mentee' AND EXISTS (
            SELECT 1 FROM mentorship_members mm JOIN mentorships t ON t.id = mm.mentorship_id
            WHERE mm.membership_id = m.id AND t.status IN ('active', 'proposed')
        ) THEN NULL
        WHEN m.role = 'mentee' AND {CHECKLIST_DONE} THEN 'waiting'
        WHEN m.role = 'mentee' THEN 'not_ready'
        WHEN {CHECKLIST_DONE} AND member_states.places > 0 THEN 'room'
        WHEN {CHECKLIST_DONE} THEN NULL
        ELSE 'not_ready'
    END
    FROM memberships m JOIN programs p ON p.id = m.program_id
    WHERE m.id = member_states.membership_id
)
"""  # noqa: S608 (constant SQL pieces, no input)


SIGNED = """
UPDATE member_states SET signed = (
    SELECT CASE
        WHEN m.role IN ('mentee', 'mentor') AND m.left_at IS NULL
            AND m.agreed_version = p.agreement_version THEN TRUE
        ELSE FALSE
    END
    FROM memberships m JOIN programs p ON p.id = m.program_id
    WHERE m.id = member_states.membership_id
)
"""

SIGNED_COUNTERS = """
INSERT INTO program_states (program_id, kind, state, total)
SELECT program_id, 'agreement', 'signed', count(*) FROM member_states
WHERE signed
GROUP BY program_id
"""


def upgrade():
    with op.batch_alter_table("member_states") as batch_op:
        batch_op.add_column(sa.Column("signed", sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column("pool", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("places", sa.Integer(), nullable=True))
    op.create_index(
        "ix_member_states_program_pool", "member_states", ["program_id", "pool", "membership_id"]
    )
    op.execute(PLACES)
    op.execute(POOL)
    op.execute(SIGNED)
    op.execute(SIGNED_COUNTERS)


def downgrade():
    op.execute("DELETE FROM program_states WHERE kind = 'agreement'")
    op.drop_index("ix_member_states_program_pool", table_name="member_states")
    with op.batch_alter_table("member_states") as batch_op:
        batch_op.drop_column("places")
        batch_op.drop_column("pool")
        batch_op.drop_column("signed")
