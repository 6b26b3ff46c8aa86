"""Publishing accepted matches: mentorships, members and notices in one transaction, groups
filled up to their size, capacity checked again; and the new mentee's home afterwards."""

from __future__ import annotations

import re
import threading

import pytest
import sqlalchemy as sa
from pairing_support import add_module, drafts, email_of, mentors_of, pair, person
from web_support import log_in, shown, snapshot

from app.extensions import db
from app.models import (
    MatchDraft,
    Membership,
    Mentorship,
    MentorshipMember,
    MentorshipModel,
    MentorshipStatus,
    Notice,
    ParticipantProfile,
    Program,
    Role,
    TrainingModule,
    User,
)
from app.notices import service as notices
from app.pairing import service
from app.programs import people_service

MENTEE, MENTOR = Role.MENTEE, Role.MENTOR


@pytest.fixture
def coordinator(login):
    return login("coordinator")


def url(world, tail: str = "") -> str:
    return f"/programs/{world.program_id}/matching{tail}"


def accept_all_and_publish(client, world):
    assert client.submit(url(world, "/suggest")).status_code == 303
    assert client.submit(url(world, "/accept"), {"all": "1"}).status_code == 303
    return client.submit(url(world, "/publish"))


def _notices() -> set[tuple[str, str]]:
    rows = db.session.execute(sa.select(User.name, Notice.text).join(User)).all()
    return {(name, text) for name, text in rows}


def test_publishing_creates_pairs_members_and_notices(app, world, coordinator):
    with app.app_context():
        pid = world.program_id
        ana = person(pid, "Ana Lima", MENTOR, profile={}, capacity=2)
        ben = person(pid, "Ben Vale", MENTEE, profile={})
        cy = person(pid, "Cy Hart", MENTEE, profile={})
    response = accept_all_and_publish(coordinator, world)
    assert response.status_code == 303
    with app.app_context():
        assert mentors_of(ben) == mentors_of(cy) == [ana]
        pairs = db.session.scalars(
            sa.select(Mentorship)
            .join(MentorshipMember)
            .where(MentorshipMember.membership_id == ben)
        ).all()
        assert [(m.status, m.program_id) for m in pairs] == [(MentorshipStatus.ACTIVE, pid)]
        members = db.session.scalars(
            sa.select(MentorshipMember.membership_id).where(
                MentorshipMember.mentorship_id == pairs[0].id
            )
        ).all()
        assert sorted(members) == sorted([ana, ben])
        assert drafts(pid) == {}
        assert _notices() == {
            ("Ben Vale", "You have a mentor: Ana Lima"),
            ("Cy Hart", "You have a mentor: Ana Lima"),
            ("Ana Lima", "New mentee: Ben Vale"),
            ("Ana Lima", "New mentee: Cy Hart"),
        }
    page = coordinator.get(url(world)).get_data(as_text=True)
    assert "Published 2 mentorships" in page


def test_the_new_mentee_sees_their_mentor_and_can_add_a_goal(app, world, coordinator):
    with app.app_context():
        person(world.program_id, "Ana Lima", MENTOR, profile={})
        ben = person(world.program_id, "Ben Vale", MENTEE, profile={})
        email = email_of(ben)
    mentee = app.test_client()
    assert log_in(mentee, email).status_code == 303
    before = mentee.get("/").get_data(as_text=True)
    assert "finding the right mentor" in before and "Add a goal" not in before
    accept_all_and_publish(coordinator, world)
    home = mentee.get("/").get_data(as_text=True)
    assert "You have a mentor: Ana Lima" in home
    assert re.search(r"<h2[^>]*>Your mentor</h2>\s*<p>Ana Lima</p>", home)
    add_goal = re.search(r'<a class="button primary" href="([^"]+)">Add a goal</a>', home)
    assert add_goal and mentee.get(add_goal.group(1)).status_code == 200


