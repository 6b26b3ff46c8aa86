"""Meetings earn: each mentee who said "we met" once the meeting is held; mentors earn badges,
not points; at most two meetings a week are paid."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from game_support import (
    MENTEE,
    MENTOR,
    NOW,
    add_mentee,
    celebration,
    ledger,
    pinned_fixture,  # noqa: F401
    total,
    totals_match_ledger,
    user_id,
)
from meetings_support import add_meeting
from web_support import log_in

from app.extensions import db
from app.models import BadgeEarned, MeetingStatus

GROUP_MENTEE = "second-mentee@test.example"


@pytest.fixture(autouse=True)
def _clock(pinned):
    return pinned


def meeting(app, world, hours_ago: int = 2, **fields) -> int:
    with app.app_context():
        return add_meeting(world.mentorship_id, NOW - timedelta(hours=hours_ago), **fields)


def test_the_confirmation_that_makes_the_meeting_held_pays_the_mentee(app, world, new_client):
    meeting_id = meeting(app, world)
    mentee, mentor = new_client("mentee"), new_client("own_mentor")
    first = mentee.htmx("POST", f"/meetings/{meeting_id}/confirm")
    assert celebration(first) is None  # not held yet: the mentor has not confirmed
    held = mentor.htmx("POST", f"/meetings/{meeting_id}/confirm")
    assert celebration(held) is None  # the mentor earns no points
    with app.app_context():
        assert ledger(MENTEE) == {f"meeting:{meeting_id}:{user_id(MENTEE)}": 15}
        assert ledger(MENTOR) == {}
        assert total(MENTEE) == 15


def test_the_mentee_confirming_last_sees_the_celebration(app, world, new_client):
    meeting_id = meeting(app, world)
    new_client("own_mentor").htmx("POST", f"/meetings/{meeting_id}/confirm")
    response = new_client("mentee").htmx("POST", f"/meetings/{meeting_id}/confirm")
    assert celebration(response) == {
        "title": "+15 points",
        "message": "Meeting counted",
        "note": "You met! This meeting now counts as held.",
    }
    again = new_client("mentee").htmx("POST", f"/meetings/{meeting_id}/confirm")
    assert celebration(again) is None


def test_in_a_group_a_late_confirmer_is_paid_too(app, world, new_client):
    with app.app_context():
        add_mentee(world.mentorship_id, "Sam Second", GROUP_MENTEE)
    meeting_id = meeting(app, world)
    new_client("own_mentor").submit(f"/meetings/{meeting_id}/confirm")
    new_client("mentee").submit(f"/meetings/{meeting_id}/confirm")  # now held
    with app.app_context():
        assert total(MENTEE) == 15 and total(GROUP_MENTEE) == 0
    late = new_client()
    log_in(late, GROUP_MENTEE)
    late.submit(f"/meetings/{meeting_id}/confirm")
    with app.app_context():
        assert total(GROUP_MENTEE) == 15 and total(MENTEE) == 15
        assert totals_match_ledger()


def test_only_two_meetings_a_week_are_paid(app, world, new_client):
    mentee, mentor = new_client("mentee"), new_client("own_mentor")
    ids = [meeting(app, world, hours_ago=hours) for hours in (1, 2, 3)]
    for meeting_id in ids:
        mentor.submit(f"/meetings/{meeting_id}/confirm")
        mentee.submit(f"/meetings/{meeting_id}/confirm")
    with app.app_context():
        assert len(ledger(MENTEE)) == 2
        assert total(MENTEE) == 30


def test_six_held_meetings_earn_the_pair_dream_team(app, world, new_client):
    with app.app_context():
        for weeks_ago in range(1, 6):
            add_meeting(
                world.mentorship_id,
                NOW - timedelta(weeks=weeks_ago),
                status=MeetingStatus.HELD,
                held_at=NOW - timedelta(weeks=weeks_ago),
            )
    meeting_id = meeting(app, world)
    new_client("mentee").submit(f"/meetings/{meeting_id}/confirm")
    response = new_client("own_mentor").htmx("POST", f"/meetings/{meeting_id}/confirm")
    assert celebration(response)["badge"]["name"] == "Dream Team"
    with app.app_context():
        holders = set(
            db.session.execute(
                sa.select(BadgeEarned.user_id, BadgeEarned.subject).where(
                    BadgeEarned.badge_id == "dream_team"
                )
            )
        )
        subject = f"pair:{world.mentorship_id}"
        assert holders == {(user_id(MENTEE), subject), (user_id(MENTOR), subject)}
