"""Notices: messages people see in the app until they dismiss them (a new match, a re-match)."""

from flask import Blueprint

bp = Blueprint("notices", __name__)

from . import routes  # noqa: E402,F401
