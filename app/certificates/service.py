"""Closing a program: one transaction ends its pairs and issues its certificates."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from .. import core_writes
from ..extensions import db
from ..models import (
    OPEN_STATUSES,
    Certificate,
    Invite,
    MatchDraft,
    Mentorship,
    MentorshipStatus,
    Program,
)
from .facts import program_facts
from .rules import closable

ENDED_REASON = "The program ended"


class Refused(Exception):
    """The program cannot be closed now; ``str(error)`` says why, for the coordinator."""


def close_program(program: Program, by_user_id: int, now: datetime) -> int:
    """Close ``program`` at ``now``: its open pairs end with ``ENDED_REASON``, its invites stop
    working, its draft matches go, and everyone who took part gets a certificate of the facts
    as they stand. Returns how many were issued.

    The guarded UPDATE makes a second close (a double submit, two coordinators at once) a
    refusal rather than a second set of certificates."""
    problem = closable(program, now)
    if problem:
        raise Refused(problem)
    closed = db.session.execute(
        sa.update(Program)
        .where(Program.id == program.id, Program.closed_at.is_(None))
        .values(closed_at=now, closed_by_id=by_user_id)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not closed:
        db.session.rollback()
        raise Refused(f"{program.name} is already closed.")
    core_writes.program_closing(program.id)  # its pairs end in Core, below
    facts = program_facts(program.id)  # before the pairs end: who was active decides
    db.session.execute(
        sa.update(Mentorship)
        .where(Mentorship.program_id == program.id, Mentorship.status.in_(OPEN_STATUSES))
        .values(
            status=MentorshipStatus.CLOSED,
            closed_at=now,
            closed_reason=ENDED_REASON,
            closed_by_id=by_user_id,
        )
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        sa.update(Invite)
        .where(Invite.program_id == program.id, Invite.expires_at > now)
        .values(expires_at=now)
        .execution_options(synchronize_session=False)
    )
    db.session.execute(sa.delete(MatchDraft).where(MatchDraft.program_id == program.id))
    db.session.add_all(
        Certificate(
            program_id=program.id,
            user_id=fact.user_id,
            role=fact.role,
            name=fact.name,
            program_name=program.name,
            starts_on=program.starts_on,
            ends_on=program.ends_on,
            meetings_held=fact.meetings_held,
            milestones_confirmed=fact.milestones_confirmed,
            badges=list(fact.badges),
            issued_at=now,
        )
        for fact in facts
    )
    db.session.commit()
    return len(facts)
