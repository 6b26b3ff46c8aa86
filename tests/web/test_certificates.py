"""Closing a program and its certificates: a real confirmation step, pairs ended and
certificates issued in one go, each certificate its owner's alone, and a public verification
page that shows the certificate's facts and nothing else about the person."""

from __future__ import annotations

import re
from datetime import timedelta

import sqlalchemy as sa
from game_support import pinned_fixture  # noqa: F401  (the ``pinned`` fixture)
from goals_support import add_goal, membership_id, user_id
from meetings_support import add_meeting, confirm
from nudges_support import outbox, subscribe
from web_support import snapshot

from app.certificates import service
from app.certificates.facts import program_facts
from app.clock import utcnow
from app.extensions import db
from app.models import (
    BadgeEarned,
    Certificate,
    CheckIn,
    Invite,
    MatchDraft,
    MeetingStatus,
    Membership,
    Mentorship,
    MentorshipMember,
    MentorshipStatus,
    Milestone,
    MilestoneStatus,
    Nudge,
    Program,
    Role,
    User,
)
from app.nudges.planner import plan

SECRET = "Okapi-secret-4410"
"""Planted in everything people write: no certificate page may ever show it."""

MENTEE, MENTOR = "mentee@test.example", "mentor@test.example"


def _history(world) -> None:
    """Our pair's year: two meetings held (one more cancelled, one ahead), two of three
    milestones confirmed, two badges (Consistent to its silver tier) and private words."""
    now = utcnow()
    for days in (20, 10):
        held = add_meeting(
            world.mentorship_id, now - timedelta(days=days), MeetingStatus.HELD, notes=SECRET
        )
        confirm(held, MENTEE)
    add_meeting(world.mentorship_id, now - timedelta(days=5), MeetingStatus.CANCELLED)
    add_meeting(world.mentorship_id, now + timedelta(days=2), location=SECRET)
    statuses = (MilestoneStatus.CONFIRMED, MilestoneStatus.CONFIRMED, MilestoneStatus.WAITING)
    add_goal(world.mentorship_id, MENTEE, title=f"Goal {SECRET}", milestones=statuses)
    mentee = user_id(MENTEE)
    db.session.add_all(
        [
            BadgeEarned(
                user_id=mentee,
                program_id=world.program_id,
                badge_id=badge,
                tier=tier,
                rule_version=1,
                subject="user",
            )
            for badge, tier in (("consistent", 1), ("consistent", 2), ("first_step", 1))
        ]
    )
    db.session.add(
        CheckIn(
            membership_id=membership_id(MENTEE, Role.MENTEE),
            week_key="2026-W01",
            mood=2,
            progress_note=SECRET,
            blocker=SECRET,
            zone="Europe/London",
        )
    )
    db.session.commit()


def _person(name: str, program_id: int, role: Role) -> Membership:
    user = User(name=name, email=f"{name.split()[0].lower()}@extra.example", password_hash="x")
    member = Membership(user=user, program_id=program_id, role=role)
    db.session.add_all([user, member])
    return member


def _pair(program_id: int, status: MentorshipStatus, *names: str) -> int:
    """A pair of new people (the first a mentor) in ``status``; returns its id."""
    people = [
        _person(name, program_id, Role.MENTOR if n == 0 else Role.MENTEE)
        for n, name in enumerate(names)
    ]
    pair = Mentorship(
        program_id=program_id,
        status=status,
        members=[MentorshipMember(membership=m) for m in people],
    )
    db.session.add(pair)
    db.session.commit()
    return pair.id


def _certificates(program_id: int) -> dict[str, Certificate]:
    db.session.expire_all()
    rows = db.session.scalars(sa.select(Certificate).where(Certificate.program_id == program_id))
    return {row.name: row for row in rows}


def _close(app, world) -> None:
    with app.app_context():
        program = db.session.get(Program, world.program_id)
        service.close_program(program, user_id("coordinator@test.example"), utcnow())


def _mine(app, email: str) -> Certificate:
    with app.app_context():
        return db.session.scalar(
            sa.select(Certificate)
            .join(User, User.id == Certificate.user_id)
            .where(User.email == email)
        )


# --- closing -------------------------------------------------------------------------------


