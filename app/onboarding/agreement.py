"""What changed in a program's agreement since the version a person signed, so signing again
means reading the difference, not hunting for it."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from ..extensions import db
from ..models import AgreementVersion, Membership, Program


@dataclass(frozen=True)
class Change:
    updated_at: datetime | None  # when the current version was written, if kept
    added: list[str]  # lines new or reworded since the signed version
    removed: list[str]  # lines no longer there


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def changed_lines(old: str, new: str) -> tuple[list[str], list[str]]:
    """(added, removed) lines between two texts, blank lines and indentation ignored."""
    diff = list(difflib.ndiff(_lines(old), _lines(new)))
    return (
        [line[2:] for line in diff if line.startswith("+ ")],
        [line[2:] for line in diff if line.startswith("- ")],
    )


def change_since_signed(membership: Membership, program: Program) -> Change | None:
    """The change since the person's signed version; None when they signed none or this one.

    Versions written before texts were kept have no row: then only the fact is told."""
    signed, current = membership.agreed_version, program.agreement_version
    if signed is None or signed == current:
        return None
    rows = {
        version: (text, created_at)
        for version, text, created_at in db.session.execute(
            sa.select(
                AgreementVersion.version, AgreementVersion.text, AgreementVersion.created_at
            ).where(
                AgreementVersion.program_id == program.id,
                AgreementVersion.version.in_((signed, current)),
            )
        )
    }
    updated_at = rows[current][1] if current in rows else None
    if signed not in rows:
        return Change(updated_at, [], [])
    return Change(updated_at, *changed_lines(rows[signed][0], program.agreement))
