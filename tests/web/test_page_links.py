"""Templates' ``url_for`` (``PageLinks``) answers what Flask's would, building each relative
link once per script root, and leaves to Flask whatever could differ from call to call."""

from __future__ import annotations

import pytest
from flask import url_for

from app import page_links
from app.page_links import PageLinks


class Counted:
    """Flask's ``url_for``, counting the calls that reach it."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, endpoint: str, **values) -> str:
        self.calls += 1
        return url_for(endpoint, **values)


@pytest.fixture
def links():
    return PageLinks(Counted())


def test_a_link_is_flasks_own_and_built_once_per_script_root(app, links):
    with app.test_request_context("/"):
        first = links.url_for("meetings.show", meeting_id=7)
        again = links.url_for("meetings.show", meeting_id=7)
        other = links.url_for("meetings.show", meeting_id=8)
        assert first == again == url_for("meetings.show", meeting_id=7) == "/meetings/7"
        assert other == "/meetings/8"
        assert links.build.calls == 2
    with app.test_request_context("/", base_url="http://localhost/school/"):
        assert links.url_for("meetings.show", meeting_id=7) == "/school/meetings/7"
        assert links.build.calls == 3


@pytest.mark.parametrize(
    ("endpoint", "values"),
    [
        ("static", {"filename": "css/app.css"}),
        ("meetings.show", {"meeting_id": 7, "_anchor": "notes"}),
        ("meetings.show", {"meeting_id": 7, "_external": True}),
        ("accounts.login", {"next": ["/a", "/b"]}),
    ],
    ids=["static", "anchor", "external", "unhashable"],
)
def test_what_could_differ_goes_to_flask_every_time(app, links, endpoint, values):
    with app.test_request_context("/"):
        answers = {links.url_for(endpoint, **values) for _ in range(2)}
        assert answers == {url_for(endpoint, **values)}
        assert links.build.calls == 2


def test_outside_a_request_flask_answers(app, links):
    app.config["SERVER_NAME"] = "waypoint.example"  # the app fixture puts it back
    with app.app_context():
        assert links.url_for("home.index") == "http://waypoint.example/"
        assert links.url_for("home.index") == "http://waypoint.example/"
    assert links.build.calls == 2


def test_the_memory_is_emptied_when_full(app, links, monkeypatch):
    monkeypatch.setattr(page_links, "LIMIT", 3)
    with app.test_request_context("/"):
        for meeting_id in range(1, 5):
            links.url_for("meetings.show", meeting_id=meeting_id)
        assert len(links.links) == 1
        assert links.url_for("meetings.show", meeting_id=4) == "/meetings/4"
        assert links.build.calls == 4


def test_templates_use_it(app):
    assert app.jinja_env.globals["url_for"].__self__.__class__ is PageLinks
