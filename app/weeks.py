"""A person's week now, read once per request: the action and every card of the page answering
it agree on the week, even when the request straddles midnight on a Sunday."""

from __future__ import annotations

from datetime import datetime

from flask import g, has_request_context

from game.weeks import WeekKey

from . import clock
from .models import User


def request_now() -> datetime:
    """The request's instant (outside a request, the clock's)."""
    if not has_request_context():
        return clock.utcnow()
    if "week_instant" not in g:
        g.week_instant = clock.utcnow()
    return g.week_instant


def week_now(user: User) -> WeekKey:
    """The week in force for the person now (a change of zone waits for their next week)."""
    if not has_request_context():
        return user.week_zones.week_at(request_now())
    weeks = g.setdefault("weeks_now", {})
    if user.id not in weeks:
        weeks[user.id] = user.week_zones.week_at(request_now())
    return weeks[user.id]
