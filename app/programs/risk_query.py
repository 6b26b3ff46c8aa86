"""The facts behind "pairs at risk" and the waiting help requests, for one whole program.

A fixed number of queries whatever the program's size, reading the summary rows the services
keep (``app.summaries``: one per pair, one per mentee) rather than scanning check-ins, meetings
and kudos: no check-in, meeting note or reply is ever loaded (a coordinator sees signals, not
the pair's text). The rules themselves are ``game.risk``'s, including when a resolved entry
comes back.

An entry is derived afresh on each visit and leaves the list as soon as its signals clear, or
when a coordinator marks it resolved. The coordinators' record of each pair (private notes,
nudges, resolutions) is ``CareRecord``: the list reads only each pair's latest nudge and latest
resolution from it, in one windowed query; the pair's page reads its whole history.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from game import risk
from game.calendar import ProgramCalendar
from game.weeks import WeekKey, local_date

from ..calendars import calendar_of
from ..extensions import db
from ..meetings.queries import quiet_condition, quiet_rule
from ..models import (
    CareKind,
    CareRecord,
    Membership,
    MenteeSummary,
    Mentorship,
    MentorshipMember,
    MentorshipStatus,
    PairSummary,
    Role,
    User,
)

NUDGE_KIND = "pair-nudge:{mentorship_id}"
"""The kind of the notices a nudge leaves the pair's people (one kind per pair, so a planner or
a test can tell them apart); the coordinators' record of the nudge is a ``CareRecord``."""


def nudge_kind(mentorship_id: int) -> str:
    return NUDGE_KIND.format(mentorship_id=mentorship_id)


@dataclass(frozen=True)
class Resolved:
    at: datetime
    by: str  # the coordinator's name, "" once their account is gone
    resolution: risk.Resolution


@dataclass(frozen=True)
class AtRisk:
    mentorship: Mentorship | PairRow  # with its people
    reasons: list[risk.Reason]  # every signal it raises now
    nudged_at: datetime | None
    resolved: Resolved | None = None  # its last resolution (on the list: it came back since)


@dataclass(frozen=True)
class Board:
    at_risk: list[AtRisk]
    resolved: list[AtRisk]  # active pairs a resolution took off the list, latest first


@dataclass(frozen=True)
class HelpWaiting:
    mentee: User
    mentors: list[User]
    asked_at: datetime


@dataclass(frozen=True)
class _User:
    name: str

    @property
    def first_name(self) -> str:
        return self.name.split()[0] if self.name.strip() else self.name


@dataclass(frozen=True)
class _Membership:
    role: Role
    left_at: datetime | None
    user: _User


@dataclass(frozen=True)
class _Member:
    membership_id: int
    membership: _Membership


@dataclass(frozen=True)
class PairRow:
    """An active pair as the list reads it (the shape of a ``Mentorship`` with its people, so
    ``assess`` and the templates take either), from plain columns: no row loaded whole."""

    id: int
    created_at: datetime
    members: list[_Member]


def active_pairs(program_id: int, where: sa.ColumnElement[bool] | None = None) -> list[PairRow]:
    """The program's active pairs (those meeting ``where``) with their people's roles and
    names, in id order: one query of plain columns."""
    pairs: dict[int, PairRow] = {}
    for pair, created_at, membership_id, role, left_at, name in db.session.execute(
        sa.select(
            Mentorship.id,
            Mentorship.created_at,
            MentorshipMember.membership_id,
            Membership.role,
            Membership.left_at,
            User.name,
        )
        .join(MentorshipMember, MentorshipMember.mentorship_id == Mentorship.id)
        .join(Membership, Membership.id == MentorshipMember.membership_id)
        .join(User, User.id == Membership.user_id)
        .where(
            Mentorship.program_id == program_id,
            Mentorship.status == MentorshipStatus.ACTIVE,
            sa.true() if where is None else where,
        )
        .order_by(Mentorship.id, MentorshipMember.id)
    ):
        row = pairs.setdefault(pair, PairRow(pair, created_at, []))
        row.members.append(_Member(membership_id, _Membership(role, left_at, _User(name))))
    return list(pairs.values())


def board(program_id: int, now: datetime) -> Board:
    """The program's active pairs that raise a signal no resolution covers, and those that a
    resolution took off the list (whether or not their signals cleared since)."""
    calendar = calendar_of(program_id)
    pairs = active_pairs(program_id, may_be_listed(program_id, calendar, now))
    entries = assess(program_id, pairs, now, calendar)
    at_risk = [e for e in entries if on_list(e)]
    resolved = [e for e in entries if e.resolved is not None and not on_list(e)]
    resolved.sort(key=lambda e: e.resolved.at, reverse=True)
    return Board(at_risk, resolved)


def pairs_at_risk(program_id: int, now: datetime) -> list[AtRisk]:
    """The program's active pairs on the list, in id order."""
    return board(program_id, now).at_risk


def on_list(entry: AtRisk) -> bool:
    """Whether a reason of the entry is not covered by its last resolution."""
    resolution = entry.resolved.resolution if entry.resolved else None
    return bool(risk.open_reasons(entry.reasons, resolution))


