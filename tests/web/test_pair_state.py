"""A pair's state decides what its people see of each other.

A proposed pair is a coordinator's suggestion, not a relationship yet: its mentee already takes
part (their own check-ins and goals), but its mentor sees nothing of the mentee (check-in
history, goals, meetings, home cards, calendar) until the pair is active. A closed pair is
hidden from both.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from web_support import error_page_message

from app.extensions import db
from app.models import Mentorship, MentorshipStatus, User

PROPOSED, ACTIVE, CLOSED = (
    MentorshipStatus.PROPOSED,
    MentorshipStatus.ACTIVE,
    MentorshipStatus.CLOSED,
)

# The pages of a pair, and what its mentor does there.
PAIR_PAGES = [
    "/mentorships/{mentorship_id}/checkins",
    "/mentorships/{mentorship_id}/goals",
    "/mentorships/{mentorship_id}/goals/new",
    "/mentorships/{mentorship_id}/meetings",
    "/mentorships/{mentorship_id}/meetings/new",
    "/goals/{goal_id}",
    "/milestones/{milestone_id}/edit",
    "/meetings/{meeting_id}",
    "/meetings/{meeting_id}.ics",
]
MENTOR_ACTIONS = [
    "/checkins/{checkin_id}/acknowledge",
    "/milestones/{milestone_id}/confirm",
    "/actions/{action_id}/toggle",
    "/mentorships/{mentorship_id}/kudos",
    "/mentorships/{mentorship_id}/streak-repair",
]
# What the mentee's rows (build_probe_rows) and the mentee's name look like on a page.
TRACES = ("Mina", "reading goal", "First book", "Bring the book list")


def set_status(app, mentorship_id: int, status: MentorshipStatus) -> None:
    with app.app_context():
        db.session.get(Mentorship, mentorship_id).status = status
        db.session.commit()


@pytest.mark.parametrize(
    ("status", "mentor", "mentee"),
    [(PROPOSED, 404, 200), (ACTIVE, 200, 200), (CLOSED, 404, 404)],
    ids=["proposed", "active", "closed"],
)
def test_a_pairs_pages_follow_its_state(app, ids, new_client, status, mentor, mentee) -> None:
    set_status(app, ids["mentorship_id"], status)
    for role, expected in (("own_mentor", mentor), ("mentee", mentee)):
        client = new_client(role)
        for url in PAIR_PAGES:
            target = url.format_map(ids)
            response = client.get(target)
            assert response.status_code == expected, f"{target} as {role} ({status.value})"
            if expected == 404:
                page = response.get_data(as_text=True)
                assert error_page_message(page).startswith("404 Not found"), page[:500]
                assert not [t for t in TRACES if t in page], f"{target} shows the mentee"


@pytest.mark.parametrize("status", [PROPOSED, CLOSED], ids=["proposed", "closed"])
def test_the_mentor_of_a_pair_not_active_cannot_act_on_the_mentee(
    app, ids, new_client, status
) -> None:
    set_status(app, ids["mentorship_id"], status)
    client = new_client("own_mentor")
    for url in MENTOR_ACTIONS:
        target = url.format_map(ids)
        assert client.submit(target).status_code == 404, target


def test_the_mentors_home_shows_nothing_of_a_proposed_mentee(app, ids, new_client) -> None:
    active = new_client("own_mentor").get("/").get_data(as_text=True)
    assert all(trace in active for trace in ("Mina", "First book")), "the control: active"
    set_status(app, ids["mentorship_id"], PROPOSED)
    page = new_client("own_mentor").get("/").get_data(as_text=True)
    assert not [trace for trace in TRACES if trace in page], page
    assert "No mentees yet" in page


def test_the_mentee_of_a_proposed_pair_still_sees_their_own(app, ids, new_client) -> None:
    set_status(app, ids["mentorship_id"], PROPOSED)
    client = new_client("mentee")
    home = client.get("/").get_data(as_text=True)
    assert "Your coordinator is still confirming this match." in home
    assert "reading goal" in home
    history = client.get(f"/mentorships/{ids['mentorship_id']}/checkins")
    assert history.status_code == 200


def test_the_mentors_calendar_feed_leaves_out_a_proposed_pair(app, ids, client) -> None:
    def feed() -> str:
        with app.app_context():
            token = db.session.scalar(
                sa.select(User.calendar_token).where(User.email == "mentor@test.example")
            )
        return client.get(f"/calendar/{token}.ics").get_data(as_text=True)

    assert "Mina" in feed(), "the control: an active pair's meeting is in the feed"
    set_status(app, ids["mentorship_id"], PROPOSED)
    assert "BEGIN:VEVENT" not in feed()
