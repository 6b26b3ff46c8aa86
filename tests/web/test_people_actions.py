"""What a coordinator does on a person's page: deactivate (and the access it ends), reactivate,
change a role, hand over a reset link with its QR code; and the refusals, each with words."""

from __future__ import annotations

import html
import re

import sqlalchemy as sa
from goals_support import MENTEE, MENTOR, add_goal, add_group, client_for, membership_id
from people_support import add_member
from web_support import field_error, shown

from app.extensions import db
from app.models import (
    Goal,
    MatchDraft,
    Membership,
    Mentorship,
    MentorshipMember,
    MentorshipStatus,
    Role,
    User,
)
from app.programs.people_service import LEFT_REASON
from app.qr import qr_svg

COORDINATOR = "coordinator@test.example"


def _person_url(world, member_id: int, tail: str = "", program_id=None) -> str:
    return f"/programs/{program_id or world.program_id}/people/{member_id}{tail}"


def _member(app, member_id: int) -> Membership:
    with app.app_context():
        member = db.session.get(Membership, member_id)
        db.session.expunge(member)
        return member


def _mentorship(app, mentorship_id: int) -> Mentorship:
    with app.app_context():
        mentorship = db.session.get(Mentorship, mentorship_id)
        db.session.expunge(mentorship)
        return mentorship


def _coordinator_id(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(User.id).where(User.email == COORDINATOR))


def test_the_person_page_shows_who_they_are_and_their_pair(app, world, login) -> None:
    with app.app_context():
        mentee = membership_id(MENTEE, Role.MENTEE)
    page = login("coordinator").get(_person_url(world, mentee)).get_data(as_text=True)
    assert "<h1>Mina Mentee</h1>" in page and MENTEE in page
    assert "Mentor: Omar Mentor" in page and "pill-state-matched" in page
    assert "Profile for matching" in page and "Agreement (version 1)" in page
    assert "Deactivate…" in page and "Password reset link" in page


def test_deactivating_asks_first_then_ends_access_and_keeps_the_records(app, world, login) -> None:
    with app.app_context():
        mentee = membership_id(MENTEE, Role.MENTEE)
        mentor = membership_id(MENTOR, Role.MENTOR)
        goal_id = add_goal(world.mentorship_id)
        db.session.add(
            MatchDraft(
                program_id=world.program_id,
                mentee_membership_id=mentee,
                mentor_membership_id=mentor,
            )
        )
        db.session.commit()
    student = client_for(app, MENTEE)
    assert student.get(f"/goals/{goal_id}").status_code == 200
    assert "Hillside Mentoring" in student.get("/").get_data(as_text=True)

    coordinator = login("coordinator")
    confirm = coordinator.get(_person_url(world, mentee, "/deactivate"))
    assert confirm.status_code == 200
    assert "Deactivate Mina Mentee?" in confirm.get_data(as_text=True)
    assert _member(app, mentee).left_at is None, "asking changes nothing"

    done = coordinator.submit(_person_url(world, mentee, "/deactivate"))
    assert done.status_code == 303 and done.location == _person_url(world, mentee)
    assert "pill-state-left" in coordinator.get(done.location).get_data(as_text=True)
    assert _member(app, mentee).left_at is not None
    pair = _mentorship(app, world.mentorship_id)
    assert pair.status is MentorshipStatus.CLOSED and pair.closed_at is not None
    assert (pair.closed_reason, pair.closed_by_id) == (LEFT_REASON, _coordinator_id(app))
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(MatchDraft)) == 0
        assert db.session.get(Goal, goal_id) is not None, "their data stays"

    assert "Hillside Mentoring" not in student.get("/").get_data(as_text=True)
    assert student.get(f"/goals/{goal_id}").status_code == 404
    assert student.get(f"/programs/{world.program_id}").status_code == 404
    other = _mentorship(app, world.other_mentorship_id)
    assert other.status is MentorshipStatus.ACTIVE, "only their own pairs end"


def test_a_group_carries_on_when_one_mentee_leaves(app, world, login) -> None:
    with app.app_context():
        group_id, emails = add_group(world, mentees=2)
        leaving = membership_id(emails[0], Role.MENTEE)
    login("coordinator").submit(_person_url(world, leaving, "/deactivate"))
    assert _member(app, leaving).left_at is not None
    assert _mentorship(app, group_id).status is MentorshipStatus.ACTIVE


def test_a_leaving_mentor_ends_their_group(app, world, login) -> None:
    with app.app_context():
        group_id, _ = add_group(world, mentees=2)
        mentor = membership_id(MENTOR, Role.MENTOR)
    login("coordinator").submit(_person_url(world, mentor, "/deactivate"))
    assert _mentorship(app, group_id).status is MentorshipStatus.CLOSED
    assert _mentorship(app, world.mentorship_id).status is MentorshipStatus.CLOSED


