"""Where each participant stands in onboarding, for many people at once in a fixed number of
queries (the checklist on a person's home, the people list, the matching pool)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa

from ..extensions import db
from ..models import (
    Membership,
    ParticipantProfile,
    Program,
    Role,
    TrainingCompletion,
    TrainingModule,
)

PROFILE_COMPLETE = (ParticipantProfile.availability != "", ParticipantProfile.style.is_not(None))
"""A profile counts once it says when the person is free and how they like to talk: one
prefilled from a roster row has neither until its person completes it."""


@dataclass(frozen=True)
class Checklist:
    """One participant's onboarding: each step done or not."""

    role: Role
    profile: bool  # complete (``PROFILE_COMPLETE``), not merely started
    signed_version: int | None  # the agreement version they last signed
    current_version: int
    training_done: int
    training_total: int  # 0 for anyone but a mentor

    @property
    def agreement(self) -> bool:
        return self.signed_version == self.current_version

    @property
    def must_sign_again(self) -> bool:
        """They signed an older text: the agreement changed since."""
        return self.signed_version is not None and not self.agreement

    @property
    def training(self) -> bool:
        return self.training_done >= self.training_total

    @property
    def done(self) -> bool:
        return self.role is Role.COORDINATOR or (self.profile and self.agreement and self.training)


def checklists(program: Program, memberships: Iterable[Membership]) -> dict[int, Checklist]:
    """Each membership's checklist by membership id, in two queries however many people."""
    people = list(memberships)
    ids = [m.id for m in people]
    with_profile = set(
        db.session.scalars(
            sa.select(ParticipantProfile.membership_id).where(
                ParticipantProfile.membership_id.in_(ids), *PROFILE_COMPLETE
            )
        )
    )
    # The program's module count (the row without a membership), then each person's
    # completions: one statement.
    modules_total = (
        sa.select(sa.cast(sa.null(), sa.Integer), sa.func.count())
        .select_from(TrainingModule)
        .where(TrainingModule.program_id == program.id)
    )
    done = (
        sa.select(TrainingCompletion.membership_id, sa.func.count())
        .join(TrainingModule, TrainingModule.id == TrainingCompletion.module_id)
        .where(
            TrainingCompletion.membership_id.in_(ids),
            TrainingModule.program_id == program.id,
        )
        .group_by(TrainingCompletion.membership_id)
    )
    completed = dict(db.session.execute(sa.union_all(modules_total, done)).all())
    modules = completed.pop(None)
    return {
        m.id: counted_checklist(m, program, m.id in with_profile, completed.get(m.id, 0), modules)
        for m in people
    }


def counted_checklist(
    membership: Membership, program: Program, profile: bool, done: int, modules: int
) -> Checklist:
    """A checklist from its counted facts; training counts only for a mentor: nobody else has
    any to do."""
    mentor = membership.role is Role.MENTOR
    return Checklist(
        role=membership.role,
        profile=profile,
        signed_version=membership.agreed_version,
        current_version=program.agreement_version,
        training_done=done if mentor else 0,
        training_total=modules if mentor else 0,
    )


CHECKLIST = sa.select(
    sa.select(ParticipantProfile.membership_id)
    .where(ParticipantProfile.membership_id == sa.bindparam("membership_id"), *PROFILE_COMPLETE)
    .exists()
    .label("profile"),
    sa.select(sa.func.count())
    .select_from(TrainingModule)
    .where(TrainingModule.program_id == sa.bindparam("program_id"))
    .scalar_subquery()
    .label("modules"),
    sa.select(sa.func.count())
    .select_from(TrainingCompletion)
    .join(TrainingModule, TrainingModule.id == TrainingCompletion.module_id)
    .where(
        TrainingCompletion.membership_id == sa.bindparam("membership_id"),
        TrainingModule.program_id == sa.bindparam("program_id"),
    )
    .scalar_subquery()
    .label("completed"),
)
"""One row: whether the participant ``membership_id`` completed their profile, the modules of
their program ``program_id`` and how many of them they completed."""


def checklist_of(membership: Membership) -> Checklist | None:
    """The person's own checklist for their home page, in one query; None for a coordinator,
    who has none."""
    if membership.role is Role.COORDINATOR:
        return None
    values = {"membership_id": membership.id, "program_id": membership.program_id}
    return checklist_from(membership, db.session.execute(CHECKLIST, values).one())


def checklist_from(membership: Membership, row) -> Checklist:
    """The participant's checklist from the row of ``CHECKLIST``."""
    profile, modules, completed = row
    return counted_checklist(membership, membership.program, bool(profile), completed, modules)
