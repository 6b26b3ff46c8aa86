"""A mentor repairs a mentee's streak: one missed week of the last 14 days, once per program,
with a reason; the week then neither counts nor breaks the streak."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time

import pytest
import sqlalchemy as sa
from game_support import (
    W07,
    W08,
    W11,
    W12,
    check_in,
    fact,
    membership_id,
    pinned_fixture,  # noqa: F401
)
from web_support import field_error, snapshot

from app.extensions import db
from app.models import Membership, StreakRepair

REASON = "Off sick with flu all week."


def repair(world, week: str, reason: str = REASON) -> dict:
    prefix = f"repair-{world.mentorship_id}-"
    return {f"{prefix}week": week, f"{prefix}reason": reason}


@pytest.fixture(autouse=True)
def _clock(pinned):
    return pinned


@pytest.fixture
def missed_week_10(app, world, new_client, pinned) -> str:
    """Checked in weeks 7 and 8; week 9 is a break; week 10 missed; now week 11."""
    mentee = new_client("mentee")
    for week in (W07, W08):
        pinned(week)
        check_in(mentee)
    pinned(W11)
    with app.app_context():
        return f"{membership_id('mentee@test.example')}:2026-W10"


def test_the_mentor_sees_the_missed_week_and_repairs_it(app, world, new_client, missed_week_10):
    mentor = new_client("own_mentor")
    url = f"/mentorships/{world.mentorship_id}/streak-repair"
    more = mentor.htmx("GET", f"/mentorships/{world.mentorship_id}/game").get_data(as_text=True)
    assert f'hx-get="{url}"' in more and "<option" not in more  # the form waits for a tap
    form = mentor.htmx("GET", url).get_data(as_text=True)
    assert "<summary>Repair a streak</summary>" in form and "<html" not in form
    assert re.search(rf'<option value="{missed_week_10}">Week of Mon 02 Mar</option>', form)
    tokens_before = new_client("mentee").get("/me/progress").get_data(as_text=True)
    assert fact(tokens_before, "Freeze tokens") == "0 of 2"  # spent on week 10
    response = mentor.htmx("POST", url, repair(world, missed_week_10))
    assert response.status_code == 200
    assert "streak is repaired" in response.headers["HX-Trigger"]
    assert "<summary>Repair a streak</summary>" not in response.get_data(as_text=True)
    with app.app_context():
        row = db.session.scalar(sa.select(StreakRepair))
        assert (row.week_key, row.reason) == ("2026-W10", REASON)
    progress = new_client("mentee").get("/me/progress").get_data(as_text=True)
    assert fact(progress, "Freeze tokens") == "1 of 2"  # the week is neutral now
    assert fact(progress, "This streak") == "2 weeks"


def test_the_mentee_reads_the_reason_the_mentor_gave(app, world, new_client, missed_week_10):
    mentor = new_client("own_mentor")
    before = new_client("mentee").get("/me/progress").get_data(as_text=True)
    assert "repaired the week" not in before
    url = f"/mentorships/{world.mentorship_id}/streak-repair"
    assert mentor.submit(url, repair(world, missed_week_10)).status_code == 303
    progress = new_client("mentee").get("/me/progress").get_data(as_text=True)
    assert f"<blockquote>{REASON}</blockquote>" in progress
    assert re.search(r"<figcaption>\w+ \w+ repaired the week of Mon 02 Mar", progress)


def test_only_once_per_program(app, world, new_client, missed_week_10, pinned):
    mentor = new_client("own_mentor")
    url = f"/mentorships/{world.mentorship_id}/streak-repair"
    assert mentor.submit(url, repair(world, missed_week_10)).status_code == 303
    before = snapshot(app)
    again = mentor.htmx("POST", url, repair(world, missed_week_10))
    assert again.status_code == 422
    assert field_error(again.get_data(as_text=True), f"repair-{world.mentorship_id}-week") == (
        "Pick one of the weeks offered."
    )
    pinned(W12)  # week 11 missed too: still nothing to offer, the repair is used
    assert "Repair a streak" not in mentor.get(f"/mentorships/{world.mentorship_id}/game").get_data(
        as_text=True
    )
    assert snapshot(app) == before


def test_a_week_older_than_14_days_is_not_offered(app, world, new_client, missed_week_10, pinned):
    pinned(W12, days=8)  # Tue of week 13: week 10 ended 16 days ago
    mentor = new_client("own_mentor")
    form = mentor.get(f"/mentorships/{world.mentorship_id}/streak-repair").get_data(as_text=True)
    assert "Repair a streak" in form and ">Week of Mon 02 Mar</option>" not in form
    response = mentor.htmx(
        "POST", f"/mentorships/{world.mentorship_id}/streak-repair", repair(world, missed_week_10)
    )
    assert response.status_code == 422


def test_a_reason_is_needed(app, world, new_client, missed_week_10):
    mentor = new_client("own_mentor")
    before = snapshot(app)
    response = mentor.htmx(
        "POST",
        f"/mentorships/{world.mentorship_id}/streak-repair",
        repair(world, missed_week_10, " "),
    )
    assert response.status_code == 422
    assert field_error(response.get_data(as_text=True), f"repair-{world.mentorship_id}-reason") == (
        "Say why, in a few words: an illness, a school trip…"
    )
    assert snapshot(app) == before


def test_only_the_mentorships_mentor_may_repair(app, world, new_client, missed_week_10):
    url = f"/mentorships/{world.mentorship_id}/streak-repair"
    for role in ("mentee", "other_mentor", "coordinator", "other_coordinator"):
        assert new_client(role).submit(url, repair(world, missed_week_10)).status_code == 404
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(StreakRepair.id))) == 0


@pytest.mark.parametrize("week", ["junk", "1:2026-W99", "99999999999:2026-W10", ""])
def test_junk_weeks_are_refused_not_crashed(app, world, new_client, missed_week_10, week):
    response = new_client("own_mentor").htmx(
        "POST", f"/mentorships/{world.mentorship_id}/streak-repair", repair(world, week)
    )
    assert response.status_code == 422


def test_a_week_before_the_mentee_joined_is_not_theirs_to_repair(app, world, new_client, pinned):
    """Joined in week 11: week 10 was never a miss, so it is neither offered nor accepted."""
    with app.app_context():
        member = db.session.get(Membership, membership_id("mentee@test.example"))
        member.joined_at = datetime.combine(W11.monday(), time(9), UTC)
        db.session.commit()
        week_10 = f"{member.id}:2026-W10"
    pinned(W11)
    mentor = new_client("own_mentor")
    assert "Repair a streak" not in mentor.get(f"/mentorships/{world.mentorship_id}/game").get_data(
        as_text=True
    )
    url = f"/mentorships/{world.mentorship_id}/streak-repair"
    assert mentor.htmx("POST", url, repair(world, week_10)).status_code == 422
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(StreakRepair.id))) == 0
