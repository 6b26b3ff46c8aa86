"""Check-in changes, one transaction each; the game's weekly award will hook in here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value

from game.weeks import WeekKey, WeekZones

from .. import clock, core_writes
from ..database import insert_on_conflict
from ..extensions import db
from ..gamification import hooks as game_hooks
from ..models import CheckIn
from ..nudges import causes as nudge_causes
from ..weeks import request_now
from .queries import ThisWeek, made_week, this_week


class TooLate(Exception):
    """A check-in kept on a phone arrived too long after its week ended to count for it."""


@dataclass(frozen=True)
class Submitted:
    """The week a check-in counted for; ``already``: the phone sent a copy the week's row had
    already taken in (or something newer), so nothing changed; ``now``: this week as the
    change left it, when the change was this week's (the card shows it without a query)."""

    week: WeekKey
    already: bool = False
    now: ThisWeek | None = None


def submit_checkin(
    membership_id: int,
    zones: WeekZones,
    *,
    mood: int,
    progress_note: str,
    blocker: str,
    wants_help: bool,
    made_at: datetime | None = None,
) -> Submitted:
    """Write the week's check-in, or change it: one row per week, however often it is sent.

    ``made_at``: the check-in was kept on the phone while offline since then; it counts for the
    week it was made in, and raises ``TooLate`` (writing nothing) when that week is past its
    allowance. A copy older than the row's last change is the phone sending it again (or an
    edit made since): it changes nothing.
    """
    answers = {
        "mood": mood,
        "progress_note": progress_note,
        "blocker": blocker,
        "wants_help": wants_help,
    }
    made = None if made_at is None else min(made_at, request_now())
    already = False

    def fill(checkin: CheckIn) -> None:
        nonlocal already
        if made is not None and checkin.counted and checkin.updated_at >= made:
            already = True
        elif any(getattr(checkin, name) != value for name, value in answers.items()):
            for name, value in answers.items():
                setattr(checkin, name, value)
            _mark_new(checkin)

    week, now = _change_week(membership_id, zones, fill, made_at)
    return Submitted(week, already, now)


def request_help(membership_id: int, zones: WeekZones) -> ThisWeek:
    """Flag this week for the mentor, with or without a mood; asking twice changes nothing.
    Returns this week as the change left it."""

    def ask(checkin: CheckIn) -> None:
        if not checkin.help_open:
            checkin.wants_help = True
            _mark_new(checkin)

    return _change_week(membership_id, zones, ask)[1]


def acknowledge(checkin: CheckIn, mentor_id: int, reply: str) -> None:
    """The mentor has seen it. A second tap keeps the first time; a new reply replaces the old."""
    if checkin.acknowledged_at is None:
        checkin.acknowledged_at = clock.utcnow()
        checkin.acknowledged_by_id = mentor_id
    if reply:
        checkin.reply = reply
    game_hooks.checkin_acknowledged(checkin, mentor_id)
    nudge_causes.mentor_replied(checkin, mentor_id)
    db.session.commit()


def _mark_new(checkin: CheckIn) -> None:
    """A changed check-in is news again: it goes back on the mentor's list."""
    checkin.updated_at = clock.utcnow()
    checkin.acknowledged_at = None
    checkin.acknowledged_by = None  # the relationship, so the loaded row forgets its mentor


def _change_week(
    membership_id: int,
    zones: WeekZones,
    change: Callable[[CheckIn], None],
    made_at: datetime | None = None,
) -> tuple[WeekKey, ThisWeek | None]:
    """Apply ``change`` to the row of the week a check-in made now (or at ``made_at``) counts
    for, creating it; returns that week, and this week as the change left it (None for a
    check-in made at ``made_at``: its rows are of the week it was made in).

    The unique (membership, week) constraint decides a race between two first submits: the
    loser's insert is ignored and it changes the winner's row instead. A change
    that opens a help request tells the mentor in the same transaction. Only a change that
    makes the week count goes to the game: the game reads which weeks count, never what a
    check-in says, so an edit of a week already counted could earn nothing.
    """
    opened_help = newly_counted = False

    def change_noting_help(checkin: CheckIn) -> None:
        nonlocal opened_help, newly_counted
        was_open, was_counted = checkin.help_open, checkin.counted
        change(checkin)
        opened_help = checkin.help_open and not was_open
        newly_counted = checkin.counted and not was_counted

    week = _week_for(membership_id, zones, made_at)
    checkin = week.checkin
    if checkin is None:
        checkin = CheckIn(
            membership_id=membership_id,
            week_key=str(week.week),
            zone=zones.zone,
            progress_note="",
            blocker="",
            wants_help=False,
            reply="",
        )
        change_noting_help(checkin)
        checkin = _insert_first(checkin)
        if checkin is None:  # a concurrent first submit won: change its row instead
            checkin = db.session.scalars(
                sa.select(CheckIn)
                .where(CheckIn.membership_id == membership_id, CheckIn.week_key == str(week.week))
                .options(joinedload(CheckIn.acknowledged_by))  # the card may name the mentor
            ).one()
            change_noting_help(checkin)
    else:
        change_noting_help(checkin)
    if newly_counted:
        game_hooks.checkin_saved(checkin)
    if opened_help:
        nudge_causes.help_requested(checkin)
    _commit_keeping_loaded()
    return week.week, None if made_at is not None else week.after(checkin, zones)


def _insert_first(checkin: CheckIn) -> CheckIn | None:
    """INSERT … ON CONFLICT DO NOTHING … RETURNING the new check-in's values: the row as
    saved, None when the week already had one. One statement, where a flush would need a
    savepoint around it to survive the conflict."""
    table = CheckIn.__table__
    values = {column.key: getattr(checkin, column.key) for column in table.columns}
    del values["id"]
    statement = (
        insert_on_conflict(CheckIn)
        .values({name: value for name, value in values.items() if value is not None})
        .on_conflict_do_nothing(index_elements=["membership_id", "week_key"])
        .returning(CheckIn)
    )
    saved = db.session.scalars(statement).one_or_none()
    if saved is not None:
        set_committed_value(saved, "acknowledged_by", None)  # new: nobody has replied
        core_writes.checkin_inserted(saved)
    return saved


def _commit_keeping_loaded() -> None:
    """Commit without expiring what the request loaded (the person, their memberships, the
    week's rows): they hold what was just committed, and the answer shows them at once
    instead of reading them all again. Game and summary rows are written in Core statements
    and never loaded here, so nothing loaded is stale."""
    session = db.session()
    expiring, session.expire_on_commit = session.expire_on_commit, False
    try:
        session.commit()
    finally:
        session.expire_on_commit = expiring


def _week_for(membership_id: int, zones: WeekZones, made_at: datetime | None) -> ThisWeek:
    if made_at is None:
        return this_week(membership_id, zones)
    week = made_week(membership_id, zones, made_at)
    if week is None:
        raise TooLate
    return week
