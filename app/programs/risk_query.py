"""The facts behind "pairs at risk" and the waiting help requests, for one whole program.

A fixed number of queries whatever the program's size, reading the summary rows the services
keep (``app.summaries``: one per pair, one per mentee) rather than scanning check-ins, meetings
and kudos: no check-in, meeting note or reply is ever loaded (a coordinator sees signals, not
the pair's text). The rules themselves are ``game.risk``'s, including when a resolved entry
comes back: each pair's row keeps the instant from which its signals and its mentees' put it
on the list, its latest resolution considered (``risk_rows``), so ``Selection`` has the
database choose, count and page the pairs on the list along one index (``listed_from <= now``,
longest listed first), and ``game.risk`` judges the page it shows. A page reads its 25 pairs
and counts index entries, never every pair or every mentee.

An entry is derived afresh on each visit and leaves the list as soon as its signals clear, or
when a coordinator marks it resolved. The coordinators' record of each pair (private notes,
nudges, resolutions) is ``CareRecord``: the list reads each pair's latest resolution from it
(and, for the pairs shown, their latest nudge); the pair's page reads its whole history.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import aliased, joinedload

from game import risk
from game.calendar import ProgramCalendar
from game.weeks import WeekKey, local_date

from ..calendars import calendar_of
from ..extensions import db
from ..figures import Asked, Figures
from ..meetings.queries import quiet_rule
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
from ..models.types import UTCDateTime
from ..pagination import Pager

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


def active_pairs(program_id: int) -> list[PairRow]:
    """The program's active pairs with their people's roles and names, in id order: one query
    of plain columns."""
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
        .where(Mentorship.program_id == program_id, Mentorship.status == MentorshipStatus.ACTIVE)
        .order_by(Mentorship.id, MentorshipMember.id)
    ):
        row = pairs.setdefault(pair, PairRow(pair, created_at, []))
        row.members.append(_Member(membership_id, _Membership(role, left_at, _User(name))))
    return list(pairs.values())


@dataclass(frozen=True)
class HelpWaiting:
    mentee: _User  # names only: plain columns, no account loaded whole
    mentors: list[_User]
    asked_at: datetime


PAGE_SIZE = 25
"""Pairs at risk per page, and resolved entries shown (the latest)."""


@dataclass(frozen=True)
class BoardPage:
    at_risk: list[AtRisk]  # one page of the list, longest listed first
    pager: Pager
    resolved: list[AtRisk]  # the latest ``PAGE_SIZE`` resolved entries, latest first
    resolved_count: int


def board_page(program_id: int, now: datetime, requested: int) -> BoardPage:
    """One page of the pairs at risk and the latest resolved entries, with how many there are
    of each: the pairs are chosen, counted and paged in SQL over the summary rows
    (``Selection``), and ``game.risk`` judges the ones shown. One query and the calendar's,
    whatever the program's size (up to two more when the page asked for is past the end)."""
    selection = Selection(program_id, calendar_of(program_id), now)
    pager, entries, resolved_count = selection.page(requested)
    return BoardPage(
        [entry for entry in entries if on_list(entry)],
        pager,
        _latest_first([entry for entry in entries if not on_list(entry)]),
        resolved_count,
    )


def board(program_id: int, now: datetime) -> Board:
    """The program's active pairs that raise a signal no resolution covers (longest listed
    first), and those that a resolution took off the list (latest first), whether or not their
    signals cleared since: every one of them, as ``Selection`` chooses them."""
    selection = Selection(program_id, calendar_of(program_id), now)
    listed = selection.ids(LISTED)
    judged = {entry.mentorship.id: entry for entry in selection.judged(listed)}
    return Board(
        [judged[pair] for pair in listed],
        _latest_first(selection.judged(selection.ids(TAKEN_OFF))),
    )


def _latest_first(entries: list[AtRisk]) -> list[AtRisk]:
    """Latest resolution first; at the same instant, in id order (as ``TAKEN_OFF``)."""
    return sorted(entries, key=lambda e: (e.resolved.at, -e.mentorship.id), reverse=True)


def pairs_at_risk(program_id: int, now: datetime) -> list[AtRisk]:
    """The program's active pairs on the list, longest listed first."""
    return board(program_id, now).at_risk


