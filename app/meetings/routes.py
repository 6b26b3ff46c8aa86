"""Views for meetings."""

from . import bp  # noqa: F401
