"""Read models for the game's pages and cards, each a fixed number of queries.

Levels, streaks and badges are shown only to their owner and their mentors; the leaderboard
shows first names and points of the people who opted in, in their own program only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

import game
from game.metrics import Metric
from game.streaks import STREAK_FREEZES

from ..calendars import BREAK_MONDAYS, calendar_of, calendar_read, joined_week
from ..extensions import db
from ..lists_query import Lists
from ..member_states import BOARD
from ..models import (
    ON_BOARD,
    Goal,
    Kudos,
    Meeting,
    MeetingStatus,
    Membership,
    Mentorship,
    MentorshipMember,
    PlayerTotal,
    PointsAward,
    ProgramState,
    Role,
    StreakRepair,
    User,
)
from ..pagination import Pager
from ..weeks import week_now
from . import sources, words
from .service import RULES, kudos_month, repairable_weeks

HISTORY_PAGE_SIZE = 20
HISTORY_LAST_PAGE = 10_000
"""Further pages are empty anyway; the bound keeps the offset a small number for the database."""
REACH_SIZE = 3
RECENT_KUDOS = 3
NOT_WITHIN_REACH = {"comeback", "full_term"}  # earned by a pause, or only at the term's end


@dataclass(frozen=True)
class StreakCard:
    state: game.StreakState
    week_counted: bool

    @property
    def words(self) -> str:
        return game.describe(self.state, self.week_counted)

    @property
    def tokens_max(self) -> int:
        return STREAK_FREEZES.hold_max


@dataclass(frozen=True)
class HeldBadge:
    rule: game.BadgeRule
    tier: int

    @property
    def name(self) -> str:
        return words.badge_name(self.rule, self.tier)

    @property
    def frame(self) -> str:
        return words.badge_frame(self.rule, self.tier)


@dataclass(frozen=True)
class HistoryLine:
    at: datetime
    amount: int
    words: str


@dataclass(frozen=True)
class NextBadge(HeldBadge):
    """The next tier of a badge not yet held: ``have`` of the ``need`` it takes."""

    needs: str
    have: int
    need: int


@dataclass(frozen=True)
class ReceivedKudos:
    note: str
    mentor_name: str
    at: datetime


@dataclass(frozen=True)
class MenteeProgress:
    """The mentee's level and streak: what of their card an action that earns something moves."""

    level: game.LevelProgress
    points: int
    streak: StreakCard

    @classmethod
    def of(cls, points: int, streak: StreakCard) -> MenteeProgress:
        return cls(game.progress(points), points, streak)


@dataclass(frozen=True)
class MenteeGame:
    """The mentee's own card on their home: level, streak, latest kudos."""

    progress: MenteeProgress
    kudos: tuple[ReceivedKudos, ...]


@dataclass(frozen=True)
class RepairNote:
    """A mentor's repair of the mentee's streak, with the reason the mentor gave them."""

    week: game.WeekKey
    reason: str
    mentor_name: str | None


@dataclass(frozen=True)
class HistoryPage:
    """One page of the points history, newest first; ``more``: an older page follows."""

    lines: tuple[HistoryLine, ...] = ()
    number: int = 1
    more: bool = False


@dataclass(frozen=True)
class Progress:
    """The profile page. Mentors have no points: ``level`` and ``streak`` are None for them,
    and their ``grid`` is empty."""

    level: game.LevelProgress | None
    points: int
    streak: StreakCard | None
    history: HistoryPage
    badges: tuple[HeldBadge, ...]
    within_reach: tuple[NextBadge, ...]
    repair: RepairNote | None = None
    grid: tuple[game.GridWeek, ...] = ()

    @property
    def legend(self) -> tuple[game.WeekState, ...]:
        return game.legend(self.grid)


@dataclass(frozen=True)
class MenteeCard:
    """What a mentor sees of one mentee: streak, badges, kudos and repair possibilities."""

    membership: Membership
    streak: StreakCard
    badges: tuple[HeldBadge, ...]
    kudos_sent: bool
    repairable: tuple[game.WeekKey, ...]


POINTS = sa.select(PlayerTotal.points).where(
    PlayerTotal.user_id == sa.bindparam("user_id"),
    PlayerTotal.program_id == sa.bindparam("program_id"),
)
"""The points of the person ``user_id`` in the program ``program_id`` (no row: none yet)."""


def _points(user_id: int, program_id: int) -> sa.Select:
    return POINTS.params(user_id=user_id, program_id=program_id)


