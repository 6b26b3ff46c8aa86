"""Pulse and end-of-program surveys: answering them, and their results for coordinators."""

from flask import Blueprint

bp = Blueprint("surveys", __name__, url_prefix="/programs")

from . import routes  # noqa: E402,F401
