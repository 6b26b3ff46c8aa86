"""Meetings: scheduling, agenda, shared notes, action items, "we met", calendar export."""

from flask import Blueprint

bp = Blueprint("meetings", __name__)

from . import routes  # noqa: E402,F401
