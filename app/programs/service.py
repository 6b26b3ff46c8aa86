"""A coordinator's changes to a program, one function per action, each one transaction.

Views resolve the program through the coordinator's membership and check the form; these
functions write and commit, so a transaction has one owner.
"""

from __future__ import annotations

from datetime import date

from ..extensions import db
from ..gamification.store import insert_once
from ..models import BreakWeek, Program


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
