"""The matching page reads a program of 2,000 participants in as many queries as one of a
dozen: the pool, drafts and mentorships are loaded in bulk, never per person."""

from __future__ import annotations

import re

import sqlalchemy as sa
from pairing_bulk import populate
from pairing_support import pool_from_facts, pool_seen

from app.extensions import db
from app.models import MatchDraft, Membership, ParticipantProfile, Program, Role, User
from app.pairing.pool import SHOWN, load_pool


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


def test_a_districts_people_not_ready_are_counted_and_the_first_listed(app, world, login):
    """Of 2,000 people, the mentees without a profile are not ready: the page counts them all
    and lists the first ``SHOWN`` (by id), and one far down that list, matched by hand
    through the mentee's options, is still told what they lack."""
    client = login("coordinator")
    with app.app_context():
        populate(world.program_id, 2000, "d")
        program = db.session.get(Program, world.program_id)
        facts = pool_from_facts(program)
        assert pool_seen(load_pool(program)) == facts  # the first read, the rest counted
        total, first = facts["not_ready_total"], list(facts["not_ready"])
        last = db.session.scalar(
            sa.select(sa.func.max(Membership.id)).where(
                Membership.program_id == world.program_id,
                Membership.role == Role.MENTEE,
                ~sa.exists().where(ParticipantProfile.membership_id == Membership.id),
            )
        )
        mentor = db.session.scalar(
            sa.select(Membership.id)
            .join(User)
            .where(
                User.email == world.email("own_mentor"), Membership.program_id == world.program_id
            )
        )
        names = dict(
            db.session.execute(
                sa.select(Membership.id, User.name)
                .join(User)
                .where(Membership.id.in_([*first, last]))
                .order_by(Membership.id)
            ).all()
        )
    assert total > SHOWN and len(first) == SHOWN and last not in first
    url = f"/programs/{world.program_id}/matching"
    page = client.get(url).get_data(as_text=True)
    assert f"<dt>Not ready</dt><dd>{total:,}</dd>" in page
    assert f"Not ready yet ({total:,})" in page
    assert f"And {total - SHOWN:,} more" in page
    listed = page.split('id="not-ready-heading"')[1].split("</section>")[0]
    assert [name for name in names.values() if f"<span>{name} <" in listed] == [
        names[m] for m in first
    ]
    refused = client.submit(f"{url}/hand", {"mentee": str(last), "mentor": str(mentor)})
    assert refused.status_code == 422
    assert "has not finished onboarding: profile." in refused.get_data(as_text=True)
