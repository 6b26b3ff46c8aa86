"""When each pair is on the "pairs at risk" list: the pair summary row's ``listed_from`` and
``resolved_at``, worked out whenever the row is (``app.summaries``).

``game.risk`` says when each signal starts to count (a quiet spell, a mentor's silence, a
mentee's low moods or waiting help request) and whether the pair's latest resolution covers
it; while the facts stay as they are, the pair is on the list from one instant on
(``risk.listed_from``). Storing that instant lets the page choose, count and page the listed
pairs along one index (``listed_from <= now``, longest listed first) instead of testing every
pair, or every mentee, against the rules on each visit. The quiet spell is counted in the
program's cadence periods (break-only ones skipped), so the instant follows the program's
calendar: a change of its weeks, cadence, zone or breaks refreshes its pairs' rows. A mentee's
signals are read from the mentee's own row, which the check-in keeps: a change of what that row
says about the list (``mentee_signals``), or of who the pair's mentees are, refreshes their
pairs' rows (``app.summaries`` notes both).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from game import risk
from game.calendar import ProgramCalendar
from game.weeks import WeekKey, local_date

from ..calendars import calendar_of, week_at
from ..extensions import db
from ..models import (
    CareKind,
    CareRecord,
    Membership,
    MenteeSummary,
    Mentorship,
    MentorshipMember,
    MentorshipStatus,
    Role,
)

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


@dataclass(frozen=True)
class MenteeRow:
    """What a mentee's summary row says about the list: their last counted moods (newest
    first), the week key of the oldest of them, and their oldest open help request."""

    membership_id: int
    moods: tuple[int, ...]
    since: str | None
    asked_at: datetime | None


def mentee_signals(moods: tuple[int | None, ...], since: str | None, asked_at) -> tuple:
    """What of a mentee's row can move their pairs on or off the list: the low spell's first
    week (``None``: not low) and the oldest open help request. A change of anything else (a new
    mood that is not low after one that was not either) leaves their pairs' rows as they are."""
    low = risk.low_mood([mood for mood in moods if mood is not None]) and since is not None
    return (since if low else None, asked_at)


_MENTEE = sa.and_(
    Membership.id == MentorshipMember.membership_id,
    Membership.role == Role.MENTEE,
    Membership.left_at.is_(None),
)


def add_listing(pair_ids: sa.Select | list[int], found: defaultdict[int, dict]) -> None:
    """Add each active pair's ``FIELDS`` to ``found`` (its row's values by pair, from
    ``computed_pairs``: its latest meeting and its mentors' latest action; a pair missing is
    made by ``found``'s default), from its latest resolution and its mentees' rows: one query
    (a row per mentee), and each program's calendar."""
    rows = db.session.execute(
        sa.select(
            Mentorship.id,
            Mentorship.program_id,
            Mentorship.created_at,
            _latest.created_at,
            _latest.signals,
            MenteeSummary.membership_id,
            MenteeSummary.mood_1,
            MenteeSummary.mood_2,
            MenteeSummary.mood_3,
            MenteeSummary.moods_since,
            MenteeSummary.help_asked_at,
        )
        .select_from(Mentorship)
        .outerjoin(_latest, _latest.id == _LATEST_RESOLUTION)
        .outerjoin(MentorshipMember, MentorshipMember.mentorship_id == Mentorship.id)
        .outerjoin(Membership, _MENTEE)
        .outerjoin(MenteeSummary, MenteeSummary.membership_id == Membership.id)
        .where(Mentorship.id.in_(pair_ids), Mentorship.status == MentorshipStatus.ACTIVE)
    )
    pairs: dict[int, tuple] = {}
    mentees: defaultdict[int, list[MenteeRow]] = defaultdict(list)
    for pair, program_id, matched, resolved_at, codes, mentee, *moods, since, asked in rows:
        pairs[pair] = (program_id, matched, resolved_at, codes)
        if mentee is not None:
            mentees[pair].append(MenteeRow(mentee, tuple(moods), since, asked))
    calendars: dict[int, ProgramCalendar] = {}
    for pair, (program_id, matched, resolved_at, codes) in pairs.items():
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
            mentees[pair],
        )
        values["resolved_at"] = resolved_at


def listing(
    calendar: ProgramCalendar,
    matched: datetime,
    last_met: datetime | None,
    last_active: datetime | None,
    resolved_at: datetime | None = None,
    codes: list[str] | None = None,
    mentees: Iterable[MenteeRow] = (),
) -> datetime | None:
    """The instant from which the pair is on the list (``risk.listed_from``), from its match,
    its latest held meeting, its mentors' latest action, its latest resolution and its present
    mentees' rows: ``None``, never while those stay as they are."""
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
        *(reason for mentee in mentees for reason in _mentee_raised(mentee, zone)),
    ]
    resolution = None
    if resolved_at is not None:
        on = local_date(resolved_at, zone)
        resolution = risk.Resolution(frozenset(codes or ()), resolved_at, on)
    return risk.listed_from(raised, resolution)


def _mentee_raised(mentee: MenteeRow, zone: str) -> list[tuple[risk.Reason, datetime]]:
    """The mentee's signals with the instants they start to hold: a low spell from its first
    week's Monday (in the past: the spell's three counted weeks end no later than this week),
    a help request once it has waited ``risk.HELP_WAIT``. As the page judges them
    (``risk_query.Selection``): the reasons carry the mentee's id, which resolutions name."""
    raised = []
    low_since, asked_at = mentee_signals(mentee.moods, mentee.since, mentee.asked_at)
    if low_since is not None:
        week = WeekKey.parse(low_since)
        reason = risk.Reason(risk.Signal.LOW_MOOD, week.monday(), mentee_id=mentee.membership_id)
        raised.append((reason, _utc_monday(week, zone)))
    if asked_at is not None:
        reason = risk.Reason(risk.Signal.HELP_WAITING, asked_at, mentee_id=mentee.membership_id)
        raised.append((reason, risk.help_from(asked_at)))
    return raised


def _utc_monday(week: WeekKey, zone: str) -> datetime:
    """The instant the week begins in the zone (its Monday's midnight there), in UTC."""
    return datetime.combine(week.monday(), time(), tzinfo=ZoneInfo(zone)).astimezone(UTC)
