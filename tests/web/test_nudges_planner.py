"""The periodic evaluation: what ``plan`` queues, when, for whom, once, in fixed queries.

The world's program runs from Wed 11 Feb 2026 (W07), W09 is its break week, and its people
live in London (GMT until 29 March); the clock is pinned at Wed 11 Mar 2026 noon (W11).
"""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
import sqlalchemy as sa
from game_support import (
    MENTEE,
    MENTOR,
    NOW,
    W11,
    W12,
    membership_id,
    pinned_fixture,  # noqa: F401
    user_id,
)
from nudges_support import SECRET, assert_no_leak, london, outbox, subscribe

from app.extensions import db
from app.models import (
    CheckIn,
    Goal,
    Meeting,
    MeetingMode,
    MeetingStatus,
    Membership,
    Mentorship,
    MentorshipMember,
    MentorshipStatus,
    Milestone,
    MilestoneStatus,
    NotificationSettings,
    Nudge,
    Role,
    Survey,
    SurveyResponse,
    User,
)
from app.nudges.planner import plan
from game.surveys import SurveyKind

COORDINATOR = "coordinator@test.example"
FRIDAY = date(2026, 3, 13)


@pytest.fixture(autouse=True)
def _clock(pinned):
    return pinned


def meeting(mentorship_id: int, starts_at, **values) -> int:
    row = Meeting(
        mentorship_id=mentorship_id,
        starts_at=starts_at,
        zone="Europe/London",
        mode=MeetingMode.IN_PERSON,
        location=f"Room {SECRET}",
        notes=SECRET,
        created_at=NOW - timedelta(days=3),
        **values,
    )
    db.session.add(row)
    db.session.commit()
    return row.id


def waiting_milestone(mentorship_id: int, owner_id: int, submitted_at) -> Milestone:
    goal = Goal(
        mentorship_id=mentorship_id,
        membership_id=owner_id,
        title=f"Goal {SECRET}",
        measure=SECRET,
        target_date=date(2026, 6, 1),
    )
    milestone = Milestone(
        goal=goal,
        title=f"Milestone {SECRET}",
        status=MilestoneStatus.WAITING,
        submitted_at=submitted_at,
    )
    db.session.add_all([goal, milestone])
    db.session.commit()
    return milestone


def test_checkin_reminder_once_late_in_the_week_until_the_week_counts(app, world):
    with app.app_context():
        subscribe(MENTEE)
        friday = london(FRIDAY, time(16))
        assert plan(friday - timedelta(minutes=5)) == 0  # before the window opens
        assert plan(friday) == 1
        [nudge] = outbox()
        assert (nudge.user_id, nudge.kind, nudge.url) == (
            user_id(MENTEE),
            "checkin_reminder",
            "/checkins/this-week",
        )
        assert nudge.dedupe_key == f"checkin:{user_id(MENTEE)}:{W11}"
        assert nudge.title == "Your weekly check-in" and "fresh start" in nudge.body
        assert plan(friday + timedelta(hours=2)) == 0  # once a week
        assert plan(london(FRIDAY, time(22))) == 0
        db.session.add(
            CheckIn(
                membership_id=membership_id(MENTEE),
                week_key=str(W12),
                mood=4,
                progress_note=SECRET,
                blocker=SECRET,
                zone="Europe/London",
            )
        )
        db.session.commit()
        # W12 counted already: only its pulse survey (open all week) asks
        assert plan(london(FRIDAY + timedelta(days=7), time(17))) == 1
        assert outbox()[-1].kind == "survey_open"
        next_friday = london(FRIDAY + timedelta(days=14), time(17))
        assert plan(next_friday) == 1  # W13: worded from the streak W12 started
        assert outbox()[-1].body.startswith("Your 1-week streak")
        assert len(outbox()) == 3
        assert_no_leak()


def test_no_checkin_reminder_in_a_break_week_in_quiet_hours_or_without_a_device(app, world):
    with app.app_context():
        assert plan(london(FRIDAY, time(17))) == 0  # nobody has turned notifications on
        subscribe(MENTEE)
        assert plan(london(date(2026, 2, 27), time(17))) == 0  # Friday of W09, the break
        assert plan(london(FRIDAY, time(21, 30))) == 0  # quiet hours: the next run sends it
        assert plan(london(FRIDAY + timedelta(days=1), time(8))) == 1


