"""Helpers for the pairing tests: people who finished onboarding (or not), drafts, pages."""

from __future__ import annotations

import re
from collections import Counter

import sqlalchemy as sa
from web_support import PASSWORD

from app.extensions import db
from app.models import (
    OPEN_STATUSES,
    AgreementSignature,
    MatchDraft,
    Membership,
    Mentorship,
    MentorshipMember,
    MentorshipStatus,
    ParticipantProfile,
    Program,
    Role,
    TrainingCompletion,
    TrainingModule,
    User,
)
from app.onboarding.status import checklists
from app.pairing.pool import SHOWN, capacity_of, lacking, pair_views
from app.passwords import hash_password

PROFILE = {
    "interests": "robotics, music",
    "goals": "maths, physics",
    "skills": "maths, physics",
    "availability": "mon-evening tue-evening wed-evening",
    "style": "encouraging",
    "modes": "video in_person",
    "languages": "English",
}


def email_of(membership_id: int) -> str:
    return db.session.scalar(
        sa.select(User.email).join(Membership).where(Membership.id == membership_id)
    )


def person(
    program_id: int,
    name: str,
    role: Role,
    *,
    profile: dict | None = None,
    signed: bool = True,
    capacity: int | None = None,
    trained: bool = True,
) -> int:
    """A new person in ``program_id`` in ``role``, onboarded unless told otherwise (``profile``
    None: no profile; the keys given replace ``PROFILE``'s). Returns the membership id."""
    program = db.session.get(Program, program_id)
    email = re.sub(r"\W+", ".", name.lower()) + f".{program_id}@pool.example"
    user = User(
        name=name, email=email, password_hash=hash_password(PASSWORD), time_zone="Europe/London"
    )
    member = Membership(user=user, program_id=program_id, role=role)
    if signed:
        member.agreed_version = program.agreement_version
    db.session.add(member)
    db.session.flush()
    if signed:
        db.session.add(
            AgreementSignature(
                membership_id=member.id, version=program.agreement_version, typed_name=name
            )
        )
    if profile is not None:
        values = {**PROFILE, **profile}
        if role is Role.MENTOR:
            values["capacity"] = 1 if capacity is None else capacity
        db.session.add(ParticipantProfile(membership_id=member.id, **values))
    if role is Role.MENTOR and trained:
        modules = db.session.scalars(
            sa.select(TrainingModule.id).where(TrainingModule.program_id == program_id)
        ).all()
        done = [TrainingCompletion(membership_id=member.id, module_id=m) for m in modules]
        db.session.add_all(done)
    db.session.commit()
    return member.id


def add_module(program_id: int, title: str = "Listening well") -> int:
    module = TrainingModule(
        program_id=program_id,
        title=title,
        body="Listen first.",
        question="Who talks most?",
        choices="The mentee\nThe mentor",
        answer=0,
    )
    db.session.add(module)
    db.session.commit()
    return module.id


def pair(program_id: int, mentor_id: int, *mentee_ids: int, status=MentorshipStatus.ACTIVE) -> int:
    mentorship = Mentorship(
        program_id=program_id,
        status=status,
        members=[MentorshipMember(membership_id=i) for i in (mentor_id, *mentee_ids)],
    )
    db.session.add(mentorship)
    db.session.commit()
    return mentorship.id


def drafts(program_id: int) -> dict[int, tuple[int, bool]]:
    """mentee id -> (mentor id, accepted)."""
    rows = db.session.scalars(sa.select(MatchDraft).where(MatchDraft.program_id == program_id))
    return {d.mentee_membership_id: (d.mentor_membership_id, d.accepted) for d in rows}


def draft_id(program_id: int, mentee_id: int) -> int:
    return db.session.scalar(
        sa.select(MatchDraft.id).where(
            MatchDraft.program_id == program_id, MatchDraft.mentee_membership_id == mentee_id
        )
    )


def mentors_of(mentee_id: int) -> list[int]:
    """Mentor membership ids of the mentee's active mentorships."""
    mine = sa.select(MentorshipMember.mentorship_id).where(
        MentorshipMember.membership_id == mentee_id
    )
    return list(
        db.session.scalars(
            sa.select(Membership.id)
            .join(MentorshipMember, MentorshipMember.membership_id == Membership.id)
            .join(Mentorship, Mentorship.id == MentorshipMember.mentorship_id)
            .where(
                MentorshipMember.mentorship_id.in_(mine),
                Membership.role == Role.MENTOR,
                Mentorship.status == MentorshipStatus.ACTIVE,
            )
        )
    )


def pool_seen(pool) -> dict:
    """What a pool holds: waiting mentees, mentors' room, what the not ready it read lack and
    how many are not ready."""
    return {
        "waiting": [m.id for m in pool.waiting],
        "room": pool.room,
        "not_ready": {m.id: missing for m, missing in pool.not_ready},
        "not_ready_total": pool.not_ready_total,
    }


def pool_from_facts(program: Program) -> dict:
    """``pool_seen`` worked out in Python from every member's checklist, profile and
    mentorships, read whole (no stored row): the rules the stored places must follow."""
    members = db.session.scalars(
        sa.select(Membership)
        .where(
            Membership.program_id == program.id,
            Membership.role.in_([Role.MENTOR, Role.MENTEE]),
            Membership.left_at.is_(None),
        )
        .order_by(Membership.joined_at, Membership.id)
    ).all()
    states = checklists(program, members)
    open_pairs = db.session.scalars(
        sa.select(Mentorship).where(
            Mentorship.program_id == program.id, Mentorship.status.in_(OPEN_STATUSES)
        )
    ).all()
    views = pair_views(list(open_pairs))
    matched = {m.id for v in views for m in v.mentees}
    load = Counter()
    for view in views:
        for mentor in view.mentors:
            load[mentor.id] += len(view.mentees)
    profiles = {
        p.membership_id: p
        for p in db.session.scalars(
            sa.select(ParticipantProfile).where(
                ParticipantProfile.membership_id.in_([m.id for m in members])
            )
        )
    }
    seen = {"waiting": [], "room": {}, "not_ready": {}}
    for member in members:
        done = states[member.id].done
        if member.role is Role.MENTEE and member.id in matched:
            continue
        if member.role is Role.MENTEE and done:
            seen["waiting"].append(member.id)
        elif not done:
            seen["not_ready"][member.id] = lacking(states[member.id])
        elif (places := capacity_of(program, profiles.get(member.id)) - load[member.id]) > 0:
            seen["room"][member.id] = places
    lacks = seen["not_ready"]
    seen["not_ready"] = {i: lacks[i] for i in sorted(lacks)[:SHOWN]}  # the first, by id
    seen["not_ready_total"] = len(lacks)
    return seen
