"""Ending and re-matching a mentorship: a reason is required, its history stays, both sides are
told, and its mentee waits for a new match."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from pairing_support import person
from web_support import field_error

from app.clock import utcnow
from app.extensions import db
from app.models import (
    AgreementSignature,
    CheckIn,
    Goal,
    Meeting,
    Membership,
    Mentorship,
    MentorshipStatus,
    Notice,
    ParticipantProfile,
    PointsAward,
    Program,
    Role,
    User,
)
from app.pairing.pool import load_pool


@pytest.fixture
def coordinator(login):
    return login("coordinator")


def end_url(world, mentorship_id: int | None = None) -> str:
    mentorship_id = mentorship_id or world.mentorship_id
    return f"/programs/{world.program_id}/mentorships/{mentorship_id}/end"


def _onboard_mentee(ids) -> None:
    """The world's mentee has a profile and signed, so ending puts them back in the pool."""
    member = db.session.get(Membership, ids["mentee_membership_id"])
    program = db.session.get(Program, member.program_id)
    member.agreed_version = program.agreement_version
    db.session.add(
        ParticipantProfile(
            membership_id=member.id, goals="maths", availability="mon-lunch", style="direct"
        )
    )
    db.session.add(
        AgreementSignature(membership_id=member.id, version=member.agreed_version, typed_name="M")
    )
    db.session.add(
        PointsAward(
            key="test-award",
            user_id=member.user_id,
            program_id=program.id,
            amount=10,
            reason="checkin",
            created_at=utcnow() - timedelta(days=1),
        )
    )
    db.session.commit()


def test_ending_keeps_the_history_and_tells_both_sides(app, world, ids, coordinator):
    with app.app_context():
        _onboard_mentee(ids)
    form = coordinator.get(end_url(world)).get_data(as_text=True)
    assert "Why it ends" in form and "Mina Mentee" in form
    response = coordinator.submit(end_url(world), {"reason": "Moved to another school"})
    assert response.status_code == 303
    assert response.location.endswith(f"/programs/{world.program_id}/matching")
    with app.app_context():
        mentorship = db.session.get(Mentorship, world.mentorship_id)
        coordinator_id = db.session.scalar(
            sa.select(User.id).where(User.email == world.email("coordinator"))
        )
        assert mentorship.status is MentorshipStatus.CLOSED
        assert mentorship.closed_reason == "Moved to another school"
        assert mentorship.closed_by_id == coordinator_id and mentorship.closed_at is not None
        for model, row_id in (
            (Goal, ids["goal_id"]),
            (Meeting, ids["meeting_id"]),
            (CheckIn, ids["checkin_id"]),
        ):
            assert db.session.get(model, row_id) is not None
        assert (
            db.session.scalar(sa.select(PointsAward.amount).where(PointsAward.key == "test-award"))
            == 10
        )
        # each person's newest notice (the mentee also has one from the probe rows)
        told = dict(
            db.session.execute(
                sa.select(User.email, Notice.text).join(User).order_by(Notice.id)
            ).all()
        )
        assert told[world.email("mentee")].startswith("Your mentorship with Omar Mentor has ended")
        assert told[world.email("own_mentor")] == "Your mentorship with Mina Mentee has ended."
        pool = load_pool(db.session.get(Program, world.program_id))
        assert ids["mentee_membership_id"] in [m.id for m in pool.waiting]
    page = coordinator.get(f"/programs/{world.program_id}/matching").get_data(as_text=True)
    past = page.split("Past mentorships", 1)[1]
    assert "Omar Mentor" in past and "Moved to another school" in past


def test_a_reason_is_required(app, world, coordinator):
    for reason, message in (("", "Say why the mentorship ends."), ("ok", "Between 3 and 300")):
        response = coordinator.submit(end_url(world), {"reason": reason})
        assert response.status_code == 422
        assert (field_error(response.get_data(as_text=True), "reason") or "").startswith(message)
    too_long = coordinator.submit(end_url(world), {"reason": "x" * 301})
    assert too_long.status_code == 422
    with app.app_context():
        assert db.session.get(Mentorship, world.mentorship_id).status is MentorshipStatus.ACTIVE
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Notice)) == 0


def test_re_matching_ends_then_opens_the_mentees_options(app, world, ids, coordinator):
    with app.app_context():
        _onboard_mentee(ids)
        person(world.program_id, "Nia New", Role.MENTOR, profile={"skills": "maths"})
    page = coordinator.get(f"/programs/{world.program_id}/matching").get_data(as_text=True)
    assert f"{end_url(world)}?then=rematch" in page
    response = coordinator.submit(end_url(world), {"reason": "Not a good fit", "then": "rematch"})
    mentee = ids["mentee_membership_id"]
    assert response.status_code == 303
    assert response.location.endswith(f"/programs/{world.program_id}/matching/mentees/{mentee}")
    options = coordinator.get(response.location).get_data(as_text=True)
    assert "Choose Nia New" in options
    # the old mentor has no profile, so is not offered again until they finish onboarding
    assert "Choose Omar Mentor" not in options


def test_an_ended_mentorship_cannot_end_twice(app, world, coordinator):
    coordinator.submit(end_url(world), {"reason": "Finished early"})
    again = coordinator.submit(end_url(world), {"reason": "Again"})
    assert again.status_code == 200 and "This mentorship ended" in again.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Mentorship, world.mentorship_id).closed_reason == "Finished early"
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Notice)) == 2


def test_another_programs_mentorship_is_404_under_our_url(app, world, ids, coordinator):
    foreign = end_url(world, ids["other_program_mentorship_id"])
    assert coordinator.get(foreign).status_code == 404
    assert coordinator.submit(foreign, {"reason": "Not mine"}).status_code == 404
    with app.app_context():
        mentorship = db.session.get(Mentorship, ids["other_program_mentorship_id"])
        assert mentorship.status is MentorshipStatus.ACTIVE


def test_a_persons_page_ends_or_re_matches_their_open_mentorship(app, world, ids, coordinator):
    """In a district the matching page lists a few pairs: the People page finds anyone, and
    their page links to ending or re-matching (a closed pair, or a closed program, does not)."""
    person_url = f"/programs/{world.program_id}/people/{ids['mentee_membership_id']}"
    link = f'<a class="button small" href="{end_url(world)}">End or re-match</a>'
    assert link in coordinator.get(person_url).get_data(as_text=True)
    coordinator.submit(end_url(world), {"reason": "Moved to another school"})
    assert "End or re-match" not in coordinator.get(person_url).get_data(as_text=True)
