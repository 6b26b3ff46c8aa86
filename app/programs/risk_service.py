"""A coordinator's nudge to a pair at risk: one kind notice to each of its people.

The notices are the record for now (see ``risk_query.nudge_kind``); a pair is nudged at most
once a day in the program's zone, so a double submit tells nobody twice.
"""

from __future__ import annotations

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from game.weeks import local_date

from .. import clock
from ..extensions import db
from ..models import Membership, Mentorship, MentorshipMember, Notice, Program
from ..notices.service import tell
from .risk_query import nudge_kind

WORDS = (
    "Your program coordinator is thinking of you both: a short meeting or a check-in this week "
    "would be a good next step."
)


def nudge_pair(mentorship: Mentorship) -> bool:
    """Tell both sides of the pair, unless it was already nudged today; True when sent."""
    db.session.scalar(  # one nudge at a time per pair (a row lock where the database has one)
        sa.select(Mentorship.id).where(Mentorship.id == mentorship.id).with_for_update()
    )
    program = db.session.get(Program, mentorship.program_id)
    kind = nudge_kind(mentorship.id)
    if _nudged_since(kind, _start_of_today(program.time_zone)):
        db.session.rollback()
        return False
    users = db.session.scalars(
        sa.select(Membership.user_id)
        .join(MentorshipMember, MentorshipMember.membership_id == Membership.id)
        .where(MentorshipMember.mentorship_id == mentorship.id, Membership.left_at.is_(None))
        .order_by(Membership.user_id)
    ).all()
    for user_id in users:
        tell(user_id, program.id, kind, WORDS, url=f"/mentorships/{mentorship.id}/meetings")
    db.session.commit()
    return True


def _start_of_today(zone: str) -> datetime:
    today = local_date(clock.utcnow(), zone)
    return datetime.combine(today, time(), tzinfo=ZoneInfo(zone)).astimezone(UTC)


def _nudged_since(kind: str, since: datetime) -> bool:
    return db.session.scalar(
        sa.select(sa.exists().where(Notice.kind == kind, Notice.created_at >= since))
    )
