"""The mentee's home reads its pairs as rows among its other lists (``PAIR_PEOPLE``,
``pairs_from``): a group shows its name and its mentors, the next meeting names everyone else
in it, and a pair the mentee no longer sees leaves the page."""

from __future__ import annotations

from datetime import timedelta

from checkins_support import add_mentees
from meetings_support import add_meeting, now_fixture  # noqa: F401

from app import member_states
from app.extensions import db
from app.models import Mentorship, MentorshipStatus
from tests.conftest import log_in


def _card(page: str, pair_id: int) -> str:
    return page.split(f'id="mentorship-{pair_id}"', 1)[1].split("</section>", 1)[0]


def test_a_mentee_in_a_group_sees_its_name_its_mentor_and_everyone_in_the_next_meeting(
    app, world, client, now
):
    with app.app_context():
        (group_id, _), _ = add_mentees(
            world.program_id, world.email("own_mentor"), 2, group=True, can_log_in=True
        )
        add_meeting(group_id, now + timedelta(days=1), location="Library")
    assert log_in(client, "mentee0@bulk.example").status_code == 303
    page = client.get("/").get_data(as_text=True)
    card = _card(page, group_id)
    assert "Study group</h2>" in card and "<p>Omar Mentor</p>" in card
    meeting = page.split('id="next-meeting-heading"', 1)[1].split("</section>", 1)[0]
    assert "with Omar Mentor, Mentee 1" in meeting and "Mentee 0" not in meeting


def test_a_pair_leaves_the_mentees_home_once_closed(app, world, login):
    page = login("mentee").get("/").get_data(as_text=True)
    assert "Your mentor</h2>" in _card(page, world.mentorship_id)
    assert "<p>Omar Mentor</p>" in _card(page, world.mentorship_id)
    with app.app_context():
        db.session.get(Mentorship, world.mentorship_id).status = MentorshipStatus.CLOSED
        member_states.touch(pairs=[world.mentorship_id])
        db.session.commit()
    page = login("anonymous").get("/").get_data(as_text=True)
    assert f'id="mentorship-{world.mentorship_id}"' not in page
    assert "Omar Mentor" not in page
