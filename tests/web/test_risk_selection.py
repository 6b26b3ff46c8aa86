"""The SQL that chooses, counts and pages the pairs at risk (``risk_query.Selection``) agrees
with ``game.risk`` judging every active pair, whatever the summary rows and resolutions say.

The rows are written directly (any values the summary could hold, not only those the services
would reach), with resolutions of any codes at any time, near the spells' starts: a reason
covered or not by a second, a low spell's first week against the resolution's day in the
program's zone. A pair row's instant from which it is listed is worked out from the values
written, its mentee's row included (``risk_rows.add_listing``, as a refresh would), and the
lists are read then, or later with nothing done in between (time alone brings pairs onto the
list).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

import pytest
import sqlalchemy as sa
from checkins_support import add_mentees
from game_support import NOW, pinned_fixture  # noqa: F401
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from risk_support import MENTOR, in_list_order

from app import clock
from app.calendars import calendar_of
from app.extensions import db
from app.models import (
    CareKind,
    CareRecord,
    MenteeSummary,
    Mentorship,
    MentorshipMember,
    PairSummary,
)
from app.programs.risk_query import active_pairs, assess, board, board_page, on_list
from app.programs.risk_rows import add_listing
from game.weeks import local_date, week_of


@pytest.fixture(autouse=True)
def _clock(pinned):
    return pinned


HOURS = st.integers(min_value=-24 * 30, max_value=24 * 2)  # hours from now: mostly the past
PAST = st.integers(min_value=-24 * 30, max_value=0)
MAYBE = st.none() | HOURS
CODES = ("quiet", "mentor_silent", "low_mood", "help_waiting")

MENTEE_ROW = st.none() | st.fixed_dictionaries(
    {
        "moods": st.lists(st.integers(1, 3), max_size=3),
        "since": PAST,  # the oldest counted week: a check-in's week has begun
        "asked": MAYBE,
    }
)
PAIR = st.fixed_dictionaries(
    {
        "matched": st.integers(min_value=-24 * 60, max_value=0),
        "row": st.booleans(),
        "met": MAYBE,
        "active": MAYBE,
        "mentee": MENTEE_ROW,
        "resolutions": st.lists(
            st.tuples(HOURS, st.sets(st.sampled_from(CODES + ("low_mood:other",)))), max_size=2
        ),
        "nudged": MAYBE,
    }
)
LATER = st.sampled_from([0, 1, 13, 24 * 2, 24 * 5, 24 * 9, 24 * 16, 24 * 40])
"""Hours from the rows' writing to the visit: the stored instants meet a later clock."""


@pytest.fixture
def pairs(app, world) -> list[tuple[int, int]]:
    with app.app_context():
        found = add_mentees(world.program_id, MENTOR, 5)
        own = db.session.scalar(
            sa.select(MentorshipMember.membership_id).where(
                MentorshipMember.mentorship_id == world.mentorship_id,
                MentorshipMember.membership_id.not_in([m for _, m in found]),
            )
        )
        return [*found, (world.mentorship_id, own)]


def _at(hours: int | None):
    return None if hours is None else NOW + timedelta(hours=hours)


