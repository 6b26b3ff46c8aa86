"""A coordinator's changes to a program, one function per action, each one transaction.

Views resolve the program through the coordinator's membership and check the form; these
functions write and commit, so a transaction has one owner.
"""

from __future__ import annotations

from datetime import date, timedelta

from .. import clock
from ..extensions import db
from ..gamification.store import insert_once
from ..models import BreakWeek, Invite, Program, Role


def update_program(program: Program, settings: dict[str, object]) -> None:
    """Save the settings form's values (its names are the program's columns)."""
    for name, value in settings.items():
        setattr(program, name, value)
    db.session.commit()


def add_break_week(program: Program, monday: date, label: str) -> None:
    """Declare the week of ``monday`` a break; declaring it again (or twice at once, the UNIQUE
    week settles it) changes nothing."""
    values = {"program_id": program.id, "monday": monday, "label": label}
    insert_once(BreakWeek, values, ["program_id", "monday"])
    db.session.commit()


def delete_break_week(week: BreakWeek) -> None:
    db.session.delete(week)
    db.session.commit()


def create_invite(program: Program, role: Role, days: int, uses: int, created_by_id: int) -> Invite:
    invite = Invite(
        program_id=program.id,
        role=role,
        expires_at=clock.utcnow() + timedelta(days=days),
        uses_left=uses,
        created_by_id=created_by_id,
    )
    db.session.add(invite)
    db.session.commit()
    return invite


def revoke_invite(invite: Invite) -> None:
    """Use up what is left of the invite: its code stops working at once."""
    invite.uses_left = 0
    db.session.commit()
