"""The people list: each participant's state, filters, search, paging, and a fixed number of
queries however big the program; the coordinator's home numbers as links to it."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from people_support import add_invite, add_many, add_member, add_modules, row_of, states_shown
from web_support import field_error

from app import clock
from app.extensions import db
from app.models import Membership, Program, Role
from app.onboarding.status import checklists
from app.programs.people_query import State, state_of

EXPECTED = {
    "Ivy Invited": "invited",
    "Jo Joined": "joined",
    "Sam Signsagain": "joined",  # signed an older agreement
    "Hal Halftrained": "joined",  # a mentor with one of two modules done
    "Oona Onboarded": "onboarded",
    "Tom Trained": "onboarded",  # a mentor with every module done
    "Mina Mentee": "matched",
    "Omar Mentor": "matched",
    "Lee Left": "left",
}


@pytest.fixture
def states(app, world) -> dict[str, int]:
    """One person in each state in the world's program (its pairs are matched), and invites
    that must not count: used up, expired, without an e-mail, for someone who joined."""
    with app.app_context():
        program = db.session.get(Program, world.program_id)
        program.agreement_version = 2
        db.session.commit()
        add_modules(world.program_id, 2)
        pid = world.program_id
        ids = {
            "Jo Joined": add_member(pid, "Jo Joined"),
            "Sam Signsagain": add_member(pid, "Sam Signsagain", profile=True, signed=1),
            "Hal Halftrained": add_member(
                pid, "Hal Halftrained", Role.MENTOR, profile=True, signed=2, modules_done=1
            ),
            "Oona Onboarded": add_member(pid, "Oona Onboarded", profile=True, signed=2),
            "Tom Trained": add_member(
                pid, "Tom Trained", Role.MENTOR, profile=True, signed=2, modules_done=2
            ),
            "Lee Left": add_member(pid, "Lee Left", profile=True, signed=2, left=True),
        }
        add_invite(pid, "Ivy Invited", "ivy@test.example")
        add_invite(pid, "Used Up", "used@test.example", uses_left=0)
        add_invite(
            pid, "Too Late", "late@test.example", expires_at=clock.utcnow() - timedelta(days=1)
        )
        add_invite(pid, "Jo Again", "JO.JOINED@test.example")  # Jo joined with this invite
        add_invite(world.other_program_id, "Elsewhere Invitee", "else@test.example")
    return ids


def _people(client, world, query: str = "", program_id=None):
    return client.get(f"/programs/{program_id or world.program_id}/people{query}")


def test_each_person_shows_their_state(app, world, states, login) -> None:
    page = _people(login("coordinator"), world).get_data(as_text=True)
    for name, state in EXPECTED.items():
        assert f"pill-state-{state}" in row_of(page, name), name
    for hidden in ("Used Up", "Too Late", "Jo Again", "Elsewhere Invitee", "Cora Coordinator"):
        assert hidden not in page.split('<ul class="list people">')[1].split("</ul>")[0]
    assert "with Mina Mentee" in row_of(page, "Omar Mentor"), "the other side of the pair"


def test_sql_states_agree_with_the_onboarding_checklists(app, world, states) -> None:
    with app.app_context():
        program = db.session.get(Program, world.program_id)
        members = db.session.scalars(
            sa.select(Membership).where(Membership.id.in_(states.values()))
        ).all()
        done = checklists(program, members)
        for member in members:
            state = state_of(program, member.id)
            if state is State.LEFT:
                continue
            assert (state is State.ONBOARDED) == done[member.id].done, member.id


def _chip_counts(page: str) -> dict[str, int]:
    return {
        label: int(count)
        for label, count in re.findall(
            r'<a class="chip"[^>]*>([^<]+?) <span class="chip-count">(\d+)</span>', page
        )
    }


def test_chips_count_each_state_within_the_role_and_search(world, states, login) -> None:
    client = login("coordinator")
    counts = _chip_counts(_people(client, world).get_data(as_text=True))
    assert counts == {
        "Everyone": 11,
        "In the program": 9,
        "Invited": 1,
        "Joined": 3,
        "Onboarded": 2,
        "Matched": 4,  # the world's two pairs
        "Left": 1,
    }
    mentors = _chip_counts(_people(client, world, "?role=mentor").get_data(as_text=True))
    assert mentors["Matched"] == 2 and mentors["Onboarded"] == 1 and mentors["Joined"] == 1
    assert mentors["Invited"] == 0 and mentors["Left"] == 0


def test_filters_and_search(world, states, login) -> None:
    client = login("coordinator")
    onboarded = _people(client, world, "?state=onboarded").get_data(as_text=True)
    assert states_shown(onboarded) == ["onboarded", "onboarded"]
    assert "Oona Onboarded" in onboarded and "Tom Trained" in onboarded
    current = states_shown(_people(client, world, "?state=current").get_data(as_text=True))
    assert set(current) == {"joined", "onboarded", "matched"}
    mentors = _people(client, world, "?role=mentor&state=joined").get_data(as_text=True)
    assert states_shown(mentors) == ["joined"] and "Hal Halftrained" in mentors
    by_name = _people(client, world, "?q=ivy").get_data(as_text=True)
    assert states_shown(by_name) == ["invited"]
    by_email = _people(client, world, "?q=JO.JOINED%40").get_data(as_text=True)
    assert states_shown(by_email) == ["joined"] and "Jo Joined" in by_email
    assert states_shown(_people(client, world, "?q=%25").get_data(as_text=True)) == [], (
        "a % is a letter to search for, not a wildcard"
    )


def test_bad_filters_get_a_message_next_to_the_field(world, login) -> None:
    client = login("coordinator")
    response = _people(client, world, "?state=bogus")
    assert response.status_code == 422
    assert field_error(response.get_data(as_text=True), "state")
    long = _people(client, world, "?q=" + "x" * 101)
    assert long.status_code == 422 and field_error(long.get_data(as_text=True), "q")
    assert _people(client, world, "?page=abc").status_code == 200


def test_pages_of_twenty_five(app, world, login) -> None:
    with app.app_context():
        add_many(world.program_id, 120)  # and 12 invites: with the world's 4, 136 people
    client = login("coordinator")
    first = _people(client, world, "?role=mentee").get_data(as_text=True)
    everyone = _people(client, world).get_data(as_text=True)
    assert len(states_shown(everyone)) == 25 and "Page 1 of 6" in everyone
    assert "Showing 1–25 of 136 people" in everyone
    assert f"/programs/{world.program_id}/people?role=mentee&amp;page=2" in first, (
        "the pager keeps the filters"
    )
    second = _people(client, world, "?page=2").get_data(as_text=True)
    assert "Showing 26–50 of 136 people" in second and 'rel="prev"' in second
    last = _people(client, world, "?page=6").get_data(as_text=True)
    assert len(states_shown(last)) == 11 and "Page 6 of 6" in last and 'rel="next"' not in last
    for wrong in ("99", "-3", "abc", "9" * 40, "1e9"):
        response = _people(client, world, f"?page={wrong}")
        assert response.status_code == 200, wrong
        shown = response.get_data(as_text=True)
        assert "Page 6 of 6" in shown or "Page 1 of 6" in shown, wrong
    names = re.findall(r"Bulk Person (\d+)", everyone + second)
    assert names == sorted(names), "sorted by name across pages"


def test_htmx_gets_the_list_alone(world, states, login) -> None:
    client = login("coordinator")
    response = client.htmx("GET", f"/programs/{world.program_id}/people?state=left")
    page = response.get_data(as_text=True)
    assert page.lstrip().startswith('<div id="people-list">') and "<html" not in page
    assert states_shown(page) == ["left"]
    assert page.count('role="status"') == 1, "the filter's count is said again"


def test_a_swapped_list_reads_that_list_alone(world, states, login, query_counter) -> None:
    """A filter or a page of the people swaps their list, a page of the mentorships theirs:
    neither reads the other list nor the coordinators (two statements the pairs, one the
    coordinators; three the people: counts, page, reset links)."""
    client = login("coordinator")
    url = f"/programs/{world.program_id}/people"
    client.get(url)  # warm: the session's first page loads
    counts = {}
    for name, headers in (
        ("page", None),
        ("people", {"HX-Request": "true"}),
        ("pairs", {"HX-Request": "true", "HX-Target": "mentorships-list"}),
    ):
        with query_counter:
            response = client.get(url, headers=headers)
        assert response.status_code == 200, name
        counts[name] = query_counter.count
        if name == "people":
            assert response.get_data(as_text=True).lstrip().startswith('<div id="people-list">')
        if name == "pairs":
            assert response.get_data(as_text=True).lstrip().startswith('<div id="mentorships-')
    assert counts["people"] == counts["page"] - 3, counts
    assert counts["pairs"] == counts["page"] - 4, counts


def test_the_people_page_has_one_live_region(world, states, login) -> None:
    """The count of people the filters found; the mentorships' count is plain text."""
    page = _people(login("coordinator"), world).get_data(as_text=True)
    assert page.count('role="status"') == 1
    people, mentorships = page.split('id="mentorships-list"', 1)
    assert re.search(r'<p class="hint pager-count" role="status">Showing 1–\d+ of', people)
    assert re.search(r'<p class="hint pager-count">Showing 1–\d+ of \d+ mentorships', mentorships)


