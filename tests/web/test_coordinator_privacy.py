"""What stays inside a mentorship never reaches a coordinator: every page and export our
coordinator may open (each GET row of the access matrix they are allowed) is searched for a
secret planted in every private text of both pairs: check-ins and their replies, meeting
notes, agenda and action items, and review notes on milestones."""

from __future__ import annotations

import sqlalchemy as sa
from test_access_matrix import MATRIX, ROLES, fill

from app.extensions import db
from app.models import (
    ActionItem,
    AgendaItem,
    CheckIn,
    Meeting,
    MilestoneAction,
    MilestoneEvent,
)

SECRET = "heron-private-4471"
COORDINATOR = ROLES.index("coordinator")


def _plant(ids: dict) -> None:
    """The secret in every private text column of the probe rows (and a review note)."""
    db.session.execute(
        sa.update(CheckIn).values(progress_note=SECRET, blocker=SECRET, reply=SECRET)
    )
    db.session.execute(sa.update(Meeting).values(notes=SECRET, change_reason=SECRET))
    db.session.execute(sa.update(ActionItem).values(text=SECRET))
    for meeting_id in (ids["meeting_id"], ids["other_meeting_id"]):
        db.session.add(AgendaItem(meeting_id=meeting_id, text=SECRET))
    for milestone_id in (ids["milestone_id"], ids["other_milestone_id"]):
        db.session.add(
            MilestoneEvent(milestone_id=milestone_id, action=MilestoneAction.SENT_BACK, note=SECRET)
        )
    db.session.commit()


def _coordinator_pages() -> list[str]:
    return sorted(
        {
            row.url
            for row in MATRIX
            if row.method == "GET" and row.expect[COORDINATOR] == 200 and "{url}" not in row.url
        }
    )


def test_coordinator_pages_hold_no_private_text(app, ids, login):
    with app.app_context():
        _plant(ids)
    client = login("coordinator")
    pages = _coordinator_pages()
    assert len(pages) > 20  # the whole coordinator side: overview, people, outcomes, exports…
    seen = []
    for template in pages:
        url = fill(template, ids)
        with client.get(url) as response:
            assert response.status_code == 200, url
            assert SECRET not in response.get_data(as_text=True), f"{url} shows private text"
        seen.append(url)
    assert any(url.endswith(".csv") for url in seen)
    assert any(url.endswith("/outcomes/report") for url in seen)


def test_the_secret_is_planted_where_the_pair_reads_it(app, ids, login):
    """The search above would pass on empty rows: the pair's own pages do show the secret."""
    with app.app_context():
        _plant(ids)
    client = login("own_mentor")
    page = client.get(f"/meetings/{ids['meeting_id']}").get_data(as_text=True)
    assert page.count(SECRET) >= 3  # notes, an agenda item, an action item
