"""Nobody reaches what is not theirs, by any URL: a coordinator another program's settings,
invites or break weeks; a mentor, a mentee or a coordinator another pair's goals, milestones,
meetings, action items and check-ins (real rows, from ``build_probe_rows``).

Every attempt answers 404 (never 403: that would confirm the id exists) and leaves every table
exactly as it was.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from web_support import assert_no_trace, error_page_message, snapshot

from app.clock import utcnow

TODAY = utcnow().date()
SETTINGS_FORM = {
    "name": "Taken over",
    "objectives": "",
    "target_audience": "",
    "model": "group",
    "starts_on": (TODAY - timedelta(weeks=4)).isoformat(),
    "ends_on": (TODAY + timedelta(weeks=26)).isoformat(),
    "cadence": "monthly",
    "meeting_minutes": "30",
    "meeting_mode": "video",
    "time_zone": "UTC",
    "agreement": "",
}
INVITE_FORM = {"role": "coordinator", "days": "30", "uses": "5", "understood": "y"}
BREAK_FORM = {"day": (TODAY + timedelta(weeks=6)).isoformat(), "label": "Mine now"}


# (method, url template, form): the other program's things, through both programs' URLs
ATTEMPTS = [
    ("GET", "/programs/{other_program_id}", None),
    ("GET", "/programs/{other_program_id}/settings", None),
    ("POST", "/programs/{other_program_id}/settings", SETTINGS_FORM),
    ("GET", "/programs/{other_program_id}/people", None),
    ("GET", "/programs/{other_program_id}/invites", None),
    ("POST", "/programs/{other_program_id}/invites", INVITE_FORM),
    ("POST", "/programs/{other_program_id}/invites/{other_invite_id}/revoke", {}),
    ("POST", "/programs/{program_id}/invites/{other_invite_id}/revoke", {}),
    ("POST", "/programs/{other_program_id}/breaks", BREAK_FORM),
    ("POST", "/programs/{other_program_id}/breaks/{other_break_id}/delete", {}),
    ("POST", "/programs/{program_id}/breaks/{other_break_id}/delete", {}),
    ("POST", "/programs/switch", {"membership_id": "{other_coordinator_membership_id}"}),
]


@pytest.mark.parametrize(
    ("method", "url", "form"), ATTEMPTS, ids=[f"{m} {u}" for m, u, _ in ATTEMPTS]
)
def test_foreign_program_answers_404_and_changes_nothing(
    app, ids, login, method, url, form
) -> None:
    client = login("coordinator")
    target = url.format_map(ids)
    before = snapshot(app)
    if method == "GET":
        response = client.get(target)
    else:
        data = {key: value.format_map(ids) for key, value in form.items()}
        response = client.submit(target, data)
    page = response.get_data(as_text=True)
    assert response.status_code == 404, f"{method} {target}: {response.status_code}"
    assert error_page_message(page).startswith("404 Not found"), page[:1000]
    assert "Elsewhere Academy" not in page, "the other program's name leaked"
    assert_no_trace(page)
    assert snapshot(app) == before, f"{method} {target} changed the database"


def test_the_same_forms_work_on_our_own_program(app, ids, login) -> None:
    """The forms above are valid: the 404s come from the ownership checks, not from the data."""
    client = login("coordinator")
    program = ids["program_id"]
    assert client.submit(f"/programs/{program}/settings", SETTINGS_FORM).status_code == 303
    assert client.submit(f"/programs/{program}/invites", INVITE_FORM).status_code == 303
    assert client.submit(f"/programs/{program}/breaks", BREAK_FORM).status_code == 303
    revoke = f"/programs/{program}/invites/{ids['invite_id']}/revoke"
    assert client.submit(revoke).status_code == 303
    delete = f"/programs/{program}/breaks/{ids['break_id']}/delete"
    assert client.submit(delete).status_code == 303
    assert "Taken over" in client.get(f"/programs/{program}").get_data(as_text=True)


def test_the_other_coordinator_cannot_reach_ours_either(app, ids, login) -> None:
    client = login("other_coordinator")
    before = snapshot(app)
    program = ids["program_id"]
    for url in (f"/programs/{program}/settings", f"/programs/{program}/invites"):
        assert client.get(url).status_code == 404
        assert client.submit(url, SETTINGS_FORM | INVITE_FORM).status_code == 404
    assert client.submit(f"/programs/{program}/breaks", BREAK_FORM).status_code == 404
    for url in (
        f"/programs/{program}/breaks/{ids['break_id']}/delete",
        f"/programs/{ids['other_program_id']}/breaks/{ids['break_id']}/delete",
        f"/programs/{program}/invites/{ids['invite_id']}/revoke",
        f"/programs/{ids['other_program_id']}/invites/{ids['invite_id']}/revoke",
    ):
        assert client.submit(url).status_code == 404, url
    assert snapshot(app) == before


GOAL_FORM = {
    "title": "Taken over",
    "measure": "Someone else's",
    "target_date": (TODAY + timedelta(weeks=6)).isoformat(),
}
# (method, url template, form): one pair's rows, each with a form its own people could send
PAIR_ATTEMPTS = [
    ("GET", "/goals/{goal_id}", None),
    ("GET", "/goals/{goal_id}/edit", None),
    ("POST", "/goals/{goal_id}/edit", GOAL_FORM),
    ("POST", "/goals/{goal_id}/archive", {}),
    ("POST", "/goals/{goal_id}/milestones", {"new-milestone-title": "Planted"}),
    ("GET", "/milestones/{milestone_id}/edit", None),
    ("POST", "/milestones/{milestone_id}/edit", {"title": "Renamed"}),
    ("POST", "/milestones/{milestone_id}/move", {"to": "0"}),
    ("POST", "/milestones/{milestone_id}/delete", {}),
    ("POST", "/milestones/{milestone_id}/submit", {}),
    ("POST", "/milestones/{milestone_id}/confirm", {}),
    ("POST", "/milestones/{milestone_id}/send-back", {"milestone-{milestone_id}-note": "No"}),
    ("GET", "/meetings/{meeting_id}", None),
    ("GET", "/meetings/{meeting_id}.ics", None),
    ("POST", "/meetings/{meeting_id}/notes", {"notes": "Planted notes"}),
    ("POST", "/meetings/{meeting_id}/agenda", {"text": "Planted item"}),
    ("POST", "/meetings/{meeting_id}/confirm", {}),
    ("POST", "/meetings/{meeting_id}/cancel", {"reason": "Not yours"}),
    ("POST", "/actions/{action_id}/toggle", {"done": "1"}),
    ("POST", "/checkins/{checkin_id}/acknowledge", {"checkin-{checkin_id}-reply": "Seen"}),
]
OUTSIDERS = [
    # (who tries, whose rows: "" for our pair, "other_" for the other mentor's pair)
    ("other_mentor", ""),
    ("other_mentee", ""),
    ("coordinator", ""),
    ("other_coordinator", ""),
    ("mentee", "other_"),
    ("own_mentor", "other_"),
]


def _pair_url(template: str, ids: dict, whose: str) -> str:
    return re.sub(r"\{(\w+_id)\}", lambda m: str(ids[whose + m.group(1)]), template)


def _attempt(client, method: str, url: str, form: dict, ids: dict, whose: str):
    """One of PAIR_ATTEMPTS on ``whose`` pair's rows: the URL it reached and the answer."""
    target = _pair_url(url, ids, whose)
    if method == "GET":
        return target, client.get(target)
    return target, client.submit(target, {_pair_url(k, ids, whose): v for k, v in form.items()})


