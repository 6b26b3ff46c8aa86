"""A program's outcomes for its coordinators: dashboard, CSV exports and a printable report."""

from flask import Blueprint

bp = Blueprint("outcomes", __name__, url_prefix="/programs")

from . import routes  # noqa: E402,F401