def test_a_failure_after_the_pairs_are_written_leaves_nothing(app, world, make_app, monkeypatch):
    with app.app_context():
        person(world.program_id, "Ana Lima", MENTOR, profile={})
        person(world.program_id, "Ben Vale", MENTEE, profile={})
    browser = make_app(PROPAGATE_EXCEPTIONS=False).test_client()
    assert log_in(browser, world.email("coordinator")).status_code == 303
    browser.submit(url(world, "/suggest"))
    browser.submit(url(world, "/accept"), {"all": "1"})
    before = snapshot(app)
    written = []

    def tell_then_fail(*args, **kwargs):
        written.append(db.session.scalar(sa.select(sa.func.count()).select_from(Mentorship)))
        raise RuntimeError("the notice could not be written")

    monkeypatch.setattr(notices, "tell", tell_then_fail)
    response = browser.submit(url(world, "/publish"))
    assert response.status_code == 500
    assert written == [3]  # the new pair was inserted before the failure
    assert snapshot(app) == before


def test_a_group_program_fills_the_mentors_group_up_to_its_size(app, world, coordinator):
    with app.app_context():
        pid = world.program_id
        program = db.session.get(Program, pid)
        program.model, program.group_size = MentorshipModel.GROUP, 3
        db.session.commit()
        gia = person(pid, "Gia Group", MENTOR, profile={}, capacity=5)
        first = person(pid, "Hu One", MENTEE, profile={})
        group = pair(pid, gia, first)
        newcomers = [person(pid, f"New {n}", MENTEE, profile={}) for n in "ABC"]
    accept_all_and_publish(coordinator, world)
    with app.app_context():
        members = db.session.scalars(
            sa.select(MentorshipMember.membership_id).where(MentorshipMember.mentorship_id == group)
        ).all()
        placed = [m for m in newcomers if m in members]
        assert len(members) == 4 and len(placed) == 2  # the mentor and three mentees
        waiting = set(newcomers) - set(placed)
        assert not set(drafts(pid)) & waiting  # no room left: the third one waits
        assert not mentors_of(waiting.pop())


def test_a_full_group_gets_a_new_one_named_after_the_mentor(app, world, coordinator):
    with app.app_context():
        pid = world.program_id
        program = db.session.get(Program, pid)
        program.model, program.group_size = MentorshipModel.GROUP, 2
        db.session.commit()
        gia = person(pid, "Gia Group", MENTOR, profile={}, capacity=2)
        ones = [person(pid, f"Mentee {n}", MENTEE, profile={}) for n in "AB"]
    accept_all_and_publish(coordinator, world)
    with app.app_context():
        groups = db.session.scalars(
            sa.select(Mentorship).where(Mentorship.name == "Gia's group")
        ).all()
        assert len(groups) == 1
        assert mentors_of(ones[0]) == mentors_of(ones[1]) == [gia]


def test_capacity_is_checked_again_when_publishing(app, world, coordinator):
    with app.app_context():
        pid = world.program_id
        ana = person(pid, "Ana Lima", MENTOR, profile={}, capacity=1)
        ben = person(pid, "Ben Vale", MENTEE, profile={})
    coordinator.submit(url(world, "/suggest"))
    coordinator.submit(url(world, "/accept"), {"all": "1"})
    with app.app_context():
        # Meanwhile another coordinator gave Ana her one mentee.
        pair(pid, ana, person(pid, "Cy Hart", MENTEE, profile={}))
    response = coordinator.submit(url(world, "/publish"))
    assert response.status_code == 303
    with app.app_context():
        assert mentors_of(ben) == []
        assert drafts(pid) == {ben: (ana, False)}  # back among the drafts, not accepted
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Notice)) == 0
    page = coordinator.get(url(world)).get_data(as_text=True)
    assert "Ben Vale: Ana Lima has no room left; choose another mentor." in page


def test_a_mentee_matched_meanwhile_is_left_out(app, world, coordinator):
    with app.app_context():
        pid = world.program_id
        ana = person(pid, "Ana Lima", MENTOR, profile={}, capacity=2)
        ben = person(pid, "Ben Vale", MENTEE, profile={})
    coordinator.submit(url(world, "/suggest"))
    coordinator.submit(url(world, "/accept"), {"all": "1"})
    with app.app_context():
        other = person(pid, "Dee Other", MENTOR, profile={})
        pair(pid, other, ben)
    coordinator.submit(url(world, "/publish"))
    with app.app_context():
        assert mentors_of(ben) == [other] and drafts(pid) == {}
        assert ana


def test_publishing_nothing_says_so(app, world, coordinator):
    response = coordinator.submit(url(world, "/publish"))
    assert response.status_code == 303
    assert "Accept some matches first" in coordinator.get(url(world)).get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(MatchDraft)) == 0


