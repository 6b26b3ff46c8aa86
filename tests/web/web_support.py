"""Helpers shared by the web tests (plain functions and constants; fixtures are in conftest.py).

This module has its own name rather than living in a conftest, because ``import conftest`` is
ambiguous once several test folders have one.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import sqlalchemy as sa
from flask import Flask
from markupsafe import escape

from app.extensions import db

PASSWORD = "correct horse battery"  # every person of the ``world`` fixture has it
CSRF_MESSAGE = "This form expired or came from elsewhere"
TRACE_MARKERS = ("Traceback", 'File "', "werkzeug", "sqlalchemy", "jinja2", "Exception:")


def log_in(client, email: str, password: str = PASSWORD, **extra):
    return client.submit("/login", {"email": email, "password": password, **extra})


def is_logged_in(client) -> bool:
    """Asks a light login_required page (the account page renders ~600 time zones)."""
    status = client.get("/account/password").status_code
    assert status in (200, 303), status
    return status == 200


def field_error(page: str, field_id: str) -> str | None:
    """The error message shown next to a form field (the forms macro's ``<p class="error">``)."""
    match = re.search(rf'<p class="error" id="{re.escape(field_id)}-error">([^<]*)</p>', page)
    return match.group(1) if match else None


def shown(message: str) -> str:
    """A message as Jinja writes it into the page (apostrophes escaped)."""
    return str(escape(message))


def error_page_message(page: str) -> str | None:
    """The title and message of the friendly error page, or None when this is not one."""
    match = re.search(
        r'<section class="error-page">\s*<p class="error-code">(\d+)</p>\s*<h1>([^<]+)</h1>'
        r"\s*<p>([^<]+)</p>",
        page,
    )
    return f"{match.group(1)} {match.group(2)}: {match.group(3)}" if match else None


def explanation(page: str) -> str | None:
    """What a refusal tells the person: the error page, a field's error, or the invite page."""
    if message := error_page_message(page):
        return message
    if match := re.search(r'<p class="error" id="([^"]+)-error">([^<]+)</p>', page):
        return f"{match.group(1)}: {match.group(2)}"
    if match := re.search(r"<h1>(Invite not available)</h1>\s*<p>([^<]+)</p>", page):
        return f"{match.group(1)}: {match.group(2)}"
    return None


def assert_no_trace(page: str) -> None:
    for marker in TRACE_MARKERS:
        assert marker not in page, f"the page shows internals ({marker!r}):\n{page[:2000]}"


def location_parts(location: str) -> tuple[str, str, dict[str, list[str]]]:
    """(netloc, path, decoded query) of a redirect target, to compare without URL quoting."""
    parts = urlsplit(location)
    return parts.netloc, parts.path, parse_qs(parts.query, keep_blank_values=True)


# Bookkeeping any request of a logged-in person may move: not a change the request made.
_BOOKKEEPING = {("login_sessions", "last_seen_at")}


def snapshot(app: Flask) -> dict[str, list[tuple]]:
    """Every row of every table, to prove a request changed nothing."""
    with app.app_context():
        existing = set(sa.inspect(db.engine).get_table_names())
        with db.engine.connect() as connection:
            return {
                table.name: sorted(
                    (tuple(row) for row in connection.execute(_columns_of(table))), key=repr
                )
                for table in db.metadata.sorted_tables
                if table.name in existing
            }


def _columns_of(table: sa.Table) -> sa.Select:
    return sa.select(*(c for c in table.columns if (table.name, c.name) not in _BOOKKEEPING))


class PageScan(HTMLParser):
    """Collects what a strict CSP would block or what would run code inside a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.metas: dict[str, str] = {}
        self.script_sources: list[str] = []
        self._in_inline_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "script":
            if values.get("src"):
                self.script_sources.append(values["src"])
            else:
                self.problems.append(f"inline <script> {attrs}")
        if tag == "meta" and values.get("name"):
            self.metas[values["name"]] = values.get("content") or ""
        for name, value in attrs:
            bare = name.removeprefix("data-")
            if bare.startswith("on"):
                self.problems.append(f"<{tag} {name}=...> event handler attribute")
            if bare.startswith("hx-on"):
                self.problems.append(f"<{tag} {name}=...> hx-on attribute")
            text = re.sub(r"[\s\x00-\x1f]", "", value or "").lower()
            if text.startswith(("javascript:", "js:", "vbscript:")):
                self.problems.append(f"<{tag} {name}={value!r}> script URL or js: expression")


def scan(page: str) -> PageScan:
    parser = PageScan()
    parser.feed(page)
    parser.close()
    return parser


class FormScan(HTMLParser):
    """The POST forms of a page: action → field names (hidden csrf_token left out)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: dict[str, list[str]] = {}
        self._current: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "form" and (values.get("method") or "get").lower() == "post":
            self._current = self.forms.setdefault(values.get("action") or "", [])
        elif tag in ("input", "select", "textarea", "button") and self._current is not None:
            name = values.get("name")
            if name and name != "csrf_token" and name not in self._current:
                self._current.append(name)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._current = None


def post_forms(page: str) -> dict[str, list[str]]:
    parser = FormScan()
    parser.feed(page)
    parser.close()
    return parser.forms
