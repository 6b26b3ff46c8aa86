"""Notices on the home pages: the person's own unread ones, newest first, dismissed by a real
form (htmx swaps the item away); anyone else's notice is a 404."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from app.clock import utcnow
from app.extensions import db
from app.models import Notice, User


def _tell(email: str, text: str, minutes_ago: int = 0) -> int:
    user_id = db.session.scalar(sa.select(User.id).where(User.email == email))
    notice = Notice(
        user_id=user_id,
        kind="matched",
        text=text,
        url="/",
        created_at=utcnow() - timedelta(minutes=minutes_ago),
    )
    db.session.add(notice)
    db.session.commit()
    return notice.id


def test_home_shows_the_five_newest_unread_notices(app, world, login):
    with app.app_context():
        for n in range(7):
            _tell(world.email("mentee"), f"Notice number {n}", minutes_ago=n)
        read = _tell(world.email("mentee"), "Already read")
        db.session.get(Notice, read).read_at = utcnow()
        _tell(world.email("own_mentor"), "For the mentor")
        db.session.commit()
    page = login("mentee").get("/").get_data(as_text=True)
    shown = [n for n in range(7) if f"Notice number {n}<" in page]
    assert shown == [0, 1, 2, 3, 4]
    assert page.index("Notice number 0") < page.index("Notice number 4")
    assert "Already read" not in page and "For the mentor" not in page


def test_dismissing_works_without_javascript_and_with_htmx(app, world, login):
    with app.app_context():
        first = _tell(world.email("mentee"), "You have a mentor: Omar Mentor")
        second = _tell(world.email("mentee"), "Second notice")
    client = login("mentee")
    response = client.submit(f"/notices/{first}/dismiss")
    assert response.status_code == 303 and response.location.endswith("/")
    swapped = client.htmx("POST", f"/notices/{second}/dismiss")
    assert swapped.status_code == 200 and swapped.get_data(as_text=True) == ""
    with app.app_context():
        assert all(db.session.get(Notice, i).read_at for i in (first, second))
    assert "You have a mentor" not in client.get("/").get_data(as_text=True)


def test_someone_elses_notice_is_404(app, world, login):
    with app.app_context():
        theirs = _tell(world.email("own_mentor"), "New mentee: Mina Mentee")
    client = login("mentee")
    assert client.submit(f"/notices/{theirs}/dismiss").status_code == 404
    with app.app_context():
        assert db.session.get(Notice, theirs).read_at is None


def test_mentor_and_coordinator_homes_show_their_notices(app, world, new_client):
    with app.app_context():
        _tell(world.email("own_mentor"), "New mentee: Nia New")
        _tell(world.email("coordinator"), "Something for the coordinator")
    assert "New mentee: Nia New" in new_client("own_mentor").get("/").get_data(as_text=True)
    page = new_client("coordinator").get("/").get_data(as_text=True)
    assert "Something for the coordinator" in page