def test_two_coordinators_publishing_at_once_do_not_overfill_a_mentor(app, world):
    """Both publish the same two accepted drafts for a mentor with one place: the row locks
    make one wait and read again, so exactly one mentorship is made."""
    with app.app_context():
        pid = world.program_id
        ana = person(pid, "Ana Lima", MENTOR, profile={}, capacity=1)
        mentees = [person(pid, f"Mentee {n}", MENTEE, profile={}) for n in "AB"]
        db.session.add_all(
            MatchDraft(
                program_id=pid,
                mentee_membership_id=m,
                mentor_membership_id=ana,
                score=90,
                reasons=[],
                accepted=True,
            )
            for m in mentees
        )
        db.session.commit()
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def run() -> None:
        try:
            with app.app_context():
                program = db.session.get(Program, pid)
                start.wait(timeout=30)
                service.publish(program)
        except BaseException as error:  # noqa: BLE001 - every failure is the test's business
            errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    with app.app_context():
        placed = [m for m in mentees if mentors_of(m)]
        assert len(placed) == 1 and mentors_of(placed[0]) == [ana]
        assert (
            db.session.scalar(
                sa.select(sa.func.count())
                .select_from(Mentorship)
                .where(Mentorship.program_id == pid)
            )
            == 3
        )  # the world's two pairs and this one
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Notice)) == 2


def test_a_mentee_who_left_a_group_frees_a_place_when_publishing(app, world, coordinator):
    with app.app_context():
        pid = world.program_id
        program = db.session.get(Program, pid)
        program.model, program.group_size = MentorshipModel.GROUP, 2
        db.session.commit()
        gia = person(pid, "Gia Group", MENTOR, profile={}, capacity=2)
        stays = person(pid, "Hu Stays", MENTEE, profile={})
        leaves = person(pid, "Lea Leaves", MENTEE, profile={})
        group = pair(pid, gia, stays, leaves)
        people_service.deactivate(db.session.get(Membership, leaves), None)
        new = person(pid, "Nia New", MENTEE, profile={})
        db.session.add(
            MatchDraft(
                program_id=pid, mentee_membership_id=new, mentor_membership_id=gia, accepted=True
            )
        )
        db.session.commit()
    response = coordinator.submit(url(world, "/publish"))
    assert response.status_code == 303
    with app.app_context():
        assert drafts(pid) == {}
        members = db.session.scalars(
            sa.select(MentorshipMember.membership_id).where(MentorshipMember.mentorship_id == group)
        ).all()
        assert sorted(members) == sorted([gia, stays, leaves, new])  # her place in the group


def _new_agreement(pid, ana, ben):
    db.session.get(Program, pid).agreement_version += 1
    return "Ben Vale has not finished onboarding: signing the new agreement; Ana Lima has not "


def _new_module(pid, ana, ben):
    add_module(pid)
    modules = db.session.scalar(sa.select(sa.func.count()).where(TrainingModule.program_id == pid))
    return f"Ana Lima has not finished onboarding: training ({modules - 1} of {modules})"


def _profile_emptied(pid, ana, ben):
    db.session.scalar(
        sa.select(ParticipantProfile).where(ParticipantProfile.membership_id == ben)
    ).availability = ""
    return "Ben Vale has not finished onboarding: profile"


@pytest.mark.parametrize("change", [_new_agreement, _new_module, _profile_emptied])
def test_readiness_is_checked_again_when_publishing(app, world, coordinator, change):
    with app.app_context():
        pid = world.program_id
        ana = person(pid, "Ana Lima", MENTOR, profile={}, capacity=2)
        ben = person(pid, "Ben Vale", MENTEE, profile={})
    coordinator.submit(url(world, "/suggest"))
    coordinator.submit(url(world, "/accept"), {"all": "1"})
    with app.app_context():
        assert drafts(pid) == {ben: (ana, True)}
        missing = change(pid, ana, ben)  # meanwhile, onboarding has a new step for them
        db.session.commit()
    response = coordinator.submit(url(world, "/publish"))
    assert response.status_code == 303
    with app.app_context():
        assert mentors_of(ben) == []
        assert drafts(pid) == {ben: (ana, False)}  # back among the drafts, not accepted
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Notice)) == 0
    page = coordinator.get(url(world)).get_data(as_text=True)
    assert shown(f"Ben Vale: not published, {missing}") in page