def test_reactivating_gives_access_back_but_not_the_ended_pair(app, world, login) -> None:
    with app.app_context():
        mentee = membership_id(MENTEE, Role.MENTEE)
    coordinator = login("coordinator")
    coordinator.submit(_person_url(world, mentee, "/deactivate"))
    person = coordinator.get(_person_url(world, mentee)).get_data(as_text=True)
    assert "Reactivate" in person and "left the program" in person
    back = coordinator.submit(_person_url(world, mentee, "/reactivate"))
    assert back.status_code == 303
    assert _member(app, mentee).left_at is None
    assert _mentorship(app, world.mentorship_id).status is MentorshipStatus.CLOSED
    assert "Hillside Mentoring" in client_for(app, MENTEE).get("/").get_data(as_text=True)
    again = coordinator.get(_person_url(world, mentee, "/deactivate"))
    assert again.status_code == 200, "they can be deactivated again"


def test_the_last_coordinator_cannot_leave(app, world, login) -> None:
    with app.app_context():
        me = membership_id(COORDINATOR, Role.COORDINATOR)
    coordinator = login("coordinator")
    refused = coordinator.submit(_person_url(world, me, "/deactivate"))
    assert refused.status_code == 422
    assert "The program needs a coordinator" in html.unescape(refused.get_data(as_text=True))
    assert _member(app, me).left_at is None

    with app.app_context():
        second = add_member(world.program_id, "Carl Cocoordinator", Role.COORDINATOR)
    left = coordinator.submit(_person_url(world, me, "/deactivate"))
    assert left.status_code == 303 and left.location == "/", "they lost the program's pages"
    assert _member(app, me).left_at is not None
    assert coordinator.get(f"/programs/{world.program_id}/people").status_code == 404
    carl = client_for(app, "carl.cocoordinator@test.example")
    last = carl.submit(_person_url(world, second, "/deactivate"))
    assert last.status_code == 422, "now Carl is the last one"


def test_a_role_changes_for_someone_free(app, world, login) -> None:
    with app.app_context():
        free = add_member(world.program_id, "Fran Free")
    response = login("coordinator").submit(_person_url(world, free, "/role"), {"role": "mentor"})
    assert response.status_code == 303
    assert _member(app, free).role is Role.MENTOR


def test_a_role_change_is_refused_with_a_reason(app, world, login) -> None:
    with app.app_context():
        paired = membership_id(MENTEE, Role.MENTEE)
        drafted = add_member(world.program_id, "Dora Drafted")
        twice = add_member(world.program_id, "Tess Twice")
        user = db.session.get(Membership, twice).user_id
        db.session.add(Membership(user_id=user, program_id=world.program_id, role=Role.MENTOR))
        db.session.add(
            MatchDraft(
                program_id=world.program_id,
                mentee_membership_id=drafted,
                mentor_membership_id=membership_id(MENTOR, Role.MENTOR),
            )
        )
        db.session.commit()
        me = membership_id(COORDINATOR, Role.COORDINATOR)
    client = login("coordinator")
    cases = [
        (paired, "mentor", "Mina Mentee is in a mentorship as a mentee"),
        (drafted, "mentor", "Dora Drafted is in a draft match"),
        (twice, "mentor", "Tess Twice already is a mentor in this program"),
        (paired, "coordinator", "Only mentors and mentees change roles here."),
        (me, "mentee", "Only mentors and mentees change roles here."),
    ]
    for member_id, role, message in cases:
        before = _member(app, member_id).role
        response = client.submit(_person_url(world, member_id, "/role"), {"role": role})
        page = response.get_data(as_text=True)
        assert response.status_code == 422, (member_id, role)
        assert message in html.unescape(field_error(page, "role") or ""), page[:3000]
        assert _member(app, member_id).role is before


def test_the_reset_link_page_shows_a_qr_code_of_the_link(app, world, login) -> None:
    with app.app_context():
        mentee = membership_id(MENTEE, Role.MENTEE)
    response = login("coordinator").submit(_person_url(world, mentee, "/reset-link"))
    page = response.get_data(as_text=True)
    link = html.unescape(re.search(r'id="reset-link" type="text" value="([^"]+)"', page).group(1))
    assert "/password/reset/" in link
    with app.app_context():
        assert str(qr_svg(link, "Password reset link for Mina Mentee")) in page
    assert shown("Back to Mina") in page


def test_another_programs_member_under_our_url_is_a_404(app, world, login) -> None:
    with app.app_context():
        theirs = db.session.scalar(
            sa.select(Membership.id).where(Membership.program_id == world.other_program_id)
        )
        mine = membership_id(MENTEE, Role.MENTEE)
    client = login("coordinator")
    for tail in ("", "/deactivate"):
        assert client.get(_person_url(world, theirs, tail)).status_code == 404
        assert client.get(_person_url(world, mine, tail, world.other_program_id)).status_code == 404
    for tail, data in (("/deactivate", {}), ("/reactivate", {}), ("/role", {"role": "mentor"})):
        assert client.submit(_person_url(world, theirs, tail), data).status_code == 404
    assert _member(app, theirs).left_at is None


def test_pair_members_of_the_page_are_counted_once(app, world, login) -> None:
    """The list names the other side of each pair, not the person themselves."""
    with app.app_context():
        group_id, _ = add_group(world, mentees=2)
        members = db.session.scalar(
            sa.select(sa.func.count()).where(MentorshipMember.mentorship_id == group_id)
        )
    assert members == 3
    page = login("coordinator").get(f"/programs/{world.program_id}/people?q=omar")
    text = page.get_data(as_text=True)
    assert "with Gita Groupmember1, Gita Groupmember2, Mina Mentee" in text
