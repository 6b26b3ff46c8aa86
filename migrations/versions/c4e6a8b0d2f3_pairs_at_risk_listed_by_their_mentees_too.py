"""Pairs at risk: a pair's ``listed_from`` counts its mentees' signals too, along an index in
the list's order.

The page read the pairs listed by a mentee's low moods or waiting help request from the mentee
rows on each visit (the work grew with the mentees raising a signal) and ordered the list by
pair. Now the pair's instant is the earliest of its own signals' and its present mentees' that
its latest resolution does not cover, so one index gives the list, its count and its pages,
longest listed first; the index of low-mood mentees served only the old read and goes.

The backfill lowers each active pair's instant to its mentees' where they come first (the
earliest of all the instants is the earliest of the pair's own and its mentees'), with the
game's rules (as ``app.programs.risk_rows``; ``flask summaries check`` compares the two). A
downgrade keeps the instants: run ``flask summaries check --fix`` after it.

Revision ID: c4e6a8b0d2f3
Revises: b3d5f7a9c1e4
Create Date: 2026-12-01 11:40:00.000000

"""

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

from game import risk
from game.weeks import WeekKey, local_date

# revision identifiers, used by Alembic.
revision = "c4e6a8b0d2f3"
down_revision = "b3d5f7a9c1e4"
branch_labels = None
depends_on = None

LOW_MOODS = "mood_1 <= 2 AND mood_2 <= 2 AND mood_3 <= 2"

programs = sa.table("programs", sa.column("id"), sa.column("time_zone"))
mentorships = sa.table("mentorships", sa.column("id"), sa.column("program_id"), sa.column("status"))
members = sa.table("mentorship_members", sa.column("mentorship_id"), sa.column("membership_id"))
memberships = sa.table("memberships", sa.column("id"), sa.column("role"), sa.column("left_at"))
mentee_summaries = sa.table(
    "mentee_summaries",
    sa.column("membership_id"),
    sa.column("mood_1"),
    sa.column("mood_2"),
    sa.column("mood_3"),
    sa.column("moods_since"),
    sa.column("help_asked_at", sa.DateTime),
)
pair_summaries = sa.table(
    "pair_summaries", sa.column("mentorship_id"), sa.column("listed_from", sa.DateTime)
)
care_records = sa.table(
    "care_records",
    sa.column("id"),
    sa.column("mentorship_id"),
    sa.column("kind"),
    sa.column("signals", sa.JSON),
    sa.column("created_at", sa.DateTime),
)


def _utc(value):
    return None if value is None else value.replace(tzinfo=UTC)


def _mentee_instants(membership_id, moods, since, asked_at, zone, resolution):
    """The instants the mentee's signals start to hold, those the resolution covers left out."""
    raised = []
    recent = [mood for mood in moods if mood is not None]
    if since is not None and risk.low_mood(recent):
        week = WeekKey.parse(since)
        monday = datetime.combine(week.monday(), time(), tzinfo=ZoneInfo(zone))
        reason = risk.Reason(risk.Signal.LOW_MOOD, week.monday(), mentee_id=membership_id)
        raised.append((reason, monday.astimezone(UTC)))
    if asked_at is not None:
        reason = risk.Reason(risk.Signal.HELP_WAITING, asked_at, mentee_id=membership_id)
        raised.append((reason, risk.help_from(asked_at)))
    return [at for reason, at in raised if not risk.covered(reason, resolution)]


def _backfill(connection) -> None:
    latest = {}
    resolutions = sa.select(care_records).where(care_records.c.kind == "resolved")
    for row in connection.execute(
        resolutions.order_by(care_records.c.created_at, care_records.c.id)
    ):
        latest[row.mentorship_id] = (_utc(row.created_at), row.signals)
    rows = connection.execute(
        sa.select(
            mentorships.c.id,
            programs.c.time_zone,
            pair_summaries.c.listed_from,
            mentee_summaries,
        )
        .join(programs, programs.c.id == mentorships.c.program_id)
        .join(pair_summaries, pair_summaries.c.mentorship_id == mentorships.c.id)
        .join(members, members.c.mentorship_id == mentorships.c.id)
        .join(memberships, memberships.c.id == members.c.membership_id)
        .join(mentee_summaries, mentee_summaries.c.membership_id == memberships.c.id)
        .where(
            mentorships.c.status == "active",
            memberships.c.role == "mentee",
            memberships.c.left_at.is_(None),
            sa.or_(sa.text(LOW_MOODS), mentee_summaries.c.help_asked_at.is_not(None)),
        )
    )
    listed = {}
    for row in rows:
        resolution = None
        if row.id in latest:
            at, codes = latest[row.id]
            resolution = risk.Resolution(frozenset(codes or ()), at, local_date(at, row.time_zone))
        moods = (row.mood_1, row.mood_2, row.mood_3)
        instants = _mentee_instants(
            row.membership_id,
            moods,
            row.moods_since,
            _utc(row.help_asked_at),
            row.time_zone,
            resolution,
        )
        earliest = listed.get(row.id, _utc(row.listed_from))
        listed[row.id] = min((at for at in (earliest, *instants) if at is not None), default=None)
    if listed:
        connection.execute(
            sa.update(pair_summaries)
            .where(pair_summaries.c.mentorship_id == sa.bindparam("pair"))
            .values(listed_from=sa.bindparam("listed_from")),
            [
                {"pair": pair, "listed_from": at.replace(tzinfo=None)}
                for pair, at in listed.items()
                if at is not None
            ],
        )


def upgrade():
    with op.batch_alter_table("pair_summaries", schema=None) as batch_op:
        batch_op.drop_index("ix_pair_summaries_program_listed")
        batch_op.create_index(
            "ix_pair_summaries_program_listed",
            ["program_id", "listed_from", "mentorship_id"],
            unique=False,
        )
    with op.batch_alter_table("mentee_summaries", schema=None) as batch_op:
        batch_op.drop_index("ix_mentee_summaries_program_low")
    _backfill(op.get_bind())


def downgrade():
    with op.batch_alter_table("mentee_summaries", schema=None) as batch_op:
        batch_op.create_index(
            "ix_mentee_summaries_program_low",
            ["program_id"],
            unique=False,
            sqlite_where=sa.text(LOW_MOODS),
            postgresql_where=sa.text(LOW_MOODS),
        )
    with op.batch_alter_table("pair_summaries", schema=None) as batch_op:
        batch_op.drop_index("ix_pair_summaries_program_listed")
        batch_op.create_index(
            "ix_pair_summaries_program_listed", ["program_id", "listed_from"], unique=False
        )
