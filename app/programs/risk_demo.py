"""The demo's care history of pairs at risk: the coordinator's note on Daniel and Diego (the
pair gone quiet, on the list with Ben's waiting help request), and an older episode of Daniel
and Chloé, noted and marked resolved, so the Resolved section and a history have something to
show. Nothing here touches the signals: the two pairs at risk stay on the list."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from ..extensions import db
from ..models import (
    CareKind,
    CareRecord,
    Membership,
    Mentorship,
    MentorshipMember,
    Program,
    Role,
    User,
)

COORDINATOR_EMAIL = "coordinator@example.org"
# (mentee, days ago, hour, kind, the reasons a resolution covered, text)
HISTORY = [
    (
        "chloe@example.org",
        33,
        16,
        CareKind.NOTE,
        [],
        "Chloé is away on the language exchange for two weeks; Daniel knows and will call "
        "when she is back.",
    ),
    (
        "chloe@example.org",
        26,
        9,
        CareKind.RESOLVED,
        ["quiet"],
        "Back from the exchange: they met on Tuesday and kept their weekly call since.",
    ),
    (
        "diego@example.org",
        1,
        15,
        CareKind.NOTE,
        [],
        "Daniel's shifts changed this month. I asked him to pick a new regular time with Diego "
        "before Friday.",
    ),
]


def seed_risk_care(program: Program, today: date) -> None:
    """Add the demo care history unless the program's pairs already have some."""
    pairs = sa.select(Mentorship.id).where(Mentorship.program_id == program.id)
    if db.session.scalar(
        sa.select(CareRecord.id).where(CareRecord.mentorship_id.in_(pairs)).limit(1)
    ):
        return
    author = db.session.scalar(sa.select(User.id).where(User.email == COORDINATOR_EMAIL))
    pair_of = dict(
        db.session.execute(
            sa.select(User.email, MentorshipMember.mentorship_id)
            .join(Membership, Membership.user_id == User.id)
            .join(MentorshipMember, MentorshipMember.membership_id == Membership.id)
            .where(Membership.program_id == program.id, Membership.role == Role.MENTEE)
        ).all()
    )
    zone = ZoneInfo(program.time_zone)
    for email, days_ago, hour, kind, signals, text in HISTORY:
        at = datetime.combine(today - timedelta(days=days_ago), time(hour), tzinfo=zone)
        db.session.add(
            CareRecord(
                mentorship_id=pair_of[email],
                kind=kind,
                author_id=author,
                body=text,
                signals=signals,
                created_at=at,
            )
        )
    db.session.commit()
