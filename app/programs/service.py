"""A coordinator's changes to a program, one function per action, each one transaction.

Views resolve the program through the coordinator's membership and check the form; these
functions write and commit, so a transaction has one owner.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from .. import core_writes
from ..clock import utcnow
from ..extensions import db
from ..gamification.store import insert_once
from ..member_states import PARTICIPANTS, SIGNED
from ..models import AgreementVersion, BreakWeek, Membership, Program, ProgramState, Role
from .people_query import CURRENT_STATES


def new_program(settings: dict[str, object]) -> Program:
    """A program (added to the session, not committed) with its agreement as version 1."""
    program = Program(**settings, agreement_version=1)
    db.session.add(program)
    db.session.flush()
    db.session.add(AgreementVersion(program_id=program.id, version=1, text=program.agreement))
    return program


def create_program(settings: dict[str, object], coordinator_id: int) -> Membership:
    """A new program that ``coordinator_id`` runs: their coordinator membership, which needs
    no signature of its own (it is their agreement), in the same transaction."""
    program = new_program(settings)
    membership = Membership(
        user_id=coordinator_id,
        program=program,
        role=Role.COORDINATOR,
        agreed_at=utcnow(),
        agreed_version=1,
    )
    db.session.add(membership)
    db.session.commit()
    return membership


def update_program(program: Program, settings: dict[str, object]) -> int | None:
    """Save the settings form's values (its names are the program's columns).

    New agreement words make a new version, kept beside the old ones, in the same transaction:
    whoever signed an older one is asked to sign again. Returns that new version, or None when
    the agreement is unchanged. The version is raised by one UPDATE that compares the stored
    words, so a double submit or two coordinators saving at once never share a number."""
    values = dict(settings)
    version = None
    if "agreement" in values:
        text = values.pop("agreement")
        version = db.session.scalar(
            sa.update(Program)
            .where(Program.id == program.id, Program.agreement != text)
            .values(agreement=text, agreement_version=Program.agreement_version + 1)
            .returning(Program.agreement_version)
        )
        if version is not None:
            core_writes.agreement_changed(program.id)
            db.session.add(AgreementVersion(program_id=program.id, version=version, text=text))
    for name, value in values.items():
        setattr(program, name, value)
    db.session.commit()
    return version


@dataclass(frozen=True)
class AgreementStanding:
    version: int
    signed: int  # participants (mentors and mentees still in) who signed this version
    participants: int


def agreement_standing(program: Program) -> AgreementStanding:
    """How many participants signed the current agreement, from the program's counters: one
    query whatever its size."""
    counters = {
        (kind, state): total
        for kind, state, total in db.session.execute(
            sa.select(ProgramState.kind, ProgramState.state, ProgramState.total).where(
                ProgramState.program_id == program.id
            )
        )
    }
    present = sum(
        counters.get((role.value, state.value), 0)
        for role in PARTICIPANTS
        for state in CURRENT_STATES
    )
    return AgreementStanding(program.agreement_version, counters.get(SIGNED, 0), present)


def add_break_week(program: Program, monday: date, label: str) -> None:
    """Declare the week of ``monday`` a break; declaring it again (or twice at once, the UNIQUE
    week settles it) changes nothing."""
    values = {"program_id": program.id, "monday": monday, "label": label}
    insert_once(BreakWeek, values, ["program_id", "monday"])
    core_writes.calendar_changed(program.id)
    db.session.commit()


def delete_break_week(week: BreakWeek) -> None:
    db.session.delete(week)
    db.session.commit()
