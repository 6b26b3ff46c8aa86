"""Check-ins seen by others: the mentor's list, health and reply, history, the coordinator."""

from __future__ import annotations

import pytest
from checkins_support import (
    add_checkin,
    add_mentees,
    at_fixture,  # noqa: F401
    card,
    membership_id,
    user_id,
)
from web_support import field_error, snapshot

from app import clock
from app.extensions import db
from app.mentor_cards import card_figures
from app.models import CheckIn
from app.models.checkins import REPLY_LIMIT
from game.weeks import WeekKey

MENTEE, MENTOR = "mentee@test.example", "mentor@test.example"
OTHER_MENTEE = "other-mentee@test.example"
W08, W09, W10, W11 = (WeekKey(2026, n) for n in (8, 9, 10, 11))
NOTE, BLOCKER = "Finished the essay plan", "Worried about the maths test"


def reply_targets(ids: list[int]) -> dict[int, int]:
    return card_figures(ids, clock.utcnow(), "Europe/London")["reply_targets"]


@pytest.fixture
def checkin_id(app, at) -> int:
    """This week's check-in of the world's mentee, with a note, a blocker and a help request."""
    at(2026, 3, 11, 18, 0)
    with app.app_context():
        return add_checkin(
            membership_id(MENTEE), W11, mood=2, progress_note=NOTE, blocker=BLOCKER, wants_help=True
        )


def stored(app, checkin_id: int) -> CheckIn:
    with app.app_context():
        checkin = db.session.get(CheckIn, checkin_id)
        db.session.expunge(checkin)
        return checkin


def home_card(page: str, mentorship_id: int) -> str:
    start = page.index(f'id="mentee-card-{mentorship_id}"')
    return page[start : page.index("</section>", start)]


def test_the_mentee_card_flags_help_and_replies_to_it_first(app, login, world, checkin_id):
    with app.app_context():
        calm = add_checkin(membership_id(MENTEE), W10, mood=4, progress_note="Calm week")
    client = login("own_mentor")
    page = client.get("/").get_data(as_text=True)
    card = home_card(page, world.mentorship_id)
    assert "1 help request" in card and "2 new check-ins" in card
    reply = f'href="/checkins/{checkin_id}/acknowledge"'
    assert reply in card and f'hx-get="/checkins/{checkin_id}/acknowledge"' in card
    assert f"/checkins/{calm}/acknowledge" not in page
    assert 'action="/checkins/' not in page and "-reply" not in page  # no reply form yet
    assert BLOCKER not in page  # what the mentee wrote waits for Reply too
    weeks_then_trend = "no check-in, no check-in, 4 – Good, 2 – Low. Falling, from 4 to 2 out of 5."
    assert f'oldest first: {weeks_then_trend}">' in card

    form = client.get(f"/checkins/{checkin_id}/acknowledge").get_data(as_text=True)
    assert "<h1>Reply to a check-in</h1>" in form and BLOCKER in form
    assert "Asked for help" in form and "Mina Mentee · Week of Mon 09 Mar" in form
    assert f'action="/checkins/{checkin_id}/acknowledge"' in form
    assert 'name="back" value="home"' in form


def test_reply_loads_its_form_into_the_card_and_the_reply_gives_the_card_back(
    app, login, world, checkin_id
):
    with app.app_context():
        calm = add_checkin(membership_id(MENTEE), W10, mood=4, progress_note="Calm week")
    client = login("own_mentor")
    url = f"/checkins/{checkin_id}/acknowledge"
    fragment = client.htmx("GET", url).get_data(as_text=True)
    assert fragment.lstrip().startswith('<ul class="list checkin-list">')
    assert "<html" not in fragment and BLOCKER in fragment
    assert 'name="back" value="card"' in fragment and f'hx-post="{url}"' in fragment
    assert " autofocus" in fragment

    field = f"checkin-{checkin_id}-reply"
    refused = client.htmx("POST", url, {"back": "card", field: "x" * (REPLY_LIMIT + 1)})
    assert refused.status_code == 422 and "HX-Retarget" not in refused.headers
    assert refused.get_data(as_text=True).startswith('<li class="checkin-item')

    sent = client.htmx("POST", url, {"back": "card", field: "Let's talk"})
    assert sent.status_code == 200
    assert sent.headers["HX-Retarget"] == f"#mentee-card-{world.mentorship_id}"
    assert sent.headers["HX-Reswap"] == "outerHTML"
    card = sent.get_data(as_text=True)
    assert card.lstrip().startswith(
        f'<section class="card mentee-card" id="mentee-card-{world.mentorship_id}"'
    )
    assert "help request" not in card and "1 new check-in" in card
    assert f'href="/checkins/{calm}/acknowledge"' in card  # the next one to reply to
    assert stored(app, checkin_id).reply == "Let's talk"


def test_the_mentor_acknowledges_in_place_and_the_mentee_sees_the_reply(
    app, login, world, checkin_id
):
    client = login("own_mentor")
    response = client.htmx(
        "POST", f"/checkins/{checkin_id}/acknowledge", {f"checkin-{checkin_id}-reply": "Let's talk"}
    )
    assert response.status_code == 200
    item = response.get_data(as_text=True)
    assert item.startswith('<li class="checkin-item"') and "<html" not in item
    assert "Let&#39;s talk" in item and "Omar Mentor replied" in item and "<form" not in item
    checkin = stored(app, checkin_id)
    assert checkin.acknowledged_at is not None and checkin.reply == "Let's talk"
    with app.app_context():
        assert checkin.acknowledged_by_id == user_id(MENTOR)
    mine = home_card(client.get("/").get_data(as_text=True), world.mentorship_id)
    assert "new check-in" not in mine and "/acknowledge" not in mine

    client.post("/logout", data={"csrf_token": client.csrf_token()})
    login("mentee")
    mentee_card = card(client.get("/").get_data(as_text=True))
    assert "Let&#39;s talk" in mentee_card and "Omar Mentor replied" in mentee_card


