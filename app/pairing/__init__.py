"""Matching pages: suggestions, the coordinator's choices, publishing, ending and re-matching.

The scoring and the solver live in the pure ``matching`` package beside ``game``.
"""

from flask import Blueprint

bp = Blueprint("pairing", __name__)

from . import routes  # noqa: E402,F401
