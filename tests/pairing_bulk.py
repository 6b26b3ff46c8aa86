"""A program of many participants for the matching page, written in bulk: a third mentors (room
for two), two thirds mentees; a quarter of the mentees paired, a quarter drafted, one in ten
without a profile, a few pairs ended."""

from __future__ import annotations

import sqlalchemy as sa

from app import core_writes, member_states
from app.clock import utcnow
from app.extensions import db
from app.models import (
    MatchDraft,
    Membership,
    Mentorship,
    MentorshipMember,
    MentorshipStatus,
    ParticipantProfile,
    Program,
    Role,
    User,
)

PROFILE = {
    "interests": "music, robotics",
    "goals": "maths",
    "skills": "maths, physics",
    "availability": "mon-evening tue-evening",
    "style": "direct",
    "modes": "video",
    "languages": "English",
}


def _insert(model, rows: list[dict]) -> list[int]:
    if not rows:
        return []
    statement = sa.insert(model).returning(model.id, sort_by_parameter_order=True)
    return list(db.session.scalars(statement, rows))


def populate(program_id: int, count: int, tag: str) -> None:
    """``count`` people: a third mentors (room for two), two thirds mentees; a quarter of the
    mentees paired, a quarter drafted, one in ten without a profile, a few pairs ended."""
    version = db.session.get(Program, program_id).agreement_version
    users = _insert(
        User,
        [
            {"name": f"Person {tag}{n}", "email": f"p{tag}{n}@bulk.example", "password_hash": "x"}
            for n in range(count)
        ],
    )
    mentors_n = count // 3
    roles = [Role.MENTOR] * mentors_n + [Role.MENTEE] * (count - mentors_n)
    members = _insert(
        Membership,
        [
            {"user_id": u, "program_id": program_id, "role": r, "agreed_version": version}
            for u, r in zip(users, roles, strict=True)
        ],
    )
    mentors, mentees = members[:mentors_n], members[mentors_n:]
    no_profile = set(mentees[::10])
    _insert(
        ParticipantProfile,
        [
            {"membership_id": m, **PROFILE, "capacity": 2 if m in mentors else None}
            for m in members
            if m not in no_profile
        ],
    )
    quarter = len(mentees) // 4
    paired = [m for m in mentees if m not in no_profile][:quarter]
    drafted = [m for m in mentees if m not in no_profile][quarter : 2 * quarter]
    closed = max(1, count // 200)
    pairs = _insert(
        Mentorship,
        [
            {
                "program_id": program_id,
                "status": MentorshipStatus.CLOSED if n < closed else MentorshipStatus.ACTIVE,
                "closed_reason": "Moved away" if n < closed else "",
                "closed_at": utcnow() if n < closed else None,
            }
            for n in range(len(paired))
        ],
    )
    _insert(
        MentorshipMember,
        [
            {"mentorship_id": p, "membership_id": m}
            for p, mentee, mentor in zip(pairs, paired, mentors, strict=False)
            for m in (mentor, mentee)
        ],
    )
    _insert(
        MatchDraft,
        [
            {
                "program_id": program_id,
                "mentee_membership_id": mentee,
                "mentor_membership_id": mentors[-1 - n % len(mentors)],
                "score": 50,
                "reasons": [{"kind": "goals", "text": "Mentor offers maths", "points": 40}],
                "accepted": n % 2 == 0,
            }
            for n, mentee in enumerate(drafted)
        ],
    )
    core_writes.participants_inserted(members)  # their states and places in the pool
    member_states.touch(pairs=pairs)
    db.session.commit()
