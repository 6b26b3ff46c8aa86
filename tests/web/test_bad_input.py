"""Junk sent to every form never gives a 500: missing fields, wrong types, dates out of order,
10,000-character strings, impossible ids. Each answers 400, 404 or 422, says why, and writes
nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from web_support import assert_no_trace, explanation, post_forms, snapshot

from app.clock import utcnow

HUGE = "x" * 10_000
HUGE_NUMBER = "9" * 10_000
BIG_ID = "99999999999999999999999"
TODAY = utcnow().date()
START, END = TODAY - timedelta(weeks=4), TODAY + timedelta(weeks=26)


def settings(**changes) -> dict:
    """A valid program settings form, with ``changes``."""
    form = {
        "name": "Hillside Mentoring",
        "objectives": "",
        "target_audience": "",
        "model": "one_on_one",
        "starts_on": START.isoformat(),
        "ends_on": END.isoformat(),
        "cadence": "weekly",
        "meeting_minutes": "45",
        "meeting_mode": "in_person",
        "time_zone": "UTC",
        "agreement": "",
    }
    return {**form, **changes}


def training_module(**changes) -> dict:
    """A valid mentor training module form, with ``changes``."""
    form = {
        "title": "Listening first",
        "body": "Ask, then **listen**.",
        "question": "Who talks most?",
        "choices": "The mentor\nThe mentee",
        "answer": "2",
    }
    return {**form, **changes}


def registration(**changes) -> dict:
    form = {
        "name": "Nia Newcomer",
        "email": "nia@test.example",
        "password": "a fine long passphrase",
        "time_zone": "Europe/Paris",
    }
    return {key: value for key, value in {**form, **changes}.items() if value is not None}


def password_change(**changes) -> dict:
    form = {
        "current_password": "correct horse battery",
        "password": "a brand new passphrase",
        "confirm": "a brand new passphrase",
    }
    return {key: value for key, value in {**form, **changes}.items() if value is not None}


def meeting(**changes) -> dict:
    """A valid plan-a-meeting form for tomorrow afternoon, with ``changes``."""
    form = {
        "day": (TODAY + timedelta(days=1)).isoformat(),
        "start": "15:30",
        "minutes": "45",
        "mode": "in_person",
        "location": "Library",
    }
    return {**form, **changes}


def goal(**changes) -> dict:
    """A valid new-goal form, with ``changes``."""
    form = {
        "title": "Apply to two summer programmes",
        "measure": "Two applications sent",
        "target_date": (TODAY + timedelta(days=14)).isoformat(),
        "why": "",
    }
    return {**form, **changes}


# buttons, no fields to spoil
FORMLESS = {
    "accounts.logout",
    "accounts.logout_everywhere",
    "accounts.end_device",
    "programs.reset_link",
    "programs.reactivate",
    "meetings.rotate_calendar_token",
    "goals.archive",
    "goals.unarchive",
    "goals.delete_milestone",
    "programs.training_delete",
    "notifications.remove_device",
    "notifications.send_test",
    "certificates.close",
}
P = "/programs/{program_id}"
M = "/mentorships/{mentorship_id}/meetings/new"
MET = "/mentorships/{mentorship_id}/meetings/met"
G = "/mentorships/{mentorship_id}/goals/new"
# (label, role, method, url template, form)
CASES = [
    # logging in
    ("login: nothing", "anonymous", "POST", "/login", {}),
    ("login: huge e-mail", "anonymous", "POST", "/login", {"email": HUGE, "password": "x"}),
    ("login: huge password", "anonymous", "POST", "/login", {"email": "a@b.c", "password": HUGE}),
    ("login: two e-mails", "anonymous", "POST", "/login", {"email": ["a@b.c", "d@e.f"]}),
    (
        "login: control chars",
        "anonymous",
        "POST",
        "/login",
        {"email": "a\x01@b", "password": "\x02"},
    ),
    ("login: NUL", "anonymous", "POST", "/login", {"email": "a\x00@b.c", "password": "x\x00"}),
    ("login: NUL in next", "anonymous", "GET", "/login?next=/%00", None),
    # joining
    ("join: nothing", "anonymous", "POST", "/join", {}),
    ("join: huge code", "anonymous", "POST", "/join", {"code": HUGE}),
    ("join: symbols", "anonymous", "POST", "/join", {"code": "💥💥💥💥-💥💥💥💥"}),
    ("join link: huge code", "anonymous", "GET", "/join/" + HUGE, None),
    ("join link: huge code, post", "anonymous", "POST", "/join/" + HUGE, registration()),
    ("join link: symbols", "anonymous", "GET", "/join/%E2%9C%93%20%25", None),
    ("register: nothing", "anonymous", "POST", "/join/{invite_code}", {}),
    ("register: huge name", "anonymous", "POST", "/join/{invite_code}", registration(name=HUGE)),
    ("register: blank name", "anonymous", "POST", "/join/{invite_code}", registration(name="  ")),
    ("register: bad e-mail", "anonymous", "POST", "/join/{invite_code}", registration(email="me")),
    ("register: huge e-mail", "anonymous", "POST", "/join/{invite_code}", registration(email=HUGE)),
    (
        "register: huge password",
        "anonymous",
        "POST",
        "/join/{invite_code}",
        registration(password=HUGE),
    ),
    (
        "register: unknown zone",
        "anonymous",
        "POST",
        "/join/{invite_code}",
        registration(time_zone="Mars/Olympus_Mons"),
    ),
    (
        "register: no password",
        "anonymous",
        "POST",
        "/join/{invite_code}",
        registration(password=None),
    ),
    ("join: NUL", "anonymous", "POST", "/join", {"code": "AB\x00CD-2345"}),
    ("join link: NUL", "anonymous", "GET", "/join/AB%00CD", None),
    (
        "register: NUL name",
        "anonymous",
        "POST",
        "/join/{invite_code}",
        registration(name="Nia\x00"),
    ),
    # password recovery (with SMTP: tests/web/test_password_reset.py)
    ("forgot: huge e-mail", "anonymous", "POST", "/password/forgot", {"email": HUGE}),
    (
        "reset: huge password",
        "anonymous",
        "POST",
        "/password/reset/no-such-link",
        {"password": HUGE, "confirm": HUGE},
    ),
    # onboarding: the profile, the signature, a training module's answer
    ("profile: nothing", "mentee", "POST", "/programs/{program_id}/profile", {}),
    (
        "profile: huge interests",
        "mentee",
        "POST",
        "/programs/{program_id}/profile",
        {"interests": HUGE, "availability": "mon-lunch", "style": "direct"},
    ),
    (
        "profile: unknown slot",
        "mentee",
        "POST",
        "/programs/{program_id}/profile",
        {"availability": ["mon-lunch", "moon-night"], "style": "direct"},
    ),
    (
        "profile: huge capacity",
        "own_mentor",
        "POST",
        "/programs/{program_id}/profile",
        {"availability": "mon-lunch", "style": "direct", "capacity": "9" * 40},
    ),
    ("sign: huge name", "mentee", "POST", "/programs/{program_id}/agreement", {"name": HUGE}),
    ("sign: NUL name", "mentee", "POST", "/programs/{program_id}/agreement", {"name": "Mi\x00"}),
    (
        "training: answer not a number",
        "own_mentor",
        "POST",
        "/programs/{program_id}/training/{training_module_id}",
        {"answer": "💥"},
    ),
    # one's own account
    ("account: huge name", "mentee", "POST", "/account", {"name": HUGE, "time_zone": "UTC"}),
    ("account: blank name", "mentee", "POST", "/account", {"name": " ", "time_zone": "UTC"}),
    ("account: bad zone", "mentee", "POST", "/account", {"name": "M", "time_zone": "No/Where"}),
    ("account: huge zone", "mentee", "POST", "/account", {"name": "M", "time_zone": HUGE}),
    ("account: NUL name", "mentee", "POST", "/account", {"name": "M\x00", "time_zone": "UTC"}),
    ("notifications: nothing", "mentee", "POST", "/notifications", {}),
    (
        "notifications: hour 25",
        "mentee",
        "POST",
        "/notifications",
        {"quiet_start": "25:00", "quiet_end": "07:00"},
    ),
    (
        "notifications: words for a time",
        "mentee",
        "POST",
        "/notifications",
        {"quiet_start": "late", "quiet_end": HUGE},
    ),
    (
        "notifications: unknown kind",
        "mentee",
        "POST",
        "/notifications",
        {"kinds": ["kudos", "pair_quiet", HUGE], "quiet_start": "21:00", "quiet_end": "08:00"},
    ),
    ("subscribe: nothing", "mentee", "POST", "/notifications/devices", {}),
    (
        "subscribe: not a push service",
        "mentee",
        "POST",
        "/notifications/devices",
        {"endpoint": "ftp://push.example/x", "p256dh": "BN" + "A" * 85, "auth": "A" * 22},
    ),
    (
        "subscribe: plain http elsewhere",
        "mentee",
        "POST",
        "/notifications/devices",
        {"endpoint": "http://10.0.0.1/x", "p256dh": "BN" + "A" * 85, "auth": "A" * 22},
    ),
    (
        "subscribe: huge endpoint",
        "mentee",
        "POST",
        "/notifications/devices",
        {
            "endpoint": "https://fcm.googleapis.com/fcm/send/" + HUGE,
            "p256dh": "BN" + "A" * 85,
            "auth": "A" * 22,
        },
    ),
    (
        "subscribe: bad keys",
        "mentee",
        "POST",
        "/notifications/devices",
        {
            "endpoint": "https://fcm.googleapis.com/fcm/send/x",
            "p256dh": "not base64!",
            "auth": HUGE,
        },
    ),
    (
        "subscribe: short keys",
        "mentee",
        "POST",
        "/notifications/devices",
        {"endpoint": "https://fcm.googleapis.com/fcm/send/x", "p256dh": "AAAA", "auth": "AAAA"},
    ),
    ("resubscribe: nothing", "anonymous", "POST", "/notifications/resubscribe", {}),
    (
        "resubscribe: bad old secret",
        "anonymous",
        "POST",
        "/notifications/resubscribe",
        {
            "old_endpoint": "https://fcm.googleapis.com/fcm/send/old",
            "old_auth": "x",
            "endpoint": "https://fcm.googleapis.com/fcm/send/new",
            "p256dh": "BN" + "A" * 85,
            "auth": "A" * 22,
        },
    ),
    (
        "resubscribe: unknown old endpoint",
        "anonymous",
        "POST",
        "/notifications/resubscribe",
        {
            "old_endpoint": "https://fcm.googleapis.com/fcm/send/old",
            "old_auth": "A" * 22,
            "endpoint": "https://fcm.googleapis.com/fcm/send/new",
            "p256dh": "BN" + "A" * 85,
            "auth": "A" * 22,
        },
    ),
    ("password: nothing", "mentee", "POST", "/account/password", {}),
    ("password: huge", "mentee", "POST", "/account/password", password_change(password=HUGE)),
    (
        "password: huge current",
        "mentee",
        "POST",
        "/account/password",
        password_change(current_password=HUGE),
    ),
    (
        "password: confirm differs",
        "mentee",
        "POST",
        "/account/password",
        password_change(confirm="something else entirely"),
    ),
    # the switcher
    ("switch: nothing", "mentee", "POST", "/programs/switch", {}),
    ("switch: word", "mentee", "POST", "/programs/switch", {"membership_id": "abc"}),
    ("switch: fraction", "mentee", "POST", "/programs/switch", {"membership_id": "1.5"}),
    ("switch: exponent", "mentee", "POST", "/programs/switch", {"membership_id": "1e3"}),
    ("switch: negative", "mentee", "POST", "/programs/switch", {"membership_id": "-1"}),
    ("switch: big", "mentee", "POST", "/programs/switch", {"membership_id": BIG_ID}),
    ("switch: huge", "mentee", "POST", "/programs/switch", {"membership_id": HUGE_NUMBER}),
    # program settings
    ("settings: nothing", "coordinator", "POST", P + "/settings", {}),
    (
        "settings: dates reversed",
        "coordinator",
        "POST",
        P + "/settings",
        settings(starts_on=END.isoformat(), ends_on=START.isoformat()),
    ),
    (
        "settings: same day",
        "coordinator",
        "POST",
        P + "/settings",
        settings(ends_on=START.isoformat()),
    ),
    (
        "settings: ten years",
        "coordinator",
        "POST",
        P + "/settings",
        settings(ends_on=(START + timedelta(days=3660)).isoformat()),
    ),
    (
        "settings: 30 February",
        "coordinator",
        "POST",
        P + "/settings",
        settings(starts_on="2026-02-30"),
    ),
    (
        "settings: not a date",
        "coordinator",
        "POST",
        P + "/settings",
        settings(ends_on="next tuesday"),
    ),
    (
        "settings: year 1",
        "coordinator",
        "POST",
        P + "/settings",
        settings(starts_on="0001-01-03", ends_on="0001-06-01"),
    ),
    (
        "settings: year 9999",
        "coordinator",
        "POST",
        P + "/settings",
        settings(starts_on="9999-06-01", ends_on="9999-12-31"),
    ),
    (
        "settings: minutes word",
        "coordinator",
        "POST",
        P + "/settings",
        settings(meeting_minutes="abc"),
    ),
    (
        "settings: minutes huge",
        "coordinator",
        "POST",
        P + "/settings",
        settings(meeting_minutes=HUGE_NUMBER),
    ),
    (
        "settings: minutes negative",
        "coordinator",
        "POST",
        P + "/settings",
        settings(meeting_minutes="-5"),
    ),
    ("settings: bad model", "coordinator", "POST", P + "/settings", settings(model="nope")),
    ("settings: huge cadence", "coordinator", "POST", P + "/settings", settings(cadence=HUGE)),
    ("settings: huge name", "coordinator", "POST", P + "/settings", settings(name=HUGE)),
    (
        "settings: huge objectives",
        "coordinator",
        "POST",
        P + "/settings",
        settings(objectives=HUGE),
    ),
    (
        "settings: huge agreement",
        "coordinator",
        "POST",
        P + "/settings",
        settings(agreement=HUGE),
    ),
    ("settings: bad zone", "coordinator", "POST", P + "/settings", settings(time_zone="Mars/X")),
    ("settings: NUL name", "coordinator", "POST", P + "/settings", settings(name="H\x00")),
    # break weeks
    ("break: nothing", "coordinator", "POST", P + "/breaks", {}),
    ("break: not a date", "coordinator", "POST", P + "/breaks", {"day": "soon"}),
    ("break: before program", "coordinator", "POST", P + "/breaks", {"day": "2001-01-01"}),
    ("break: year 1", "coordinator", "POST", P + "/breaks", {"day": "0001-01-01"}),
    ("break: year 9999", "coordinator", "POST", P + "/breaks", {"day": "9999-12-31"}),
    (
        "break: huge label",
        "coordinator",
        "POST",
        P + "/breaks",
        {"day": TODAY.isoformat(), "label": HUGE},
    ),
    ("break delete: word id", "coordinator", "POST", P + "/breaks/abc/delete", {}),
    ("break delete: zero id", "coordinator", "POST", P + "/breaks/0/delete", {}),
    ("break delete: big id", "coordinator", "POST", P + "/breaks/" + BIG_ID + "/delete", {}),
    ("break delete: negative id", "coordinator", "POST", P + "/breaks/-1/delete", {}),
    ("program: word id", "coordinator", "POST", "/programs/abc/breaks", {"day": "2026-01-01"}),
    ("program: big id", "coordinator", "GET", "/programs/" + BIG_ID + "/settings", None),
    ("program: big id, member", "mentee", "GET", "/programs/" + BIG_ID, None),
    # a new program, group sizes
    ("new program: nothing", "coordinator", "POST", "/programs/new", {}),
    ("new program: huge name", "coordinator", "POST", "/programs/new", settings(name=HUGE)),
    (
        "new program: group of one",
        "coordinator",
        "POST",
        "/programs/new",
        settings(model="group", group_size="1"),
    ),
    (
        "settings: huge group size",
        "coordinator",
        "POST",
        P + "/settings",
        settings(model="group", group_size=HUGE_NUMBER),
    ),
    (
        "settings: group size word",
        "coordinator",
        "POST",
        P + "/settings",
        settings(model="group", group_size="six"),
    ),
    # mentor training
    ("training: nothing", "coordinator", "POST", P + "/modules/new", {}),
    (
        "training: huge title",
        "coordinator",
        "POST",
        P + "/modules/new",
        training_module(title=HUGE),
    ),
    (
        "training: huge body",
        "coordinator",
        "POST",
        P + "/modules/new",
        training_module(body=HUGE * 3),
    ),
    (
        "training: NUL body",
        "coordinator",
        "POST",
        P + "/modules/new",
        training_module(body="a\x00b"),
    ),
    (
        "training: huge answer",
        "coordinator",
        "POST",
        P + "/modules/new",
        training_module(answer=HUGE_NUMBER),
    ),
    (
        "training: negative answer",
        "coordinator",
        "POST",
        P + "/modules/new",
        training_module(answer="-1"),
    ),
    (
        "training edit: huge choices",
        "coordinator",
        "POST",
        P + "/modules/{training_module_id}/edit",
        training_module(choices=HUGE),
    ),
    (
        "training move: nothing",
        "coordinator",
        "POST",
        P + "/modules/{training_module_id}/move",
        {},
    ),
    (
        "training move: huge direction",
        "coordinator",
        "POST",
        P + "/modules/{training_module_id}/move",
        {"direction": HUGE},
    ),
    (
        "training move: word id",
        "coordinator",
        "POST",
        P + "/modules/abc/move",
        {"direction": "up"},
    ),
    ("training delete: big id", "coordinator", "POST", P + "/modules/" + BIG_ID + "/delete", {}),
    # invites
    ("invite: nothing", "coordinator", "POST", P + "/invites", {}),
    (
        "invite: bad role",
        "coordinator",
        "POST",
        P + "/invites",
        {"role": "admin", "days": "3", "uses": "3"},
    ),
    (
        "invite: days word",
        "coordinator",
        "POST",
        P + "/invites",
        {"role": "mentee", "days": "abc", "uses": "3"},
    ),
    (
        "invite: days zero",
        "coordinator",
        "POST",
        P + "/invites",
        {"role": "mentee", "days": "0", "uses": "3"},
    ),
    (
        "invite: days huge",
        "coordinator",
        "POST",
        P + "/invites",
        {"role": "mentee", "days": HUGE_NUMBER, "uses": "3"},
    ),
    (
        "invite: uses negative",
        "coordinator",
        "POST",
        P + "/invites",
        {"role": "mentee", "days": "3", "uses": "-5"},
    ),
    (
        "invite: uses too many",
        "coordinator",
        "POST",
        P + "/invites",
        {"role": "mentee", "days": "3", "uses": "1000000"},
    ),
    ("revoke: word id", "coordinator", "POST", P + "/invites/abc/revoke", {}),
    ("revoke: big id", "coordinator", "POST", P + "/invites/" + BIG_ID + "/revoke", {}),
    # pairs at risk: the nudge takes no fields, only a pair of the program
    ("nudge: big id", "coordinator", "POST", P + "/at-risk/" + BIG_ID + "/nudge", {}),
    ("nudge: word id", "coordinator", "POST", P + "/at-risk/abc/nudge", {}),
    ("nudge: junk fields", "coordinator", "POST", P + "/at-risk/-1/nudge", {"x": HUGE}),
    # a pair's private notes and its resolution
    ("care note: nothing", "coordinator", "POST", P + "/at-risk/{mentorship_id}/notes", {}),
    (
        "care note: huge",
        "coordinator",
        "POST",
        P + "/at-risk/{mentorship_id}/notes",
        {"body": HUGE},
    ),
    (
        "care note: big id",
        "coordinator",
        "POST",
        P + "/at-risk/" + BIG_ID + "/notes",
        {"body": "x"},
    ),
    (
        "resolve: huge note",
        "coordinator",
        "POST",
        P + "/at-risk/{mentorship_id}/resolve",
        {"note": HUGE},
    ),
    ("resolve: word id", "coordinator", "POST", P + "/at-risk/abc/resolve", {}),
    # check-ins (real check-ins get their junk in tests/web/test_checkins*.py)
    ("acknowledge: big id", "own_mentor", "POST", f"/checkins/{BIG_ID}/acknowledge", {}),
    ("acknowledge: word id", "own_mentor", "POST", "/checkins/abc/acknowledge", {}),
    # meetings (real meetings get their junk in tests/web/test_meetings_*.py)
    ("meeting: nothing", "mentee", "POST", M, {}),
    ("meeting: 30 February", "mentee", "POST", M, meeting(day="2026-02-30")),
    ("meeting: year 1", "mentee", "POST", M, meeting(day="0001-01-01", start="00:30")),
    ("meeting: year 9999", "mentee", "POST", M, meeting(day="9999-12-31", start="23:59")),
    ("meeting: time word", "mentee", "POST", M, meeting(start="soon")),
    ("meeting: minutes huge", "mentee", "POST", M, meeting(minutes=HUGE_NUMBER)),
    ("meeting: huge mode", "mentee", "POST", M, meeting(mode=HUGE)),
    ("meeting: huge place", "mentee", "POST", M, meeting(location=HUGE)),
    ("meeting: video, no link", "mentee", "POST", M, meeting(mode="video", location="zoom")),
    ("meeting: big mentorship", "mentee", "POST", f"/mentorships/{BIG_ID}/meetings/new", meeting()),
    ("we met: nothing", "mentee", "POST", MET, {}),
    ("we met: 30 February", "mentee", "POST", MET, {"day": "2026-02-30", "minutes": "30"}),
    ("we met: year 1", "mentee", "POST", MET, {"day": "0001-01-01", "minutes": "30"}),
    ("we met: year 9999", "mentee", "POST", MET, {"day": "9999-12-31", "minutes": "30"}),
    ("we met: minutes huge", "mentee", "POST", MET, {"day": "2026-03-02", "minutes": HUGE_NUMBER}),
    ("we met: minutes word", "mentee", "POST", MET, {"day": "2026-03-02", "minutes": "long"}),
    ("we met: two days", "mentee", "POST", MET, {"day": ["2026-03-02", "x"], "minutes": "30"}),
    ("we met: big mentorship", "mentee", "POST", f"/mentorships/{BIG_ID}/meetings/met", {}),
    ("agenda: big id", "mentee", "POST", f"/meetings/{BIG_ID}/agenda", {"text": "Hi"}),
    ("notes: big id", "mentee", "POST", f"/meetings/{BIG_ID}/notes", {"notes": HUGE}),
    ("action: big id", "mentee", "POST", f"/meetings/{BIG_ID}/actions", {"text": "Do"}),
    ("toggle: big id", "mentee", "POST", f"/actions/{BIG_ID}/toggle", {"done": "1"}),
    ("toggle: word id", "mentee", "POST", "/actions/abc/toggle", {"done": "1"}),
    ("confirm: big id", "mentee", "POST", f"/meetings/{BIG_ID}/confirm", {}),
    ("cancel: big id", "mentee", "POST", f"/meetings/{BIG_ID}/cancel", {"reason": HUGE}),
    ("move: big id", "mentee", "POST", f"/meetings/{BIG_ID}/reschedule", meeting(reason="x")),
    # goals (real goals and milestones get their junk in tests/web/test_goals_*.py)
    ("goal: nothing", "mentee", "POST", G, {}),
    ("goal: 30 February", "mentee", "POST", G, goal(target_date="2026-02-30")),
    ("goal: year 1", "mentee", "POST", G, goal(target_date="0001-01-01")),
    ("goal: year 9999", "mentee", "POST", G, goal(target_date="9999-12-31")),
    ("goal: huge title", "mentee", "POST", G, goal(title=HUGE)),
    ("goal: huge measure", "own_mentor", "POST", G, goal(measure=HUGE)),
    ("goal: NUL title", "mentee", "POST", G, goal(title="Read\x00")),
    ("goal: big mentorship", "mentee", "POST", f"/mentorships/{BIG_ID}/goals/new", goal()),
    ("goal edit: big id", "mentee", "POST", f"/goals/{BIG_ID}/edit", goal()),
    ("milestone: big goal", "mentee", "POST", f"/goals/{BIG_ID}/milestones", {"title": "x"}),
    ("milestone edit: big id", "mentee", "POST", f"/milestones/{BIG_ID}/edit", {"title": "x"}),
    ("milestone move: big id", "mentee", "POST", f"/milestones/{BIG_ID}/move", {"to": "0"}),
    ("milestone move: word id", "mentee", "POST", "/milestones/abc/move", {"to": "0"}),
    ("milestone done: big id", "mentee", "POST", f"/milestones/{BIG_ID}/submit", {"note": HUGE}),
    ("milestone confirm: big id", "own_mentor", "POST", f"/milestones/{BIG_ID}/confirm", {}),
    ("send back: big id", "own_mentor", "POST", f"/milestones/{BIG_ID}/send-back", {"note": ""}),
    # surveys (junk in an open survey: tests/web/test_surveys_answer.py)
    ("survey: big program", "mentee", "POST", f"/programs/{BIG_ID}/survey", {"usefulness": "9"}),
    # matching: ids that are words or beyond range, a reason too long or with a NUL
    (
        "hand match: words",
        "coordinator",
        "POST",
        P + "/matching/hand",
        {"mentee": "abc", "mentor": "x"},
    ),
    (
        "hand match: big ids",
        "coordinator",
        "POST",
        P + "/matching/hand",
        {"mentee": BIG_ID, "mentor": BIG_ID},
    ),
    ("accept: word", "coordinator", "POST", P + "/matching/accept", {"draft": "abc"}),
    ("accept: big id", "coordinator", "POST", P + "/matching/accept", {"draft": BIG_ID}),
    (
        "swap: big id",
        "coordinator",
        "POST",
        P + "/matching/drafts/{match_draft_id}/swap",
        {"mentor": HUGE_NUMBER},
    ),
    ("match one: big id", "coordinator", "POST", P + f"/matching/mentees/{BIG_ID}/suggest", {}),
    (
        "end: long reason",
        "coordinator",
        "POST",
        P + "/mentorships/{mentorship_id}/end",
        {"reason": "x" * 301},
    ),
    (
        "end: NUL reason",
        "coordinator",
        "POST",
        P + "/mentorships/{mentorship_id}/end",
        {"reason": "Moved\x00 away"},
    ),
]


@pytest.mark.parametrize(
    ("role", "method", "url", "form"),
    [pytest.param(*case[1:], id=case[0]) for case in CASES],
)
def test_junk_is_refused_politely(app, ids, login, role, method, url, form) -> None:
    client = login(role)
    target = url.format_map(ids)
    before = snapshot(app)
    response = client.get(target) if method == "GET" else client.submit(target, form)
    page = response.get_data(as_text=True)
    assert response.status_code in (400, 404, 422), (
        f"{method} {target[:80]}: {response.status_code}"
    )
    assert explanation(page), f"the page must say what was wrong:\n{page[:2000]}"
    assert_no_trace(page)
    assert snapshot(app) == before, "refused input must write nothing"


# Junk for forms found on the pages, whatever their fields: each field gets the same value.
JUNK_VALUES = {
    "missing": None,
    "huge": HUGE,
    "huge number": HUGE_NUMBER,
    "big id": BIG_ID,
    "negative": "-1",
    "word": "not a number, not a date ✓",
    "year 1": "0001-01-01",
    "year 9999": "9999-12-31",
    "control characters": "\x01\x02\x7f",
    "NUL": "a\x00b",
}
LOGS_OUT = ("/logout", "/account/logout-everywhere")


def discover_forms(client, ids) -> dict[str, list[str]]:
    """Every POST form on the matrix's GET pages, as this client sees them."""
    from test_access_matrix import MATRIX, fill

    forms: dict[str, list[str]] = {}
    for row in MATRIX:
        if row.method == "GET":
            with client.get(fill(row.url, ids)) as response:
                if response.status_code == 200 and response.mimetype == "text/html":
                    for action, fields in post_forms(response.get_data(as_text=True)).items():
                        forms.setdefault(action, fields)
    return forms


