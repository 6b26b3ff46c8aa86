"""Someone a coordinator deactivated stays out: no invite brings them back, their group's
meetings leave their calendar feed, and a coordinator removed from a program gains nothing
through it."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from goals_support import add_group, client_for, membership_id
from meetings_support import add_meeting
from web_support import snapshot

from app.accounts import service as accounts
from app.clock import utcnow
from app.extensions import db
from app.models import Invite, Membership, Role, User


def _leave(member_id: int) -> None:
    db.session.get(Membership, member_id).left_at = utcnow()
    db.session.commit()


def test_no_invite_brings_a_deactivated_member_back(app, world, login) -> None:
    mentee = login("mentee")  # logged in before leaving: the invite page is what they can reach
    with app.app_context():
        _leave(membership_id(world.email("mentee"), Role.MENTEE))
        mentor_invite = Invite(program_id=world.program_id, role=Role.MENTOR, uses_left=5)
        db.session.add(mentor_invite)
        db.session.commit()
        code = mentor_invite.code
    page = mentee.get(f"/join/{code}")
    assert page.status_code == 403
    assert "Ask your coordinator to reopen it" in page.get_data(as_text=True)
    before = snapshot(app)
    answer = mentee.submit(f"/join/{code}")
    assert answer.status_code == 403
    assert snapshot(app) == before  # no new membership, no use of the invite


def test_a_group_meeting_leaves_the_feed_of_a_mentee_who_left(app, world) -> None:
    with app.app_context():
        group_id, emails = add_group(world, mentees=2)
        add_meeting(group_id, utcnow() + timedelta(days=2))
        token = db.session.scalar(sa.select(User.calendar_token).where(User.email == emails[0]))

    def feed() -> bytes:
        return app.test_client().get(f"/calendar/{token}.ics").data

    assert b"BEGIN:VEVENT" in feed()
    with app.app_context():
        _leave(membership_id(emails[0], Role.MENTEE))
    assert b"BEGIN:VEVENT" not in feed()
    client_for(app, emails[1])  # the group carries on for the others


def test_a_coordinator_removed_from_a_program_cannot_reach_its_people(app, world) -> None:
    with app.app_context():
        coordinator = db.session.scalar(
            sa.select(User).where(User.email == world.email("coordinator"))
        )
        # Mina is also a mentee in the other program, which our coordinator once ran too.
        mina = db.session.scalar(sa.select(User).where(User.email == world.email("mentee")))
        db.session.add_all(
            [
                Membership(user_id=mina.id, program_id=world.other_program_id, role=Role.MENTEE),
                Membership(
                    user_id=coordinator.id,
                    program_id=world.other_program_id,
                    role=Role.COORDINATOR,
                    left_at=utcnow(),
                ),
            ]
        )
        db.session.commit()
        assert accounts.resettable(coordinator.id, [mina.id]) == set()