def on_list(entry: AtRisk) -> bool:
    """Whether a reason of the entry is not covered by its last resolution."""
    resolution = entry.resolved.resolution if entry.resolved else None
    return bool(risk.open_reasons(entry.reasons, resolution))


_resolution = aliased(CareRecord, name="resolution")
_author = aliased(User, name="author")


def _latest_care_id(kind: CareKind) -> sa.ScalarSelect:
    """The latest care record of ``kind`` of the pair (a correlated column), along its
    index."""
    return (
        sa.select(CareRecord.id)
        .where(CareRecord.mentorship_id == Mentorship.id, CareRecord.kind == kind)
        .order_by(CareRecord.created_at.desc(), CareRecord.id.desc())
        .limit(1)
        .correlate(Mentorship)
        .scalar_subquery()
    )


_NOW = sa.bindparam("now", type_=UTCDateTime)
_OF_PROGRAM = PairSummary.program_id == sa.bindparam("program_id")
_ON_LIST = (_OF_PROGRAM, PairSummary.listed_from <= _NOW)
"""The pairs on the list: the instant stored on their rows has come (``risk_rows``, which
counts their mentees' signals too), read along the index of those instants."""
LISTED = (
    sa.select(PairSummary.mentorship_id.label("id"))
    .where(*_ON_LIST)
    .order_by(PairSummary.listed_from, PairSummary.mentorship_id)
)
"""The ids of the pairs on the list, longest listed first (the index's order)."""
_LISTED_PAGE = LISTED.limit(sa.bindparam("size")).offset(sa.bindparam("offset"))
_TAKEN_OFF = sa.select(PairSummary.mentorship_id.label("id")).where(
    _OF_PROGRAM,
    PairSummary.resolved_at.is_not(None),
    sa.or_(PairSummary.listed_from.is_(None), PairSummary.listed_from > _NOW),
)
"""The active pairs a resolution took off the list (their rows keep their latest
resolution's instant), read along the index of those instants."""
TAKEN_OFF = _TAKEN_OFF.order_by(PairSummary.resolved_at.desc(), PairSummary.mentorship_id)
"""The ids of the pairs a resolution took off the list, latest resolution first."""
_COUNTED = (
    sa.select(sa.func.count())
    .select_from(PairSummary)
    .where(*_ON_LIST)
    .scalar_subquery()
    .label("listed_count"),
    sa.select(sa.func.count())
    .select_from(_TAKEN_OFF.subquery())
    .scalar_subquery()
    .label("taken_off_count"),
)
"""(pairs on the list, pairs a resolution took off it), each counted along its index."""
COUNTS = sa.select(*_COUNTED)


def _judged(pair_ids: sa.Select | sa.BindParameter) -> sa.Select:
    """The pairs ``pair_ids`` selects, of the program, in id order: per member, the pair's
    summary row, latest nudge and latest resolution (with its author) and the member's."""
    nudged = (
        sa.select(sa.func.max(CareRecord.created_at))
        .where(CareRecord.mentorship_id == Mentorship.id, CareRecord.kind == CareKind.NUDGE)
        .scalar_subquery()
    )
    if isinstance(pair_ids, sa.BindParameter):
        pairs = sa.select(Mentorship.id.label("id")).where(Mentorship.id.in_(pair_ids))
    else:
        pairs = pair_ids
    # First in the FROM list: PostgreSQL keeps the written order past eight joined tables
    # (join_collapse_limit), and the few chosen must drive the read, not the whole program.
    chosen = pairs.subquery("chosen")
    return (
        sa.select(
            Mentorship.id,
            Mentorship.created_at,
            PairSummary.last_met_at,
            PairSummary.mentor_last_active,
            nudged,
            _resolution.created_at,
            _resolution.signals,
            _author.name,
            MentorshipMember.membership_id,
            Membership.role,
            Membership.left_at,
            User.name,
            MenteeSummary.mood_1,
            MenteeSummary.mood_2,
            MenteeSummary.mood_3,
            MenteeSummary.moods_since,
            MenteeSummary.help_asked_at,
        )
        .select_from(chosen)
        .join(Mentorship, Mentorship.id == chosen.c.id)
        .join(MentorshipMember, MentorshipMember.mentorship_id == Mentorship.id)
        .join(Membership, Membership.id == MentorshipMember.membership_id)
        .join(User, User.id == Membership.user_id)
        .outerjoin(PairSummary, PairSummary.mentorship_id == Mentorship.id)
        .outerjoin(_resolution, _resolution.id == _latest_care_id(CareKind.RESOLVED))
        .outerjoin(_author, _author.id == _resolution.author_id)
        .outerjoin(MenteeSummary, MenteeSummary.membership_id == Membership.id)
        .where(Mentorship.program_id == sa.bindparam("program_id"))
        .order_by(Mentorship.id, MentorshipMember.id)
    )


