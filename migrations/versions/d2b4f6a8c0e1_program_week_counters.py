"""Program week counters: what the outcomes pages and the coordinator's meeting figures count,
per program week, filled from the facts.

``program_weeks`` gains, per week of the program's time zone, its milestones confirmed, goals
completed, pairs matched, closed and active, meetings held, pairs meeting in a period, the
quiet keys, and its participants joined, left, matched and lasting; ``pair_summaries`` each
pair's share of them (``app.program_weeks``). Weeks are local to each program's time zone,
which plain SQL cannot work out on SQLite, so the backfill computes them in Python with the
rules of ``app.program_weeks`` (``flask summaries check`` compares the two), reading and
writing through the migration's own connection. A partial index on held meetings' starts lets the
coordinator's home count held meetings that have not begun without reading the program's.

Revision ID: d2b4f6a8c0e1
Revises: e3c5a7b9d1f2
Create Date: 2026-11-30 21:50:18.223298

"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql, sqlite

# revision identifiers, used by Alembic.
revision = "d2b4f6a8c0e1"
down_revision = "e3c5a7b9d1f2"
branch_labels = None
depends_on = None

COUNTS = (
    "milestones",
    "goals",
    "pairs_matched",
    "pairs_closed",
    "pairs_active",
    "meetings_held",
    "pairs_met",
    "pairs_recent",
    "mentees_joined",
    "mentees_left",
    "mentors_joined",
    "mentees_matched",
    "mentors_matched",
    "mentees_lasting",
    "mentors_lasting",
)


def upgrade():
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.create_index(
            "ix_meetings_held_starts",
            ["starts_at"],
            unique=False,
            sqlite_where=sa.text("status = 'held'"),
            postgresql_where=sa.text("status = 'held'"),
        )
    with op.batch_alter_table("pair_summaries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("weeks", sa.JSON(), nullable=True))
    with op.batch_alter_table("program_weeks", schema=None) as batch_op:
        for name in COUNTS:
            batch_op.add_column(sa.Column(name, sa.Integer(), server_default="0", nullable=False))
    _backfill()


def _backfill():
    from app import program_weeks  # the rules the services keep the rows by

    conn = op.get_bind()
    programs = sa.table("programs", sa.column("id", sa.Integer))
    pairs = sa.table("mentorships", sa.column("id", sa.Integer))
    summaries = sa.table(
        "pair_summaries", sa.column("mentorship_id", sa.Integer), sa.column("weeks", sa.JSON)
    )
    weeks = sa.table(
        "program_weeks",
        sa.column("program_id", sa.Integer),
        sa.column("week_key", sa.String),
        *(sa.column(name, sa.Integer) for name in COUNTS),
    )
    shares = program_weeks.computed_pair_weeks(sa.select(pairs.c.id), conn)
    rows = [{"pair": pair, "weeks": value} for pair, value in shares.items() if value]
    if rows:
        conn.execute(
            summaries.update()
            .where(summaries.c.mentorship_id == sa.bindparam("pair"))
            .values(weeks=sa.bindparam("weeks")),
            rows,
        )
    counts = program_weeks.computed_counts(sa.select(programs.c.id), conn)
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    for (program_id, week_key), values in sorted(counts.items()):
        full = {name: values.get(name, 0) for name in COUNTS}
        insert = dialect.insert(weeks).values(program_id=program_id, week_key=week_key, **full)
        conn.execute(
            insert.on_conflict_do_update(
                index_elements=["program_id", "week_key"],
                set_={name: insert.excluded[name] for name in COUNTS},
            )
        )


def downgrade():
    with op.batch_alter_table("program_weeks", schema=None) as batch_op:
        for name in reversed(COUNTS):
            batch_op.drop_column(name)
    with op.batch_alter_table("pair_summaries", schema=None) as batch_op:
        batch_op.drop_column("weeks")
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.drop_index("ix_meetings_held_starts")
