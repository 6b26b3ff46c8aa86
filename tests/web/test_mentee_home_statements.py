"""The mentee's home, the page a mentee opens most, sends at most ``BUDGET`` SQL statements
(``BEGIN`` and the person's own included) with something in every card, and no more once the
mentee has many more goals, meetings, action items, weeks of check-ins, kudos and notices.

The shared budget test (test_statement_budget.py) still lets ``home.index`` through while the
other homes are over it; this one holds the mentee's home to it.
"""

from __future__ import annotations

from datetime import date, timedelta

from checkins_support import add_checkin, membership_id, user_id
from game_support import pinned_fixture  # noqa: F401
from goals_support import add_goal
from meetings_support import add_actions, add_meeting

import game
from app import clock
from app.extensions import db
from app.models import (
    Certificate,
    Kudos,
    MeetingStatus,
    MilestoneStatus,
    Notice,
    Role,
    StreakRepair,
)
from game.weeks import WeekKey

BUDGET = 8
MENTEE = "mentee@test.example"
MENTOR = "mentor@test.example"
W = {n: WeekKey(2026, n) for n in range(7, 21)}  # the world's program starts in week 7


def _home(app, client, query_counter) -> tuple[list[str], str]:
    """The home page and the statements it sent; on PostgreSQL psycopg sends ``BEGIN`` unseen
    by SQLAlchemy, so it is counted as the budget test counts it."""
    client.get("/")  # the first request of a client loads its session
    with query_counter as counted:
        response = client.get("/")
    assert response.status_code == 200
    sent = list(counted.statements)
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            sent.insert(0, "BEGIN")
    return sent, response.get_data(as_text=True)


def _listed(statements: list[str]) -> str:
    return "\n".join(f"    {' '.join(sql.split())[:160]}" for sql in statements)


def _more(world, round_: int, weeks: list[WeekKey]) -> None:
    """A round of everything the home lists: goals in every state, held and planned meetings
    with action items, kudos and notices, and check-ins for ``weeks``."""
    mentee, mentor, now = user_id(MENTEE), user_id(MENTOR), clock.utcnow()
    for n in range(round_ * 3, round_ * 3 + 3):
        add_goal(
            world.mentorship_id,
            title=f"Goal {n}",
            milestones=(MilestoneStatus.CONFIRMED, MilestoneStatus.WAITING, MilestoneStatus.OPEN),
        )
        add_meeting(world.mentorship_id, now - timedelta(days=20 + n), MeetingStatus.HELD)
        planned = add_meeting(
            world.mentorship_id, now + timedelta(days=2 + n), location=f"Room {n}"
        )
        add_actions(planned, 2, MENTEE, text=f"Task {n}")
        month = f"20{10 + n // 12}-{n % 12 + 1:02d}"
        db.session.add_all(
            [
                Kudos(
                    mentorship_id=world.mentorship_id,
                    mentor_id=mentor,
                    mentee_id=mentee,
                    month=month,
                    key=game.kudos_key(world.program_id, mentee, month),
                    note=f"Well done {n}",
                    created_at=now - timedelta(days=30 - n),
                ),
                Notice(
                    user_id=mentee,
                    program_id=world.program_id,
                    kind="news",
                    text=f"News {n}",
                    created_at=now - timedelta(days=30 - n),
                ),
            ]
        )
    db.session.commit()
    for week in weeks:
        add_checkin(membership_id(MENTEE), week, mood=4)


def test_the_mentee_home_fits_the_budget_with_every_card_full_and_stays_there(
    pinned, app, world, login, query_counter
):
    """Week 11 (the world's break week is week 9): checked in, the mentor replied; week 10
    repaired by the mentor. Then weeks 12 to 19 and three rounds more of everything."""
    with app.app_context():
        mentee, member = user_id(MENTEE), membership_id(MENTEE)
        _more(world, 0, [W[7], W[8]])
        add_checkin(
            member,
            W[11],
            mood=5,
            reply="Proud of you",
            acknowledged_at=clock.utcnow(),
            acknowledged_by_id=user_id(MENTOR),
        )
        db.session.add_all(
            [
                StreakRepair(
                    membership_id=member,
                    week_key=str(W[10]),
                    mentor_id=user_id(MENTOR),
                    reason="Ill that week",
                ),
                Certificate(
                    program_id=world.program_id,
                    user_id=mentee,
                    role=Role.MENTEE,
                    name="Mina Mentee",
                    program_name="Last year's mentoring",
                    starts_on=date(2025, 2, 1),
                    ends_on=date(2025, 7, 1),
                ),
            ]
        )
        db.session.commit()
    client = login("mentee")
    first, page = _home(app, client, query_counter)
    assert len(first) <= BUDGET, f"{len(first)} statements:\n{_listed(first)}"
    for shown in (
        "Goal 0",  # goals
        "Room 0",  # the next meeting
        "Task 0",  # the mentee's action items
        "Well done 2",  # the latest kudos
        "News 2",  # notices
        "Last year&#39;s mentoring",  # certificates
        "Proud of you",  # this week's check-in, with the mentor's reply
        "3-week streak. This week is in",  # counted weeks, a break week, a repaired one
    ):
        assert shown in page, shown

    pinned(W[20])
    with app.app_context():
        for round_ in (1, 2, 3):
            _more(world, round_, [W[n] for n in range(9 + round_ * 3, 12 + round_ * 3) if n < 20])
    later, page = _home(app, client, query_counter)
    assert "Goal 11" in page and "Task 11" in page and "News 11" in page
    assert "Check in this week to grow it" in page  # the weeks up to 19 counted
    assert len(later) == len(first), f"{len(later)} statements:\n{_listed(later)}"
