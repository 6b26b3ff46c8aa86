"""What a coordinator changes about a participant: deactivate, reactivate, change role. Each
is one transaction; a refusal raises ``Refused`` with the words to show, and writes nothing."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from .. import clock
from ..extensions import db
from ..models import (
    OPEN_STATUSES,
    MatchDraft,
    Membership,
    Mentorship,
    MentorshipMember,
    MentorshipStatus,
    Role,
    User,
)
from .people_query import PARTICIPANTS, holds_draft

LEFT_REASON = "left the program"


class Refused(Exception):
    """The change is not allowed; ``str(error)`` says why, for the coordinator."""


def _name(member: Membership) -> str:
    return db.session.scalar(sa.select(User.name).where(User.id == member.user_id))


def _active_coordinators(program_id: int) -> int:
    return db.session.scalar(
        sa.select(sa.func.count()).where(
            Membership.program_id == program_id,
            Membership.role == Role.COORDINATOR,
            Membership.left_at.is_(None),
        )
    )


def _open_mentorships(member: Membership) -> list[Mentorship]:
    return list(
        db.session.scalars(
            sa.select(Mentorship)
            .join(MentorshipMember, MentorshipMember.mentorship_id == Mentorship.id)
            .where(
                MentorshipMember.membership_id == member.id, Mentorship.status.in_(OPEN_STATUSES)
            )
        )
    )


def _other_mentees_stay(mentorship: Mentorship, leaving: Membership) -> bool:
    """A group keeps going when one of its mentees leaves and others remain."""
    return bool(
        db.session.scalar(
            sa.select(
                sa.exists().where(
                    MentorshipMember.mentorship_id == mentorship.id,
                    Membership.id == MentorshipMember.membership_id,
                    Membership.id != leaving.id,
                    Membership.role == Role.MENTEE,
                    Membership.left_at.is_(None),
                )
            )
        )
    )


def deactivate(member: Membership, by_user_id: int) -> None:
    """The participant leaves: their rows stay for the program's records, their access ends
    (``access.my_memberships`` leaves them out), their open mentorships close and their draft
    matches go. The program always keeps one coordinator."""
    if member.left_at is not None:
        return
    # PostgreSQL: two coordinators removing each other wait for one another here; SQLite
    # serialises writers, and the count below runs after this transaction's first write.
    db.session.execute(
        sa.select(Membership.id)
        .where(Membership.program_id == member.program_id, Membership.role == Role.COORDINATOR)
        .with_for_update()
    )
    now = clock.utcnow()
    member.left_at = now
    db.session.flush()
    if member.role is Role.COORDINATOR and _active_coordinators(member.program_id) == 0:
        db.session.rollback()
        raise Refused("The program needs a coordinator: invite another one before you leave it.")
    for mentorship in _open_mentorships(member):
        if member.role is Role.MENTEE and _other_mentees_stay(mentorship, member):
            continue
        mentorship.status, mentorship.closed_at = MentorshipStatus.CLOSED, now
        mentorship.closed_reason, mentorship.closed_by_id = LEFT_REASON, by_user_id
    db.session.execute(
        sa.delete(MatchDraft).where(
            sa.or_(
                MatchDraft.mentee_membership_id == member.id,
                MatchDraft.mentor_membership_id == member.id,
            )
        )
    )
    db.session.commit()


def reactivate(member: Membership) -> None:
    """Back in the program with everything they had; closed mentorships stay closed."""
    member.left_at = None
    db.session.commit()


def change_role(member: Membership, role: Role) -> None:
    """Mentee ↔ mentor, for someone in no mentorship and no draft match."""
    if member.role not in PARTICIPANTS or role not in PARTICIPANTS:
        raise Refused("Only mentors and mentees change roles here.")
    if role is member.role:
        return
    name = _name(member)
    if _open_mentorships(member):
        raise Refused(
            f"{name} is in a mentorship as a {member.role.value}: end it before changing the role."
        )
    if holds_draft(member.id):
        raise Refused(f"{name} is in a draft match: remove it from matching first.")
    held = sa.exists().where(
        Membership.user_id == member.user_id,
        Membership.program_id == member.program_id,
        Membership.role == role,
    )
    if db.session.scalar(sa.select(held)):
        raise Refused(f"{name} already is a {role.value} in this program.")
    member.role = role
    try:
        db.session.commit()
    except IntegrityError:  # the same change made at the same moment elsewhere
        db.session.rollback()
        raise Refused(f"{name} already is a {role.value} in this program.") from None
