"""The manifest and service worker are served from the root so the worker's scope is the app.

The images the manifest names are drawn by scripts/pwa_images.py.
"""

from __future__ import annotations

import hashlib
import json

from flask import Response, current_app, redirect, request, url_for
from flask_login import login_required

from .. import clock
from ..access import active_membership
from ..assets import BUNDLE, assets
from ..meetings.queries import next_meeting
from ..mentorships_query import mentorships_of
from ..models import MentorshipStatus, Role
from ..templating import HTMX_VERSION
from . import bp

BACKGROUND = "#f7f5f0"
THEME = "#1f4e5f"
# file in static/screenshots/: (width, height, form factor, label)
SCREENSHOTS = {
    "home-narrow.png": (780, 1688, "narrow", "A mentee's home: this week's check-in on a phone"),
    "home-wide.png": (1280, 800, "wide", "A mentor's home: new check-ins and help requests"),
}


def _image(filename: str, size: int, **extra) -> dict:
    return {
        "src": url_for("static", filename=filename),
        "sizes": f"{size}x{size}",
        "type": "image/png",
        **extra,
    }


def _shortcut(name: str, description: str, endpoint: str, icon: str) -> dict:
    return {
        "name": name,
        "short_name": name,
        "description": description,
        "url": url_for(endpoint),
        "icons": [_image(f"icons/{icon}", 96)],
    }


@bp.get("/manifest.webmanifest")
def manifest():
    # "id" keeps the installed app the same app should start_url ever change.
    data = {
        "id": "/",
        "name": "Waypoint",
        "short_name": "Waypoint",
        "description": "Check in, meet, and grow with your mentor.",
        "start_url": url_for("home.index"),
        "scope": "/",
        "display": "standalone",
        "background_color": BACKGROUND,
        "theme_color": THEME,
        "icons": [
            *(_image(f"icons/waypoint-{size}.png", size, purpose="any") for size in (192, 512)),
            *(
                _image(f"icons/waypoint-maskable-{size}.png", size, purpose="maskable")
                for size in (192, 512)
            ),
        ],
        "shortcuts": [
            _shortcut(
                "Check in",
                "This week's check-in",
                "pwa.check_in_shortcut",
                "shortcut-checkin-96.png",
            ),
            _shortcut(
                "Next meeting",
                "Your next meeting with your mentor or mentees",
                "pwa.next_meeting_shortcut",
                "shortcut-meeting-96.png",
            ),
        ],
        "screenshots": [
            {
                "src": url_for("static", filename=f"screenshots/{name}"),
                "sizes": f"{width}x{height}",
                "type": "image/png",
                "form_factor": form_factor,
                "label": label,
            }
            for name, (width, height, form_factor, label) in SCREENSHOTS.items()
        ],
    }
    response = current_app.json.response(data)
    response.mimetype = "application/manifest+json"
    return _revalidated(response)


# What every page loads, and what the offline page shows: the worker keeps it all.
SHELL = (
    "offline.html",
    "css/app.css",
    f"js/htmx-{HTMX_VERSION}.min.js",
    BUNDLE,
    "icons/sprite.svg",
    "icons/badges.svg",
    "icons/waypoint.svg",
)
WORKER_IMPORTS = ("js/sw-push.js", "js/sw-offline.js")


@bp.get("/sw.js")
def service_worker():
    """The worker, headed by the shell's fingerprinted URLs: when any of them changes the
    worker's bytes change, so browsers install it anew and it opens a new cache."""
    shell = {
        url_for("static", filename=name, _fingerprint=False): url_for("static", filename=name)
        for name in SHELL
    }
    imports = [url_for("static", filename=name) for name in WORKER_IMPORTS]
    version = hashlib.sha256(json.dumps([shell, imports]).encode()).hexdigest()[:12]
    head = (
        "// Written by the server (app/pwa/routes.py): the shell, plain URL to fingerprinted.\n"
        f"const SHELL = {json.dumps(shell, indent=2)};\n"
        f'const CACHE = "waypoint-{version}";\n'
        f"importScripts({', '.join(json.dumps(url) for url in imports)});\n\n"
    )
    body = head.encode() + assets().get("js/sw.js").bodies["identity"]
    response = Response(body, mimetype="text/javascript")
    response.headers["Service-Worker-Allowed"] = "/"
    return _revalidated(response)


def _revalidated(response: Response) -> Response:
    """Asked again on every use (``no-cache``), answered 304 while unchanged."""
    response.cache_control.no_cache = True
    response.add_etag()
    return response.make_conditional(request)


# -- the manifest's shortcuts: one fixed URL each, whoever is logged in -----------------------


@bp.get("/shortcuts/check-in")
@login_required
def check_in_shortcut():
    """A mentee's check-in form; anyone else checks in on others from their home page."""
    membership = active_membership()
    if membership is not None and membership.role is Role.MENTEE:
        return redirect(url_for("checkins.this_week_form"))
    return redirect(url_for("home.index"))


@bp.get("/shortcuts/next-meeting")
@login_required
def next_meeting_shortcut():
    """The next planned meeting, else the meetings of the person's first active mentorship,
    else home (a coordinator, or someone not matched yet)."""
    membership = active_membership()
    if membership is None or membership.role is Role.COORDINATOR:
        return redirect(url_for("home.index"))
    mentorships = mentorships_of(membership)
    meeting = next_meeting([m.id for m in mentorships], clock.utcnow())
    if meeting is not None:
        return redirect(url_for("meetings.show", meeting_id=meeting.id))
    active = [m for m in mentorships if m.status is MentorshipStatus.ACTIVE]
    if active:
        return redirect(url_for("meetings.index", mentorship_id=active[0].id))
    return redirect(url_for("home.index"))