def _held(held: set[tuple[str, int]]) -> tuple[HeldBadge, ...]:
    """The highest tier of each badge, in the rule book's order."""
    best: dict[str, int] = {}
    for badge_id, tier in held:
        if badge_id in RULES:
            best[badge_id] = max(tier, best.get(badge_id, 0))
    return tuple(HeldBadge(rule, best[rule.id]) for rule in game.BADGES if rule.id in best)


def _streak_card(
    membership: Membership,
    now: game.WeekKey,
    since: game.WeekKey,
    calendar: game.ProgramCalendar,
    weeks,
    repairs,
) -> StreakCard:
    """``now`` is the person's week; their streak starts at ``since``, the week they joined."""
    state = sources.streak(weeks, calendar, now, repairs.get(membership.id), since)
    return StreakCard(state, now in weeks)


RECEIVED_KUDOS = (
    sa.select(Kudos.note, User.name, Kudos.created_at)
    .join(User, User.id == Kudos.mentor_id)
    .join(Mentorship, Mentorship.id == Kudos.mentorship_id)
    .where(
        Kudos.mentee_id == sa.bindparam("user_id"),
        Mentorship.program_id == sa.bindparam("program_id"),
    )
    .order_by(Kudos.created_at.desc(), Kudos.id.desc())
    .limit(RECENT_KUDOS)
)
"""The latest kudos the person ``user_id`` received in the program ``program_id``."""


CARD_LISTS = {
    "points": POINTS,
    "break_mondays": BREAK_MONDAYS,
    "checkin_weeks": sources.COUNTED_WEEKS,
    "repaired_week": sources.REPAIRED_WEEK,
    "kudos": RECEIVED_KUDOS,
}
"""What the mentee's card reads, for ``user_id`` in the mentee membership ``membership_id`` of
the program ``program_id``: lists for ``Lists``, which a page may read with its own."""

_MENTEE_CARD = Lists(**CARD_LISTS)


def mentee_game(membership: Membership, now: game.WeekKey, zone: str) -> MenteeGame:
    """The mentee's card in one statement (the program itself is already loaded with the
    membership); ``now`` is the mentee's week, ``zone`` their zone."""
    values = {
        "user_id": membership.user_id,
        "membership_id": membership.id,
        "program_id": membership.program_id,
    }
    return mentee_card(membership, now, zone, _MENTEE_CARD.run(**values))


def mentee_card(membership: Membership, now: game.WeekKey, zone: str, lists: dict) -> MenteeGame:
    """The mentee's card from the lists of ``CARD_LISTS``, read alone or with a page's."""
    points = lists["points"][0].points if lists["points"] else 0
    calendar = calendar_read(membership.program, [monday for (monday,) in lists["break_mondays"]])
    weeks = sources.week_keys(lists["checkin_weeks"])
    repaired = tuple(sources.week_keys(lists["repaired_week"]))
    state = game.compute_streak(weeks, calendar, now, repaired, joined_week(membership, zone))
    return MenteeGame(
        MenteeProgress.of(points, StreakCard(state, now in weeks)),
        kudos=tuple(ReceivedKudos(note, name, at) for note, name, at in lists["kudos"]),
    )


def history_page(requested: int) -> int:
    """The page asked for in the address, within 1..HISTORY_LAST_PAGE."""
    return min(max(requested, 1), HISTORY_LAST_PAGE)


def _history(user_id: int, program_id: int, page: int) -> HistoryPage:
    """One query: a line more than the page holds tells whether an older page follows."""
    rows = db.session.execute(
        sa.select(
            PointsAward.created_at,
            PointsAward.amount,
            PointsAward.reason,
            PointsAward.key,
            PointsAward.week_key,
            Goal.title,
        )
        .outerjoin(Goal, Goal.id == PointsAward.goal_id)
        .where(PointsAward.user_id == user_id, PointsAward.program_id == program_id)
        .order_by(PointsAward.created_at.desc(), PointsAward.id.desc())
        .offset((page - 1) * HISTORY_PAGE_SIZE)
        .limit(HISTORY_PAGE_SIZE + 1)
    ).all()
    lines = tuple(
        HistoryLine(at, amount, words.award_reason(reason, key, week_key, title))
        for at, amount, reason, key, week_key, title in rows[:HISTORY_PAGE_SIZE]
    )
    return HistoryPage(lines, page, len(rows) > HISTORY_PAGE_SIZE)


