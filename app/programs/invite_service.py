"""Invites: creating and revoking them (each one transaction; views never commit), and the
lists the invite page shows.

Shareable invites (a code for a class) are listed; personal invites from a roster may number
thousands, so the page counts them and offers their links as a CSV for a mail merge.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import timedelta

import sqlalchemy as sa

from .. import clock
from ..extensions import db
from ..models import Invite, Program, Role
from .roster import csv_safe


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


def _open(program_id: int) -> sa.Select:
    return sa.select(Invite).where(
        Invite.program_id == program_id, Invite.uses_left > 0, Invite.expires_at > clock.utcnow()
    )


def shareable_invites(program_id: int) -> list[Invite]:
    """The program's open invites for anyone holding the code, newest first."""
    query = _open(program_id).where(Invite.email.is_(None))
    return list(db.session.scalars(query.order_by(Invite.created_at.desc(), Invite.id.desc())))


def personal_invite_count(program_id: int) -> int:
    query = _open(program_id).where(Invite.email.is_not(None))
    return db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))


def personal_invites_csv(program_id: int, link: Callable[[str], str]) -> str:
    """Name, e-mail, role, link and expiry of each open personal invite, for a mail merge; every
    cell is safe from spreadsheet formulas (a name may start with "=")."""
    query = _open(program_id).where(Invite.email.is_not(None)).order_by(Invite.name, Invite.id)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["name", "email", "role", "link", "expires"])
    for invite in db.session.scalars(query):
        cells = [
            invite.name or "",
            invite.email,
            invite.role.value,
            link(invite.code),
            invite.expires_at.date().isoformat(),
        ]
        writer.writerow([csv_safe(cell) for cell in cells])
    return out.getvalue()
