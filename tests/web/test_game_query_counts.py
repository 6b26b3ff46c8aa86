"""The work of an award does not grow with the ledger, and the game's pages cost the same with
one item as with fifty."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from game_support import (
    MENTEE,
    MENTOR,
    NOW,
    W11,
    add_mentee,
    check_in,
    everyone_on_the_leaderboard,
    pinned_fixture,  # noqa: F401
    user_id,
)
from web_support import log_in

import game
from app.extensions import db
from app.gamification import service
from app.models import (
    BadgeEarned,
    Kudos,
    Membership,
    MentorshipMember,
    PointsAward,
    Program,
    User,
)

CHUNK = 10_000


@pytest.fixture(autouse=True)
def _clock(pinned):
    return pinned


def fill_ledger(app, world, rows: int) -> None:
    """``rows`` awards of the mentee (other weeks, other reasons), inserted in chunks."""
    with app.app_context():
        mentee, program = user_id(MENTEE), world.program_id
        reasons = [
            reason.value for reason in game.Reason if reason is not game.Reason.MILESTONE_SENT_BACK
        ]
        for start in range(0, rows, CHUNK):
            db.session.execute(
                sa.insert(PointsAward),
                [
                    {
                        "key": f"filler:{n}",
                        "user_id": mentee,
                        "program_id": program,
                        "amount": 10,
                        "reason": reasons[n % len(reasons)],
                        "week_key": f"20{10 + n % 15}-W{1 + n % 52:02d}",
                        "goal_id": 1000 + n % 500,  # not the goal the tests confirm in
                        "created_at": NOW - timedelta(minutes=n),
                    }
                    for n in range(start, min(rows, start + CHUNK))
                ],
            )
        db.session.commit()


def queries_to_record(app, world, query_counter, event_for) -> int:
    with app.app_context():
        event = event_for(user_id(MENTEE), world.program_id, world.mentorship_id)
        with query_counter as counter:
            service.record(event)
        db.session.commit()
    return counter.count


EVENTS = {
    "check-in": lambda mentee, program, _: game.CheckIn(mentee, program, W11),
    "meeting": lambda mentee, program, mentorship: game.MeetingHeld(
        9, program, mentorship, W11, frozenset({mentee}), frozenset()
    ),
}


@pytest.mark.parametrize("kind", sorted(EVENTS))
def test_recording_costs_the_same_with_10_and_100_000_rows_in_the_ledger(
    app, world, query_counter, kind
):
    fill_ledger(app, world, 10)
    small = queries_to_record(app, world, query_counter, EVENTS[kind])
    with app.app_context():
        db.session.execute(sa.delete(PointsAward))
        db.session.execute(sa.delete(BadgeEarned))
        db.session.commit()
    fill_ledger(app, world, 100_000)
    large = queries_to_record(app, world, query_counter, EVENTS[kind])
    assert small == large
    print(f"{kind}: {small} queries with 10 and with 100,000 ledger rows")


def test_a_milestone_confirmation_costs_the_same_with_a_big_ledger(app, world, query_counter):
    def confirm(mentee: int, program: int, _: int) -> game.Event:
        mentor = user_id(MENTOR)
        return game.MilestoneConfirmed(5, 7, program, mentee, mentor, frozenset({mentor}))

    fill_ledger(app, world, 10)
    small = queries_to_record(app, world, query_counter, confirm)
    with app.app_context():
        db.session.execute(sa.delete(PointsAward))
        db.session.commit()
    fill_ledger(app, world, 100_000)
    large = queries_to_record(app, world, query_counter, confirm)
    assert small == large


def _progress_queries(client, query_counter) -> int:
    with query_counter as counter:
        assert client.get("/me/progress").status_code == 200
    return counter.count


def test_the_profile_costs_the_same_with_1_and_50_history_lines_and_badges(
    app, world, login, query_counter
):
    client = login("mentee")
    check_in(client)
    one = _progress_queries(client, query_counter)
    fill_ledger(app, world, 50)
    with app.app_context():
        mentee = user_id(MENTEE)
        db.session.add_all(
            BadgeEarned(
                user_id=mentee,
                program_id=world.program_id,
                badge_id=f"old_{n}",
                tier=1,
                rule_version=1,
                subject="user",
            )
            for n in range(50)
        )
        db.session.commit()
    assert _progress_queries(client, query_counter) == one


def test_the_mentor_home_costs_the_same_with_1_and_12_mentees(
    app, world, new_client, query_counter
):
    mentor = new_client("own_mentor")
    mentee = new_client("mentee")
    check_in(mentee)
    with query_counter as counter:
        mentor.get("/")
    one = counter.count
    with app.app_context():
        for n in range(11):
            add_mentee(world.mentorship_id, f"Group Mentee{n}", f"group-{n}@test.example")
    for n in range(11):
        other = new_client()
        log_in(other, f"group-{n}@test.example")
        check_in(other)
    with query_counter as counter:
        page = mentor.get("/").get_data(as_text=True)
    assert counter.count == one
    assert page.count('class="mentee-card') == 1 and 'class="game-mentee"' not in page
    url = f"/mentorships/{world.mentorship_id}/game"  # what "More" loads
    with query_counter as counter:
        more = mentor.htmx("GET", url).get_data(as_text=True)
    assert more.count('class="game-mentee"') == 12
    twelve = counter.count
    with app.app_context():
        db.session.execute(
            sa.delete(MentorshipMember).where(
                MentorshipMember.mentorship_id == world.mentorship_id,
                MentorshipMember.membership_id.in_(
                    sa.select(Membership.id)
                    .join(User)
                    .where(User.email.like("group-%"))
                    .scalar_subquery()
                ),
            )
        )
        db.session.commit()
    with query_counter as counter:
        assert mentor.htmx("GET", url).get_data(as_text=True).count('class="game-mentee"') == 1
    assert counter.count == twelve


def test_the_leaderboard_costs_the_same_with_1_and_50_people(app, world, login, query_counter):
    with app.app_context():
        db.session.get(Program, world.program_id).leaderboard_enabled = True
        everyone_on_the_leaderboard()
        db.session.commit()
    client = login("mentee")
    url = f"/programs/{world.program_id}/leaderboard"
    with query_counter as counter:
        client.get(url)
    one = counter.count
    with app.app_context():
        for n in range(50):
            add_mentee(world.mentorship_id, f"Person{n} Surname", f"p{n}@test.example")
        everyone_on_the_leaderboard()
        db.session.commit()
    with query_counter as counter:
        page = client.get(url).get_data(as_text=True)
    assert counter.count == one <= 10  # BEGIN and the layout's own statements included
    assert "Showing 1–25 of" in page and "Person0" in page and "Surname" not in page


def test_the_mentee_home_costs_the_same_with_1_and_50_kudos(app, world, login, query_counter):
    client = login("mentee")
    check_in(client)
    with app.app_context():
        mentee, mentor = user_id(MENTEE), user_id(MENTOR)
        db.session.add(
            Kudos(
                key=game.kudos_key(world.program_id, mentee, "2026-03"),
                mentorship_id=world.mentorship_id,
                mentor_id=mentor,
                mentee_id=mentee,
                month="2026-03",
                note="Well done",
            )
        )
        db.session.commit()
    with query_counter as counter:
        client.get("/")
    one = counter.count
    with app.app_context():
        db.session.add_all(
            Kudos(
                key=game.kudos_key(world.program_id, mentee, f"20{n // 12 + 10}-{n % 12 + 1:02d}"),
                mentorship_id=world.mentorship_id,
                mentor_id=mentor,
                mentee_id=mentee,
                month=f"20{n // 12 + 10}-{n % 12 + 1:02d}",
                note=f"Note {n}",
            )
            for n in range(49)
        )
        db.session.commit()
    with query_counter as counter:
        client.get("/")
    assert counter.count == one