def _write(world, pairs, facts) -> None:
    """Replace every pair's rows and care records by ``facts``, in Core statements (a change
    through the ORM would have the commit refresh the rows from the facts)."""
    zone = calendar_of(world.program_id).zone
    pair_ids = [pair for pair, _ in pairs]
    db.session.execute(sa.delete(CareRecord).where(CareRecord.mentorship_id.in_(pair_ids)))
    db.session.execute(sa.delete(PairSummary).where(PairSummary.mentorship_id.in_(pair_ids)))
    db.session.execute(
        sa.delete(MenteeSummary).where(MenteeSummary.membership_id.in_([m for _, m in pairs]))
    )
    found = defaultdict(dict)
    for (pair, mentee), fact in zip(pairs, facts, strict=True):
        matched = _at(fact["matched"])
        db.session.execute(
            sa.update(Mentorship).where(Mentorship.id == pair).values(created_at=matched)
        )
        latest = None
        for hours, codes in fact["resolutions"]:
            signals = [
                code if code in ("quiet", "mentor_silent") else f"{code}:{mentee}"
                for code in sorted(codes)
                if code != "low_mood:other"
            ] + (["low_mood:999999"] if "low_mood:other" in codes else [])
            db.session.execute(
                sa.insert(CareRecord).values(
                    mentorship_id=pair,
                    kind=CareKind.RESOLVED,
                    signals=signals,
                    created_at=_at(hours),
                )
            )
            if latest is None or hours >= latest[0]:  # the later one, or the last written
                latest = (hours, signals)
        met, active = (None, None) if not fact["row"] else (_at(fact["met"]), _at(fact["active"]))
        resolved_at = None if latest is None else _at(latest[0])
        db.session.execute(
            sa.insert(PairSummary).values(
                mentorship_id=pair,
                program_id=world.program_id,
                last_met_at=met,
                mentor_last_active=active,
                resolved_at=resolved_at,
            )
        )
        found[pair].update(last_met_at=met, mentor_last_active=active)
        row = fact["mentee"]
        if row is not None:
            moods = row["moods"] + [None] * (3 - len(row["moods"]))
            since = str(week_of(local_date(_at(row["since"]), zone))) if row["moods"] else None
            db.session.execute(
                sa.insert(MenteeSummary).values(
                    membership_id=mentee,
                    program_id=world.program_id,
                    mood_1=moods[0],
                    mood_2=moods[1],
                    mood_3=moods[2],
                    moods_since=since,
                    help_asked_at=_at(row["asked"]),
                    open_help=0 if row["asked"] is None else 1,
                )
            )
        if fact["nudged"] is not None:
            db.session.execute(
                sa.insert(CareRecord).values(
                    mentorship_id=pair, kind=CareKind.NUDGE, created_at=_at(fact["nudged"])
                )
            )
    add_listing(pair_ids, found)
    db.session.execute(
        sa.update(PairSummary),
        [{"mentorship_id": pair, "listed_from": row["listed_from"]} for pair, row in found.items()],
    )
    db.session.commit()


def _every_pair_judged(program_id: int) -> tuple[list[int], list[int]]:
    entries = assess(program_id, active_pairs(program_id), clock.utcnow())
    resolved = sorted(
        (e for e in entries if e.resolved is not None and not on_list(e)),
        key=lambda e: e.resolved.at,
        reverse=True,
    )
    listed = in_list_order([e.mentorship.id for e in entries if on_list(e)])
    return listed, [e.mentorship.id for e in resolved]


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(facts=st.lists(PAIR, min_size=6, max_size=6), later=LATER)
def test_the_sql_selection_equals_judging_every_pair(app, world, pairs, facts, later):
    with app.app_context():
        clock.set_now(NOW)
        _write(world, pairs, facts)
        now = NOW + timedelta(hours=later)
        clock.set_now(now)
        found = board(world.program_id, now)
        listed = [e.mentorship.id for e in found.at_risk]
        taken_off = [e.mentorship.id for e in found.resolved]
        assert (listed, taken_off) == _every_pair_judged(world.program_id)
        for asked in (1, 3):  # the first page, and one past the end: the first again
            page = board_page(world.program_id, now, asked)
            assert page.pager.page == 1
            assert page.pager.total == len(listed) and page.resolved_count == len(taken_off)
            assert [e.mentorship.id for e in page.at_risk] == listed[:25]
            assert [e.mentorship.id for e in page.resolved] == taken_off[:25]


def test_pairs_listed_by_their_mentees_alone_are_each_counted(app, world, pairs):
    """Pairs matched two days ago (neither quiet nor silent) whose mentees are low or wait for
    help: each is listed, counted and paged once; later, silence adds no second count."""
    low = {"moods": [1, 2, 1], "since": -24 * 20, "asked": -24 * 3}
    waiting = {"moods": [], "since": 0, "asked": -24 * 3}
    facts = [
        {
            "matched": -48,
            "row": True,
            "met": None,
            "active": None,
            "mentee": low if index % 2 else waiting,
            "resolutions": [],
            "nudged": None,
        }
        for index in range(len(pairs))
    ]
    with app.app_context():
        clock.set_now(NOW)
        _write(world, pairs, facts)
        for now in (NOW, NOW + timedelta(days=13)):
            clock.set_now(now)
            listed, _ = _every_pair_judged(world.program_id)
            assert {pair for pair, _ in pairs[:-1]} <= set(listed)  # the world's: any member
            page = board_page(world.program_id, now, 1)
            assert [e.mentorship.id for e in page.at_risk] == listed
            assert page.pager.total == len(listed)