# Built once (statement construction is most of a page's cost): the instants are parameters.
_PAGE = (
    _judged(
        sa.union_all(
            sa.select(_LISTED_PAGE.subquery().c.id),
            sa.select(TAKEN_OFF.limit(sa.bindparam("size")).subquery().c.id),
        )
    )
    .order_by(None)
    .order_by(PairSummary.listed_from, Mentorship.id, MentorshipMember.id)
    .add_columns(*_COUNTED)
)
"""A page of the list (in the list's order) and the latest resolved entries, each row also
carrying the two counts: one statement."""
_GIVEN = _judged(sa.bindparam("pair_ids", expanding=True))


class Selection:
    """Which active pairs of a program are on the list, and which a resolution took off it, in
    SQL over the pair rows' stored instants (tests/web/test_risk_selection.py checks that they
    agree with judging every pair); and ``game.risk`` judging the pairs read."""

    def __init__(self, program_id: int, calendar: ProgramCalendar, now: datetime) -> None:
        self.calendar = calendar
        self.now = now
        self.is_quiet = quiet_rule(calendar, now)
        self.params = {
            "program_id": program_id,
            "now": now,
            "help_since": now - risk.HELP_WAIT,
            "zone": calendar.zone,
        }

    def counts(self) -> tuple[int, int]:
        """How many pairs are on the list, and how many a resolution took off it."""
        listed, taken_off = db.session.execute(COUNTS, self.params).one()
        return listed, taken_off

    def ids(self, statement: sa.Select) -> list[int]:
        """The ids ``LISTED`` or ``TAKEN_OFF`` selects, every one."""
        return list(db.session.scalars(statement, self.params))

    def page(self, requested: int) -> tuple[Pager, list[AtRisk], int]:
        """The requested page of the list (the last one when it asks past the end) and the
        latest resolved entries, judged, longest listed first, with how many a resolution took
        off the list: one statement, which also counts (a second only when no row came back or the
        page asked for is past the end)."""
        rows = self._page_rows(requested)
        listed, taken_off = rows[0][-2:] if rows else self.counts()
        pager = Pager.of(requested, listed, PAGE_SIZE)
        if pager.page != requested:
            rows = self._page_rows(pager.page)
        return pager, self._entries(row[:-2] for row in rows), taken_off

    def _page_rows(self, page: int) -> list[sa.Row]:
        offset = (page - 1) * PAGE_SIZE
        params = {**self.params, "size": PAGE_SIZE, "offset": offset, "end": offset + PAGE_SIZE}
        return db.session.execute(_PAGE, params).all()

    def judged(self, pair_ids: list[int]) -> list[AtRisk]:
        """The pairs ``pair_ids`` (of the program, active or not) in id order, each with its
        people, what ``game.risk`` says it raises now, its last nudge and its last resolution:
        one query of plain columns."""
        return self._entries(db.session.execute(_GIVEN, {**self.params, "pair_ids": pair_ids}))

    def _entries(self, rows) -> list[AtRisk]:
        pairs: dict[int, tuple[PairRow, list, tuple]] = {}
        for row in rows:
            pair, created_at, *about_pair = row[:8]
            membership_id, role, left_at, name, *moods, since, asked = row[8:]
            if pair not in pairs:
                pairs[pair] = (PairRow(pair, created_at, []), [], tuple(about_pair))
            found, mentees, _ = pairs[pair]
            user = _User(name)
            found.members.append(_Member(membership_id, _Membership(role, left_at, user)))
            if role is Role.MENTEE and left_at is None:
                recent = tuple(mood for mood in moods if mood is not None)
                monday = WeekKey.parse(since).monday() if since else None
                mentees.append(
                    risk.MenteeFacts(user.first_name, recent, monday, asked, membership_id)
                )
        return [self._entry(*found) for found in pairs.values()]

    def _entry(self, pair, mentees, about_pair) -> AtRisk:
        last_met, last_active, nudged, resolved_at, codes, author = about_pair
        facts = risk.PairFacts(
            matched_at=pair.created_at,
            quiet=self.is_quiet(pair, last_met),
            last_met_at=last_met,
            mentor_last_active=last_active,
            mentees=tuple(mentees),
        )
        resolved = None
        if resolved_at is not None:
            on = local_date(resolved_at, self.calendar.zone)
            resolution = risk.Resolution(frozenset(codes), resolved_at, on)
            resolved = Resolved(resolved_at, author or "", resolution)
        return AtRisk(pair, risk.reasons(facts, self.now), nudged, resolved)


