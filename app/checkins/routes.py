"""Views for checkins."""

from . import bp  # noqa: F401
