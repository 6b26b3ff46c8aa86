"""Every write of the accounts views: each function here owns (and commits) its transaction."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from ..clock import utcnow
from ..extensions import db
from ..models import Invite, Membership, PasswordReset, Role, User
from ..models.logins import digest, new_secret
from ..onboarding.service import prefill_profile
from . import sessions


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
    """The membership the invite grants, created once however often the link is used.

    Joining signs nothing: the person signs the agreement on its own page (onboarding), and
    a roster invite's profile fields start their profile."""
    existing = membership_from(user, invite)
    if existing:
        return existing
    membership = Membership(user_id=user.id, program_id=invite.program_id, role=invite.role)
    db.session.add(membership)
    db.session.flush()
    prefill_profile(membership, invite.profile)
    return membership


class EmailTaken(Exception):
    """Another account has this e-mail (perhaps registered a moment ago by a twin request)."""


class InviteGone(Exception):
    """The invite's last use went to someone else while this form was being filled in."""


class LeftProgram(Exception):
    """The person was deactivated in the invite's program."""


def log_in(user: User, user_agent: str, new_hash: str | None = None) -> None:
    """A login's one write: its session record, and the password's rehash when one is due
    (computed by the caller, outside the transaction)."""
    if new_hash:
        user.password_hash = new_hash
    sessions.add(user, user_agent)
    db.session.commit()


def log_out(user: User) -> None:
    sessions.end_one(user.id, user.login_session_id)
    db.session.commit()


def log_out_everywhere(user: User) -> None:
    sessions.end_all(user.id)
    db.session.commit()


def end_device(user: User, session_id: int) -> bool:
    """End one of the person's devices; False when the id is not an open login of theirs."""
    ended = sessions.end_one(user.id, session_id)
    db.session.commit()
    return ended


def register(
    invite: Invite, *, name: str, email: str, password_hash: str, time_zone: str, user_agent: str
) -> tuple[User, Membership]:
    """A new account joining by ``invite``, logged in on this device, in one transaction.

    Raises EmailTaken or InviteGone (nothing is written then)."""
    if find_user_by_email(email):
        raise EmailTaken
    if not claim_invite(invite):
        db.session.rollback()
        raise InviteGone
    user = User(
        name=name, email=email.strip().lower(), password_hash=password_hash, time_zone=time_zone
    )
    try:
        with db.session.begin_nested():
            db.session.add(user)
    except IntegrityError:  # the same e-mail registered between the check and this insert
        db.session.rollback()
        raise EmailTaken from None
    membership = join_program(user, invite)
    sessions.add(user, user_agent)
    db.session.commit()
    return user, membership


def has_left(user: User, program_id: int) -> bool:
    """Whether a coordinator deactivated one of the person's memberships of the program: an
    invite (for any role) must not bring them back; only a coordinator reactivates them."""
    return bool(
        db.session.scalar(
            sa.select(
                sa.exists().where(
                    Membership.user_id == user.id,
                    Membership.program_id == program_id,
                    Membership.left_at.is_not(None),
                )
            )
        )
    )


def accept_invite(user: User, invite: Invite) -> Membership:
    """An existing account joins by ``invite``; a membership it already holds uses nothing.

    Raises InviteGone, or LeftProgram for someone deactivated in the program."""
    if has_left(user, invite.program_id):
        raise LeftProgram
    membership = membership_from(user, invite)
    if membership is None:
        if not claim_invite(invite):
            db.session.rollback()
            raise InviteGone
        membership = join_program(user, invite)
        db.session.commit()
    return membership


def save_profile(user: User, *, name: str, time_zone: str) -> None:
    """A new zone counts for check-ins from the person's next week on (``User.move_to_zone``)."""
    user.name = name.strip()
    user.move_to_zone(time_zone)
    db.session.commit()


def change_password(user: User, new_hash: str, user_agent: str) -> None:
    """A new password ends every login, this one included, and starts a fresh one here (whose
    device keeps its notifications)."""
    old_login = user.login_session_id
    user.password_hash = new_hash
    sessions.end_all(user.id, keep_devices_of=old_login)
    sessions.add(user, user_agent)
    sessions.carry_devices(old_login, user.login_session_id)
    db.session.commit()


# -- password reset links ---------------------------------------------------------------------

RESET_VALID_FOR = timedelta(hours=24)


def issue_reset(user_id: int, issued_by_id: int | None = None) -> tuple[str, datetime]:
    """A new one-time reset link's token and expiry; older unused links of the person stop
    working, so only the latest link handed out is ever valid."""
    now = utcnow()
    db.session.execute(
        sa.update(PasswordReset)
        .where(
            PasswordReset.user_id == user_id,
            PasswordReset.used_at.is_(None),
            PasswordReset.expires_at > now,
        )
        .values(expires_at=now)
    )
    token, token_hash = new_secret()
    expires = now + RESET_VALID_FOR
    db.session.add(
        PasswordReset(
            user_id=user_id,
            token_hash=token_hash,
            issued_by_id=issued_by_id,
            created_at=now,
            expires_at=expires,
        )
    )
    db.session.commit()
    return token, expires


def find_reset(token: str) -> tuple[PasswordReset, User] | None:
    """The unused, unexpired reset link with ``token`` and its person, else None."""
    row = db.session.execute(
        sa.select(PasswordReset, User)
        .join(User, User.id == PasswordReset.user_id)
        .where(
            PasswordReset.token_hash == digest(token),
            PasswordReset.used_at.is_(None),
            PasswordReset.expires_at > utcnow(),
        )
    ).first()
    return (row[0], row[1]) if row else None


def reset_password(reset: PasswordReset, user: User, new_hash: str) -> bool:
    """Use the link (once: a twin request gets False) to set the password and end every
    login of the person."""
    used = db.session.execute(
        sa.update(PasswordReset)
        .where(
            PasswordReset.id == reset.id,
            PasswordReset.used_at.is_(None),
            PasswordReset.expires_at > utcnow(),
        )
        .values(used_at=utcnow())
    )
    if used.rowcount != 1:
        db.session.rollback()
        return False
    user.password_hash = new_hash
    sessions.end_all(user.id)
    db.session.commit()
    return True


_OUT_OF_REACH = (
    sa.select(Membership.user_id)
    .where(
        Membership.user_id.in_(sa.bindparam("user_ids", expanding=True)),
        sa.or_(
            Membership.role == Role.COORDINATOR,
            Membership.program_id.not_in(
                sa.select(Membership.program_id).where(
                    Membership.user_id == sa.bindparam("coordinator_id"),
                    Membership.role == Role.COORDINATOR,
                    Membership.left_at.is_(None),
                )
            ),
        ),
    )
    .distinct()
)
"""Who, among ``user_ids``, is a coordinator somewhere or a member of a program the
coordinator ``coordinator_id`` does not run: built once, as a list page reads it per visit."""


def resettable(coordinator_id: int, user_ids: list[int]) -> set[int]:
    """Who, among ``user_ids``, the coordinator may hand a reset link to.

    A reset link takes over the whole account, so only for people who are not coordinators
    anywhere and whose every membership is in a program this coordinator runs: a coordinator
    never gains a way into another program through a shared account."""
    out_of_reach = db.session.scalars(
        _OUT_OF_REACH, {"user_ids": user_ids, "coordinator_id": coordinator_id}
    )
    return set(user_ids) - set(out_of_reach) - {coordinator_id}
