"""Programs: the switcher, the overview everyone sees, and the coordinator's setup pages."""

from flask import Blueprint

bp = Blueprint("programs", __name__, url_prefix="/programs")

from . import (  # noqa: E402,F401
    invite_routes,
    people_routes,
    risk_routes,
    roster_routes,
    routes,
    training_routes,
)
