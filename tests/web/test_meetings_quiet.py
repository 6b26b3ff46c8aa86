"""The coordinator's quiet pairs follow the program calendar: break weeks are skipped and a
pair's periods start when it was matched (the clock is pinned: the program starts in week 7,
week 9 is its break, "now" is Wednesday of week 11)."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
import sqlalchemy as sa
from game_support import W08, W10, W11, pinned_fixture  # noqa: F401
from meetings_support import add_meeting

from app.extensions import db
from app.meetings.queries import meeting_aggregate
from app.models import BreakWeek, MeetingStatus, Mentorship
from game.weeks import WeekKey


def _noon(week: WeekKey, days: int = 2) -> datetime:
    return datetime.combine(week.monday() + timedelta(days=days), time(12), UTC)


def _quiet(world, now: datetime) -> list[int]:
    db.session.expire_all()
    return [m.id for m in meeting_aggregate(world.program_id, now).quiet_pairs]


@pytest.fixture(autouse=True)
def _clock(pinned):
    return pinned  # pinned before the world is built, so its weeks are always the same


@pytest.fixture
def met_before_the_break(app, world, pinned):
    """Both pairs last met in week 8; the program's break is week 9 (a second week is added
    by the tests that want a two-week break)."""
    with app.app_context():
        for mentorship_id in (world.mentorship_id, world.other_mentorship_id):
            add_meeting(mentorship_id, _noon(W08), MeetingStatus.HELD)
    return pinned(W11)


def test_a_pair_that_met_before_a_two_week_break_is_not_quiet(app, world, met_before_the_break):
    with app.app_context():
        db.session.add(BreakWeek(program_id=world.program_id, monday=W10.monday()))
        db.session.commit()
        assert _quiet(world, met_before_the_break) == []


def test_without_a_break_the_same_pairs_are_quiet(app, world, met_before_the_break):
    with app.app_context():
        db.session.execute(sa.delete(BreakWeek))
        db.session.commit()
        assert _quiet(world, met_before_the_break) == [
            world.mentorship_id,
            world.other_mentorship_id,
        ]


def test_the_coordinator_page_leaves_pairs_on_a_break_out(app, world, login, met_before_the_break):
    with app.app_context():
        db.session.add(BreakWeek(program_id=world.program_id, monday=W10.monday()))
        db.session.commit()
    page = login("coordinator").get("/").get_data(as_text=True)
    card = page.split('id="program-meetings-heading"', 1)[1].split("</section>", 1)[0]
    assert "Pairs not met in two weeks</dt><dd>0<" in card
    assert "Omar Mentor with" not in card and "Olga Othermentor with" not in card


@pytest.mark.parametrize(("matched", "quiet"), [(W11, False), (W10, True)])
def test_periods_count_from_when_the_pair_was_matched(app, world, pinned, matched, quiet):
    """Never met: matched this week it is not quiet yet; matched last week it is."""
    now = pinned(W11)
    with app.app_context():
        for mentorship_id in (world.mentorship_id, world.other_mentorship_id):
            db.session.get(Mentorship, mentorship_id).created_at = _noon(matched, days=0)
        db.session.commit()
        expected = [world.mentorship_id, world.other_mentorship_id] if quiet else []
        assert _quiet(world, now) == expected