def _within_reach(
    scopes: tuple[game.Scope, ...], metrics: dict[str, int], held: set[tuple[str, int]]
) -> tuple[NextBadge, ...]:
    rules = [
        rule for rule in game.BADGES if rule.scope in scopes and rule.id not in NOT_WITHIN_REACH
    ]
    return tuple(
        NextBadge(
            reach.badge,
            reach.tier,
            words.what_it_needs(reach),
            reach.have,
            reach.need,
        )
        for reach in game.next_within_reach(rules, metrics, held)[:REACH_SIZE]
    )


def _pair_meetings_best(mentor_membership_id: int) -> int:
    """Held meetings of the mentor's busiest mentorship (Dream Team is per pair)."""
    counts = db.session.scalars(
        sa.select(sa.func.count(Meeting.id))
        .join(MentorshipMember, MentorshipMember.mentorship_id == Meeting.mentorship_id)
        .where(
            MentorshipMember.membership_id == mentor_membership_id,
            Meeting.status == MeetingStatus.HELD.literal,
        )
        .group_by(Meeting.mentorship_id)
    )
    return max(counts, default=0)


def _repair_note(membership_id: int) -> tuple[dict[int, StreakRepair], RepairNote | None]:
    """The mentee's streak repair (for the streak) and what they are told of it: one query."""
    row = db.session.execute(
        sa.select(StreakRepair, User.name)
        .outerjoin(User, User.id == StreakRepair.mentor_id)
        .where(StreakRepair.membership_id == membership_id)
    ).first()
    if row is None:
        return {}, None
    repair, mentor_name = row
    note = RepairNote(game.WeekKey.parse(repair.week_key), repair.reason, mentor_name)
    return {membership_id: repair}, note


def progress(
    membership: Membership, now: game.WeekKey, zone: str, history_page: int = 1
) -> Progress:
    """A mentee's level, streak and its week grid, a page of history and badges; a mentor's
    badges (fixed queries). ``now`` is the person's week, ``zone`` their zone."""
    user_id, program_id = membership.user_id, membership.program_id
    held = sources.badges_held([user_id], program_id)[user_id]
    if membership.role is Role.MENTOR:
        metrics = {
            **sources.mentor_metrics(user_id, program_id),
            Metric.PAIR_MEETINGS: _pair_meetings_best(membership.id),
        }
        scopes = (game.Scope.MENTOR, game.Scope.PAIR)
        return Progress(
            None, 0, None, HistoryPage(), _held(held), _within_reach(scopes, metrics, held)
        )
    counts = sources.mentee_counts(user_id, program_id, points=_points(user_id, program_id))
    points = counts["points"] or 0
    calendar = calendar_of(program_id)
    weeks = sources.checkin_weeks([membership.id])
    repairs, repair_note = _repair_note(membership.id)
    since = joined_week(membership, zone)
    streak = _streak_card(membership, now, since, calendar, weeks[membership.id], repairs)
    repaired = sources.repaired_weeks(repairs.get(membership.id))
    metrics = sources.mentee_metrics(weeks[membership.id], streak.state, counts)
    return Progress(
        level=game.progress(points),
        points=points,
        streak=streak,
        history=_history(user_id, program_id, history_page),
        badges=_held(held),
        within_reach=_within_reach((game.Scope.USER, game.Scope.PAIR), metrics, held),
        repair=repair_note,
        grid=game.term_grid(calendar, weeks[membership.id], now, repaired, since),
    )


def mentee_cards(mentorships: list[Mentorship], zone: str) -> dict[int, MenteeCard]:
    """Per mentee membership of these mentorships (people loaded): five queries in all."""
    mentees = [
        member.membership
        for mentorship in mentorships
        for member in mentorship.members
        if member.membership.role is Role.MENTEE
    ]
    if not mentees:
        return {}
    program_id = mentees[0].program_id
    ids = [m.id for m in mentees]
    calendar = calendar_of(program_id)
    weeks = sources.checkin_weeks(ids)
    repairs = sources.repairs_of(ids)
    held = sources.badges_held([m.user_id for m in mentees], program_id)
    month = kudos_month(zone)
    kudos_sent = set(
        db.session.scalars(
            sa.select(Kudos.mentee_id).where(
                Kudos.key.in_([game.kudos_key(program_id, m.user_id, month) for m in mentees])
            )
        )
    )
    cards = {}
    for mentee in mentees:
        now, card_zone = week_now(mentee.user), mentee.user.time_zone
        since = joined_week(mentee, card_zone)
        cards[mentee.id] = MenteeCard(
            membership=mentee,
            streak=_streak_card(mentee, now, since, calendar, weeks[mentee.id], repairs),
            badges=_held(held[mentee.user_id]),
            kudos_sent=mentee.user_id in kudos_sent,
            repairable=tuple(
                repairable_weeks(
                    weeks[mentee.id],
                    calendar,
                    now,
                    repairs.get(mentee.id),
                    since,
                )
            ),
        )
    return cards


