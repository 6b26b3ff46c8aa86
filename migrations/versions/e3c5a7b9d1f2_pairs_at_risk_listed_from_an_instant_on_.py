"""Pairs at risk listed from an instant kept on each pair's summary row.

``pair_summaries`` gains ``listed_from`` (the instant from which the pair's own signals, quiet
or mentor silent, put it on the list, its latest resolution considered) and ``resolved_at``
(its latest resolution's instant), each with an index by program; ``mentee_summaries`` an index
of the mentees whose last three counted moods were low. The page then reads the pairs listed
along those indexes instead of testing every pair's row. The quiet spell is counted in the
program's cadence periods, so the backfill works in Python with the game's rules (the same as
``app.programs.risk_rows``; ``flask summaries check`` compares the two), over plain reads.

Revision ID: e3c5a7b9d1f2
Revises: c1a3e5b7d9f0
Create Date: 2026-11-30 21:49:49.210562

"""

from collections import defaultdict
from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

from game import risk
from game.calendar import Cadence, ProgramCalendar
from game.weeks import local_date, week_of

# revision identifiers, used by Alembic.
revision = "e3c5a7b9d1f2"
down_revision = "c1a3e5b7d9f0"
branch_labels = None
depends_on = None

LOW_MOODS = "mood_1 <= 2 AND mood_2 <= 2 AND mood_3 <= 2"

programs = sa.table(
    "programs",
    sa.column("id", sa.Integer),
    sa.column("starts_on", sa.Date),
    sa.column("ends_on", sa.Date),
    sa.column("cadence", sa.String),
    sa.column("time_zone", sa.String),
)
break_weeks = sa.table("break_weeks", sa.column("program_id"), sa.column("monday", sa.Date))
mentorships = sa.table(
    "mentorships",
    sa.column("id", sa.Integer),
    sa.column("program_id", sa.Integer),
    sa.column("status", sa.String),
    sa.column("created_at", sa.DateTime),
)
pair_summaries = sa.table(
    "pair_summaries",
    sa.column("mentorship_id", sa.Integer),
    sa.column("last_met_at", sa.DateTime),
    sa.column("mentor_last_active", sa.DateTime),
    sa.column("listed_from", sa.DateTime),
    sa.column("resolved_at", sa.DateTime),
)
care_records = sa.table(
    "care_records",
    sa.column("id", sa.Integer),
    sa.column("mentorship_id", sa.Integer),
    sa.column("kind", sa.String),
    sa.column("signals", sa.JSON),
    sa.column("created_at", sa.DateTime),
)


def _utc(value):
    return None if value is None else value.replace(tzinfo=UTC)


def _calendars(connection) -> dict[int, ProgramCalendar]:
    breaks = defaultdict(set)
    for program_id, monday in connection.execute(sa.select(break_weeks)):
        breaks[program_id].add(week_of(monday))
    return {
        row.id: ProgramCalendar(
            row.starts_on,
            row.ends_on,
            Cadence[row.cadence.upper()],
            frozenset(breaks[row.id]),
            row.time_zone,
        )
        for row in connection.execute(sa.select(programs))
    }


def _listing(calendar, matched, last_met, last_active, resolved_at, codes):
    zone = calendar.zone
    met = None if last_met is None else week_of(local_date(last_met, zone))
    if met is not None and met not in calendar:
        met = None
    quiet_week = risk.quiet_from(calendar, met, week_of(local_date(matched, zone)))
    quiet_at = None
    if quiet_week is not None:
        local = datetime.combine(quiet_week.monday(), time(), tzinfo=ZoneInfo(zone))
        quiet_at = local.astimezone(UTC)
    raised = [
        (risk.Reason(risk.Signal.QUIET, last_met or matched), quiet_at),
        (
            risk.Reason(risk.Signal.MENTOR_SILENT, max(matched, last_active or matched)),
            risk.silent_from(matched, last_active),
        ),
    ]
    resolution = None
    if resolved_at is not None:
        resolution = risk.Resolution(
            frozenset(codes or ()), resolved_at, local_date(resolved_at, zone)
        )
    return risk.listed_from(raised, resolution)


def _backfill(connection) -> None:
    calendars = _calendars(connection)
    latest = {}
    resolutions = sa.select(care_records).where(care_records.c.kind == "resolved")
    for row in connection.execute(
        resolutions.order_by(care_records.c.created_at, care_records.c.id)
    ):
        latest[row.mentorship_id] = (_utc(row.created_at), row.signals)
    pairs = (
        sa.select(
            mentorships.c.id,
            mentorships.c.program_id,
            mentorships.c.created_at,
            pair_summaries.c.last_met_at,
            pair_summaries.c.mentor_last_active,
        )
        .join(pair_summaries, pair_summaries.c.mentorship_id == mentorships.c.id)
        .where(mentorships.c.status == "active")
    )
    rows = []
    for pair, program_id, matched, met, active in connection.execute(pairs).all():
        resolved_at, codes = latest.get(pair, (None, None))
        at = _listing(
            calendars[program_id], _utc(matched), _utc(met), _utc(active), resolved_at, codes
        )
        rows.append(
            {
                "pair": pair,
                "listed_from": None if at is None else at.replace(tzinfo=None),
                "resolved_at": None if resolved_at is None else resolved_at.replace(tzinfo=None),
            }
        )
    if rows:
        connection.execute(
            sa.update(pair_summaries)
            .where(pair_summaries.c.mentorship_id == sa.bindparam("pair"))
            .values(
                listed_from=sa.bindparam("listed_from"), resolved_at=sa.bindparam("resolved_at")
            ),
            rows,
        )


def upgrade():
    with op.batch_alter_table("mentee_summaries", schema=None) as batch_op:
        batch_op.create_index(
            "ix_mentee_summaries_program_low",
            ["program_id"],
            unique=False,
            sqlite_where=sa.text(LOW_MOODS),
            postgresql_where=sa.text(LOW_MOODS),
        )

    with op.batch_alter_table("pair_summaries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("listed_from", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("resolved_at", sa.DateTime(), nullable=True))
        batch_op.create_index(
            "ix_pair_summaries_program_listed", ["program_id", "listed_from"], unique=False
        )
        batch_op.create_index(
            "ix_pair_summaries_program_resolved", ["program_id", "resolved_at"], unique=False
        )
    _backfill(op.get_bind())


def downgrade():
    with op.batch_alter_table("pair_summaries", schema=None) as batch_op:
        batch_op.drop_index("ix_pair_summaries_program_resolved")
        batch_op.drop_index("ix_pair_summaries_program_listed")
        batch_op.drop_column("resolved_at")
        batch_op.drop_column("listed_from")

    with op.batch_alter_table("mentee_summaries", schema=None) as batch_op:
        batch_op.drop_index("ix_mentee_summaries_program_low")
