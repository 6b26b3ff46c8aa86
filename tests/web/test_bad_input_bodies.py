"""Bad input beyond junk values: bodies that are not forms, control characters in text, odd
video links, odd stored text in calendar files, and bodies too large to read.

Every form of the app derives from ``app.forms.Form``: it reads form-encoded text only (JSON,
which Flask-WTF would otherwise read with its numbers and lists, and file parts answer 415), and
each text field refuses control characters. Each refusal says why, with a 4xx, writing nothing.
"""

from __future__ import annotations

import io
import json
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask_wtf import FlaskForm
from icalendar import Calendar
from meetings_support import add_meeting, now_fixture  # noqa: F401
from web_support import assert_no_trace, explanation, field_error, snapshot

from app import config
from app.extensions import db
from app.forms import Form
from app.models import CheckIn, Meeting, MeetingMode, User

LOGIN = {"email": "mentee@test.example", "password": "correct horse battery"}


def refused(app, response, before, *codes: int) -> str:
    page = response.get_data(as_text=True)
    assert response.status_code in codes, (response.status_code, page[:1000])
    assert explanation(page), f"the page must say what was wrong:\n{page[:2000]}"
    assert_no_trace(page)
    assert snapshot(app) == before, "refused input must write nothing"
    return page


# --- bodies that are not forms ------------------------------------------------------------

JSON_BODIES = [
    ("login: a number for the e-mail", "anonymous", "/login", {"email": 123, "password": "x"}),
    ("login: a list", "anonymous", "/login", [LOGIN["email"], LOGIN["password"]]),
    ("login: a real login as JSON", "anonymous", "/login", LOGIN),
    ("account: a number for the name", "mentee", "/account", {"name": 12345, "time_zone": "UTC"}),
    ("account: a NUL in JSON", "mentee", "/account", {"name": "Mi\x00na", "time_zone": "UTC"}),
    ("account: an object", "mentee", "/account", {"name": {"a": 1}, "time_zone": "UTC"}),
    ("check-in: a number for the note", "mentee", "/checkins/this-week", {"progress_note": 7}),
    (
        "check-in: NUL in a note",
        "mentee",
        "/checkins/this-week",
        {"mood": "4", "progress_note": "Good\x00", "blocker": ""},
    ),
    ("settings: a number", "coordinator", "/programs/{program_id}/settings", {"name": 1}),
]


@pytest.mark.parametrize(
    ("role", "url", "body"), [pytest.param(*case[1:], id=case[0]) for case in JSON_BODIES]
)
def test_json_bodies_are_refused(app, ids, login, role, url, body) -> None:
    """Before, Flask-WTF read these: numbers crashed the validators (500) and a NUL was saved."""
    client = login(role)
    before = snapshot(app)
    response = client.post(
        url.format_map(ids),
        data=json.dumps(body),
        content_type="application/json",
        headers={"X-CSRFToken": client.csrf_token()},
    )
    page = refused(app, response, before, 415)
    assert "form" in page


def test_other_media_types_are_refused(app, ids, login) -> None:
    client = login("mentee")
    before = snapshot(app)
    response = client.post(
        "/account",
        data="name=Mina&time_zone=UTC",
        content_type="text/plain",
        headers={"X-CSRFToken": client.csrf_token()},
    )
    refused(app, response, before, 415)


def test_file_parts_are_refused(app, ids, login) -> None:
    """A multipart body is a form encoding, but no form takes a file: its value is no text."""
    client = login("mentee")
    before = snapshot(app)
    response = client.post(
        "/account",
        data={
            "csrf_token": client.csrf_token(),
            "name": (io.BytesIO(b"Mina"), "name.txt"),
            "time_zone": "UTC",
        },
        content_type="multipart/form-data",
    )
    refused(app, response, before, 415)


