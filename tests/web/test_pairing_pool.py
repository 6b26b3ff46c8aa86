"""The matching pool and the coordinator's drafts: who may be matched, suggestions with reasons,
accepting some or all, swapping, matching by hand and a late joiner matched alone."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from pairing_support import add_module, draft_id, drafts, pair, person
from web_support import field_error, shown

from app.clock import utcnow
from app.extensions import db
from app.models import MatchDraft, Membership, MentorshipStatus, Program, Role, TrainingModule
from app.pairing import service
from app.pairing.pool import load_pool, pair_lists
from app.programs import people_service

MENTEE, MENTOR = Role.MENTEE, Role.MENTOR


@pytest.fixture
def coordinator(login):
    return login("coordinator")


def url(world, tail: str = "") -> str:
    return f"/programs/{world.program_id}/matching{tail}"


def pool_of(program_id: int):
    return load_pool(db.session.get(Program, program_id))


def test_the_pool_holds_only_people_ready_and_free(app, world, coordinator):
    with app.app_context():
        pid = world.program_id
        add_module(pid)
        ready = person(pid, "Ada Ready", MENTEE, profile={})
        no_profile = person(pid, "Ben Noprofile", MENTEE)
        unsigned = person(pid, "Cy Unsigned", MENTEE, profile={}, signed=False)
        old_version = person(pid, "Di Oldversion", MENTEE, profile={})
        left = person(pid, "Ed Left", MENTEE, profile={})
        matched = person(pid, "Flo Matched", MENTEE, profile={})
        proposed = person(pid, "Gus Proposed", MENTEE, profile={})
        full = person(pid, "Hal Full", MENTOR, profile={}, capacity=1)
        untrained = person(pid, "Ida Untrained", MENTOR, profile={}, capacity=2, trained=False)
        roomy = person(pid, "Jo Roomy", MENTOR, profile={}, capacity=3)
        gone = person(pid, "Kit Gone", MENTOR, profile={}, capacity=3)
        pair(pid, full, matched)
        pair(pid, roomy, proposed, status=MentorshipStatus.PROPOSED)
        db.session.get(Program, pid).agreement_version = 2
        for member_id in (ready, no_profile, matched, proposed, left, full, untrained, roomy):
            db.session.get(Membership, member_id).agreed_version = 2
        for member_id in (left, gone):
            db.session.get(Membership, member_id).left_at = utcnow()
        db.session.commit()

        pool = pool_of(pid)
        assert [m.id for m in pool.waiting] == [ready]
        assert pool.room == {roomy: 2}  # three places, one taken by the proposed pair
        not_ready = {m.id: missing for m, missing in pool.not_ready}
        assert not_ready[no_profile] == ["profile"]
        assert not_ready[unsigned] == ["signed agreement"]
        assert not_ready[old_version] == ["signing the new agreement"]
        assert not_ready[untrained] == ["training (0 of 1)"]
        assert not {left, gone, matched, proposed, full} & set(not_ready)

    page = coordinator.get(url(world)).get_data(as_text=True)
    assert "Ben Noprofile" in page and "needs profile" in page
    assert "Ida Untrained" in page and "needs training (0 of 1)" in page
    assert "Ed Left" not in page and "Kit Gone" not in page


def test_a_group_mentor_has_room_up_to_the_group_size(app, world):
    with app.app_context():
        program = db.session.get(Program, world.program_id)
        program.model, program.group_size = program.model.GROUP, 3
        db.session.commit()
        mentor = person(program.id, "Gia Group", MENTOR, profile={}, capacity=5)
        pair(program.id, mentor, person(program.id, "Hu One", MENTEE, profile={}))
        assert pool_of(program.id).room == {mentor: 2}


def _two_by_two(pid: int) -> dict[str, int]:
    """Two mentees and two mentors whose best assignment is not the first-come one."""
    people = {
        "maths": person(pid, "Mo Maths", MENTEE, profile={"goals": "maths"}),
        "art": person(pid, "Ari Art", MENTEE, profile={"goals": "art"}),
        "painter": person(pid, "Pia Painter", MENTOR, profile={"skills": "art"}),
        "counter": person(pid, "Cal Counter", MENTOR, profile={"skills": "maths"}),
    }
    return people


def test_suggestions_are_stored_with_scores_and_reasons(app, world, coordinator):
    with app.app_context():
        people = _two_by_two(world.program_id)
    assert coordinator.submit(url(world, "/suggest")).status_code == 303
    with app.app_context():
        assert drafts(world.program_id) == {
            people["maths"]: (people["counter"], False),
            people["art"]: (people["painter"], False),
        }
        draft = db.session.get(MatchDraft, draft_id(world.program_id, people["art"]))
        assert draft.score == 95  # two shared interests of the three that earn 15
        assert draft.reasons[0] == {
            "kind": "goals",
            "text": "Mentor offers art, which the mentee wants help with",
            "points": 40,
        }
    page = coordinator.get(url(world)).get_data(as_text=True)
    assert "Mentor offers art, which the mentee wants help with" in page
    assert "Ari Art</a> with Pia Painter" in page


def test_accepted_drafts_stay_when_suggesting_again(app, world, coordinator):
    with app.app_context():
        people = _two_by_two(world.program_id)
    coordinator.submit(url(world, "/suggest"))
    with app.app_context():
        keep = draft_id(world.program_id, people["maths"])
    response = coordinator.submit(url(world, "/accept"), {"draft": str(keep)})
    assert response.status_code == 303
    with app.app_context():
        late = person(world.program_id, "Lu Late", MENTEE, profile={"goals": "maths"})
        db.session.get(Membership, people["counter"])  # the counter mentor is now full
    coordinator.submit(url(world, "/suggest"))
    with app.app_context():
        now = drafts(world.program_id)
        assert now[people["maths"]] == (people["counter"], True)
        assert now[people["art"]] == (people["painter"], False)
        assert late not in now  # nobody with room left
        assert db.session.get(MatchDraft, keep) is not None


def test_accept_some_then_all(app, world, coordinator):
    with app.app_context():
        people = _two_by_two(world.program_id)
    coordinator.submit(url(world, "/suggest"))
    nothing = coordinator.submit(url(world, "/accept"))
    assert nothing.status_code == 422
    assert "Tick the matches to accept" in nothing.get_data(as_text=True)
    with app.app_context():
        first = draft_id(world.program_id, people["art"])
    coordinator.submit(url(world, "/accept"), {"draft": str(first)})
    with app.app_context():
        assert {a for _, a in drafts(world.program_id).values()} == {True, False}
    coordinator.submit(url(world, "/accept"), {"all": "1"})
    with app.app_context():
        assert {a for _, a in drafts(world.program_id).values()} == {True}


def test_swap_rescores_and_refuses_a_mentor_without_room(app, world, coordinator):
    with app.app_context():
        people = _two_by_two(world.program_id)
        spare = person(world.program_id, "Sam Spare", MENTOR, profile={"skills": "art, maths"})
    coordinator.submit(url(world, "/suggest"))
    with app.app_context():
        art = draft_id(world.program_id, people["art"])
    response = coordinator.submit(url(world, f"/drafts/{art}/swap"), {"mentor": str(spare)})
    assert response.status_code == 303
    with app.app_context():
        draft = db.session.get(MatchDraft, art)
        assert draft.mentor_membership_id == spare
        assert draft.reasons[0]["text"] == "Mentor offers art, which the mentee wants help with"
        assert draft.score == 95  # two shared interests of the three that earn 15
    full = coordinator.submit(url(world, f"/drafts/{art}/swap"), {"mentor": str(people["counter"])})
    assert full.status_code == 422
    assert shown("Cal Counter has no room for another mentee.") in full.get_data(as_text=True)
    empty = coordinator.submit(url(world, f"/drafts/{art}/swap"), {"mentor": ""})
    assert empty.status_code == 422 and "Pick a mentor." in empty.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(MatchDraft, art).mentor_membership_id == spare


def test_match_by_hand_warns_when_the_scorer_would_not(app, world, coordinator):
    with app.app_context():
        pid = world.program_id
        mentee = person(pid, "Nell Nolang", MENTEE, profile={"languages": "French"})
        mentor = person(pid, "Ola Other", MENTOR, profile={"languages": "Polish"})
    response = coordinator.submit(url(world, "/hand"), {"mentee": mentee, "mentor": mentor})
    assert response.status_code == 303
    with app.app_context():
        draft = db.session.get(MatchDraft, draft_id(pid, mentee))
        assert draft.mentor_membership_id == mentor
        assert draft.reasons[0]["kind"] == "warning"
        assert "no shared language" in draft.reasons[0]["text"]
    page = coordinator.get(url(world)).get_data(as_text=True)
    assert "Not suggested by the scorer: no shared language" in page


def test_match_by_hand_refuses_people_not_ready_matched_or_full(app, world, coordinator, ids):
    with app.app_context():
        pid = world.program_id
        add_module(pid)
        waiting = person(pid, "Wyn Waits", MENTEE, profile={})
        unready = person(pid, "Uma Unready", MENTEE)
        mentor = person(pid, "Max Mentor", MENTOR, profile={}, capacity=1)
        untrained = person(pid, "Tad Untrained", MENTOR, profile={}, trained=False)
        pair(pid, mentor, person(pid, "Pat Paired", MENTEE, profile={}))
        modules = db.session.scalar(  # ours, and the one among the probe rows (``ids``)
            sa.select(sa.func.count()).where(TrainingModule.program_id == pid)
        )

    def hand(mentee, mentor_id):
        return coordinator.submit(url(world, "/hand"), {"mentee": mentee, "mentor": mentor_id})

    cases = [
        (hand(unready, untrained), "mentee", "Uma Unready has not finished onboarding: profile."),
        (
            hand(waiting, untrained),
            "mentor",
            f"Tad Untrained has not finished onboarding: training (0 of {modules}).",
        ),
        (hand(waiting, mentor), "mentor", "Max Mentor has no room for another mentee."),
        (
            hand(ids["mentee_membership_id"], untrained),
            "mentee",
            "Mina Mentee already has a mentor.",
        ),
    ]
    for response, field, message in cases:
        assert response.status_code == 422
        assert field_error(response.get_data(as_text=True), field) == shown(message)
    assert hand(ids["other_program_mentee_membership_id"], mentor).status_code == 404
    assert hand(waiting, ids["mentee_membership_id"]).status_code == 404  # not a mentor
    with app.app_context():
        assert not {waiting, unready, ids["mentee_membership_id"]} & set(drafts(pid))


def test_a_late_joiner_is_matched_alone(app, world, coordinator):
    with app.app_context():
        people = _two_by_two(world.program_id)
        spare = person(world.program_id, "Sam Spare", MENTOR, profile={"skills": "music"})
    coordinator.submit(url(world, "/suggest"))
    with app.app_context():
        before = drafts(world.program_id)
        late = person(world.program_id, "Lou Late", MENTEE, profile={"goals": "music"})
    page = coordinator.get(url(world)).get_data(as_text=True)
    assert f"/matching/mentees/{late}" in page  # "Match this mentee"
    options = coordinator.get(url(world, f"/mentees/{late}")).get_data(as_text=True)
    assert "Choose Sam Spare" in options and "Mentor offers music" in options
    assert "Choose Pia Painter" not in options  # her one place is in a draft
    response = coordinator.submit(url(world, f"/mentees/{late}/suggest"))
    assert response.status_code == 303
    with app.app_context():
        assert drafts(world.program_id) == {**before, late: (spare, False)}
        assert before[people["art"]] == (people["painter"], False)


def test_removing_a_draft_puts_the_mentee_back(app, world, coordinator):
    with app.app_context():
        people = _two_by_two(world.program_id)
    coordinator.submit(url(world, "/suggest"))
    with app.app_context():
        art = draft_id(world.program_id, people["art"])
    assert coordinator.submit(url(world, f"/drafts/{art}/remove")).status_code == 303
    with app.app_context():
        assert people["art"] not in drafts(world.program_id)
        assert people["art"] in {m.id for m in pool_of(world.program_id).undrafted()}


def test_other_programs_drafts_are_404_under_our_url(app, world, coordinator, ids):
    other = ids["other_match_draft_id"]
    for tail in (f"/drafts/{other}/swap", f"/drafts/{other}/remove"):
        assert coordinator.submit(url(world, tail), {"mentor": "1"}).status_code == 404
    assert coordinator.submit(url(world, "/accept"), {"draft": str(other)}).status_code == 404
    with app.app_context():
        assert (
            db.session.scalar(sa.select(MatchDraft.accepted).where(MatchDraft.id == other)) is False
        )


def test_two_coordinators_pairing_one_mentee_at_once_both_succeed(app, world, monkeypatch):
    """The later pair wins, in the draft that exists already; no step lets a second draft of the
    mentee be inserted next to the other coordinator's."""
    with app.app_context():
        pid = world.program_id
        mentee = person(pid, "Mo Wanted", MENTEE, profile={})
        first = person(pid, "Fay First", MENTOR, profile={})
        second = person(pid, "Sid Second", MENTOR, profile={})
        theirs, ours = pool_of(pid), pool_of(pid)  # both read before either pairs
        service.match_by_hand(theirs, mentee, first)
        kept = draft_id(pid, mentee)
        service.match_by_hand(ours, mentee, second)
        assert drafts(pid) == {mentee: (second, False)}
        assert draft_id(pid, mentee) == kept

        # the other coordinator's draft lands right after any statement of ours that leaves
        # the mentee without one
        db.session.execute(sa.delete(MatchDraft))
        db.session.commit()
        ours = pool_of(pid)
        real_execute = db.session.execute

        def racing(statement, *args, **kwargs):
            result = real_execute(statement, *args, **kwargs)
            table = getattr(statement, "table", None)
            if getattr(table, "name", "") == "match_drafts" and not draft_id(pid, mentee):
                real_execute(
                    sa.insert(MatchDraft).values(
                        program_id=pid, mentee_membership_id=mentee, mentor_membership_id=first
                    )
                )
            return result

        monkeypatch.setattr(db.session, "execute", racing)
        service.match_by_hand(ours, mentee, second)
        monkeypatch.undo()
        assert drafts(pid) == {mentee: (second, False)}


def test_a_mentee_who_left_a_group_takes_no_place_in_it(app, world, coordinator):
    with app.app_context():
        program = db.session.get(Program, world.program_id)
        program.model, program.group_size = program.model.GROUP, 3
        db.session.commit()
        mentor = person(program.id, "Gia Group", MENTOR, profile={}, capacity=5)
        stays = person(program.id, "Hu Stays", MENTEE, profile={})
        leaves = person(program.id, "Lea Leaves", MENTEE, profile={})
        group = pair(program.id, mentor, stays, leaves)
        people_service.deactivate(db.session.get(Membership, leaves), None)
        pool = pool_of(program.id)
        assert pool.room == {mentor: 2}
        [view] = [v for v in pair_lists(program, 10).current if v.mentorship.id == group]
        assert [m.id for m in view.mentees] == [stays]
    current = coordinator.get(url(world)).get_data(as_text=True).split('id="current-mentorships"')
    assert "Hu Stays" in current[1] and "Lea Leaves" not in current[1]