def test_closing_asks_first_then_ends_the_pairs_and_issues_the_certificates(app, world, login):
    with app.app_context():
        _history(world)
    coordinator = login("coordinator")
    before = snapshot(app)
    page = coordinator.get(f"/programs/{world.program_id}/close")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Close Hillside Mentoring?" in text
    assert "before its planned end" in text  # it closes early: the page says so
    assert f'action="/programs/{world.program_id}/close"' in text
    assert snapshot(app) == before  # asking changes nothing

    done = coordinator.submit(f"/programs/{world.program_id}/close")
    assert done.status_code == 303
    assert done.location.endswith(f"/programs/{world.program_id}/certificates")
    listing = coordinator.get(done.location).get_data(as_text=True)
    assert "4 issued" in listing and "Mina Mentee" in listing

    with app.app_context():
        program = db.session.get(Program, world.program_id)
        assert program.closed_at is not None
        assert program.closed_by_id == user_id("coordinator@test.example")
        invite = db.session.get(Invite, world.invite_id)
        assert not invite.usable(utcnow())  # nobody joins a closed program
        other = db.session.get(Invite, world.other_invite_id)
        assert other.usable(utcnow())  # another program's invite is untouched
        for pair_id in (world.mentorship_id, world.other_mentorship_id):
            pair = db.session.get(Mentorship, pair_id)
            assert pair.status is MentorshipStatus.CLOSED
            assert pair.closed_reason == service.ENDED_REASON
            assert pair.closed_by_id == program.closed_by_id
        issued = _certificates(world.program_id)
        mina, omar, eli = issued["Mina Mentee"], issued["Omar Mentor"], issued["Eli Othermentee"]
        assert (mina.role, mina.meetings_held, mina.milestones_confirmed) == (Role.MENTEE, 2, 2)
        assert mina.badges == ["First Step", "Consistent (silver)"]  # rule book order, best tier
        assert (omar.role, omar.meetings_held, omar.milestones_confirmed) == (Role.MENTOR, 2, 2)
        assert omar.badges == []
        assert (eli.meetings_held, eli.milestones_confirmed) == (0, 0)
        assert set(issued) == {"Mina Mentee", "Omar Mentor", "Eli Othermentee", "Olga Othermentor"}
        assert (mina.program_name, mina.starts_on, mina.ends_on) == (
            "Hillside Mentoring",
            program.starts_on,
            program.ends_on,
        )
        assert len({c.token for c in issued.values()}) == 4
        assert all(len(c.token) >= 32 for c in issued.values())


def test_who_took_part(app, world) -> None:
    """Active at closing, or ended earlier after a held meeting: a certificate. Only proposed,
    ended before anyone met, deactivated, or waiting in a draft match: none."""
    with app.app_context():
        _pair(world.program_id, MentorshipStatus.PROPOSED, "Pia Proposedmentor", "Pat Proposed")
        ended = _pair(world.program_id, MentorshipStatus.CLOSED, "Hal Heldmentor", "Hana Held")
        add_meeting(ended, utcnow() - timedelta(days=30), MeetingStatus.HELD)
        _pair(world.program_id, MentorshipStatus.CLOSED, "Nell Nevermet", "Ned Nevermet")
        db.session.get(Membership, membership_id("other-mentee@test.example")).left_at = utcnow()
        waiting = _person("Wes Waiting", world.program_id, Role.MENTEE)
        room = _person("Rae Room", world.program_id, Role.MENTOR)
        db.session.add(
            MatchDraft(
                program_id=world.program_id, mentee=waiting, mentor=room, score=50, reasons=[]
            )
        )
        db.session.commit()
    _close(app, world)
    with app.app_context():
        assert set(_certificates(world.program_id)) == {
            "Mina Mentee",
            "Omar Mentor",
            "Olga Othermentor",
            "Hal Heldmentor",
            "Hana Held",
        }
        db.session.expire_all()
        proposed = db.session.scalars(
            sa.select(Mentorship.status).where(Mentorship.program_id == world.program_id)
        ).all()
        assert set(proposed) == {MentorshipStatus.CLOSED}  # the proposed pair ended too
        assert not db.session.scalars(sa.select(MatchDraft)).all()  # no match to publish


def test_closing_twice_is_a_clear_message(app, world, login) -> None:
    coordinator = login("coordinator")
    assert coordinator.submit(f"/programs/{world.program_id}/close").status_code == 303
    with app.app_context():
        issued = len(_certificates(world.program_id))
    before = snapshot(app)
    again = coordinator.submit(f"/programs/{world.program_id}/close")
    assert again.status_code == 422
    assert "Hillside Mentoring is already closed." in again.get_data(as_text=True)
    assert snapshot(app) == before
    page = coordinator.get(f"/programs/{world.program_id}/close").get_data(as_text=True)
    assert "already closed" in page and "See the certificates issued" in page
    assert "<form" not in page.split("<main", 1)[1].split("</main>", 1)[0]
    with app.app_context():
        assert len(_certificates(world.program_id)) == issued
        program = db.session.get(Program, world.program_id)
        try:
            service.close_program(program, user_id("coordinator@test.example"), utcnow())
        except service.Refused as refusal:
            assert "already closed" in str(refusal)
        else:
            raise AssertionError("a second close must be refused")