def assess(
    program_id: int,
    mentorships: list[Mentorship] | list[PairRow],
    now: datetime,
    calendar: ProgramCalendar | None = None,
) -> list[AtRisk]:
    """Each of ``mentorships`` (of the program, people loaded; in id order) with what it raises
    now, its last nudge and its last resolution: one query (``Selection.judged``)."""
    selection = Selection(program_id, calendar or calendar_of(program_id), now)
    given = {mentorship.id: mentorship for mentorship in mentorships}
    return [
        replace(entry, mentorship=given[entry.mentorship.id])
        for entry in selection.judged(list(given))
    ]


HELP_SHOWN = 25
"""Mentees waiting for help named on the coordinator's home, those waiting longest."""

_WAITING = (
    sa.select(MenteeSummary.membership_id, MenteeSummary.help_asked_at)
    .join(Membership, Membership.id == MenteeSummary.membership_id)
    .where(
        MenteeSummary.program_id == sa.bindparam("program_id"),
        MenteeSummary.help_asked_at.is_not(None),
        Membership.left_at.is_(None),
        sa.exists()
        .where(
            MentorshipMember.membership_id == MenteeSummary.membership_id,
            Mentorship.id == MentorshipMember.mentorship_id,
            Mentorship.status == MentorshipStatus.ACTIVE,
        )
        .correlate(MenteeSummary),  # not the pairs of a statement reading these mentees
    )
)
"""(membership id, asked at) of the program's mentees in an active pair, still in it, with a
help request open: along the index of their rows' oldest open request, a row for each mentee
waiting (not for each in the program)."""

_OLDEST_HELP = (
    _WAITING.order_by(MenteeSummary.help_asked_at, MenteeSummary.membership_id)
    .limit(HELP_SHOWN)
    .subquery()
)
"""The ``HELP_SHOWN`` of ``_WAITING`` who have waited longest."""

HELP_WAITING = (
    sa.select(MentorshipMember.membership_id, Membership.role, User.name)
    .join(Membership, Membership.id == MentorshipMember.membership_id)
    .join(User, User.id == Membership.user_id)
    .join(Mentorship, Mentorship.id == MentorshipMember.mentorship_id)
    .outerjoin(_OLDEST_HELP, _OLDEST_HELP.c.membership_id == MentorshipMember.membership_id)
    .where(
        Mentorship.status == MentorshipStatus.ACTIVE,
        Mentorship.id.in_(
            sa.select(MentorshipMember.mentorship_id).where(
                MentorshipMember.membership_id.in_(sa.select(_OLDEST_HELP.c.membership_id))
            )
        ),
        Membership.left_at.is_(None),
    )
    .add_columns(MentorshipMember.mentorship_id, _OLDEST_HELP.c.help_asked_at)
    .order_by(User.id)
)
"""The people of the active pairs of those mentees, each mentee with the time they asked."""


HELP_COUNT = Figures(_WAITING.with_only_columns(sa.func.count()))
"""How many ``HELP_WAITING`` would name without its cap."""


def help_count(program_id: int) -> Asked[int]:
    """``HELP_COUNT`` for the program, to read with the page's other figures."""
    return Asked(HELP_COUNT, {"program_id": program_id}, lambda values: values[0])


def help_waiting(rows: Iterable[tuple]) -> list[HelpWaiting]:
    """Who has waited longest for help (``HELP_SHOWN`` of them), oldest request first: the
    mentee, their mentors and when they asked; never what they wrote. From the rows of
    ``HELP_WAITING``, which the coordinator's home reads with its other lists."""
    mentors = defaultdict(list)
    mentees = {}
    pairs_of = defaultdict(set)
    for membership_id, role, name, pair, asked_at in rows:
        user = _User(name)
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