def test_checkin_reminder_waits_for_the_persons_own_quiet_hours(app, world):
    with app.app_context():
        subscribe(MENTEE)
        db.session.add(
            NotificationSettings(
                user_id=user_id(MENTEE), quiet_start=time(15), quiet_end=time(18), muted_kinds=[]
            )
        )
        db.session.commit()
        assert plan(london(FRIDAY, time(16))) == 0
        assert plan(london(FRIDAY, time(18))) == 1


def test_meeting_reminders_the_evening_before_and_an_hour_before(app, world):
    with app.app_context():
        subscribe(MENTEE, MENTOR)
        starts = london(FRIDAY - timedelta(days=1), time(16))  # Thursday 16:00
        meeting_id = meeting(world.mentorship_id, starts)
        meeting(world.mentorship_id, starts + timedelta(hours=1), status=MeetingStatus.CANCELLED)
        eve = london(FRIDAY - timedelta(days=2), time(18))
        assert plan(eve - timedelta(minutes=1)) == 0
        assert plan(eve) == 2
        bodies = {n.user_id: (n.title, n.body, n.url) for n in outbox("meeting_reminder")}
        url = f"/meetings/{meeting_id}"
        assert bodies == {
            user_id(MENTEE): ("Meeting tomorrow", "With Omar tomorrow at 4 pm.", url),
            user_id(MENTOR): ("Meeting tomorrow", "With Mina tomorrow at 4 pm.", url),
        }
        assert plan(eve + timedelta(minutes=5)) == 0
        assert plan(starts - timedelta(minutes=55)) == 2
        assert {n.title for n in outbox()[2:]} == {"Your meeting starts soon"}
        assert plan(starts - timedelta(minutes=50)) == 0
        assert plan(starts + timedelta(minutes=1)) == 0
        assert len(outbox()) == 4
        assert_no_leak()


def test_a_milestone_waiting_two_days_reminds_each_current_mentor_once(app, world):
    with app.app_context():
        subscribe(MENTOR, "other-mentor@test.example")
        milestone = waiting_milestone(
            world.mentorship_id, membership_id(MENTEE), NOW - timedelta(hours=47)
        )
        assert plan(NOW) == 0
        assert plan(NOW + timedelta(hours=1)) == 1
        [nudge] = outbox()
        assert (nudge.user_id, nudge.kind, nudge.url) == (
            user_id(MENTOR),
            "review_waiting",
            f"/goals/{milestone.goal_id}",
        )
        assert nudge.title == "A milestone is waiting for your review"
        assert nudge.body.startswith("Mina marked a milestone done")
        assert plan(NOW + timedelta(hours=5)) == 0
        assert_no_leak()


def test_a_quiet_pair_tells_the_coordinator_once_per_spell_never_in_a_break(app, world):
    with app.app_context():
        subscribe(COORDINATOR)
        coordinator = user_id(COORDINATOR)
        assert plan(london(date(2026, 2, 25), time(12))) == 0  # W09: a break week
        assert plan(NOW) == 2  # both pairs of the program, never met
        mine = {n.body for n in outbox("pair_quiet") if f":{world.mentorship_id}:" in n.dedupe_key}
        assert mine == {
            "Omar and Mina have not had a meeting in two weeks. A friendly word may help."
        }
        assert {n.user_id for n in outbox()} == {coordinator}
        assert plan(NOW + timedelta(days=1)) == 0  # the same quiet spell
        meeting(world.mentorship_id, NOW - timedelta(hours=2), status=MeetingStatus.HELD)
        assert plan(NOW + timedelta(days=7)) == 0  # met in W11: not quiet in W12
        assert plan(NOW + timedelta(days=14)) == 1  # quiet again in W13: a new spell
        assert outbox()[-1].dedupe_key == f"quiet:{world.mentorship_id}:{coordinator}:{W11}"


