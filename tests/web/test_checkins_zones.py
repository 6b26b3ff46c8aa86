"""A change of time zone counts for check-ins from the person's next week on: hopping across the
date line (Pago Pago, UTC-11, and Kiritimati, UTC+14) never gives two weeks on the same day,
nor reopens a week that is over."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from game_support import MENTEE, check_in, ledger, pinned_fixture, user_id  # noqa: F401

from app import clock
from app.extensions import db
from app.models import CheckIn, User


@pytest.fixture(autouse=True)
def _clock(pinned):
    return pinned


def move_to(client, zone: str) -> None:
    response = client.submit("/account", {"name": "Mina Mentee", "time_zone": zone})
    assert response.status_code == 303


def weeks_checked_in(app) -> list[str]:
    with app.app_context():
        return sorted(db.session.scalars(sa.select(CheckIn.week_key)))


def test_moving_to_kiritimati_on_sunday_evening_waits_for_the_next_week(app, login):
    client = login("mentee")
    clock.set_now(datetime(2026, 3, 2, 12, 0, tzinfo=UTC))
    move_to(client, "Pacific/Pago_Pago")  # it decides from week 11 on
    clock.set_now(datetime(2026, 3, 16, 7, 0, tzinfo=UTC))  # Sun 15 Mar, 20:00 in Pago Pago
    assert check_in(client).status_code == 200
    move_to(client, "Pacific/Kiritimati")  # already Mon 16 Mar, 21:00 there
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == MENTEE))
        assert (user.time_zone, user.previous_zone, user.zone_from_week) == (
            "Pacific/Kiritimati",
            "Pacific/Pago_Pago",
            "2026-W12",
        )
    check_in(client, mood=5)  # the same week, changed: no second week on the same day
    assert weeks_checked_in(app) == ["2026-W11"]
    with app.app_context():
        assert ledger(MENTEE) == {f"checkin:{user_id(MENTEE)}:2026-W11": 10}
    clock.set_now(datetime(2026, 3, 16, 11, 30, tzinfo=UTC))  # Monday 00:30 in Pago Pago
    check_in(client)
    assert weeks_checked_in(app) == ["2026-W11", "2026-W12"]


def test_moving_back_across_the_date_line_never_reopens_a_week(app, login):
    client = login("mentee")
    clock.set_now(datetime(2026, 3, 2, 12, 0, tzinfo=UTC))
    move_to(client, "Pacific/Kiritimati")
    clock.set_now(datetime(2026, 3, 15, 17, 0, tzinfo=UTC))  # Mon 16 Mar, 07:00 in Kiritimati
    check_in(client)
    move_to(client, "Pacific/Pago_Pago")  # Sun 15 Mar, 06:00 there: week 11, not checked in
    check_in(client, mood=2)
    assert weeks_checked_in(app) == ["2026-W12"]
    home = client.get("/").get_data(as_text=True)
    assert "Checked in ✓ this week" in home


def test_the_account_page_says_when_a_new_zone_counts(login):
    page = login("mentee").get("/account").get_data(as_text=True)
    assert "A new zone counts for your check-ins from your next week on." in page


def test_the_rebuild_reads_the_week_through_the_same_zone_rule(app, login, runner):
    """After a hop across the date line the replayed streak agrees with the recorded awards."""
    client = login("mentee")
    clock.set_now(datetime(2026, 3, 2, 12, 0, tzinfo=UTC))
    check_in(client)
    move_to(client, "Pacific/Kiritimati")
    clock.set_now(datetime(2026, 3, 8, 11, 0, tzinfo=UTC))  # Sun 8 Mar, Mon 9 Mar 01:00 there
    assert check_in(client).status_code == 200
    result = runner.invoke(args=["game", "rebuild"])
    assert result.exit_code == 0, result.output
