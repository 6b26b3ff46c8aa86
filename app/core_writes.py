"""What a service writes in Core statements, told to every keeper of derived rows at once.

The summary rows (``app.summaries``), the stored states (``app.member_states``) and the
program weeks (``app.program_weeks``) follow the session's flushes by themselves; an INSERT or
UPDATE sent in Core passes the session by, so the service says here what it wrote, and each
keeper notes what it needs before the commit refreshes its rows. One call per kind of write:
a service cannot tell one keeper and forget another.
"""

from __future__ import annotations

from collections.abc import Iterable

from . import member_states, program_weeks, summaries
from .models import CheckIn


def checkin_inserted(checkin: CheckIn) -> None:
    """A week's first check-in, inserted unless a concurrent one was first (``INSERT … ON
    CONFLICT DO NOTHING``, which a flush cannot send)."""
    summaries.checkin_inserted(checkin)


def participants_inserted(membership_ids: Iterable[int]) -> None:
    """New mentors' and mentees' memberships (a roster import): they counted nothing before."""
    ids = list(membership_ids)
    member_states.touch(members=ids)
    program_weeks.members_added(ids)


def pair_ending(pair_id: int) -> None:
    """Before the UPDATE that closes a pair: its people's share of the program's weeks is read
    now, as it stood; their states, and the pair's row, follow at the commit."""
    program_weeks.pair_closing(pair_id)
    member_states.touch(pairs=[pair_id])
    summaries.touch(pairs=[pair_id])


def program_closing(program_id: int) -> None:
    """Before the UPDATEs that close a program and end its pairs: its weeks, its people's
    states and its pairs' rows are recounted at the commit."""
    program_weeks.recount_program(program_id)
    member_states.touch(programs=[program_id])
    summaries.touch(programs=[program_id])


def agreement_changed(program_id: int) -> None:
    """A new agreement version: whoever signed the old one must sign again."""
    member_states.touch(programs=[program_id])


def calendar_changed(program_id: int) -> None:
    """A break week declared: when the program's pairs go quiet moves."""
    summaries.touch(programs=[program_id])


def goals_written(goal_ids: Iterable[int]) -> None:
    """Goals or their milestones changed: their pairs' counts follow."""
    summaries.touch(goals=goal_ids)


def meetings_written(meeting_ids: Iterable[int]) -> None:
    """Meetings or their confirmations changed: their pairs' rows follow."""
    summaries.touch(meetings=meeting_ids)


def pairs_written(pair_ids: Iterable[int]) -> None:
    """Facts a pair's row counts (kudos, a goal's review) changed."""
    summaries.touch(pairs=pair_ids)