LEADERBOARD_PAGE_SIZE = 25


@dataclass(frozen=True)
class Standing:
    rank: int
    first_name: str
    points: int
    is_me: bool = False


@dataclass(frozen=True)
class Leaderboard:
    standings: list[Standing]  # one page, most points first
    pager: Pager
    mine: Standing | None  # the viewer's own line, wherever it falls


_BOARD = sa.select(PlayerTotal.user_id, PlayerTotal.name, PlayerTotal.points).where(
    PlayerTotal.program_id == sa.bindparam("program_id"), sa.text(ON_BOARD)
)
"""The program ``program_id``'s leaderboard: its opted-in mentees still in it, with their
points, read from the board's own index (``PlayerTotal``)."""
_BOARD_ORDER = (PlayerTotal.points.desc(), PlayerTotal.name, PlayerTotal.user_id)
"""Most points first, ties by name then by person: the order of the board's index."""
_VIEWER = [
    _BOARD.with_only_columns(column)
    .where(PlayerTotal.user_id == sa.bindparam("viewer_id"))
    .correlate(None)  # its own row, read once: not the rows of the statement around it
    .scalar_subquery()
    for column in (PlayerTotal.points, PlayerTotal.name)
]
_COUNT = _BOARD.with_only_columns(sa.func.count())
_AHEAD = (
    _COUNT.where(PlayerTotal.points > _VIEWER[0]).scalar_subquery()
    + _COUNT.where(
        PlayerTotal.points == _VIEWER[0],
        sa.tuple_(PlayerTotal.name, PlayerTotal.user_id)
        < sa.tuple_(_VIEWER[1], sa.bindparam("viewer_id")),
    ).scalar_subquery()
)
"""How many stand ahead of the viewer: more points, or as many and first by name then by
person; two ranges of the board's index, read no further than the viewer's place."""
_ON_BOARD = (
    sa.select(ProgramState.total)
    .where(
        ProgramState.program_id == sa.bindparam("program_id"),
        ProgramState.kind == BOARD[0],
        ProgramState.state == BOARD[1],
    )
    .scalar_subquery()
)
_STANDING = sa.select(sa.func.coalesce(_ON_BOARD, 0), _AHEAD, *_VIEWER)
"""How many are on the board (the program's counter: counting the board grew with it), how
many stand ahead of the viewer (in ``_BOARD_ORDER``), and the viewer's points and name (``None``
off the board): counts along the board's index no further than the viewer's place, nothing
sorted or joined, and no test made on each row (at 5,000 people one pass testing "ahead" on
every row took SQLite 1.10 ms, these counts 0.36 ms)."""
_PAGE = _BOARD.order_by(*_BOARD_ORDER).limit(sa.bindparam("size")).offset(sa.bindparam("offset"))
"""One page of the board, read in the index's order."""


def _first_name(name: str) -> str:
    return name.split()[0] if name.strip() else name


def leaderboard(program_id: int, requested: int, viewer_id: int) -> Leaderboard:
    """One page of the leaderboard, how many are on it and the viewer's own line: two
    statements, neither of which ranks the whole board (a place is how many stand ahead)."""
    values = {"program_id": program_id, "viewer_id": viewer_id}
    total, ahead, my_points, my_name = db.session.execute(_STANDING, values).one()
    pager = Pager.of(requested, total, LEADERBOARD_PAGE_SIZE)
    rows = db.session.execute(_PAGE, {**values, "size": pager.size, "offset": pager.offset})
    standings = [
        Standing(pager.offset + n, _first_name(name), points, user_id == viewer_id)
        for n, (user_id, name, points) in enumerate(rows, start=1)
    ]
    mine = None
    if my_name is not None:
        mine = Standing(ahead + 1, _first_name(my_name), my_points, True)
    return Leaderboard(standings, pager, mine)
