"""What every template can use: the person's programs, htmx settings and date filters."""

from __future__ import annotations

import json
from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import Flask
from flask_login import current_user

from game import clock_words

from .access import active_membership, my_memberships
from .markdown import render_markdown
from .meetings.links import is_video_link
from .models import Role

HTMX_VERSION = "2.0.11"

HTMX_CONFIG = json.dumps(
    {
        "selfRequestsOnly": True,
        "allowEval": False,
        "allowScriptTags": False,
        "historyRestoreAsHxRequest": False,
        "includeIndicatorStyles": False,
        # Pages are personal: htmx keeps no copy of them in sessionStorage, and going Back
        # reloads the page from the server (which answers "no-store" and checks the login).
        "historyCacheSize": 0,
        "refreshOnHistoryMiss": True,
        "defaultSwapStyle": "outerHTML",
        "responseHandling": [
            {"code": "204", "swap": False},
            {"code": "[23]..", "swap": True},
            {"code": "422", "swap": True},
            {"code": "[45]..", "swap": False, "error": True},
        ],
    },
    separators=(",", ":"),
)


def local_time(value: datetime | None, fmt: str = "%a %d %b, %H:%M") -> str:
    """An instant shown in the viewer's own time zone."""
    if value is None:
        return ""
    return value.astimezone(ZoneInfo(_viewer_zone())).strftime(fmt)


def meeting_time(meeting) -> str:
    """When a meeting is, on the viewer's clock: ``Tue 1 Dec, 4:30–5:15 pm``."""
    return clock_words.span(meeting.starts_at, meeting.ends_at, _viewer_zone())


def their_times(meeting, people) -> list[str]:
    """The others' times where their clocks differ from the viewer's: ``5:30 pm for Maya``."""
    others = [person for person in people if person.id != current_user.id]
    return clock_words.elsewhere(meeting.starts_at, _viewer_zone(), others)


def _viewer_zone() -> str:
    """The viewer's zone; the person is looked up once (each use of the proxy looks again, and
    a list of times asks for every line)."""
    viewer = current_user._get_current_object()
    return viewer.time_zone if viewer.is_authenticated else "UTC"


def short_date(value: date | None) -> str:
    return "" if value is None else f"{value:%a %d %b %Y}"


def init_app(app: Flask) -> None:
    app.jinja_env.filters["local_time"] = local_time
    app.jinja_env.filters["short_date"] = short_date
    app.jinja_env.filters["meeting_time"] = meeting_time
    app.jinja_env.filters["their_times"] = their_times
    app.jinja_env.filters["markdown"] = render_markdown
    app.jinja_env.tests["video_link"] = is_video_link

    # Names every template may use, the same on every request: globals, so that macro
    # modules imported without context see them too (and no processor runs per render).
    app.jinja_env.globals.update(
        current_user=current_user,
        active_membership=active_membership,
        my_memberships=my_memberships,
        htmx_config=HTMX_CONFIG,
        htmx_file=f"js/htmx-{HTMX_VERSION}.min.js",
        Role=Role,
    )
