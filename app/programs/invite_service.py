"""Creating and revoking invites, each one transaction (views never commit)."""

from __future__ import annotations

from datetime import timedelta

from .. import clock
from ..extensions import db
from ..models import Invite, Program, Role


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