def test_multipart_forms_still_work(app, ids, login) -> None:
    client = login("mentee")
    response = client.post(
        "/account",
        data={"csrf_token": client.csrf_token(), "name": "Mina M", "time_zone": "UTC"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 303, response.get_data(as_text=True)[:1000]


def test_every_form_reads_through_the_shared_base(app) -> None:
    """``Form`` holds the checks above; a form built on FlaskForm directly would skip them."""

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    ours = [cls for cls in subclasses(FlaskForm) if cls.__module__.startswith("app.")]
    assert len(ours) > 10, "the app's forms were not found"
    strays = [f"{cls.__module__}.{cls.__name__}" for cls in ours if not issubclass(cls, Form)]
    assert not strays, f"derive these from app.forms.Form: {strays}"


# --- control characters -------------------------------------------------------------------

ONE_LINE = [
    "tab\there",
    "line\r\nbreak",
    "escape\x1b[31m",
    "bell\x07",
    "delete\x7f",
    "next\x85line",
]
MULTI_LINE = ["escape\x1b[31m", "bell\x07", "form feed\x0c", "delete\x7f", "C1\x9b"]


def _goal(title: str = "Apply to two summer programmes", measure: str = "Two sent") -> dict:
    return {"title": title, "measure": measure, "target_date": "", "why": ""}


@pytest.mark.parametrize("text", ONE_LINE, ids=repr)
@pytest.mark.parametrize(
    ("role", "url", "form", "field"),
    [
        pytest.param("anonymous", "/login", lambda t: {**LOGIN, "email": t}, "email", id="login"),
        pytest.param(
            "mentee", "/account", lambda t: {"name": t, "time_zone": "UTC"}, "name", id="name"
        ),
        pytest.param(
            "mentee",
            "/account/password",
            lambda t: {"current_password": t, "password": "x" * 12, "confirm": "x" * 12},
            "current_password",
            id="password",
        ),
        pytest.param(
            "mentee",
            "/mentorships/{mentorship_id}/goals/new",
            lambda t: _goal(title=t),
            "title",
            id="goal title",
        ),
        pytest.param(
            "coordinator",
            "/programs/{program_id}/breaks",
            lambda t: {"day": "2030-01-01", "label": t},
            "label",
            id="break label",
        ),
    ],
)
def test_one_line_fields_refuse_control_characters(
    app, ids, login, role, url, form, field, text
) -> None:
    client = login(role)
    before = snapshot(app)
    response = client.submit(url.format_map(ids), form(text))
    page = refused(app, response, before, 422)
    assert (
        field_error(page, field)
        == "Keep this to one line of plain text, without tabs or hidden codes."
    )


@pytest.mark.parametrize("text", MULTI_LINE, ids=repr)
def test_multi_line_fields_refuse_control_characters(app, ids, login, text) -> None:
    client = login("mentee")
    before = snapshot(app)
    response = client.submit(
        "/checkins/this-week", {"mood": "4", "progress_note": f"Read a {text} book", "blocker": ""}
    )
    page = refused(app, response, before, 422)
    assert field_error(page, "progress_note") == "Remove the hidden control codes from this text."


def test_multi_line_fields_keep_tabs_and_line_breaks(app, world, login) -> None:
    client = login("mentee")
    note = "Read two chapters\r\n\tand made notes"
    response = client.submit("/checkins/this-week", {"mood": "4", "progress_note": note})
    assert response.status_code == 303, response.get_data(as_text=True)[:1000]
    with app.app_context():
        saved = db.session.scalar(sa.select(CheckIn.progress_note))  # the only check-in
    assert saved.replace("\r\n", "\n") == note.replace("\r\n", "\n")


# --- video links --------------------------------------------------------------------------

VIDEO_LINKS = {
    "CR/LF": "https://meet.example.org/abc\r\nX-INJECTED:1",
    "line feed": "https://meet.example.org/abc\nDESCRIPTION:x",
    "tab": "https://meet.example.org/\tabc",
    "no-break space": "https://meet.example.org/a\u00a0b",
    "zero-width space": "https://meet.example.org/a\u200bb",
    "javascript": "javascript:alert(1)",
    "data": "data:text/html,<p>hi</p>",
    "plain http": "http://meet.example.org/abc",
    "no host": "https:///abc",
    "broken IPv6 host": "https://[meet.example.org/abc",
}


@pytest.mark.parametrize("link", VIDEO_LINKS.values(), ids=VIDEO_LINKS.keys())
def test_video_links_must_be_plain_https(app, ids, login, now, link) -> None:
    client = login("mentee")
    before = snapshot(app)
    day = (now + timedelta(days=2)).date().isoformat()
    response = client.submit(
        f"/mentorships/{ids['mentorship_id']}/meetings/new",
        {"day": day, "start": "15:30", "minutes": "45", "mode": "video", "location": link},
    )
    page = refused(app, response, before, 422)
    assert field_error(page, "location")


def test_a_plain_video_link_is_still_accepted(app, ids, login, now) -> None:
    day = (now + timedelta(days=2)).date().isoformat()
    response = login("mentee").submit(
        f"/mentorships/{ids['mentorship_id']}/meetings/new",
        {
            "day": day,
            "start": "15:30",
            "minutes": "45",
            "mode": "video",
            "location": "https://meet.example.org/abc-defg-hij?pwd=x%20y",
        },
    )
    assert response.status_code == 303, response.get_data(as_text=True)[:1000]


# --- calendar files with odd stored text --------------------------------------------------


def test_calendar_files_survive_odd_stored_text(app, world, login, client, now) -> None:
    """Rows saved before these checks (or by hand) must not take a person's whole feed down:
    before, a CR/LF in a stored video link made the feed and the .ics answer 500."""
    starts = now + timedelta(days=3)
    with app.app_context():
        odd_link = add_meeting(
            world.mentorship_id,
            starts,
            mode=MeetingMode.VIDEO,
            location="https://meet.example.org/abc\r\nX-INJECTED:1",
        )
        odd_place = add_meeting(
            world.mentorship_id, starts + timedelta(days=1), location="Room\x01 12\x7f\tB"
        )
        fine = add_meeting(
            world.mentorship_id,
            starts + timedelta(days=2),
            mode=MeetingMode.VIDEO,
            location="https://meet.example.org/xyz",
        )
        mentor = db.session.scalar(sa.select(User).where(User.email == world.email("own_mentor")))
        mentor.name = "Omar\x1b[2J Mentor"
        db.session.commit()
        token = db.session.scalar(
            sa.select(User.calendar_token).where(User.email == world.email("mentee"))
        )

    feed = client.get(f"/calendar/{token}.ics")
    assert feed.status_code == 200
    for body in (feed.data, login("mentee").get(f"/meetings/{odd_link}.ics").data):
        assert not any(line.startswith(b"X-INJECTED") for line in body.split(b"\r\n"))
        assert not any(byte < 0x20 and byte not in b"\t\r\n" or byte == 0x7F for byte in body)
    events = {str(e["uid"]): e for e in Calendar.from_ical(feed.data).walk("VEVENT")}
    assert set(events) == {f"meeting-{n}@waypoint" for n in (odd_link, odd_place, fine)}
    assert "url" not in events[f"meeting-{odd_link}@waypoint"], "a broken link is left out"
    assert str(events[f"meeting-{fine}@waypoint"]["url"]) == "https://meet.example.org/xyz"
    assert str(events[f"meeting-{odd_place}@waypoint"]["location"]) == "Room 12\tB"
    assert str(events[f"meeting-{fine}@waypoint"]["summary"]) == "Mentoring with Omar[2J Mentor"
    with app.app_context():
        assert db.session.get(Meeting, odd_link).location.endswith("X-INJECTED:1")
    mentee = login("mentee")
    pages = {n: mentee.get(f"/meetings/{n}").get_data(as_text=True) for n in (odd_link, fine)}
    assert "Join the video call" not in pages[odd_link], "the page links only a plain https link"
    assert 'href="https://meet.example.org/xyz"' in pages[fine]


# --- bodies too large ---------------------------------------------------------------------


class HugeBody(io.RawIOBase):
    """A request body of ``size`` bytes, made up as it is read, that counts what is read."""

    def __init__(self, size: int) -> None:
        self.size, self.position, self.read_bytes = size, 0, 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        self.position = {io.SEEK_SET: 0, io.SEEK_CUR: self.position, io.SEEK_END: self.size}[
            whence
        ] + offset
        return self.position

    def tell(self) -> int:
        return self.position

    def readinto(self, buffer) -> int:
        count = max(0, min(len(buffer), self.size - self.position))
        buffer[:count] = b"x" * count
        self.position += count
        self.read_bytes += count
        return count


def test_a_100_mb_anonymous_login_gets_413_unread(app, client) -> None:
    """Before, an anonymous 100 MB login body was read and parsed in full."""
    assert app.config["MAX_CONTENT_LENGTH"] == 256 * 1024
    body = HugeBody(100 * 1024 * 1024)
    response = client.post(
        "/login", input_stream=body, content_type="application/x-www-form-urlencoded"
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 413
    assert explanation(page) == (
        "413 Too large: That was more than we can take at once. Shorten it and try again."
    )
    assert body.read_bytes == 0


def test_a_body_just_over_the_limit_gets_413(app, client) -> None:
    body = "email=a%40b.c&password=" + "x" * app.config["MAX_CONTENT_LENGTH"]
    response = client.post("/login", data=body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 413
    assert explanation(response.get_data(as_text=True))


def test_a_multipart_body_with_too_many_parts_gets_413(app, client) -> None:
    fields = {f"field{n}": "x" for n in range(config.MAX_FORM_PARTS + 1)}
    response = client.post("/login", data=fields, content_type="multipart/form-data")
    assert response.status_code == 413
    assert explanation(response.get_data(as_text=True))


def test_the_largest_real_form_fits(app, world, login, now) -> None:
    """10,000 four-byte characters of meeting notes, the app's longest text, percent-encoded."""
    with app.app_context():
        meeting_id = add_meeting(world.mentorship_id, now + timedelta(days=1))
    notes = "😄" * 10_000
    response = login("mentee").submit(f"/meetings/{meeting_id}/notes", {"notes": notes})
    assert response.status_code == 303, response.status_code
    with app.app_context():
        assert db.session.get(Meeting, meeting_id).notes == notes


def test_the_body_limit_is_a_setting(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("MAX_REQUEST_KB", "64")
    settings = config.load(tmp_path)
    assert settings["MAX_CONTENT_LENGTH"] == settings["MAX_FORM_MEMORY_SIZE"] == 64 * 1024
    assert settings["MAX_FORM_PARTS"] == config.MAX_FORM_PARTS
