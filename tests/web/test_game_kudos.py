"""Kudos: a mentor's note (required, at most 280 characters), once a month per mentee; the
mentee sees it on their home and earns the Kudos badge."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from game_support import (
    MENTEE,
    W11,
    add_mentee,
    pinned_fixture,  # noqa: F401
    user_id,
)
from web_support import field_error, snapshot

import game
from app.extensions import db
from app.models import (
    BadgeEarned,
    Kudos,
    Membership,
    Mentorship,
    MentorshipMember,
    MentorshipStatus,
    Role,
    User,
)

PREFIX = "kudos-{}-"


@pytest.fixture(autouse=True)
def _clock(pinned):
    return pinned


def kudos(world, note: str, mentee: int | str = "", mentorship: int | None = None) -> dict:
    prefix = PREFIX.format(mentorship or world.mentorship_id)
    return {f"{prefix}note": note, f"{prefix}mentee": str(mentee)}


def mentee_id(app) -> int:
    with app.app_context():
        return user_id(MENTEE)


def test_more_on_a_card_links_to_its_kudos_form(world, new_client):
    mentor = new_client("own_mentor")
    home = mentor.get("/").get_data(as_text=True)
    more = f"/mentorships/{world.mentorship_id}/game"
    assert f'hx-get="{more}"' in home and "game-kudos" not in home  # loaded when opened
    page = mentor.htmx("GET", more).get_data(as_text=True)
    link = page[page.index('class="game-kudos"') :].split("</div>", 1)[0]
    url = f"/mentorships/{world.mentorship_id}/kudos"
    assert f'href="{url}"' in link and f'hx-get="{url}"' in link
    assert "<form" not in link and "Send kudos</button>" not in page  # built on demand

    for response in (mentor.get(url), mentor.htmx("GET", url)):
        form = response.get_data(as_text=True)
        assert response.status_code == 200
        assert f'action="{url}"' in form and f'hx-post="{url}"' in form
        assert 'hx-disabled-elt="find button"' in form
        assert "Send kudos</button>" in form
    assert "<html" in mentor.get(url).get_data(as_text=True)  # the page without JavaScript
    assert "<html" not in form  # the fragment htmx swaps in for the link


def test_a_mentor_sends_kudos_and_the_mentee_sees_them_with_a_badge(app, world, new_client):
    mentor = new_client("own_mentor")
    data = kudos(
        world, "  You stuck with the revision plan all week. Proud of you!  ", mentee_id(app)
    )
    response = mentor.htmx("POST", f"/mentorships/{world.mentorship_id}/kudos", data)
    assert response.status_code == 200
    assert "Kudos sent this month to Mina ✓" in response.get_data(as_text=True)
    assert "Kudos sent to Mina." in response.headers["HX-Trigger"]
    with app.app_context():
        row = db.session.scalar(sa.select(Kudos))
        assert (row.note, row.month) == (
            "You stuck with the revision plan all week. Proud of you!",
            "2026-03",
        )
        badges = db.session.scalars(
            sa.select(BadgeEarned.badge_id).where(BadgeEarned.user_id == row.mentee_id)
        )
        assert list(badges) == ["kudos"]
    home = new_client("mentee").get("/").get_data(as_text=True)
    assert re.search(
        r"<blockquote>You stuck with the revision plan all week\. Proud of you!</blockquote>\s*"
        r"<figcaption>Kudos from Omar Mentor, 11 Mar</figcaption>",
        home,
    )
    assert "<strong>Kudos</strong>" in new_client("mentee").get("/me/progress").get_data(
        as_text=True
    )


def test_a_second_kudos_the_same_month_is_refused_with_a_message(app, world, new_client):
    mentor = new_client("own_mentor")
    url = f"/mentorships/{world.mentorship_id}/kudos"
    mentor.submit(url, kudos(world, "Great week", mentee_id(app)))
    before = snapshot(app)
    again = mentor.htmx("POST", url, kudos(world, "And again!", mentee_id(app)))
    assert again.status_code == 422
    assert field_error(again.get_data(as_text=True), f"kudos-{world.mentorship_id}-note") == (
        "You already sent Mina kudos this month. You can send more next month."
    )
    assert snapshot(app) == before


def test_without_javascript_kudos_redirect_home_and_refusals_show_a_page(app, world, new_client):
    mentor = new_client("own_mentor")
    url = f"/mentorships/{world.mentorship_id}/kudos"
    sent = mentor.submit(url, kudos(world, "Great week", mentee_id(app)))
    assert sent.status_code == 303 and sent.location == f"/#mentorship-{world.mentorship_id}"
    refused = mentor.submit(url, kudos(world, "", mentee_id(app)))
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert "<h1>Send kudos</h1>" in page
    assert "Write a few words: kudos come with a note." in page


@pytest.mark.parametrize(
    ("note", "message"),
    [
        ("", "Write a few words: kudos come with a note."),
        ("   ", "Write a few words: kudos come with a note."),
        ("x" * 281, "Keep it to 280 characters or fewer."),
    ],
)
def test_the_note_is_required_and_short(app, world, new_client, note, message):
    mentor = new_client("own_mentor")
    before = snapshot(app)
    response = mentor.htmx(
        "POST", f"/mentorships/{world.mentorship_id}/kudos", kudos(world, note, mentee_id(app))
    )
    assert response.status_code == 422
    assert (
        field_error(response.get_data(as_text=True), f"kudos-{world.mentorship_id}-note") == message
    )
    assert snapshot(app) == before


def test_in_a_group_the_mentor_picks_the_mentee_and_only_one_of_the_group(app, world, new_client):
    with app.app_context():
        add_mentee(world.mentorship_id, "Sam Second", "sam@test.example")
        sam = user_id("sam@test.example")
        stranger = user_id("other-mentee@test.example")
    mentor = new_client("own_mentor")
    url = f"/mentorships/{world.mentorship_id}/kudos"
    page = mentor.htmx("GET", url).get_data(as_text=True)
    assert re.search(r'<select[^>]*name="kudos-\d+-mentee"', page)
    refused = mentor.htmx("POST", url, kudos(world, "Nice", stranger))
    assert refused.status_code == 422
    assert field_error(refused.get_data(as_text=True), f"kudos-{world.mentorship_id}-mentee") == (
        "Pick who the kudos are for."
    )
    assert mentor.htmx("POST", url, kudos(world, "Nice", sam)).status_code == 200
    assert mentor.htmx("POST", url, kudos(world, "Nice", mentee_id(app))).status_code == 200
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Kudos.id))) == 2


def test_only_the_mentorships_mentor_may_send_kudos(app, world, new_client):
    url = f"/mentorships/{world.mentorship_id}/kudos"
    for role in ("mentee", "other_mentor", "coordinator", "other_coordinator"):
        response = new_client(role).submit(url, kudos(world, "Hi", mentee_id(app)))
        assert response.status_code == 404, role
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Kudos.id))) == 0


def test_next_month_kudos_can_be_sent_again(app, world, new_client, pinned):
    mentor = new_client("own_mentor")
    url = f"/mentorships/{world.mentorship_id}/kudos"
    mentor.submit(url, kudos(world, "March", mentee_id(app)))
    pinned(W11, days=28)  # 8 April
    assert mentor.htmx("POST", url, kudos(world, "April", mentee_id(app))).status_code == 200


def _pair_in_the_other_program(world) -> int:
    """The same mentor and mentee, matched again in the world's other program."""
    people = {
        role: db.session.scalar(sa.select(User).where(User.email == world.email(role)))
        for role in ("mentee", "own_mentor")
    }
    mentorship = Mentorship(
        program_id=world.other_program_id,
        status=MentorshipStatus.ACTIVE,
        members=[
            MentorshipMember(
                membership=Membership(
                    user=people[role], program_id=world.other_program_id, role=member_role
                )
            )
            for role, member_role in (("own_mentor", Role.MENTOR), ("mentee", Role.MENTEE))
        ],
    )
    db.session.add(mentorship)
    db.session.commit()
    return mentorship.id