@pytest.mark.parametrize(
    ("role", "whose"), OUTSIDERS, ids=[f"{r} on {w}pair" for r, w in OUTSIDERS]
)
def test_another_pairs_rows_answer_404_and_change_nothing(app, ids, new_client, role, whose):
    client = new_client(role)
    before = snapshot(app)
    for method, url, form in PAIR_ATTEMPTS:
        target, response = _attempt(client, method, url, form, ids, whose)
        page = response.get_data(as_text=True)
        assert response.status_code == 404, f"{method} {target} as {role}: {response.status_code}"
        assert error_page_message(page).startswith("404 Not found"), page[:1000]
        assert "reading goal" not in page and "Bring the book list" not in page, "a row leaked"
        assert_no_trace(page)
    assert snapshot(app) == before, f"{role} changed another pair's rows"


def test_the_pairs_own_people_reach_the_same_rows(app, ids, new_client) -> None:
    """The attempts above are real: the same requests reach the pair's own people."""
    for role, whose in (("mentee", ""), ("own_mentor", ""), ("other_mentor", "other_")):
        client = new_client(role)
        for method, url, form in PAIR_ATTEMPTS:
            target, response = _attempt(client, method, url, form, ids, whose)
            assert response.status_code != 404, f"{method} {target} as {role}"