@pytest.mark.parametrize(
    ("back", "location"),
    [("home", "/"), ("card", "/"), ("history", "/mentorships/{mentorship_id}/checkins")],
)
def test_acknowledging_without_javascript_goes_back(app, login, world, checkin_id, back, location):
    response = login("own_mentor").submit(f"/checkins/{checkin_id}/acknowledge", {"back": back})
    assert response.status_code == 303
    assert response.location == location.format(mentorship_id=world.mentorship_id)
    assert stored(app, checkin_id).acknowledged_at is not None


def test_acknowledging_twice_keeps_the_first_time(app, login, checkin_id, at):
    client = login("own_mentor")
    client.submit(f"/checkins/{checkin_id}/acknowledge")
    first = stored(app, checkin_id).acknowledged_at
    at(2026, 3, 12, 9, 0)
    client.submit(f"/checkins/{checkin_id}/acknowledge")
    assert stored(app, checkin_id).acknowledged_at == first


@pytest.mark.parametrize(
    ("role", "status"),
    [("mentee", 403), ("other_mentor", 404), ("coordinator", 404), ("other_coordinator", 404)],
)
def test_only_the_mentees_own_mentor_acknowledges(app, login, checkin_id, role, status):
    client = login(role)
    before = snapshot(app)
    response = client.submit(
        f"/checkins/{checkin_id}/acknowledge", {f"checkin-{checkin_id}-reply": "Seen"}
    )
    assert response.status_code == status
    assert NOTE not in response.get_data(as_text=True)
    assert snapshot(app) == before


@pytest.mark.parametrize("bad_id", ["999999", "99999999999999999999", "-1", "abc"])
def test_an_unknown_check_in_is_404(login, bad_id):
    assert login("own_mentor").submit(f"/checkins/{bad_id}/acknowledge").status_code == 404


def test_a_reply_over_the_limit_is_refused_next_to_the_field(app, login, checkin_id):
    client = login("own_mentor")
    before = snapshot(app)
    field = f"checkin-{checkin_id}-reply"
    response = client.htmx(
        "POST", f"/checkins/{checkin_id}/acknowledge", {field: "x" * (REPLY_LIMIT + 1)}
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert page.startswith('<li class="checkin-item')
    assert field_error(page, field) == f"Keep your reply to {REPLY_LIMIT} characters or fewer."
    assert snapshot(app) == before
    full = client.submit(f"/checkins/{checkin_id}/acknowledge", {field: "x" * (REPLY_LIMIT + 1)})
    assert full.status_code == 422 and "<h1>Reply to a check-in</h1>" in full.get_data(as_text=True)


def test_an_edit_after_the_reply_is_news_again(app, login, checkin_id):
    client = login("own_mentor")
    client.submit(f"/checkins/{checkin_id}/acknowledge")
    client.post("/logout", data={"csrf_token": client.csrf_token()})
    login("mentee").submit("/checkins/this-week", {"mood": "3", "wants_help": "y"})
    assert stored(app, checkin_id).acknowledged_at is None


def test_help_asked_again_after_the_reply_reopens_it(app, login, checkin_id):
    client = login("own_mentor")
    client.submit(f"/checkins/{checkin_id}/acknowledge")
    client.post("/logout", data={"csrf_token": client.csrf_token()})
    login("mentee").submit("/checkins/help")
    checkin = stored(app, checkin_id)
    assert checkin.help_open and checkin.progress_note == NOTE


def test_a_group_mentor_acknowledges_each_mentee_of_the_group(app, login, world, at):
    at(2026, 3, 11, 18, 0)
    with app.app_context():
        people = add_mentees(world.program_id, MENTOR, 2, group=True)
        ids = [add_checkin(member, W11, mood=3) for _, member in people]
    client = login("own_mentor")
    for checkin_id in ids:
        assert client.submit(f"/checkins/{checkin_id}/acknowledge").status_code == 303
        assert stored(app, checkin_id).acknowledged_at is not None


def test_a_group_card_replies_to_help_first_then_the_newest(app, world, at):
    at(2026, 3, 11, 18, 0)
    with app.app_context():
        people = add_mentees(world.program_id, MENTOR, 2, group=True)
        group_id = people[0][0]
        older = add_checkin(people[0][1], W10, mood=3)
        at(2026, 3, 11, 19, 0)
        newest = add_checkin(people[1][1], W11, mood=4)
        at(2026, 3, 11, 20, 0)
        seen = add_checkin(people[0][1], W11, mood=4, acknowledged_at=clock.utcnow())
        assert reply_targets([group_id, world.other_mentorship_id]) == {group_id: newest}
        db.session.get(CheckIn, older).wants_help = True
        db.session.commit()
        assert reply_targets([group_id]) == {group_id: older}
        assert seen not in reply_targets([group_id]).values()
        assert reply_targets([]) == {}
