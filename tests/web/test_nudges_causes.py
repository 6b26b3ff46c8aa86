"""Nudges written with their causes: one row per cause, to the right person, with lock-screen
words that carry nothing anyone wrote, and none when the cause is rolled back."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from game_support import (
    MENTEE,
    MENTOR,
    NOW,
    membership_id,
    mentee_submits,
    pinned_fixture,  # noqa: F401
    user_id,
)
from nudges_support import SECRET, assert_no_leak, outbox

from app import clock
from app.checkins.service import acknowledge, request_help
from app.extensions import db
from app.gamification.service import give_kudos, kudos_month
from app.goals.service import add_milestone, confirm_milestone, create_goal, submit_milestone
from app.models import BadgeEarned, CheckIn, Membership, Mentorship, Role, User
from app.notices import service as notices
from app.pairing.service import end_mentorship


@pytest.fixture(autouse=True)
def _clock(pinned):
    return pinned


def mentee_checks_in(mood: int = 2, wants_help: bool = True) -> CheckIn:
    mentee_submits(mood, progress_note=SECRET, blocker=SECRET, wants_help=wants_help)
    return db.session.scalars(sa.select(CheckIn)).one()


def test_a_help_request_tells_each_mentor_once_per_request(app, world):
    with app.app_context():
        checkin = mentee_checks_in()
        [nudge] = outbox("help_requested")
        assert (nudge.user_id, nudge.url) == (
            user_id(MENTOR),
            f"/mentorships/{world.mentorship_id}/checkins",
        )
        assert (nudge.title, nudge.body) == (
            "Mina asked for help",
            "Open Waypoint to see how you can help.",
        )
        mentee_checks_in()  # the same answers again: nothing changed
        request_help(membership_id(MENTEE), db.session.get(User, user_id(MENTEE)).week_zones)
        assert len(outbox("help_requested")) == 1
        acknowledge(db.session.get(CheckIn, checkin.id), user_id(MENTOR), "")
        clock.set_now(NOW + timedelta(hours=1))  # a request is named by when it was made
        mentee_checks_in(mood=3)  # changed, help still asked: back on the mentor's list
        assert len(outbox("help_requested")) == 2
        assert_no_leak()


def test_a_checkin_without_help_tells_nobody(app, world):
    with app.app_context():
        mentee_checks_in(mood=4, wants_help=False)
        assert outbox("help_requested") == []


def test_the_mentor_seeing_and_replying_tells_the_mentee(app, world):
    with app.app_context():
        checkin = mentee_checks_in(wants_help=False)
        acknowledge(checkin, user_id(MENTOR), "")
        acknowledge(db.session.get(CheckIn, checkin.id), user_id(MENTOR), "")  # a second tap
        [seen] = outbox("mentor_replied")
        assert (seen.user_id, seen.title, seen.body) == (
            user_id(MENTEE),
            "Your mentor saw your check-in",
            "Omar has read your check-in.",
        )
        assert seen.url == f"/mentorships/{world.mentorship_id}/checkins"
        acknowledge(db.session.get(CheckIn, checkin.id), user_id(MENTOR), f"Reply {SECRET}")
        acknowledge(db.session.get(CheckIn, checkin.id), user_id(MENTOR), f"Again {SECRET}")
        replies = outbox("mentor_replied")
        assert [(n.title, n.body) for n in replies[1:]] == [
            ("Your mentor replied", "Omar replied to your check-in.")
        ]
        assert_no_leak()


def test_a_milestone_submitted_and_confirmed(app, world):
    with app.app_context():
        mentorship = db.session.get(Mentorship, world.mentorship_id)
        owner = db.session.get(Membership, membership_id(MENTEE))
        goal, _ = create_goal(
            mentorship,
            owner,
            title=f"Goal {SECRET}",
            measure=SECRET,
            target_date=date(2026, 6, 1),
            why=SECRET,
        )
        milestone, _ = add_milestone(goal, user_id(MENTEE), title=SECRET, due_on=None)
        goal_id = goal.id
        assert submit_milestone(milestone, user_id(MENTEE), f"Done {SECRET}") is not None
        assert submit_milestone(milestone, user_id(MENTEE), "again") is None
        [review] = outbox("review_waiting")
        assert (review.user_id, review.url, review.title) == (
            user_id(MENTOR),
            f"/goals/{goal_id}",
            "A milestone is waiting for your review",
        )
        assert review.body.startswith("Mina marked a milestone done.")
        assert confirm_milestone(milestone, user_id(MENTOR), SECRET) is not None
        assert confirm_milestone(milestone, user_id(MENTOR), SECRET) is None
        [confirmed] = outbox("milestone_confirmed")
        assert (confirmed.user_id, confirmed.url, confirmed.body) == (
            user_id(MENTEE),
            f"/goals/{goal_id}",
            "Omar confirmed one of your milestones. Well done!",
        )
        badges = outbox("badge_earned")  # Milestone Maker and Goal Getter: one nudge each
        awards = db.session.scalars(sa.select(BadgeEarned)).all()
        assert len(badges) == len(awards) >= 2
        assert {(n.user_id, n.url) for n in badges} == {(user_id(MENTEE), "/me/progress")}
        assert all(n.title == "You earned a badge" for n in badges)
        assert_no_leak()


def test_kudos_tell_the_mentee_who_sent_them_never_the_note(app, world):
    with app.app_context():
        mentorship = db.session.get(Mentorship, world.mentorship_id)
        give_kudos(
            mentorship,
            user_id(MENTOR),
            user_id(MENTEE),
            kudos_month("Europe/London"),
            f"Great {SECRET}",
        )
        [kudos] = outbox("kudos")
        assert (kudos.user_id, kudos.title, kudos.body, kudos.url) == (
            user_id(MENTEE),
            "You got kudos",
            "Omar sent you kudos. Open Waypoint to read it.",
            "/",
        )
        assert_no_leak()


def test_notices_become_program_news_and_a_rollback_takes_the_nudge_too(app, world):
    with app.app_context():
        notices.tell(user_id(MENTEE), world.program_id, "matched", f"You have {SECRET}")
        db.session.rollback()
        assert outbox() == []
        end_mentorship(
            db.session.get(Mentorship, world.mentorship_id),
            db.session.get(User, user_id("coordinator@test.example")),
            f"Reason {SECRET}",
        )
        news = outbox("program_news")
        assert {n.user_id for n in news} == {user_id(MENTEE), user_id(MENTOR)}
        assert {(n.title, n.url) for n in news} == {("News from your program", "/")}
        assert all("changed" in n.body for n in news)
        assert_no_leak()


def test_nudges_go_to_current_mentors_only(app, world):
    with app.app_context():
        db.session.get(Membership, membership_id(MENTOR, Role.MENTOR)).left_at = NOW
        db.session.commit()
        mentee_checks_in()
        assert outbox("help_requested") == []
