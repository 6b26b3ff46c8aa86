"""Notifications: a person's devices that get web push, which kinds they want, quiet hours."""

from flask import Blueprint

bp = Blueprint("notifications", __name__)

from . import routes  # noqa: E402,F401
