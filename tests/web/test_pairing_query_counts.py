"""The matching page reads a program of 2,000 participants in as many queries as one of a
dozen: the pool, drafts and mentorships are loaded in bulk, never per person."""

from __future__ import annotations

import re

import sqlalchemy as sa

from app.clock import utcnow
from app.extensions import db
from app.models import (
    MatchDraft,
    Membership,
    Mentorship,
    MentorshipMember,
    MentorshipStatus,
    ParticipantProfile,
    Program,
    Role,
    User,
)

PROFILE = {
    "interests": "music, robotics",
    "goals": "maths",
    "skills": "maths, physics",
    "availability": "mon-evening tue-evening",
    "style": "direct",
    "modes": "video",
    "languages": "English",
}


def _insert(model, rows: list[dict]) -> list[int]:
    if not rows:
        return []
    statement = sa.insert(model).returning(model.id, sort_by_parameter_order=True)
    return list(db.session.scalars(statement, rows))


def populate(program_id: int, count: int, tag: str) -> None:
    """``count`` people: a third mentors (room for two), two thirds mentees; a quarter of the
    mentees paired, a quarter drafted, one in ten without a profile, a few pairs ended."""
    version = db.session.get(Program, program_id).agreement_version
    users = _insert(
        User,
        [
            {"name": f"Person {tag}{n}", "email": f"p{tag}{n}@bulk.example", "password_hash": "x"}
            for n in range(count)
        ],
    )
    mentors_n = count // 3
    roles = [Role.MENTOR] * mentors_n + [Role.MENTEE] * (count - mentors_n)
    members = _insert(
        Membership,
        [
            {"user_id": u, "program_id": program_id, "role": r, "agreed_version": version}
            for u, r in zip(users, roles, strict=True)
        ],
    )
    mentors, mentees = members[:mentors_n], members[mentors_n:]
    no_profile = set(mentees[::10])
    _insert(
        ParticipantProfile,
        [
            {"membership_id": m, **PROFILE, "capacity": 2 if m in mentors else None}
            for m in members
            if m not in no_profile
        ],
    )
    quarter = len(mentees) // 4
    paired = [m for m in mentees if m not in no_profile][:quarter]
    drafted = [m for m in mentees if m not in no_profile][quarter : 2 * quarter]
    closed = max(1, count // 200)
    pairs = _insert(
        Mentorship,
        [
            {
                "program_id": program_id,
                "status": MentorshipStatus.CLOSED if n < closed else MentorshipStatus.ACTIVE,
                "closed_reason": "Moved away" if n < closed else "",
                "closed_at": utcnow() if n < closed else None,
            }
            for n in range(len(paired))
        ],
    )
    _insert(
        MentorshipMember,
        [
            {"mentorship_id": p, "membership_id": m}
            for p, mentee, mentor in zip(pairs, paired, mentors, strict=False)
            for m in (mentor, mentee)
        ],
    )
    _insert(
        MatchDraft,
        [
            {
                "program_id": program_id,
                "mentee_membership_id": mentee,
                "mentor_membership_id": mentors[-1 - n % len(mentors)],
                "score": 50,
                "reasons": [{"kind": "goals", "text": "Mentor offers maths", "points": 40}],
                "accepted": n % 2 == 0,
            }
            for n, mentee in enumerate(drafted)
        ],
    )
    db.session.commit()


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
