"""Account changes that more than one view needs."""

from __future__ import annotations

import sqlalchemy as sa

from ..clock import utcnow
from ..extensions import db
from ..models import Invite, Membership, User


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == email.strip().lower()))


def find_usable_invite(code: str) -> Invite | None:
    invite = db.session.scalar(sa.select(Invite).where(Invite.code == code))
    return invite if invite and invite.usable(utcnow()) else None


def claim_invite(invite: Invite) -> bool:
    """Take one use of the invite atomically; False when another request took the last one."""
    taken = db.session.execute(
        sa.update(Invite)
        .where(Invite.id == invite.id, Invite.uses_left > 0, Invite.expires_at > utcnow())
        .values(uses_left=Invite.uses_left - 1)
    )
    return taken.rowcount == 1


def membership_from(user: User, invite: Invite) -> Membership | None:
    """The membership the invite grants, when the person already has it."""
    return db.session.scalar(
        sa.select(Membership).where(
            Membership.user_id == user.id,
            Membership.program_id == invite.program_id,
            Membership.role == invite.role,
        )
    )


def join_program(user: User, invite: Invite) -> Membership:
    """The membership the invite grants, created once however often the link is used."""
    existing = membership_from(user, invite)
    if existing:
        return existing
    membership = Membership(
        user_id=user.id, program_id=invite.program_id, role=invite.role, agreed_at=utcnow()
    )
    db.session.add(membership)
    db.session.flush()
    return membership
