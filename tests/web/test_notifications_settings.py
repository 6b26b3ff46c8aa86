"""The notifications page: the switches a person's roles call for, quiet hours in their own
zone, saved with one form; the switch for this device needs the server's push key."""

from __future__ import annotations

import re
from datetime import time

import pytest
from notifications_support import browser_subscription, subscribe, user_id
from static_support import static_url
from web_support import field_error, shown

from app.extensions import db
from app.models import NotificationSettings
from app.push.vapid import generate_keys
from game.nudges import NudgeKind


def offered(page: str) -> set[str]:
    return set(re.findall(r'<input type="checkbox" name="kinds" value="([a-z_]+)"', page))


def ticked(page: str) -> set[str]:
    return set(re.findall(r'name="kinds" value="([a-z_]+)" checked', page))


def test_each_role_gets_the_switches_of_its_kinds(login, new_client) -> None:
    mentee = offered(new_client("mentee").get("/notifications").get_data(as_text=True))
    mentor = offered(new_client("own_mentor").get("/notifications").get_data(as_text=True))
    coordinator = offered(new_client("coordinator").get("/notifications").get_data(as_text=True))
    assert {"mentor_replied", "checkin_reminder", "kudos", "program_news"} <= mentee
    assert not mentee & {"help_requested", "review_waiting", "pair_quiet"}
    assert {"help_requested", "review_waiting", "meeting_reminder"} <= mentor
    assert not mentor & {"kudos", "checkin_reminder", "pair_quiet"}
    assert coordinator == {"pair_quiet", "program_news"}
    assert NudgeKind.TEST.value not in mentee | mentor | coordinator


def test_defaults_are_everything_on_and_quiet_from_nine_to_eight(new_client) -> None:
    page = new_client("mentee").get("/notifications").get_data(as_text=True)
    assert ticked(page) == offered(page)
    assert re.search(r'name="quiet_start" [^>]*type="time" value="21:00"', page)
    assert re.search(r'name="quiet_end" [^>]*type="time" value="08:00"', page)
    assert "In your time zone (Europe/London)" in page
    assert "Mentee asks" not in page and shown("Your mentor replied") in page


def test_saving_mutes_the_unticked_kinds_and_sets_quiet_hours(app, world, new_client) -> None:
    client = new_client("mentee")
    page = client.get("/notifications").get_data(as_text=True)
    keep = sorted(offered(page) - {"kudos", "badge_earned"})
    response = client.submit(
        "/notifications", {"kinds": keep, "quiet_start": "22:30", "quiet_end": "07:15"}
    )
    assert response.status_code == 303 and response.location == "/notifications"
    with app.app_context():
        row = db.session.get(NotificationSettings, user_id(app, world.email("mentee")))
        assert row.muted_kinds == ["badge_earned", "kudos"]
        assert (row.quiet_start, row.quiet_end) == (time(22, 30), time(7, 15))
    page = client.get("/notifications").get_data(as_text=True)
    assert ticked(page) == set(keep)
    assert 'value="22:30"' in page and 'value="07:15"' in page
    assert "Saved." in page


def test_nothing_ticked_mutes_every_kind_offered(app, world, new_client) -> None:
    client = new_client("coordinator")
    response = client.submit("/notifications", {"quiet_start": "21:00", "quiet_end": "08:00"})
    assert response.status_code == 303
    with app.app_context():
        row = db.session.get(NotificationSettings, user_id(app, world.email("coordinator")))
        assert row.muted_kinds == ["pair_quiet", "program_news"]


def test_a_kind_not_offered_keeps_its_choice(app, world, new_client) -> None:
    """A coordinator's mute of quiet pairs survives saving the page as a mentee."""
    mentee = user_id(app, world.email("mentee"))
    with app.app_context():
        db.session.add(NotificationSettings(user_id=mentee, muted_kinds=["pair_quiet"]))
        db.session.commit()
    client = new_client("mentee")
    client.submit(
        "/notifications", {"kinds": ["kudos"], "quiet_start": "21:00", "quiet_end": "8:00"}
    )
    with app.app_context():
        muted = db.session.get(NotificationSettings, mentee).muted_kinds
    assert "pair_quiet" in muted and "kudos" not in muted and "mentor_replied" in muted


@pytest.mark.parametrize(
    ("start", "end", "wrong"),
    [
        ("25:00", "08:00", "quiet_start"),
        ("21:00", "", "quiet_end"),
        ("soon", "08:00", "quiet_start"),
    ],
)
def test_a_bad_time_is_refused_next_to_its_field(app, world, new_client, start, end, wrong) -> None:
    client = new_client("mentee")
    response = client.submit("/notifications", {"quiet_start": start, "quiet_end": end})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert field_error(page, wrong) == "Enter a time like 21:00."
    with app.app_context():
        assert db.session.get(NotificationSettings, user_id(app, world.email("mentee"))) is None


@pytest.mark.parametrize("private_key", ["", "not a key"], ids=["push off", "unusable key"])
def test_without_a_push_key_the_page_says_push_is_not_set_up(app, new_client, private_key) -> None:
    app.config["VAPID_PRIVATE_KEY"] = private_key
    page = new_client("mentee").get("/notifications").get_data(as_text=True)
    assert "not set up on this server" in page
    assert "data-push-enable" not in page
    assert "What and when" in page  # the choices still save


def test_with_a_push_key_the_switch_waits_for_a_tap(app, new_client) -> None:
    keys = generate_keys()
    app.config.update(VAPID_PRIVATE_KEY=keys.private, VAPID_PUBLIC_KEY=keys.public)
    page = new_client("mentee").get("/notifications").get_data(as_text=True)
    assert f'data-vapid-key="{keys.public}"' in page
    # hidden until notifications.js shows it; without JavaScript the page says why
    assert re.search(r"<button [^>]*data-push-enable hidden>Turn on notifications</button>", page)
    assert "Notifications need JavaScript" in page
    assert static_url("js/waypoint.js") in page  # notifications.js is bundled in


def test_the_public_key_is_derived_when_only_the_private_one_is_set(app, new_client) -> None:
    """The quick start generates only the private key into instance/."""
    keys = generate_keys()
    app.config.update(VAPID_PRIVATE_KEY=keys.private, VAPID_PUBLIC_KEY="")
    page = new_client("mentee").get("/notifications").get_data(as_text=True)
    assert f'data-vapid-key="{keys.public}"' in page


def test_the_account_page_leads_to_the_notifications_page(new_client) -> None:
    page = new_client("own_mentor").get("/account").get_data(as_text=True)
    assert 'href="/notifications"' in page


def test_the_page_costs_the_same_queries_however_many_devices(new_client, query_counter) -> None:
    client = new_client("mentee")
    client.get("/notifications")
    with query_counter:
        assert client.get("/notifications").status_code == 200
    none = query_counter.count
    for name in ("phone", "tablet", "laptop"):
        assert subscribe(client, browser_subscription(name)).status_code == 201
    with query_counter:
        page = client.get("/notifications").get_data(as_text=True)
    assert page.count("data-endpoint=") == 3
    assert query_counter.count == none, "\n".join(query_counter.statements)