def may_be_listed(
    program_id: int, calendar: ProgramCalendar, now: datetime
) -> sa.ColumnElement[bool]:
    """Holds for every pair that raises a signal now or was ever resolved, from the summary
    rows: ``game.risk`` stays the judge of each pair, this only spares it the pairs that can be
    on neither list (met lately, a mentor active, no mentee low or waiting for help)."""
    silent_since = now - risk.MENTOR_SILENT
    low = [mood <= risk.LOW_MOOD for mood in (MenteeSummary.mood_1, MenteeSummary.mood_2)]
    troubled_mentees = (
        sa.select(MentorshipMember.mentorship_id)
        .join(Membership, Membership.id == MentorshipMember.membership_id)
        .join(MenteeSummary, MenteeSummary.membership_id == Membership.id)
        .where(
            MenteeSummary.program_id == program_id,
            Membership.left_at.is_(None),
            sa.or_(
                MenteeSummary.help_asked_at <= now - risk.HELP_WAIT,
                sa.and_(*low, MenteeSummary.mood_3 <= risk.LOW_MOOD),
            ),
        )
    )
    mentor_active = sa.exists().where(
        PairSummary.mentorship_id == Mentorship.id,
        PairSummary.mentor_last_active > silent_since,
    )
    resolved = sa.exists().where(
        CareRecord.mentorship_id == Mentorship.id, CareRecord.kind == CareKind.RESOLVED
    )
    return sa.or_(
        quiet_condition(calendar, now),
        sa.and_(Mentorship.created_at <= silent_since, ~mentor_active),
        Mentorship.id.in_(troubled_mentees),
        resolved,
    )


def assess(
    program_id: int,
    mentorships: list[Mentorship] | list[PairRow],
    now: datetime,
    calendar: ProgramCalendar | None = None,
) -> list[AtRisk]:
    """Each of ``mentorships`` (of the program, people loaded) with what it raises now, its last
    nudge and its last resolution. The program's summary rows, so a fixed number of queries."""
    calendar = calendar or calendar_of(program_id)
    pair_facts = _pair_facts(program_id)
    mentee_facts = _mentee_facts(program_id)
    nudged, resolved = _latest_care(program_id, calendar.zone)
    is_quiet = quiet_rule(calendar, now)
    entries = []
    for mentorship in mentorships:
        mentees = tuple(
            risk.MenteeFacts(
                member.membership.user.first_name,
                *mentee_facts.get(member.membership_id, ((), None, None)),
                member.membership_id,
            )
            for member in mentorship.members
            if member.membership.role is Role.MENTEE and member.membership.left_at is None
        )
        last_met, mentor_active = pair_facts.get(mentorship.id, (None, None))
        facts = risk.PairFacts(
            matched_at=mentorship.created_at,
            quiet=is_quiet(mentorship, last_met),
            last_met_at=last_met,
            mentor_last_active=mentor_active,
            mentees=mentees,
        )
        entries.append(
            AtRisk(
                mentorship,
                risk.reasons(facts, now),
                nudged.get(mentorship.id),
                resolved.get(mentorship.id),
            )
        )
    return entries


def _latest_care(program_id: int, zone: str) -> tuple[dict[int, datetime], dict[int, Resolved]]:
    """Per pair of the program, its latest nudge and its latest resolution (with who resolved
    it). One query: the records ranked per pair and kind in SQL, only the first of each read."""
    ranked = (
        sa.select(
            CareRecord.id,
            sa.func.row_number()
            .over(
                partition_by=(CareRecord.mentorship_id, CareRecord.kind),
                order_by=(CareRecord.created_at.desc(), CareRecord.id.desc()),
            )
            .label("rank"),
        )
        .join(Mentorship, Mentorship.id == CareRecord.mentorship_id)
        .where(
            Mentorship.program_id == program_id,
            CareRecord.kind.in_((CareKind.NUDGE, CareKind.RESOLVED)),
        )
        .subquery()
    )
    rows = db.session.execute(
        sa.select(
            CareRecord.mentorship_id,
            CareRecord.kind,
            CareRecord.created_at,
            CareRecord.signals,
            User.name,
        )
        .join(ranked, sa.and_(ranked.c.id == CareRecord.id, ranked.c.rank == 1))
        .outerjoin(User, User.id == CareRecord.author_id)
    )
    nudged, resolved = {}, {}
    for pair, kind, at, signals, name in rows:
        if kind is CareKind.NUDGE:
            nudged[pair] = at
        else:
            resolution = risk.Resolution(frozenset(signals), at, local_date(at, zone))
            resolved[pair] = Resolved(at, name or "", resolution)
    return nudged, resolved


def _pair_facts(program_id: int) -> dict[int, tuple[datetime | None, datetime | None]]:
    """Per pair of the program, its latest held meeting and its mentors' latest action, from
    the summary rows (``app.summaries`` keeps them): one query of one small row per pair."""
    return {
        pair: (met, active)
        for pair, met, active in db.session.execute(
            sa.select(
                PairSummary.mentorship_id, PairSummary.last_met_at, PairSummary.mentor_last_active
            ).where(PairSummary.program_id == program_id)
        )
    }