@pytest.mark.parametrize("role", ["anonymous", "mentee", "own_mentor", "coordinator"])
def test_forms_on_the_pages_survive_junk(app, ids, login, role) -> None:
    """Whatever a form's fields, junk in all of them is never a server error. (Junk may be
    valid for a free-text form, so any status below 500 is fine here; CASES above are strict.)"""
    client = login(role)
    forms = discover_forms(client, ids)
    assert forms, "no forms found"
    failures = []
    for action, fields in sorted(forms.items()):
        if action.split("?")[0] in LOGS_OUT or not fields:
            continue
        for label, value in JUNK_VALUES.items():
            data = {} if value is None else dict.fromkeys(fields, value)
            response = client.submit(action, data)
            page = response.get_data(as_text=True)
            if response.status_code >= 500:
                failures.append(f"POST {action} {label} {fields}: {response.status_code}")
            assert_no_trace(page)
    assert not failures, "\n".join(failures)


def test_every_post_form_gets_junk(app, ids, new_client) -> None:
    """A POST route with fields gets junk here: from CASES, or because a page of the matrix
    shows its form in the world. Otherwise add cases to CASES (see FORMLESS for buttons)."""
    from test_access_matrix import routes_of

    adapter = app.url_map.bind("localhost")
    urls = [(method, url.format_map(ids)) for _, _, method, url, _ in CASES]
    for role in ("anonymous", "mentee", "own_mentor", "other_mentor", "coordinator"):
        urls += [("POST", action) for action in discover_forms(new_client(role), ids)]
    tried = set()
    for method, url in urls:
        try:
            # an id beyond the database's range answers 404 at routing; it still aims there
            endpoint, _ = adapter.match(url.split("?")[0].replace(BIG_ID, "1"), method=method)
        except Exception:  # noqa: BLE001,S112 - URLs that match no rule are junk on purpose
            continue
        tried.add(endpoint)
    posts = {endpoint for endpoint, method in routes_of(app) if method == "POST"} - FORMLESS
    assert not posts - tried, (
        f"No junk is posted to {sorted(posts - tried)}: add cases to CASES in "
        "tests/web/test_bad_input.py (or, for a button without fields, to FORMLESS)."
    )
