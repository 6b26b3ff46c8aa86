"""The coordinators' actions on a pair at risk: nudge it, write a private note, mark it resolved.

Each is one transaction. The nudge and the resolution first lock the pair's row (``FOR UPDATE``;
on SQLite the first write lock), so two coordinators acting at once take turns: a pair is nudged
at most once a day in the program's zone (a double submit tells nobody twice), and an entry is
resolved once (the second finds it off the list). The nudge tells both sides by a kind notice;
its record for the coordinators is a ``CareRecord``, like the notes and the resolutions.
"""

from __future__ import annotations

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from game.weeks import local_date

from .. import clock
from ..extensions import db
from ..mentorships_query import WITH_PEOPLE
from ..models import CareKind, CareRecord, Membership, Mentorship, MentorshipMember, Program
from ..notices.service import tell
from .risk_query import assess, nudge_kind, on_list

WORDS = (
    "Your program coordinator is thinking of you both: a short meeting or a check-in this week "
    "would be a good next step."
)


def _lock(mentorship_id: int) -> None:
    """One action at a time per pair (a row lock where the database has one)."""
    db.session.scalar(
        sa.select(Mentorship.id).where(Mentorship.id == mentorship_id).with_for_update()
    )


def nudge_pair(mentorship: Mentorship, by: int) -> bool:
    """Tell both sides of the pair, unless it was already nudged today; True when sent."""
    _lock(mentorship.id)
    program = db.session.get(Program, mentorship.program_id)
    if _nudged_since(mentorship.id, _start_of_today(program.time_zone)):
        db.session.rollback()
        return False
    users = db.session.scalars(
        sa.select(Membership.user_id)
        .join(MentorshipMember, MentorshipMember.membership_id == Membership.id)
        .where(MentorshipMember.mentorship_id == mentorship.id, Membership.left_at.is_(None))
        .order_by(Membership.user_id)
    ).all()
    kind = nudge_kind(mentorship.id)
    for user_id in users:
        tell(user_id, program.id, kind, WORDS, url=f"/mentorships/{mentorship.id}/meetings")
    db.session.add(CareRecord(mentorship_id=mentorship.id, kind=CareKind.NUDGE, author_id=by))
    db.session.commit()
    return True


def add_note(mentorship: Mentorship, by: int, body: str) -> CareRecord:
    """A coordinator's private note on the pair."""
    note = CareRecord(mentorship_id=mentorship.id, kind=CareKind.NOTE, author_id=by, body=body)
    db.session.add(note)
    db.session.commit()
    return note


def resolve(mentorship: Mentorship, by: int, note: str = "") -> bool:
    """Take the pair off the list: the resolution covers every reason it raises now (see
    ``game.risk`` for when it comes back). False when it was not on the list (any more)."""
    _lock(mentorship.id)
    pair = db.session.scalars(
        sa.select(Mentorship)
        .where(Mentorship.id == mentorship.id)
        .options(WITH_PEOPLE)
        .execution_options(populate_existing=True)
    ).one()
    (entry,) = assess(pair.program_id, [pair], clock.utcnow())
    if not on_list(entry):
        db.session.rollback()
        return False
    db.session.add(
        CareRecord(
            mentorship_id=pair.id,
            kind=CareKind.RESOLVED,
            author_id=by,
            body=note,
            signals=list(dict.fromkeys(reason.code for reason in entry.reasons)),
        )
    )
    db.session.commit()
    return True


def _start_of_today(zone: str) -> datetime:
    today = local_date(clock.utcnow(), zone)
    return datetime.combine(today, time(), tzinfo=ZoneInfo(zone)).astimezone(UTC)


def _nudged_since(mentorship_id: int, since: datetime) -> bool:
    return db.session.scalar(
        sa.select(
            sa.exists().where(
                CareRecord.mentorship_id == mentorship_id,
                CareRecord.kind == CareKind.NUDGE,
                CareRecord.created_at >= since,
            )
        )
    )