def test_a_program_that_has_not_started_cannot_close(app, world, login) -> None:
    with app.app_context():
        program = db.session.get(Program, world.program_id)
        program.starts_on = utcnow().date() + timedelta(days=3)
        program.ends_on = program.starts_on + timedelta(weeks=20)
        db.session.commit()
    coordinator = login("coordinator")
    page = coordinator.get(f"/programs/{world.program_id}/close").get_data(as_text=True)
    assert "has not started yet" in page and "<button" not in page.split("<main", 1)[1]
    before = snapshot(app)
    refused = coordinator.submit(f"/programs/{world.program_id}/close")
    assert refused.status_code == 422
    assert "has not started yet" in refused.get_data(as_text=True)
    assert snapshot(app) == before


def test_only_the_programs_coordinators_close_it(app, world, new_client) -> None:
    url = f"/programs/{world.program_id}/close"
    for role in ("mentee", "own_mentor", "other_coordinator"):
        client = new_client(role)
        assert client.get(url).status_code == 404
        assert client.submit(url).status_code == 404
    with app.app_context():
        assert db.session.get(Program, world.program_id).closed_at is None
        assert not _certificates(world.program_id)


def test_the_overview_offers_closing_then_the_certificates(app, world, login) -> None:
    coordinator = login("coordinator")
    overview = f"/programs/{world.program_id}"
    assert f"/programs/{world.program_id}/close" in coordinator.get(overview).get_data(True)
    _close(app, world)
    page = coordinator.get(overview).get_data(as_text=True)
    assert f"/programs/{world.program_id}/certificates" in page
    assert "This program closed on" in page


# --- what members see ----------------------------------------------------------------------


def test_the_home_page_links_the_certificate_and_closed_pairs_hide(app, world, login) -> None:
    mentee = login("mentee")
    assert "Your certificate" not in mentee.get("/").get_data(as_text=True)
    _close(app, world)
    mine = _mine(app, MENTEE)
    home = mentee.get("/").get_data(as_text=True)
    assert "Your certificate" in home
    assert f'href="/certificates/{mine.id}"' in home
    assert "This program has ended" in home and "finding the right mentor" not in home
    # the pair's own pages went with it
    assert mentee.get(f"/mentorships/{world.mentorship_id}/meetings").status_code == 404
    assert mentee.get(f"/mentorships/{world.mentorship_id}/checkins").status_code == 404


def test_a_closed_program_is_not_where_a_person_lands(app, world, new_client) -> None:
    """Someone in a closed program and a running one acts in the running one by default."""
    _close(app, world)
    with app.app_context():
        mina = user_id(MENTEE)
        db.session.add(
            Membership(
                user_id=mina,
                program_id=world.other_program_id,
                role=Role.MENTEE,
                joined_at=utcnow(),  # joined after the closed program
            )
        )
        db.session.commit()
    home = new_client("mentee").get("/").get_data(as_text=True)
    assert "Elsewhere Academy" in home


def test_the_certificate_is_its_owners_alone(app, world, new_client) -> None:
    with app.app_context():
        _history(world)
    _close(app, world)
    mine = _mine(app, MENTEE)
    url = f"/certificates/{mine.id}"
    page = new_client("mentee").get(url)
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    assert "Mina Mentee" in text and "Hillside Mentoring" in text
    assert "First Step" in text and "Consistent (silver)" in text
    verify = f"http://localhost/certificates/verify/{mine.token}"
    assert f'href="{verify}"' in text  # the absolute verification link
    assert '<svg role="img"' in text  # its QR code
    assert "data-print" in text
    assert re.search(r"css/certificate\.[0-9a-f]+\.css", text), "its print style, fingerprinted"
    for role in ("own_mentor", "other_mentor", "coordinator", "other_coordinator"):
        assert new_client(role).get(url).status_code == 404, role
    assert new_client().get(url).status_code == 303  # to the login page