def test_kudos_are_once_a_month_per_program(app, world, new_client):
    """The schema's rule is game.kudos_key's: the same mentee can be recognised in each of
    their programs in the same month, and earns the badge in each."""
    with app.app_context():
        other = _pair_in_the_other_program(world)
    mentor = new_client("own_mentor")
    mentee = mentee_id(app)
    for mentorship in (world.mentorship_id, other):
        url = f"/mentorships/{mentorship}/kudos"
        response = mentor.htmx("POST", url, kudos(world, "Well done", mentee, mentorship))
        assert response.status_code == 200, response.get_data(as_text=True)
    with app.app_context():
        keys = set(db.session.scalars(sa.select(Kudos.key)))
        assert keys == {
            game.kudos_key(world.program_id, mentee, "2026-03"),
            game.kudos_key(world.other_program_id, mentee, "2026-03"),
        }
        programs = set(
            db.session.scalars(
                sa.select(BadgeEarned.program_id).where(BadgeEarned.badge_id == "kudos")
            )
        )
        assert programs == {world.program_id, world.other_program_id}


def test_a_second_mentor_cannot_add_kudos_the_same_month(app, world, new_client):
    """Once a month per mentee in the program, whoever the mentor."""
    with app.app_context():
        membership = db.session.scalar(
            sa.select(Membership.id)
            .join(User)
            .where(User.email == world.email("other_mentor"), Membership.role == Role.MENTOR)
        )
        member = MentorshipMember(mentorship_id=world.mentorship_id, membership_id=membership)
        db.session.add(member)
        db.session.commit()
    url = f"/mentorships/{world.mentorship_id}/kudos"
    first = new_client("own_mentor").htmx("POST", url, kudos(world, "Great", mentee_id(app)))
    assert first.status_code == 200
    second = new_client("other_mentor").htmx("POST", url, kudos(world, "Also", mentee_id(app)))
    assert second.status_code == 422
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Kudos.id))) == 1
