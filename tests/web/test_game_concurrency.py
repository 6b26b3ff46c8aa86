"""Fifty people pressing at once: the same award is written once, caps hold, nothing fails.

Each thread has its own app context, so its own session and connection, against the test
database: a SQLite file, or the PostgreSQL server of ``DATABASE_URL`` (``.ci/run`` runs both).
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
import sqlalchemy as sa
from game_support import (  # noqa: F401
    MENTEE,
    MENTOR,
    W11,
    ledger,
    pinned_fixture,
    total,
    totals_match_ledger,
    user_id,
)

import game
from app.extensions import db
from app.gamification import service
from app.models import Goal, PointsAward

THREADS = 50


@pytest.fixture(autouse=True)
def _clock(pinned):
    return pinned


def all_at_once(
    app, work: Callable[[int], game.Event], action: Callable[[], None] | None = None
) -> list[BaseException]:
    """Run ``record(work(n))`` and commit in THREADS threads released together; ``action``:
    what each one writes first, as a service does before it records."""
    start = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def run(n: int) -> None:
        try:
            with app.app_context():
                event = work(n)
                start.wait(timeout=30)
                if action is not None:
                    action()
                service.record(event)
                db.session.commit()
        except BaseException as error:  # noqa: BLE001 - every failure is the test's business
            errors.append(error)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors


def ids(app, world) -> tuple[int, int, int]:
    with app.app_context():
        return user_id(MENTEE), user_id(MENTOR), world.program_id


def test_the_same_check_in_award_at_once_is_written_once(app, world):
    mentee, _, program = ids(app, world)
    errors = all_at_once(app, lambda n: game.CheckIn(mentee, program, W11))
    assert errors == []
    with app.app_context():
        assert ledger(MENTEE) == {f"checkin:{mentee}:{W11}": 10}
        assert total(MENTEE) == 10
        assert totals_match_ledger()


def _meeting_of(world, mentee: int, mentor: int, program: int):
    def meeting(n: int) -> game.Event:
        return game.MeetingHeld(
            meeting_id=1000 + n,
            program_id=program,
            mentorship_id=world.mentorship_id,
            week=W11,
            participant_ids=frozenset({mentee, mentor}),
            mentor_ids=frozenset({mentor}),
        )

    return meeting


def _paid_two_meetings() -> None:
    assert len(ledger(MENTEE)) == game.MEETINGS_PAID_PER_WEEK
    assert total(MENTEE) == game.MEETINGS_PAID_PER_WEEK * game.MEETING_POINTS
    assert ledger(MENTOR) == {}
    assert totals_match_ledger()


def test_fifty_meetings_held_at_once_in_one_week_pay_two(app, world):
    """The weekly cap is read and written under the player's lock."""
    assert all_at_once(app, _meeting_of(world, *ids(app, world))) == []
    with app.app_context():
        _paid_two_meetings()


def test_recordings_after_their_action_wrote_still_pay_two(app, world):
    """Each transaction writes before it records (as a service's action does): on SQLite it then
    holds the database's write lock, and the recording sends no lock of its own; the cap still
    holds."""
    mentee, mentor, program = ids(app, world)

    def action() -> None:  # a write that no other thread waits on row by row
        db.session.execute(sa.update(Goal).where(Goal.id == -1).values(title="nothing"))

    assert all_at_once(app, _meeting_of(world, mentee, mentor, program), action) == []
    with app.app_context():
        _paid_two_meetings()


def test_fifty_milestones_of_one_goal_confirmed_at_once_pay_six(app, world):
    mentee, mentor, program = ids(app, world)

    def milestone(n: int) -> game.Event:
        return game.MilestoneConfirmed(
            milestone_id=2000 + n,
            goal_id=77,
            program_id=program,
            mentee_id=mentee,
            confirmed_by=mentor,
            mentorship_mentor_ids=frozenset({mentor}),
        )

    assert all_at_once(app, milestone) == []
    with app.app_context():
        paid = db.session.scalar(
            sa.select(sa.func.count(PointsAward.id)).where(PointsAward.goal_id == 77)
        )
        assert paid == game.MILESTONES_PAID_PER_GOAL
        assert total(MENTEE) == game.MILESTONES_PAID_PER_GOAL * game.MILESTONE_POINTS
        assert totals_match_ledger()
