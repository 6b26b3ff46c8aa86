"""The manifest and service worker are served from the root so the worker's scope is the app.

The images the manifest names are drawn by scripts/pwa_images.py.
"""

from __future__ import annotations

from flask import current_app, redirect, send_from_directory, url_for
from flask_login import login_required

from .. import clock
from ..access import active_membership
from ..meetings.queries import next_meeting
from ..mentorships_query import mentorships_of
from ..models import MentorshipStatus, Role
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
    return response


@bp.get("/sw.js")
def service_worker():
    response = send_from_directory(current_app.static_folder, "js/sw.js", max_age=0)
    response.headers["Service-Worker-Allowed"] = "/"
    return response


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