def test_people_who_left_and_closed_pairs_are_not_planned_for(app, world):
    with app.app_context():
        subscribe(MENTEE, MENTOR)
        starts = london(FRIDAY - timedelta(days=1), time(16))
        meeting(world.mentorship_id, starts)
        waiting_milestone(world.mentorship_id, membership_id(MENTEE), NOW - timedelta(days=3))
        db.session.get(Membership, membership_id(MENTOR, Role.MENTOR)).left_at = NOW
        db.session.commit()
        assert plan(starts - timedelta(minutes=30)) == 1  # the mentee only; no review nudge
        assert outbox()[0].user_id == user_id(MENTEE)
        db.session.get(Mentorship, world.mentorship_id).status = MentorshipStatus.CLOSED
        db.session.commit()
        assert plan(london(FRIDAY, time(17))) == 0  # no pair, no check-in reminder


def add_pairs(program_id: int, count: int, start: int) -> None:
    """``count`` more pairs, everyone with a device, each with a meeting tomorrow 16:00 and a
    milestone waiting three days."""
    opened = NOW - timedelta(weeks=4)
    for n in range(start, start + count):
        mentor = User(name=f"Mentor {n}", email=f"m{n}@x.example", password_hash="x")
        mentee = User(name=f"Mentee {n}", email=f"e{n}@x.example", password_hash="x")
        roles = [(mentor, Role.MENTOR), (mentee, Role.MENTEE)]
        memberships = [
            Membership(user=user, program_id=program_id, role=role, joined_at=opened)
            for user, role in roles
        ]
        pair = Mentorship(
            program_id=program_id,
            status=MentorshipStatus.ACTIVE,
            created_at=opened,
            members=[MentorshipMember(membership=m) for m in memberships],
        )
        db.session.add_all([mentor, mentee, *memberships, pair])
        db.session.flush()
        meeting(pair.id, london(FRIDAY - timedelta(days=1), time(16)))
        waiting_milestone(pair.id, memberships[1].id, NOW - timedelta(days=3))
        subscribe(mentor.email, mentee.email)


def test_plan_costs_the_same_queries_for_2_and_20_pairs(app, world, query_counter):
    """Only the outbox inserts grow with the number of nudges; every read is one query for
    everyone."""

    def reads(pairs: int, start: int) -> tuple[int, int]:
        with app.app_context():
            db.session.execute(sa.delete(Nudge))
            add_pairs(world.program_id, pairs, start)
            with query_counter as counter:
                queued = plan(london(FRIDAY - timedelta(days=2), time(18)))
            inserts = [s for s in counter.statements if s.lstrip().startswith("INSERT INTO nudges")]
            assert len(inserts) == queued
            first = counter.count - len(inserts)
            with query_counter as again:  # the same counter, started again
                assert plan(london(FRIDAY - timedelta(days=2), time(18, 5))) == 0
            return first, again.count

    with app.app_context():
        subscribe(COORDINATOR)
    small = reads(2, 0)
    large = reads(18, 2)
    assert small == large
    with app.app_context():
        # 20 pairs plus the world's two: meeting reminders, reviews and quiet pairs for each
        assert len(outbox("meeting_reminder")) == 40
        assert len(outbox("review_waiting")) == 20
        assert len(outbox("pair_quiet")) == 22


def test_an_open_survey_asks_each_mentee_and_mentor_once_until_answered(app, world):
    with app.app_context():
        subscribe(MENTEE, MENTOR, COORDINATOR)
        plan(london(date(2026, 3, 15), time(12)))  # the Sunday before: not open yet
        assert outbox("survey_open") == []
        opened = london(date(2026, 3, 16), time(9))  # Monday of W12: the first pulse
        other_mentee = user_id("other-mentee@test.example")
        subscribe("other-mentee@test.example")
        survey = Survey(
            program_id=world.program_id,
            kind=SurveyKind.PULSE,
            number=1,
            opens_on=date(2026, 3, 16),
            closes_on=date(2026, 3, 22),
        )
        db.session.add(survey)
        db.session.flush()
        db.session.add(SurveyResponse(survey_id=survey.id, user_id=other_mentee))  # answered
        db.session.commit()
        plan(opened)
        nudges = outbox("survey_open")
        assert {n.user_id for n in nudges} == {user_id(MENTEE), user_id(MENTOR)}
        for nudge in nudges:
            assert nudge.url == f"/programs/{world.program_id}/survey"
            assert nudge.title == "A one-minute survey is open"
            assert "Sun 22 Mar" in nudge.body
        plan(opened + timedelta(days=2))  # once per survey
        plan(london(date(2026, 3, 23), time(12)))  # closed
        assert len(outbox("survey_open")) == 2
        assert_no_leak()
