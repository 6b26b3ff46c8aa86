"""A coordinator's changes to a program (settings, break weeks, invites) are saved by the
programs service: each answers with a redirect and a message, and the row is there after."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from app.clock import utcnow
from app.extensions import db
from app.models import BreakWeek, Cadence, Invite, Program, Role


def _rows(app, model, **where):
    with app.app_context():
        return db.session.scalars(sa.select(model).filter_by(**where)).all()


def test_settings_are_saved(app, world, login) -> None:
    with app.app_context():
        program = db.session.get(Program, world.program_id)
        starts, ends = program.starts_on, program.ends_on
    response = login("coordinator").submit(
        f"/programs/{world.program_id}/settings",
        {
            "name": "Hillside Peer Mentoring",
            "objectives": "Confidence\nA plan for next year",
            "target_audience": "Year 10",
            "model": "group",
            "starts_on": starts.isoformat(),
            "ends_on": (ends + timedelta(days=7)).isoformat(),
            "cadence": "biweekly",
            "meeting_minutes": "30",
            "meeting_mode": "video",
            "time_zone": "Europe/Paris",
            "agreement": "Be kind.",
        },
    )
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/programs/{world.program_id}")
    (program,) = _rows(app, Program, id=world.program_id)
    assert program.name == "Hillside Peer Mentoring"
    assert program.objective_list == ["Confidence", "A plan for next year"]
    assert program.ends_on == ends + timedelta(days=7)
    assert program.cadence is Cadence.BIWEEKLY and program.meeting_minutes == 30
    assert program.time_zone == "Europe/Paris" and not program.leaderboard_enabled


def test_a_break_week_is_added_once_and_removed(app, world, login) -> None:
    client = login("coordinator")
    day = utcnow().date() + timedelta(weeks=5)
    monday = day - timedelta(days=day.weekday())
    url = f"/programs/{world.program_id}/breaks"
    for _ in range(2):  # declaring the same week again changes nothing
        response = client.submit(url, {"day": day.isoformat(), "label": "Exams"})
        assert response.status_code == 303
    (week,) = _rows(app, BreakWeek, program_id=world.program_id, monday=monday)
    assert week.label == "Exams"
    response = client.submit(f"{url}/{week.id}/delete")
    assert response.status_code == 303
    assert not _rows(app, BreakWeek, id=week.id)


def test_an_invite_is_created_and_revoked(app, world, login) -> None:
    client = login("coordinator")
    url = f"/programs/{world.program_id}/invites"
    before = {invite.id for invite in _rows(app, Invite, program_id=world.program_id)}
    response = client.submit(url, {"role": "mentor", "days": "3", "uses": "2"})
    assert response.status_code == 303
    (invite,) = [i for i in _rows(app, Invite, program_id=world.program_id) if i.id not in before]
    assert invite.role is Role.MENTOR and invite.uses_left == 2
    expected = utcnow() + timedelta(days=3)
    assert abs(invite.expires_at - expected) < timedelta(minutes=1)
    response = client.submit(f"{url}/{invite.id}/revoke")
    assert response.status_code == 303
    assert _rows(app, Invite, id=invite.id)[0].uses_left == 0