def _mentee_facts(program_id: int) -> dict[int, tuple[tuple[int, ...], date | None, datetime]]:
    """Per mentee of the program: the moods of their last ``LOW_MOOD_WEEKS`` counted weeks
    (newest first), the Monday of the oldest of them and their oldest open help request, from
    the summary rows: one query."""
    facts = {}
    for membership_id, *moods, since, asked in db.session.execute(
        sa.select(
            MenteeSummary.membership_id,
            MenteeSummary.mood_1,
            MenteeSummary.mood_2,
            MenteeSummary.mood_3,
            MenteeSummary.moods_since,
            MenteeSummary.help_asked_at,
        ).where(MenteeSummary.program_id == program_id)
    ):
        recent = tuple(mood for mood in moods if mood is not None)
        monday = WeekKey.parse(since).monday() if since else None
        facts[membership_id] = (recent, monday, asked)
    return facts


def _oldest_open_help_query(program_id: int, limit: int) -> sa.Select:
    """(membership id, asked at) of the ``limit`` mentees of the program who have waited
    longest for help: the summary rows, along their index."""
    return (
        sa.select(MenteeSummary.membership_id, MenteeSummary.help_asked_at)
        .where(MenteeSummary.program_id == program_id, MenteeSummary.help_asked_at.is_not(None))
        .order_by(MenteeSummary.help_asked_at, MenteeSummary.membership_id)
        .limit(limit)
    )


HELP_SHOWN = 25
"""Mentees waiting for help named on the coordinator's home, those waiting longest."""


def help_waiting(program_id: int) -> list[HelpWaiting]:
    """Who has waited longest for help (``HELP_SHOWN`` of them), oldest request first: the
    mentee, their mentors and when they asked; never what they wrote. One query: the people
    of the active pairs of those mentees, each mentee with the time they asked."""
    oldest = _oldest_open_help_query(program_id, HELP_SHOWN).subquery()
    rows = db.session.execute(
        sa.select(MentorshipMember.membership_id, Membership.role, User)
        .join(Membership, Membership.id == MentorshipMember.membership_id)
        .join(User, User.id == Membership.user_id)
        .join(Mentorship, Mentorship.id == MentorshipMember.mentorship_id)
        .outerjoin(oldest, oldest.c.membership_id == MentorshipMember.membership_id)
        .where(
            Mentorship.status == MentorshipStatus.ACTIVE,
            Mentorship.id.in_(
                sa.select(MentorshipMember.mentorship_id).where(
                    MentorshipMember.membership_id.in_(sa.select(oldest.c.membership_id))
                )
            ),
            Membership.left_at.is_(None),
        )
        .add_columns(MentorshipMember.mentorship_id, oldest.c.help_asked_at)
        .order_by(User.id)
    ).all()
    mentors = defaultdict(list)
    mentees = {}
    pairs_of = defaultdict(set)
    for membership_id, role, user, pair, asked_at in rows:
        if role is Role.MENTOR:
            mentors[pair].append(user)
        elif asked_at is not None:
            mentees[membership_id] = (user, asked_at)
            pairs_of[membership_id].add(pair)
    waiting = [
        HelpWaiting(
            mentee,
            [m for pair in sorted(pairs_of[membership_id]) for m in mentors[pair]],
            asked_at,
        )
        for membership_id, (mentee, asked_at) in mentees.items()
    ]
    return sorted(waiting, key=lambda w: w.asked_at)


@dataclass(frozen=True)
class HistoryItem:
    record: CareRecord  # with its author
    signals: list[str]  # a resolution's reasons, in words


def history(mentorship: Mentorship) -> list[HistoryItem]:
    """The pair's notes, nudges and resolutions, newest first, with their authors: one query.
    ``mentorship`` has its people loaded (a resolution names the mentees it covered)."""
    names = {
        member.membership_id: member.membership.user.first_name for member in mentorship.members
    }
    records = db.session.scalars(
        sa.select(CareRecord)
        .where(CareRecord.mentorship_id == mentorship.id)
        .options(joinedload(CareRecord.author))
        .order_by(CareRecord.created_at.desc(), CareRecord.id.desc())
    )
    return [
        HistoryItem(record, [signal_words(code, names) for code in record.signals])
        for record in records
    ]


SIGNAL_WORDS = {
    risk.Signal.QUIET.value: "no meetings",
    risk.Signal.MENTOR_SILENT.value: "mentor silent",
    risk.Signal.LOW_MOOD.value: "low mood",
    risk.Signal.HELP_WAITING.value: "help request waiting",
}


def signal_words(code: str, names: dict[int, str]) -> str:
    """A stored reason code in words: ``low_mood:12`` is "Mina: low mood"."""
    signal, _, mentee = code.partition(":")
    words = SIGNAL_WORDS.get(signal, signal)
    if not mentee:
        return words
    return f"{names.get(int(mentee), 'a mentee who left')}: {words}"