def test_the_list_costs_the_same_with_5_and_2000_participants(
    app, world, login, query_counter
) -> None:
    client = login("coordinator")
    with app.app_context():
        add_member(world.program_id, "Fay Fifth")
    url = f"/programs/{world.program_id}/people"
    counts = []
    for extra in (0, 1995):
        if extra:
            with app.app_context():
                add_many(world.program_id, extra)
        client.get(url)  # warm: the session's first page loads
        per_page = []
        for page in (url, url + "?state=joined&role=mentee&q=person", "/"):
            with query_counter:
                response = client.get(page)
            assert response.status_code == 200
            per_page.append(query_counter.count)
        counts.append(per_page)
    assert counts[0] == counts[1], counts
    big = client.get(url).get_data(as_text=True)
    assert len(states_shown(big)) == 25 and re.search(r"Page 1 of \d{2}\b", big)  # 2,000 people
    assert len(big.encode()) <= 30_000


def test_home_numbers_link_to_the_lists_behind_them(world, states, login) -> None:
    client = login("coordinator")
    home = client.get("/").get_data(as_text=True)
    stats = dict(
        (label, (href.replace("&amp;", "&"), int(number)))
        for label, href, number in re.findall(
            r'<dt>([^<]+)</dt><dd><a href="([^"]+)">(\d+)<span', home
        )
    )
    people = f"/programs/{world.program_id}/people"
    assert stats == {
        "Mentees": (f"{people}?state=current&role=mentee", 5),
        "Mentors": (f"{people}?state=current&role=mentor", 4),
        "Invited, not joined": (f"{people}?state=invited", 1),
        "Onboarding": (f"{people}?state=joined", 3),
        "Waiting for a match": (f"{people}?state=onboarded&role=mentee", 1),  # mentees only
        "Active mentorships": (f"{people}?state=matched&role=mentee", 2),
        "Proposed matches": (f"{people}#mentorships", 0),
        "Left": (f"{people}?state=left", 1),
        "Open invites": (f"/programs/{world.program_id}/invites", 3),
    }
    for label, (href, number) in stats.items():
        if "?" in href:
            listed = client.get(href).get_data(as_text=True)
            assert len(states_shown(listed)) == number, label


def test_coordinators_are_listed_apart_with_links_to_their_pages(app, world, login) -> None:
    with app.app_context():
        second = add_member(world.program_id, "Carl Cocoordinator", Role.COORDINATOR, left=True)
    page = _people(login("coordinator"), world).get_data(as_text=True)
    coordinators = page.split('id="coordinators-heading"', 1)[1]
    assert f'/people/{second}">Carl Cocoordinator</a> <span class="pill pill-state-left">' in (
        coordinators
    )
    assert "Cora Coordinator</a>" in coordinators and "Otto Elsewhere" not in page
