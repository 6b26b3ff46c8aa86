"""Meetings on the home pages: the mentee's next meeting and open actions, each mentorship's
meeting health for mentors, and the coordinator's counts (never the text). Plus the demo."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from meetings_support import (
    HOUR,
    add_actions,
    add_meeting,
    browser_fixture,  # noqa: F401
    local,
    now_fixture,  # noqa: F401
    set_zone,
)

from app.extensions import db
from app.meetings.queries import meeting_aggregate
from app.mentor_cards import card_figures
from app.models import (
    Cadence,
    Meeting,
    MeetingMode,
    MeetingStatus,
    Mentorship,
    MentorshipStatus,
    Program,
)


def test_the_mentee_home_shows_the_next_meeting_in_their_zone(app, world, login, now):
    soon = (now + timedelta(days=1)).replace(hour=17, minute=0)
    with app.app_context():
        set_zone(world.email("mentee"), "America/New_York")
        add_meeting(world.mentorship_id, soon + timedelta(days=7), location="Later room")
        add_meeting(world.mentorship_id, soon, location="Room 12")
        add_meeting(world.mentorship_id, now - HOUR * 3, location="Over already")
        add_meeting(world.other_mentorship_id, now + HOUR, location="Someone else's")
    page = login("mentee").get("/").get_data(as_text=True)
    section = page.split('id="next-meeting-heading"', 1)[1].split("</section>", 1)[0]
    assert f"{local(soon, 'America/New_York')}</time>" in section and "your time" in section
    assert "Room 12" in section and "In person with Omar Mentor" in section
    assert "Later room" not in page and "Someone else" not in page


def test_a_meeting_under_way_is_still_next(app, world, login, now):
    with app.app_context():
        add_meeting(world.mentorship_id, now - timedelta(minutes=20), location="Right now room")
    assert "Right now room" in login("mentee").get("/").get_data(as_text=True)


def test_the_mentee_home_lists_only_their_open_actions(app, world, login, now):
    with app.app_context():
        meeting_id = add_meeting(world.mentorship_id, now - timedelta(days=2), MeetingStatus.HELD)
        add_actions(meeting_id, 1, world.email("mentee"), due_on=now.date() + timedelta(days=3))
        done = add_actions(meeting_id, 1, world.email("mentee"), text="Finished thing")
        add_actions(meeting_id, 1, world.email("own_mentor"), text="Mentor's own task")
    client = login("mentee")
    client.submit(f"/actions/{done[0]}/toggle", {"done": "1"})
    page = client.get("/").get_data(as_text=True)
    section = page.split('id="my-actions-heading"', 1)[1].split("</section>", 1)[0]
    assert "Task 0" in section and "due " in section and 'name="back" value="home"' in section
    assert "Finished thing" not in section and "Mentor&#39;s own task" not in section


def test_the_mentee_home_costs_the_same_with_1_or_50(app, world, browser, query_counter, now):
    with app.app_context():
        small = add_meeting(world.mentorship_id, now + HOUR)
        add_actions(small, 1, world.email("mentee"))
        for n in range(50):
            big = add_meeting(world.other_mentorship_id, now + timedelta(hours=n + 1))
            add_actions(big, 1, world.email("other_mentee"))
    counts = []
    for role in ("mentee", "other_mentee"):
        client = browser(role)
        client.get("/")
        with query_counter as counted:
            assert client.get("/").status_code == 200
        counts.append(counted.count)
    assert counts[0] == counts[1]


# --- mentor: meeting health in each card ---------------------------------------------------


def meeting_health(ids: list[int], now) -> dict:
    return card_figures(ids, now, "UTC")["meeting_health"]


def test_meeting_health_per_mentorship(app, world, now):
    with app.app_context():
        add_meeting(world.mentorship_id, now - timedelta(days=9), MeetingStatus.HELD)
        add_meeting(world.mentorship_id, now - timedelta(days=2), MeetingStatus.HELD)
        add_meeting(world.mentorship_id, now - timedelta(days=1), MeetingStatus.CANCELLED)
        add_meeting(world.mentorship_id, now + timedelta(days=8))
        nearest = add_meeting(world.mentorship_id, now + timedelta(days=3))
        add_meeting(world.mentorship_id, now + timedelta(days=1), MeetingStatus.CANCELLED)
        health = meeting_health([world.mentorship_id, world.other_mentorship_id], now)
        assert health[world.mentorship_id].days_since_held == 2
        assert health[world.mentorship_id].next_meeting.id == nearest
        assert health[world.other_mentorship_id].days_since_held is None
        assert health[world.other_mentorship_id].next_meeting is None


def test_meeting_health_takes_one_query_for_any_number(app, world, query_counter, now):
    with app.app_context():
        program_id = world.program_id
        ids = []
        for n in range(50):
            mentorship = Mentorship(program_id=program_id, status=MentorshipStatus.ACTIVE)
            db.session.add(mentorship)
            db.session.flush()
            ids.append(mentorship.id)
            db.session.add(
                Meeting(
                    mentorship_id=mentorship.id,
                    starts_at=now - timedelta(days=n + 1),
                    zone="UTC",
                    mode=MeetingMode.CALL,
                    status=MeetingStatus.HELD,
                )
            )
        db.session.commit()
        with query_counter as one:
            meeting_health(ids[:1], now)
        with query_counter as fifty:
            health = meeting_health(ids, now)
        assert one.count == fifty.count == 1
        assert health[ids[49]].days_since_held == 50


def test_the_mentor_card_shows_the_rhythm(app, world, login, now):
    with app.app_context():
        add_meeting(world.mentorship_id, now - timedelta(days=3), MeetingStatus.HELD)
        upcoming = add_meeting(world.mentorship_id, now + timedelta(days=4))
    page = login("own_mentor").get("/").get_data(as_text=True)
    card = page.split(f'id="mentorship-{world.mentorship_id}"', 1)[1].split("</section>", 1)[0]
    assert "3 days ago" in card and f"/meetings/{upcoming}" in card
    assert f"/mentorships/{world.mentorship_id}/meetings/new" in card


# --- coordinator: counts and quiet pairs ---------------------------------------------------


def test_the_coordinator_sees_counts_and_quiet_pairs_not_text(app, world, login, now):
    with app.app_context():
        add_meeting(
            world.mentorship_id, now - timedelta(hours=2), MeetingStatus.HELD, notes="Private"
        )
        add_meeting(world.mentorship_id, now - timedelta(days=20), MeetingStatus.HELD)
        add_meeting(world.other_mentorship_id, now - timedelta(days=20), MeetingStatus.HELD)
    page = login("coordinator").get("/").get_data(as_text=True)
    card = page.split('id="program-meetings-heading"', 1)[1].split("</section>", 1)[0]
    assert "Olga Othermentor with Eli Othermentee" in card
    assert "Omar Mentor with" not in card and "Private" not in page
    assert "Not met in two weeks" in card


@pytest.mark.parametrize(
    ("cadence", "this_period", "two_periods"),
    [
        (Cadence.WEEKLY, "this week", "two weeks"),
        (Cadence.BIWEEKLY, "these two weeks", "four weeks"),
    ],
)
def test_the_aggregate_follows_the_cadence(app, world, now, cadence, this_period, two_periods):
    wednesday = (now - timedelta(days=now.weekday() - 2)).replace(hour=12)
    with app.app_context():
        program = db.session.get(Program, world.program_id)
        program.cadence = cadence
        program.starts_on = wednesday.date() - timedelta(days=200)
        add_meeting(world.mentorship_id, wednesday - timedelta(minutes=90), MeetingStatus.HELD)
        add_meeting(world.mentorship_id, wednesday - timedelta(days=21), MeetingStatus.HELD)
        add_meeting(world.mentorship_id, wednesday + timedelta(days=1), MeetingStatus.HELD)
        add_meeting(world.mentorship_id, wednesday - timedelta(days=2), MeetingStatus.CANCELLED)
        add_meeting(world.other_mentorship_id, wednesday - timedelta(days=35), MeetingStatus.HELD)
        aggregate = meeting_aggregate(world.program_id, wednesday)
        assert (aggregate.this_period, aggregate.two_periods) == (this_period, two_periods)
        assert aggregate.held_this_period == 1
        assert aggregate.held_last_four_weeks == 2
        assert [m.id for m in aggregate.quiet_pairs] == [world.other_mentorship_id]


def test_the_aggregate_before_the_program_starts(app, world, now):
    with app.app_context():
        program = db.session.get(Program, world.program_id)
        program.starts_on = now.date() + timedelta(days=30)
        program.ends_on = now.date() + timedelta(days=300)
        aggregate = meeting_aggregate(world.program_id, now)
        assert aggregate.held_this_period == aggregate.held_last_four_weeks == 0


# --- demo ----------------------------------------------------------------------------------


def test_the_demo_has_meetings_in_every_state_and_seeds_once(app, now):
    from app.demo import PROGRAM_NAME, seed_demo

    with app.app_context():
        seed_demo(now.date())
        seed_demo(now.date())
        statuses = dict(
            db.session.execute(
                sa.select(Meeting.status, sa.func.count()).group_by(Meeting.status)
            ).all()
        )
        assert statuses[MeetingStatus.HELD] >= 10 and statuses[MeetingStatus.CANCELLED] == 1
        assert statuses[MeetingStatus.SCHEDULED] == 5  # four upcoming, one half confirmed
        program = db.session.scalar(sa.select(Program).where(Program.name == PROGRAM_NAME))
        quiet = meeting_aggregate(program.id, now).quiet_pairs
        assert len(quiet) == 1
