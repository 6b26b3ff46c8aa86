"""Summary rows: each pair's and each mentee's facts that the coordinator's pages read, kept
up to date by the services in the same transaction as the action that changes them.

Pairs at risk and the coordinator's help list need, per pair, its last held meeting and its
mentors' last action, and per mentee the last counted moods and the oldest open help request.
Computing them from check-ins, meetings, milestone events and kudos scans those whole tables
on every visit; these rows hold the answers, one per pair and one per mentee, so a page reads
one small row each. ``app.summaries`` writes them (recomputed for the keys an action touched,
under a row lock) and checks them against a recomputation (``flask summaries check``).
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import UTCDateTime


class PairSummary(db.Model):
    __tablename__ = "pair_summaries"

    mentorship_id: Mapped[int] = mapped_column(
        sa.ForeignKey("mentorships.id", ondelete="CASCADE"), primary_key=True
    )
    program_id: Mapped[int] = mapped_column(sa.ForeignKey("programs.id", ondelete="CASCADE"))
    last_met_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # latest held meeting
    mentor_last_active: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # the pair's goals and milestones, as the coordinator's home counts them (its share of the
    # program's row): active and completed goals, confirmed milestones, milestones waiting for
    # review on a goal not archived
    goals_active: Mapped[int] = mapped_column(server_default="0")
    goals_completed: Mapped[int] = mapped_column(server_default="0")
    milestones_confirmed: Mapped[int] = mapped_column(server_default="0")
    milestones_waiting: Mapped[int] = mapped_column(server_default="0")
    # the list of pairs at risk (``app.programs.risk_rows``): the instant from which the pair's
    # signals and its present mentees' put it on the list, as long as its facts and theirs stay
    # as they are, and its latest resolution's; both empty once the pair is no longer active
    listed_from: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # the pair's share of its program's weeks (``app.program_weeks.pair_counts``)
    weeks: Mapped[dict | None] = mapped_column(sa.JSON)

    __table_args__ = (
        sa.Index("ix_pair_summaries_program", "program_id"),
        # the list of pairs at risk in its order, longest listed first
        sa.Index("ix_pair_summaries_program_listed", "program_id", "listed_from", "mentorship_id"),
        sa.Index("ix_pair_summaries_program_resolved", "program_id", "resolved_at"),
    )


class MenteeSummary(db.Model):
    """``mood_1`` is the newest counted week's mood; ``moods_since`` the week key of the oldest
    of the (up to three) weeks held; ``help_asked_at`` the oldest open help request and
    ``open_help`` how many are open."""

    __tablename__ = "mentee_summaries"

    membership_id: Mapped[int] = mapped_column(
        sa.ForeignKey("memberships.id", ondelete="CASCADE"), primary_key=True
    )
    program_id: Mapped[int] = mapped_column(sa.ForeignKey("programs.id", ondelete="CASCADE"))
    mood_1: Mapped[int | None]
    mood_2: Mapped[int | None]
    mood_3: Mapped[int | None]
    moods_since: Mapped[str | None] = mapped_column(sa.String(8))
    help_asked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    open_help: Mapped[int] = mapped_column(default=0, server_default="0")

    __table_args__ = (sa.Index("ix_mentee_summaries_program_help", "program_id", "help_asked_at"),)


class ProgramSummary(db.Model):
    """The program's totals the coordinator's home shows: the sums of its pairs' goal counts
    and of its mentees' open help requests. Each refresh of a pair's or mentee's row adds its
    change here, in the same transaction, so the row stays the sum of theirs."""

    __tablename__ = "program_summaries"

    program_id: Mapped[int] = mapped_column(
        sa.ForeignKey("programs.id", ondelete="CASCADE"), primary_key=True
    )
    goals_active: Mapped[int] = mapped_column(server_default="0")
    goals_completed: Mapped[int] = mapped_column(server_default="0")
    milestones_confirmed: Mapped[int] = mapped_column(server_default="0")
    milestones_waiting: Mapped[int] = mapped_column(server_default="0")
    open_help: Mapped[int] = mapped_column(server_default="0")


class ProgramWeek(db.Model):
    """One week of a program's check-ins as the coordinator sees them: how many of its mentees'
    check-ins of that week hold a mood, and the sum of those moods (the average is the one
    divided by the other)."""

    __tablename__ = "program_weeks"

    program_id: Mapped[int] = mapped_column(
        sa.ForeignKey("programs.id", ondelete="CASCADE"), primary_key=True
    )
    week_key: Mapped[str] = mapped_column(sa.String(8), primary_key=True)
    checkins: Mapped[int] = mapped_column(server_default="0")
    mood_total: Mapped[int] = mapped_column(server_default="0")
    # what the outcomes pages and the meeting figures count, by week (``app.program_weeks``)
    milestones: Mapped[int] = mapped_column(server_default="0")
    goals: Mapped[int] = mapped_column(server_default="0")
    pairs_matched: Mapped[int] = mapped_column(server_default="0")
    pairs_closed: Mapped[int] = mapped_column(server_default="0")
    pairs_active: Mapped[int] = mapped_column(server_default="0")
    meetings_held: Mapped[int] = mapped_column(server_default="0")
    pairs_met: Mapped[int] = mapped_column(server_default="0")
    pairs_recent: Mapped[int] = mapped_column(server_default="0")
    mentees_joined: Mapped[int] = mapped_column(server_default="0")
    mentees_left: Mapped[int] = mapped_column(server_default="0")
    mentors_joined: Mapped[int] = mapped_column(server_default="0")
    mentees_matched: Mapped[int] = mapped_column(server_default="0")
    mentors_matched: Mapped[int] = mapped_column(server_default="0")
    mentees_lasting: Mapped[int] = mapped_column(server_default="0")
    mentors_lasting: Mapped[int] = mapped_column(server_default="0")


class MemberState(db.Model):
    """Where one membership stands (``app.member_states``): its role and state as the people
    page shows them (null for a coordinator, who has none), and its person's name in lower
    case, so a program's people are counted, filtered and paged in name order by an index;
    whether it signed the current agreement (counted per program); and its place in the
    matching pool (``member_states.InPool``, null when out of it) with a mentor's places left,
    so the matching pages read the pool alone, not every member; and whether it is on its
    program's leaderboard (counted per program: the board's total without counting the board)."""

    __tablename__ = "member_states"

    membership_id: Mapped[int] = mapped_column(
        sa.ForeignKey("memberships.id", ondelete="CASCADE"), primary_key=True
    )
    program_id: Mapped[int] = mapped_column(sa.ForeignKey("programs.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(sa.String(16))
    state: Mapped[str | None] = mapped_column(sa.String(16))
    name_key: Mapped[str | None] = mapped_column(sa.String(80))
    signed: Mapped[bool | None] = mapped_column()  # a present participant, current agreement
    pool: Mapped[str | None] = mapped_column(sa.String(16))
    places: Mapped[int | None] = mapped_column()
    on_board: Mapped[bool | None] = mapped_column()  # a mentee still in, shown on the leaderboard

    __table_args__ = (
        # the pool; the first members not ready yet, in id order, without reading the rest
        sa.Index("ix_member_states_program_pool", "program_id", "pool", "membership_id"),
        # the people page's list in name order, whatever it filters on (a state, a role, both)
        sa.Index("ix_member_states_program_name", "program_id", "name_key"),
        sa.Index("ix_member_states_program_state_name", "program_id", "state", "name_key"),
        sa.Index("ix_member_states_program_role_name", "program_id", "role", "name_key"),
        sa.Index(
            "ix_member_states_program_role_state_name", "program_id", "role", "state", "name_key"
        ),
    )


class PairState(db.Model):
    """A pair's status as its program's counters last counted it (``app.member_states``)."""

    __tablename__ = "pair_states"

    mentorship_id: Mapped[int] = mapped_column(
        sa.ForeignKey("mentorships.id", ondelete="CASCADE"), primary_key=True
    )
    program_id: Mapped[int] = mapped_column(sa.ForeignKey("programs.id", ondelete="CASCADE"))
    status: Mapped[str | None] = mapped_column(sa.String(16))

    # a program-wide refresh (the program closed) finds its pairs' rows by it
    __table_args__ = (sa.Index("ix_pair_states_program_status", "program_id", "status"),)


class ProgramState(db.Model):
    """How many of a program's members of one kind (a role) are in one state, and how many
    of its pairs (kind ``pair``) have each status: the sum of their ``MemberState`` and
    ``PairState`` rows, kept by adding each refresh's difference."""

    __tablename__ = "program_states"

    program_id: Mapped[int] = mapped_column(
        sa.ForeignKey("programs.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(sa.String(16), primary_key=True)
    state: Mapped[str] = mapped_column(sa.String(16), primary_key=True)
    total: Mapped[int] = mapped_column(server_default="0")
