"""The demo's onboarding and matching pool: everyone already paired has a profile, a signed
agreement and (mentors) the training done; new people wait to be matched, so matching can be
tried straight from the quick start.

Waiting: eight mentees with varied profiles and three trained mentors with spare places. Not
ready: a mentor halfway through the training and a mentee without a profile, so the matching
page shows why someone is missing. Idempotent: rows that exist are left alone.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import sqlalchemy as sa

from ..extensions import db
from ..models import (
    OPEN_STATUSES,
    AgreementSignature,
    AgreementVersion,
    Membership,
    Mentorship,
    ParticipantProfile,
    Program,
    Role,
    TrainingCompletion,
    TrainingModule,
    User,
)
from .pool import pair_views

MODULES = [
    (
        "Your role as a mentor",
        "A mentor **listens, asks and encourages**; the mentee sets the goals.\n\n"
        "- Ask open questions.\n- Agree on next steps together.\n- Celebrate small wins.",
        "Who sets the mentee's goals?",
        "The mentee, with the mentor's help\nThe mentor\nThe coordinator",
    ),
    (
        "Safeguarding and confidentiality",
        "What a mentee shares stays between you, **unless someone's safety is at risk**: then "
        "tell the coordinator the same day.",
        "A mentee tells you something that puts them at risk. What do you do?",
        "Tell the coordinator the same day\nKeep it secret\nPost it in the group chat",
    ),
    (
        "Running a good meeting",
        "Start with how the week went, look at the goal, end with one agreed action.",
        "How should a meeting end?",
        "With one agreed action\nWith a test\nWhenever the bell rings",
    ),
]

# name, email, interests, goals (mentees) or skills (mentors), availability, style, modes,
# languages, capacity (mentors)
Profile = tuple[str, str, str, str, str, str | None, str, str, int | None]

PAIRED_MENTORS: dict[str, tuple[str, str, str, str, str]] = {
    # email: (interests, skills, availability, style, modes); capacity = their mentees now
    "maya@example.org": (
        "reading, chess",
        "maths, algebra, study skills",
        "mon-afternoon wed-afternoon thu-afternoon",
        "encouraging",
        "in_person",
    ),
    "daniel@example.org": (
        "football, music",
        "history, essay writing, spanish",
        "tue-lunch wed-lunch fri-lunch",
        "direct",
        "in_person video",
    ),
    "priya@example.org": (
        "robotics, coding",
        "physics, engineering, coding",
        "tue-afternoon thu-afternoon",
        "reflective",
        "video",
    ),
}

PAIRED_MENTEE = {
    "interests": "reading, music",
    "goals": "study skills, confidence",
    "availability": "tue-lunch wed-afternoon",
    "languages": "English",
}

NEW_MENTORS: list[Profile] = [
    (
        "Tomás Rivera",
        "tomas@example.org",
        "football, cooking, travel",
        "maths, physics, university applications",
        "mon-evening tue-evening thu-evening",
        "direct",
        "video call",
        "English, Spanish",
        3,
    ),
    (
        "Lena Fischer",
        "lena@example.org",
        "art, design, photography",
        "art, design, portfolio, confidence",
        "wed-afternoon fri-afternoon sat-morning",
        "encouraging",
        "in_person video",
        "English, German",
        2,
    ),
    (
        "Kwame Mensah",
        "kwame@example.org",
        "coding, gaming, music",
        "coding, computer science, careers in tech",
        "tue-afternoon thu-afternoon fri-afternoon",
        "reflective",
        "video chat",
        "English",
        2,
    ),
]
UNTRAINED_MENTOR: Profile = (
    "Sofia Rossi",
    "sofia@example.org",
    "theatre, writing",
    "english, drama, public speaking",
    "mon-afternoon wed-afternoon",
    "encouraging",
    "in_person",
    "English, Italian",
    2,
)

NEW_MENTEES: list[Profile] = [
    (
        "Ivy Chen",
        "ivy@example.org",
        "coding, gaming",
        "coding, careers in tech",
        "tue-afternoon thu-afternoon",
        "reflective",
        "video",
        "English, Mandarin",
        None,
    ),
    (
        "Jonah Miller",
        "jonah@example.org",
        "football, travel",
        "maths, university applications",
        "mon-evening thu-evening",
        "direct",
        "video call",
        "English",
        None,
    ),
    (
        "Kiara Patel",
        "kiara@example.org",
        "art, photography",
        "portfolio, confidence",
        "wed-afternoon sat-morning",
        "encouraging",
        "in_person",
        "English",
        None,
    ),
    (
        "Leo Dubois",
        "leo@example.org",
        "music, cooking",
        "physics, maths",
        "tue-evening thu-evening",
        "direct",
        "video",
        "English, French",
        None,
    ),
    (
        "Maria Santos",
        "maria@example.org",
        "football, music",
        "university applications",
        "mon-evening tue-evening",
        "encouraging",
        "call",
        "Spanish, English",
        None,
    ),
    (
        "Omar Haddad",
        "omar@example.org",
        "gaming, robotics",
        "coding, computer science",
        "fri-afternoon tue-afternoon",
        "direct",
        "chat video",
        "English, Arabic",
        None,
    ),
    (
        "Priscilla Owusu",
        "priscilla@example.org",
        "design, fashion",
        "design, art",
        "fri-afternoon wed-afternoon",
        "reflective",
        "in_person video",
        "English",
        None,
    ),
    (
        "Ravi Kumar",
        "ravi@example.org",
        "cricket, chess",
        "physics, confidence",
        "sat-morning sun-morning",
        "encouraging",
        "video",
        "English, Hindi",
        None,
    ),
]
NO_PROFILE_MENTEE = ("Nina Brooks", "nina@example.org")


def _agreement(program: Program) -> None:
    exists = db.session.scalar(
        sa.select(AgreementVersion.id).where(
            AgreementVersion.program_id == program.id,
            AgreementVersion.version == program.agreement_version,
        )
    )
    if not exists:
        db.session.add(
            AgreementVersion(
                program_id=program.id, version=program.agreement_version, text=program.agreement
            )
        )


def _modules(program: Program) -> list[int]:
    ids = db.session.scalars(
        sa.select(TrainingModule.id)
        .where(TrainingModule.program_id == program.id)
        .order_by(TrainingModule.position, TrainingModule.id)
    ).all()
    if ids:
        return list(ids)
    modules = [
        TrainingModule(
            program_id=program.id, position=n, title=t, body=b, question=q, choices=c, answer=0
        )
        for n, (t, b, q, c) in enumerate(MODULES)
    ]
    db.session.add_all(modules)
    db.session.flush()
    return [m.id for m in modules]


def _onboard(member: Membership, version: int, signed_at: datetime, name: str) -> None:
    """Sign agreement ``version`` for ``member`` (unless done)."""
    if member.agreed_version == version:
        return
    member.agreed_version, member.agreed_at = version, signed_at
    db.session.add(
        AgreementSignature(
            membership_id=member.id, version=version, typed_name=name, signed_at=signed_at
        )
    )


def _profile(member: Membership, **values) -> None:
    if not db.session.scalar(
        sa.select(ParticipantProfile.id).where(ParticipantProfile.membership_id == member.id)
    ):
        db.session.add(ParticipantProfile(membership_id=member.id, **values))


def _train(member: Membership, module_ids: list[int], at: datetime) -> None:
    done = set(
        db.session.scalars(
            sa.select(TrainingCompletion.module_id).where(
                TrainingCompletion.membership_id == member.id
            )
        )
    )
    db.session.add_all(
        TrainingCompletion(membership_id=member.id, module_id=m, completed_at=at)
        for m in module_ids
        if m not in done
    )


def _from(profile: Profile, role: Role) -> dict:
    _, _, interests, wants, availability, style, modes, languages, capacity = profile
    values = {
        "interests": interests,
        "availability": availability,
        "style": style,
        "modes": modes,
        "languages": languages,
    }
    if role is Role.MENTOR:
        return {**values, "skills": wants, "capacity": capacity}
    return {**values, "goals": wants}


def seed_pool(
    program: Program,
    joined_at: datetime,
    person: Callable[[str, str, Role], Membership],
) -> None:
    """Onboard the demo's people and add the waiting pool; ``person(name, email, role)`` finds
    or creates a member of ``program``."""
    _agreement(program)
    module_ids = _modules(program)
    members = db.session.execute(
        sa.select(Membership, User)
        .join(User, User.id == Membership.user_id)
        .where(Membership.program_id == program.id, Membership.role != Role.COORDINATOR)
    ).all()
    version = program.agreement_version
    load = {m.id: 0 for m, _ in members}
    paired = set()
    open_pairs = db.session.scalars(
        sa.select(Mentorship).where(
            Mentorship.program_id == program.id, Mentorship.status.in_(OPEN_STATUSES)
        )
    ).all()
    for view in pair_views(list(open_pairs)):
        paired.update(m.id for m in view.mentees)
        for mentor in view.mentors:
            load[mentor.id] += len(view.mentees)
    for member, user in members:
        _onboard(member, version, joined_at, user.name)
        if user.email in PAIRED_MENTORS:
            interests, skills, slots, style, modes = PAIRED_MENTORS[user.email]
            _profile(
                member,
                interests=interests,
                skills=skills,
                availability=slots,
                style=style,
                modes=modes,
                languages="English",
                capacity=load[member.id],
            )
            _train(member, module_ids, joined_at)
        elif member.id in paired:
            _profile(member, **PAIRED_MENTEE)
    for profile in NEW_MENTORS:
        member = person(profile[0], profile[1], Role.MENTOR)
        _onboard(member, version, joined_at, profile[0])
        _profile(member, **_from(profile, Role.MENTOR))
        _train(member, module_ids, joined_at)
    sofia = person(UNTRAINED_MENTOR[0], UNTRAINED_MENTOR[1], Role.MENTOR)
    _onboard(sofia, version, joined_at, UNTRAINED_MENTOR[0])
    _profile(sofia, **_from(UNTRAINED_MENTOR, Role.MENTOR))
    _train(sofia, module_ids[:1], joined_at)
    for profile in NEW_MENTEES:
        member = person(profile[0], profile[1], Role.MENTEE)
        _onboard(member, version, joined_at, profile[0])
        _profile(member, **_from(profile, Role.MENTEE))
    nina = person(*NO_PROFILE_MENTEE, Role.MENTEE)
    _onboard(nina, version, joined_at, NO_PROFILE_MENTEE[0])
    db.session.commit()
