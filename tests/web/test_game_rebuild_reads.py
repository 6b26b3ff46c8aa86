"""The rebuild's bulk reads equal their plain forms: ``replay.stream`` gives the values a ``Row``
holds, and the meeting payments, kept and sorted in Python, are those the database's own sort
on the later of held and confirmed, and its check of the confirming mentor, give."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from game_support import NOW, pinned_fixture  # noqa: F401
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.extensions import db
from app.gamification import replay
from app.models import (
    Meeting,
    MeetingConfirmation,
    MeetingMode,
    MeetingStatus,
    Membership,
    MentorshipMember,
    Role,
    User,
)

OFFSETS = st.sampled_from((0, 30, 60, 24 * 60))  # minutes: few, so the later instants tie
PEOPLE = ("mentee", "own_mentor", "coordinator")

meetings = st.lists(
    st.tuples(
        st.sampled_from(list(MeetingStatus)),
        st.none() | OFFSETS,  # held at
        st.dictionaries(st.sampled_from(PEOPLE), OFFSETS),  # who confirmed, when
    ),
    max_size=6,
)


def _plain_payments() -> list[tuple[int, int]]:
    """Who the held meetings pay, in order, as the database sorts and filters them."""
    paid_at = sa.case(
        (Meeting.held_at > MeetingConfirmation.at, Meeting.held_at), else_=MeetingConfirmation.at
    )
    mentor = (
        sa.select(MentorshipMember.id)
        .join(Membership, Membership.id == MentorshipMember.membership_id)
        .where(
            MentorshipMember.mentorship_id == Meeting.mentorship_id,
            Membership.user_id == MeetingConfirmation.user_id,
            Membership.role == Role.MENTOR,
        )
        .exists()
    )
    return [
        tuple(row)
        for row in db.session.execute(
            sa.select(MeetingConfirmation.meeting_id, MeetingConfirmation.user_id)
            .join(Meeting, Meeting.id == MeetingConfirmation.meeting_id)
            .where(Meeting.status == MeetingStatus.HELD, ~mentor)
            .order_by(paid_at, Meeting.id, MeetingConfirmation.user_id)
        )
    ]


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(meetings)
def test_bulk_reads_give_what_rows_and_the_databases_sort_give(app, world, specs) -> None:
    with app.app_context():
        try:
            people = {
                role: db.session.scalar(sa.select(User.id).where(User.email == world.email(role)))
                for role in PEOPLE
            }
            start = NOW - timedelta(days=3)
            for n, (status, held, confirmed) in enumerate(specs):
                meeting = Meeting(
                    mentorship_id=world.mentorship_id,
                    starts_at=start + timedelta(hours=n),
                    zone="Europe/London",
                    minutes=45,
                    mode=MeetingMode.IN_PERSON,
                    location="Room 12",
                    status=status,
                    held_at=None if held is None else start + timedelta(minutes=held),
                )
                db.session.add(meeting)
                db.session.flush()
                db.session.add_all(
                    MeetingConfirmation(
                        meeting_id=meeting.id,
                        user_id=people[role],
                        at=start + timedelta(minutes=at),
                    )
                    for role, at in confirmed.items()
                )
            db.session.flush()

            read = sa.select(
                Meeting.id,
                Meeting.status,
                Meeting.starts_at,
                Meeting.held_at,
                replay._naive(Meeting.held_at).label("naive_held_at"),
                replay._stored(Meeting.status).label("stored_status"),
                Meeting.location,
            ).order_by(Meeting.id)
            assert list(replay.stream(read)) == [tuple(row) for row in db.session.execute(read)]

            facts = replay.read()
            assert [payment[:2] for payment in facts.payments] == _plain_payments()
            held = sa.select(Meeting.id).where(Meeting.status == MeetingStatus.HELD)
            assert sorted(facts.meeting_programs) == sorted(db.session.scalars(held))
        finally:
            db.session.rollback()
