"""The check-in card writes its inputs by hand (WTForms' widgets cost more than the rest of the
card, on the page a mentee opens most): they must stay what WTForms and the forms macro write,
empty, filled with text that needs escaping, and re-shown with errors."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from checkins_support import card
from flask import render_template_string
from werkzeug.datastructures import MultiDict

from app.checkins.forms import CheckInForm
from app.models.checkins import NOTE_LIMIT

HINTS = {
    "progress_note": "What moved forward? Up to 1000 characters.",
    "blocker": "Something stuck or worrying you. Only you and your mentor see it.",
}

EXPECTED = """{% from "macros/forms.html" import field %}
{{ form.opened(value="") }}
{% for option in form.mood %}{{ option() }}{% endfor %}
{{ field(form.progress_note, hint=hints.progress_note) }}
{{ field(form.blocker, hint=hints.blocker) }}
{{ field(form.wants_help) }}"""
"""What the card would write with WTForms' own widgets and the app's field macro."""


class _Elements(HTMLParser):
    """The inputs and the field blocks of a page, as comparable tuples: each tag with its
    attributes sorted, and its text, whitespace aside. A hidden input's value is left out (the
    "opened" token is signed afresh for each rendering), and so is the CSRF token's input,
    which every form of the app writes alike."""

    def __init__(self) -> None:
        super().__init__()
        self.items: list[tuple] = []
        self._depth = 0  # inside a <div class="field ...">

    def handle_starttag(self, tag, attrs):
        classes = (dict(attrs).get("class") or "").split()
        if tag == "div" and "field" in classes:
            self._depth += 1
            attrs = [("class", " ".join(sorted(classes)))]
        elif tag == "div" and self._depth:
            self._depth += 1
        kind, name = dict(attrs).get("type"), dict(attrs).get("name")
        if kind == "hidden" and name != "csrf_token":
            self.items.append((tag, tuple(sorted(a for a in attrs if a[0] != "value"))))
        elif self._depth or (tag == "input" and kind == "radio"):
            self.items.append((tag, tuple(sorted(attrs))))

    def handle_endtag(self, tag):
        if self._depth:
            self.items.append(("/" + tag,))
            if tag == "div":
                self._depth -= 1

    def handle_data(self, data):
        if self._depth and data.strip():
            self.items.append(("text", " ".join(data.split())))


def _elements(html: str) -> list[tuple]:
    parser = _Elements()
    parser.feed(html)
    return parser.items


def _expected(app, formdata: dict | None) -> list[tuple]:
    with app.test_request_context(method="POST" if formdata else "GET"):
        form = CheckInForm(formdata=MultiDict(formdata) if formdata else None, meta={"csrf": False})
        if formdata:
            form.validate()
        return _elements(render_template_string(EXPECTED, form=form, hints=HINTS))


NOTES = {"progress_note": 'Read <b>two</b> "chapters" & more', "blocker": "Maths\nagain"}


@pytest.mark.parametrize(
    "formdata",
    [
        pytest.param(None, id="empty"),
        pytest.param({"mood": "4", **NOTES, "wants_help": "y"}, id="filled-with-markup"),
        pytest.param(
            {"mood": "9", "progress_note": "x" * (NOTE_LIMIT + 1), "blocker": "y" * 1001},
            id="errors",
        ),
    ],
)
def test_the_card_writes_what_wtforms_would(app, login, formdata):
    client = login("mentee")
    if formdata is None:
        response = client.get("/")
    else:
        response = client.submit("/checkins/this-week", formdata)
        assert response.status_code == 422 if formdata["mood"] == "9" else 303
        if response.status_code == 303:  # saved: the edit form shows it again
            response = client.get("/checkins/this-week")
    shown = _elements(card(response.get_data(as_text=True)))
    expected = _expected(app, formdata)
    assert len(expected) > 30
    assert shown == expected
