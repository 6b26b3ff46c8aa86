"""Roster uploads: keeping a file, reviewing it against the program, importing it at once.

The import is one transaction: it checks every row again (someone may have joined since the
preview), claims the upload (an upload imports once), then writes memberships (with the profile
their row starts, as an invite's would) for people who already have an account and personal
invites for everyone else with bulk inserts, so ten thousand rows take seconds and a failure
anywhere writes nothing.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from .. import clock, core_writes
from ..extensions import db
from ..models import Invite, Membership, ParticipantProfile, Program, RosterUpload, User
from ..models.programs import INVITE_ALPHABET
from ..onboarding.service import roster_profile
from ..text import CONTROL
from . import roster

PERSONAL_INVITE_DAYS = 30


class RosterRefused(Exception):
    """The import wrote nothing; the message says why."""


@dataclass(frozen=True)
class Review:
    rows: list[roster.RosterRow]
    accounts: dict[str, int]  # e-mail → user id, for rows whose person has an account

    @property
    def problems(self) -> list[roster.RosterRow]:
        return [row for row in self.rows if row.problem]

    @property
    def good(self) -> list[roster.RosterRow]:
        return [row for row in self.rows if not row.problem]

    @property
    def with_account(self) -> int:
        return sum(1 for row in self.good if row.email in self.accounts)


def store_upload(program: Program, filename: str, text: str, user_id: int) -> RosterUpload:
    upload = RosterUpload(
        program_id=program.id,
        created_by_id=user_id,
        filename=CONTROL.sub("", filename)[:200],
        content=text,
    )
    db.session.add(upload)
    db.session.commit()
    return upload


def _taken(program_id: int) -> dict[tuple[str, object], str]:
    """(e-mail, role) of the program's members and open personal invites, mapped to why a row
    for them cannot be imported: two queries over the program, whatever the file's size."""
    members = db.session.execute(
        sa.select(User.email, Membership.role)
        .join(User, User.id == Membership.user_id)
        .where(Membership.program_id == program_id)
    )
    taken = {(email, role): f"Already in the program as a {role.value}." for email, role in members}
    invited = db.session.execute(
        sa.select(Invite.email, Invite.role).where(
            Invite.program_id == program_id,
            Invite.email.is_not(None),
            Invite.uses_left > 0,
            Invite.expires_at > clock.utcnow(),
        )
    )
    for email, role in invited:
        taken.setdefault((email, role), f"Already invited as a {role.value} (still open).")
    return taken


def review(program_id: int, text: str) -> Review:
    """Every row of the file with its problem, in three queries whatever the file's size."""
    _, raw = roster.read(text)
    rows = roster.check(raw)
    rows = roster.mark_taken(rows, _taken(program_id))
    emails = {row.email for row in rows if row.problem is None}
    accounts = dict(
        db.session.execute(sa.select(User.email, User.id).where(User.email.in_(emails))).all()
    )
    return Review(rows, accounts)


def _claim(upload: RosterUpload) -> bool:
    """Marks the upload imported, unless it already was (also by a request running now)."""
    claimed = db.session.execute(
        sa.update(RosterUpload)
        .where(RosterUpload.id == upload.id, RosterUpload.imported_at.is_(None))
        .values(imported_at=clock.utcnow())
    )
    return claimed.rowcount == 1


def invite_codes(count: int) -> list[str]:
    """``count`` distinct codes like ``new_invite_code``'s, from one read of the system's
    randomness (32 letters: a byte modulo 32 is uniform) instead of eight calls per code."""
    codes: set[str] = set()
    while len(codes) < count:
        raw = secrets.token_bytes(8 * (count - len(codes)))
        for start in range(0, len(raw), 8):
            letters = "".join(INVITE_ALPHABET[byte % 32] for byte in raw[start : start + 8])
            codes.add(f"{letters[:4]}-{letters[4:]}")
    return list(codes)[:count]


def _write(program_id: int, good: list[roster.RosterRow], accounts: dict, user_id: int) -> None:
    now = clock.utcnow()
    joining = [r for r in good if r.email in accounts]
    members = [
        {"user_id": accounts[r.email], "program_id": program_id, "role": r.role, "joined_at": now}
        for r in joining
    ]
    newcomers = [r for r in good if r.email not in accounts]
    invites = [
        {
            "program_id": program_id,
            "role": r.role,
            "code": code,
            "expires_at": now + timedelta(days=PERSONAL_INVITE_DAYS),
            "uses_left": 1,
            "created_by_id": user_id,
            "created_at": now,
            "email": r.email,
            "name": r.name,
            "profile": r.profile or None,
        }
        for r, code in zip(newcomers, invite_codes(len(newcomers)), strict=True)
    ]
    if members:
        returned = db.session.execute(
            sa.insert(Membership).returning(Membership.user_id, Membership.role, Membership.id),
            members,
        )
        ids = {(person, role): membership for person, role, membership in returned}
        core_writes.participants_inserted(ids.values())
        profiles = [
            {"membership_id": ids[accounts[r.email], r.role], **values}
            for r in joining
            if (values := roster_profile(r.role, r.profile))
        ]
        if profiles:
            db.session.execute(sa.insert(ParticipantProfile), profiles)
    if invites:
        db.session.execute(sa.insert(Invite), invites)


def import_roster(upload: RosterUpload, user_id: int) -> Review:
    """All the upload's people, or nobody: ``RosterRefused`` when a row has a problem now or
    the upload was imported already; any other failure rolls everything back too."""
    try:
        if not _claim(upload):
            raise RosterRefused("This file was imported already.")
        checked = review(upload.program_id, upload.content)
        if problems := len(checked.problems):
            raise RosterRefused(
                f"{problems} {'row has' if problems == 1 else 'rows have'} a problem now "
                "(someone may have joined since the preview). Nobody was imported: fix the "
                "file and upload it again."
            )
        _write(upload.program_id, checked.good, checked.accounts, user_id)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise RosterRefused(
            "Someone joined or was invited while the file was being imported. Nobody was "
            "imported: look at the preview again."
        ) from None
    except BaseException:  # a refusal too: the claim of the upload goes with the rest
        db.session.rollback()
        raise
    return checked
