"""Onboarding: what each participant does before being matched.

A profile for matching, the signed agreement, and for mentors the program's training.
"""

from flask import Blueprint

bp = Blueprint("onboarding", __name__)

from . import routes  # noqa: E402,F401
