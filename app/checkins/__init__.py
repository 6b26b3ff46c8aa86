"""Weekly check-ins: the mentee's two-tap "how are you", and the mentor's reply."""

from flask import Blueprint

bp = Blueprint("checkins", __name__)

from . import routes  # noqa: E402,F401
