"""When each pair's own signals put it on the "pairs at risk" list: the pair summary row's
``listed_from`` and ``resolved_at``, worked out whenever the row is (``app.summaries``).

``game.risk`` says when a quiet spell or a mentor's silence starts to count, and whether the
pair's latest resolution covers it; while the facts stay as they are, the pair is on the list
from one instant on (``risk.listed_from``). Storing that instant lets the page choose the
listed pairs along an index (``listed_from <= now``) instead of testing every pair's row
against the rules on each visit. The quiet spell is counted in the program's cadence periods
(break-only ones skipped), so the instant follows the program's calendar: a change of its
weeks, cadence, zone or breaks refreshes its pairs' rows (``app.summaries`` notes them). A
mentee's signals (low mood, help waiting) are read from the mentee's own row, which the
check-in keeps, along its indexes (``risk_query``).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from game import risk
from game.calendar import ProgramCalendar
from game.weeks import WeekKey, local_date

from ..calendars import calendar_of, week_at
from ..extensions import db
from ..models import CareKind, CareRecord, Mentorship, MentorshipStatus

FIELDS = ("listed_from", "resolved_at")
"""A pair row's fields about the list; ``None`` for a pair that is no longer active."""

_latest = aliased(CareRecord, name="latest_resolution")
_LATEST_RESOLUTION = (
    sa.select(CareRecord.id)
    .where(CareRecord.mentorship_id == Mentorship.id, CareRecord.kind == CareKind.RESOLVED)
    .order_by(CareRecord.created_at.desc(), CareRecord.id.desc())
    .limit(1)
    .correlate(Mentorship)
    .scalar_subquery()
)


def add_listing(pair_ids: sa.Select | list[int], found: defaultdict[int, dict]) -> None:
    """Add each active pair's ``FIELDS`` to ``found`` (its row's values by pair, from
    ``computed_pairs``: its latest meeting and its mentors' latest action; a pair missing is
    made by ``found``'s default): one query, and each program's calendar."""
    rows = db.session.execute(
        sa.select(
            Mentorship.id,
            Mentorship.program_id,
            Mentorship.created_at,
            _latest.created_at,
            _latest.signals,
        )
        .outerjoin(_latest, _latest.id == _LATEST_RESOLUTION)
        .where(Mentorship.id.in_(pair_ids), Mentorship.status == MentorshipStatus.ACTIVE)
    )
    calendars: dict[int, ProgramCalendar] = {}
    for pair, program_id, matched, resolved_at, codes in rows:
        if program_id not in calendars:
            calendars[program_id] = calendar_of(program_id)
        values = found[pair]
        values["listed_from"] = listing(
            calendars[program_id],
            matched,
            values.get("last_met_at"),
            values.get("mentor_last_active"),
            resolved_at,
            codes,
        )
        values["resolved_at"] = resolved_at


def listing(
    calendar: ProgramCalendar,
    matched: datetime,
    last_met: datetime | None,
    last_active: datetime | None,
    resolved_at: datetime | None = None,
    codes: list[str] | None = None,
) -> datetime | None:
    """The instant from which the pair's own signals (quiet, mentor silent) put it on the list
    (``risk.listed_from``), from its match, its latest held meeting, its mentors' latest action
    and its latest resolution: ``None``, never while those stay as they are."""
    zone = calendar.zone
    met = None if last_met is None else week_at(last_met, zone)
    if met is not None and met not in calendar:
        met = None  # outside the program's weeks: no period of the pair holds it
    quiet_week = risk.quiet_from(calendar, met, week_at(matched, zone))
    raised = [
        (
            risk.Reason(risk.Signal.QUIET, last_met or matched),
            None if quiet_week is None else _utc_monday(quiet_week, zone),
        ),
        (
            risk.Reason(risk.Signal.MENTOR_SILENT, max(matched, last_active or matched)),
            risk.silent_from(matched, last_active),
        ),
    ]
    resolution = None
    if resolved_at is not None:
        on = local_date(resolved_at, zone)
        resolution = risk.Resolution(frozenset(codes or ()), resolved_at, on)
    return risk.listed_from(raised, resolution)


def _utc_monday(week: WeekKey, zone: str) -> datetime:
    """The instant the week begins in the zone (its Monday's midnight there), in UTC."""
    return datetime.combine(week.monday(), time(), tzinfo=ZoneInfo(zone)).astimezone(UTC)
