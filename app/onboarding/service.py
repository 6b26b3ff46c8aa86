"""Every write of onboarding: each function owns (and commits) its transaction, except
``prefill_profile``, which is part of joining's."""

from __future__ import annotations

import unicodedata

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from ..clock import utcnow
from ..extensions import db
from ..models import (
    AgreementSignature,
    Membership,
    ParticipantProfile,
    Program,
    Role,
    TrainingCompletion,
    TrainingModule,
)

ROSTER_FIELDS = {"interests": 500, "goals": 500, "skills": 500, "languages": 200}
"""The profile fields a roster row may carry, with their column lengths."""


def roster_profile(role: Role, fields: dict | None) -> dict:
    """The profile columns a roster row starts a participant with (none for a coordinator).

    Availability and style stay empty, so the checklist still asks them to complete it."""
    if not fields or role is Role.COORDINATOR:
        return {}
    values = {}
    for name, limit in ROSTER_FIELDS.items():
        value = fields.get(name)
        if isinstance(value, list | tuple):
            value = ", ".join(str(item) for item in value)
        if isinstance(value, str) and value.strip():
            values[name] = value.strip()[:limit]
    return values


def prefill_profile(membership: Membership, fields: dict | None) -> None:
    """Start a participant's profile from their roster row when they join."""
    if values := roster_profile(membership.role, fields):
        db.session.add(ParticipantProfile(membership_id=membership.id, **values))


def profile_of(membership: Membership) -> ParticipantProfile | None:
    return db.session.scalar(
        sa.select(ParticipantProfile).where(ParticipantProfile.membership_id == membership.id)
    )


def save_profile(membership: Membership, values: dict) -> None:
    """Create or update the person's profile for matching."""
    profile = profile_of(membership)
    if profile is None:
        try:
            with db.session.begin_nested():
                db.session.add(ParticipantProfile(membership_id=membership.id, **values))
        except IntegrityError:  # a twin request created it a moment ago: update that one
            profile = profile_of(membership)
    if profile is not None:
        for name, value in values.items():
            setattr(profile, name, value)
    db.session.commit()


def same_name(typed: str, name: str) -> bool:
    """A typed signature matches the account's name, whatever the case and spacing."""

    def loose(text: str) -> str:
        return " ".join(unicodedata.normalize("NFKC", text).split()).casefold()

    return loose(typed) == loose(name)


def sign_agreement(membership: Membership, program: Program, typed_name: str) -> bool:
    """Sign the program's current agreement; False when this version was signed already."""
    version = program.agreement_version
    if membership.agreed_version == version:
        return False
    try:
        with db.session.begin_nested():
            db.session.add(
                AgreementSignature(
                    membership_id=membership.id, version=version, typed_name=typed_name
                )
            )
    except IntegrityError:  # a twin request signed it a moment ago
        return False
    membership.agreed_version = version
    membership.agreed_at = utcnow()
    db.session.commit()
    return True


def complete_module(membership: Membership, module: TrainingModule) -> None:
    """Record that the mentor passed the module's self-check (once, however often)."""
    try:
        with db.session.begin_nested():
            db.session.add(TrainingCompletion(membership_id=membership.id, module_id=module.id))
    except IntegrityError:
        pass
    db.session.commit()
