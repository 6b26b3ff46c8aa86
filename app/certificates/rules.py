"""When a program may be closed, in words a coordinator reads on the confirmation page."""

from __future__ import annotations

from datetime import datetime

from game.weeks import local_date

from ..models import Program


def closable(program: Program, now: datetime) -> str | None:
    """Why ``program`` cannot be closed at ``now``, or None. A program may close before its
    end date (it ended early); never before it started, and only once."""
    if program.closed_at is not None:
        return f"{program.name} is already closed."
    if local_date(now, program.time_zone) < program.starts_on:
        return f"{program.name} has not started yet: there is nothing to close."
    return None


def closes_early(program: Program, now: datetime) -> bool:
    return local_date(now, program.time_zone) < program.ends_on
