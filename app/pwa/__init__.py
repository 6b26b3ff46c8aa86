"""What makes Waypoint installable: the web app manifest and the service worker."""

from flask import Blueprint

bp = Blueprint("pwa", __name__)

from . import routes  # noqa: E402,F401
