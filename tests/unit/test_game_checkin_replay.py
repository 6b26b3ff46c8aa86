"""``replay_checkins``, the rebuild's one-walk replay of a person's check-ins, writes exactly the
rows that deciding each check-in on its own would write (``decide`` with ``compute_streak`` into
the reference ledger), and ends on the same streak."""

from __future__ import annotations

from game_strategies import PROPERTY, History, histories
from hypothesis import given
from hypothesis import strategies as st

from game import (
    COMEBACK_POINTS,
    Award,
    CheckIn,
    Ledger,
    Reason,
    comeback_key,
    compute_streak,
    decide,
)
from game.points import replay_checkins

USER, PROGRAM = 7, 3


def _plain(weeks, cal, repairs, since, ledger: Ledger) -> list[tuple]:
    before = len(ledger)
    for week in sorted(weeks):
        event = CheckIn(USER, PROGRAM, week)
        state = compute_streak(weeks, cal, week, repairs, since)
        ledger.apply(decide(event, ledger.view_for(event, state)))
    return [(e.key, e.amount, e.reason, e.week) for e in ledger.rows()[before:]]


@PROPERTY
@given(histories(), st.data())
def test_one_walk_writes_what_each_check_in_decided_alone_writes(history: History, data) -> None:
    cal, counted, up_to = history
    weeks = cal.weeks()
    around = (weeks[0].previous(), weeks[-1].next(), weeks[-1].next().next())
    counted = counted | data.draw(st.frozensets(st.sampled_from(around)))  # off the calendar
    up_to = data.draw(st.sampled_from((up_to, around[0], around[2])))
    since = data.draw(st.none() | st.sampled_from(weeks))
    repairs = data.draw(st.frozensets(st.sampled_from(weeks), max_size=1))
    paid = data.draw(st.booleans())
    every = _plain(counted, cal, repairs, since, Ledger())
    taken = data.draw(st.frozensets(st.sampled_from([key for key, *_ in every] or [""])))

    ledger = Ledger(Award(key, USER + 1, 1, Reason.SURVEY) for key in taken)
    if paid:  # a comeback of an earlier term, under a key no week of this one has
        ledger.apply(
            [
                Award(
                    comeback_key(USER, weeks[0].previous().previous()),
                    USER,
                    COMEBACK_POINTS,
                    Reason.COMEBACK,
                    program_id=PROGRAM,
                )
            ]
        )
    expected = _plain(counted, cal, repairs, since, ledger)

    rows, now = replay_checkins(
        USER, PROGRAM, counted, cal, up_to, repairs, since, comeback_paid=paid, taken=taken
    )
    assert rows == expected
    assert now == compute_streak(counted, cal, up_to, repairs, since)