def test_verification_shows_the_facts_and_nothing_else(app, world, new_client) -> None:
    with app.app_context():
        _history(world)
    _close(app, world)
    mine = _mine(app, MENTEE)
    page = new_client().get(f"/certificates/verify/{mine.token}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    main = text.split("<main", 1)[1].split("</main>", 1)[0]
    facts = re.sub(r"<[^>]+>", " ", main)
    for fact in ("Mina Mentee", "mentee", "Hillside Mentoring", "Meetings held", "2"):
        assert fact in facts
    assert "Consistent (silver)" in facts
    for private in (MENTEE, "Omar", "Elsewhere", "check-in", "mood"):
        assert private not in main, private
    assert f"/certificates/{mine.id}" not in text  # not even the owner's page address
    assert new_client().get("/certificates/verify/not-a-real-token").status_code == 404
    assert new_client("mentee").get(f"/certificates/verify/{mine.token}x").status_code == 404


def test_no_certificate_page_shows_what_people_wrote(app, world, new_client) -> None:
    with app.app_context():
        _history(world)
    _close(app, world)
    pages = []
    for email, role in ((MENTEE, "mentee"), (MENTOR, "own_mentor")):
        mine = _mine(app, email)
        pages.append(new_client(role).get(f"/certificates/{mine.id}"))
        pages.append(new_client().get(f"/certificates/verify/{mine.token}"))
    pages.append(new_client("coordinator").get(f"/programs/{world.program_id}/certificates"))
    for page in pages:
        assert page.status_code == 200
        assert SECRET not in page.get_data(as_text=True)


# --- cost ----------------------------------------------------------------------------------


def _more_pairs(program_id: int, count: int, start: int) -> None:
    for n in range(start, start + count):
        pair = _pair(program_id, MentorshipStatus.ACTIVE, f"Mentor{n} X", f"Mentee{n} X")
        add_meeting(pair, utcnow() - timedelta(days=3), MeetingStatus.HELD)


def test_the_facts_take_the_same_queries_for_any_number_of_people(app, world, query_counter):
    def counted() -> int:
        with app.app_context(), query_counter as counter:
            program_facts(world.program_id)
        return counter.count

    with app.app_context():
        _history(world)
    few = counted()
    with app.app_context():
        _more_pairs(world.program_id, 12, 0)
    assert counted() == few


def test_certificate_pages_take_fixed_queries(app, world, new_client, query_counter) -> None:
    with app.app_context():
        _history(world)
        _more_pairs(world.program_id, 2, 0)
    _close(app, world)
    coordinator, mentee, anyone = new_client("coordinator"), new_client("mentee"), new_client()
    mine = _mine(app, MENTEE)
    listing = f"/programs/{world.program_id}/certificates"

    def cost(client, url: str) -> int:
        with query_counter as counter:
            assert client.get(url).status_code == 200
        return counter.count

    verify = cost(anyone, f"/certificates/verify/{mine.token}")
    own = cost(mentee, f"/certificates/{mine.id}")
    few = cost(coordinator, listing)
    with app.app_context():
        for n in range(10):
            user = User(name=f"Extra {n}", email=f"extra{n}@x.example", password_hash="x")
            db.session.add(user)
            db.session.flush()
            db.session.add(
                Certificate(
                    program_id=world.program_id,
                    user_id=user.id,
                    role=Role.MENTEE,
                    name=user.name,
                    program_name="Hillside Mentoring",
                    starts_on=mine.starts_on,
                    ends_on=mine.ends_on,
                    badges=["First Step"],
                )
            )
        db.session.commit()
    assert cost(coordinator, listing) == few
    other = _mine(app, MENTOR)
    assert cost(anyone, f"/certificates/verify/{other.token}") == verify
    assert cost(new_client("own_mentor"), f"/certificates/{other.id}") == own


# --- nudges --------------------------------------------------------------------------------


def test_a_closed_program_gets_no_nudges(app, pinned, world) -> None:
    """The same pair with a meeting tomorrow and a milestone waiting three days: nudged while
    the program runs, nothing once it is closed. The clock is pinned to a Wednesday noon in
    London, outside anyone's quiet hours."""
    with app.app_context():
        now = utcnow()
        subscribe(MENTEE, MENTOR)
        add_meeting(world.mentorship_id, now + timedelta(hours=20))
        goal = add_goal(world.mentorship_id, MENTEE, milestones=(MilestoneStatus.WAITING,))
        db.session.execute(
            sa.update(Milestone)
            .where(Milestone.goal_id == goal)
            .values(submitted_at=now - timedelta(days=3))
        )
        db.session.commit()
        assert plan(now) > 0
        db.session.execute(sa.delete(Nudge))
        db.session.commit()
    _close(app, world)
    with app.app_context():
        assert plan(utcnow()) == 0
        assert not outbox()


def test_a_closed_program_takes_no_more_matches(app, world, login) -> None:
    _close(app, world)
    client = login("coordinator")
    before = snapshot(app)
    base = f"/programs/{world.program_id}/matching"
    for action in ("suggest", "accept", "publish", "hand"):
        response = client.submit(f"{base}/{action}", {"mentee": "1", "mentor": "2"})
        assert (response.status_code, response.location) == (303, base), action
    assert snapshot(app) == before
    page = client.get(base).get_data(as_text=True)
    assert "Hillside Mentoring has closed: nobody can be matched in it any more." in page
    assert "nobody can be matched in it any more.</p>" in page and "Suggest matches" not in page
