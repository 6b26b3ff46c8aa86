"""The matching page reads a program of 2,000 participants in as many queries as one of a
dozen: the pool, drafts and mentorships are loaded in bulk, never per person."""

from __future__ import annotations

import re

import sqlalchemy as sa
from pairing_bulk import populate

from app.extensions import db
from app.models import MatchDraft, Membership, Role, User


def _page_queries(client, world, query_counter) -> tuple[int, str]:
    url = f"/programs/{world.program_id}/matching"
    client.get(url)
    with query_counter as counted:
        response = client.get(url)
    assert response.status_code == 200
    return counted.count, response.get_data(as_text=True)


def test_the_matching_page_costs_the_same_for_12_and_2000_people(app, world, login, query_counter):
    client = login("coordinator")
    with app.app_context():
        populate(world.program_id, 12, "a")
    small, page = _page_queries(client, world, query_counter)
    assert "Past mentorships" in page and "Moved away" in page and "Not ready yet" in page
    with app.app_context():
        populate(world.program_id, 1988, "b")
        assert (
            db.session.scalar(
                sa.select(sa.func.count())
                .select_from(Membership)
                .where(
                    Membership.program_id == world.program_id, Membership.role != Role.COORDINATOR
                )
            )
            == 2000 + 4
        )  # and the world's own two pairs
    large, page = _page_queries(client, world, query_counter)
    assert "Suggested matches (333)" in page
    assert page.count('<li class="draft') == 10  # a page of them
    assert "Showing 1–10 of 333 suggested matches" in page
    assert len(page.encode()) <= 30 * 1024, len(page.encode())
    assert "<option" not in page.split('id="hand-heading"')[0]  # no select of every mentor
    assert large == small, f"{small} queries with 12 people, {large} with 2,000"
    print(f"matching page: {small} queries for 12 and for 2,000 participants")


def test_a_districts_matching_page_lists_a_page_at_a_time(app, world, login):
    """2,000 people: a page of suggestions with a pager (htmx swaps the list alone), the first
    rows of each long list with how many more and where to find them, no select of everyone,
    and "Other mentors" opens the mentee's ranked options, whose choice keeps the draft's
    acceptance."""
    client = login("coordinator")
    with app.app_context():
        populate(world.program_id, 2000, "c")
        drafts = db.session.scalars(
            sa.select(MatchDraft)
            .where(MatchDraft.program_id == world.program_id)
            .order_by(MatchDraft.accepted.desc(), MatchDraft.score.desc(), MatchDraft.id)
        ).all()
        order = [(d.id, d.mentee_membership_id, d.accepted) for d in drafts]
    url = f"/programs/{world.program_id}/matching"
    page = client.get(url).get_data(as_text=True)
    assert f'href="{url}?page=2"' in page
    assert "And 315 more" in page  # of the 325 current mentorships, 10 shown
    assert f'href="/programs/{world.program_id}/people?state=matched">find them' in page
    assert "Too many people for one list" in page and 'id="mentee"' not in page
    second = client.get(f"{url}?page=2", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert second.startswith('<div id="drafts-list">') and "<html" not in second
    assert f'id="draft-{order[10][0]}"' in second and f'id="draft-{order[9][0]}"' not in second
    draft_id, mentee, accepted = order[0]
    options_url = f"{url}/mentees/{mentee}"
    assert f'href="{options_url}">Other mentors' in page
    options = client.get(options_url).get_data(as_text=True)
    swap = f'action="{url}/drafts/{draft_id}/swap"'
    assert swap in options and 'name="mentee"' not in options
    mentor = int(re.search(swap + r'.*?name="mentor" value="(\d+)"', options, re.S)[1])
    assert (
        client.submit(f"{url}/drafts/{draft_id}/swap", {"mentor": str(mentor)}).status_code == 303
    )
    with app.app_context():
        draft = db.session.get(MatchDraft, draft_id)
        assert (draft.mentor_membership_id, draft.accepted) == (mentor, accepted)
    refused = client.submit(f"{url}/drafts/{draft_id}/swap", {"mentor": ""})
    assert refused.status_code == 422
    assert '<p class="error" id="options-error">Pick a mentor.</p>' in refused.get_data(
        as_text=True
    )
    # Matching by hand goes through a mentee's options: a refusal is explained there too.
    with app.app_context():
        mentee, mentor = (
            db.session.scalar(
                sa.select(Membership.id)
                .join(User, User.id == Membership.user_id)
                .where(User.email == world.email(role), Membership.program_id == world.program_id)
            )
            for role in ("mentee", "own_mentor")
        )
    refused = client.submit(f"{url}/hand", {"mentee": str(mentee), "mentor": str(mentor)})
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert re.search(r'<p class="error" id="options-error">[^<]+ already has a mentor\.</p>', page)
