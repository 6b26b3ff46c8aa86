"""Goals and milestones: the mentee plans and submits, the mentor confirms or sends back."""

from flask import Blueprint

bp = Blueprint("goals", __name__)

from . import routes  # noqa: E402,F401
