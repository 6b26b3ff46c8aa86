"""Views for goals."""

from . import bp  # noqa: F401
