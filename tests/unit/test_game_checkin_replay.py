"""The rebuild's replays in one pass write exactly the rows that deciding each event on its own
writes into the reference ledger: ``replay_checkins`` (with ``compute_streak`` as of each week,
ending on the same streak), ``replay_meetings`` (the weekly cap counted as it goes) and
``replay_reviews`` (each milestone's cycle and each goal's cap counted as they go)."""

from __future__ import annotations

from game_strategies import PROPERTY, History, histories
from hypothesis import example, given
from hypothesis import strategies as st

from game import (
    COMEBACK_POINTS,
    Award,
    CheckIn,
    Ledger,
    MeetingHeld,
    MilestoneConfirmed,
    MilestoneSentBack,
    NotTheMentor,
    Reason,
    WeekKey,
    comeback_key,
    compute_streak,
    decide,
    meeting_key,
)
from game.points import replay_checkins, replay_meetings, replay_reviews

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


payments = st.lists(
    st.tuples(st.integers(1, 6), st.integers(1, 3), st.sampled_from(("2026-W01", "2026-W02"))),
    max_size=25,
)


@PROPERTY
@given(payments, st.data())
def test_meeting_payments_replayed_in_turn_keep_the_weekly_cap(paid, data) -> None:
    paid = [(meeting, user, WeekKey.parse(week)) for meeting, user, week in paid]
    keys = sorted({meeting_key(meeting, user) for meeting, user, _ in paid})
    taken = data.draw(st.frozensets(st.sampled_from(keys or [""])))
    ledger = Ledger(Award(key, 99, 1, Reason.SURVEY) for key in taken)
    for meeting, user, week in paid:
        event = MeetingHeld(meeting, PROGRAM, 1, week, frozenset({user}), frozenset({50}))
        ledger.apply(decide(event, ledger.view_for(event)))
    meeting_of = {meeting_key(meeting, user): meeting for meeting, user, _ in paid}
    expected = [
        (e.key, meeting_of[e.key], e.user_id, e.week) for e in ledger.rows() if e.key not in taken
    ]
    assert replay_meetings(paid, taken) == expected


MENTEE, MENTOR = 7, 50
reviews = st.lists(
    st.tuples(
        st.integers(1, 9),  # milestones 1..7 share goal 1: its cap of 6 can be reached
        st.sampled_from((MENTOR,) * 6 + (MENTOR + 1, MENTEE, None)),
        st.sampled_from((frozenset({MENTOR}),) * 6 + (frozenset({MENTOR, MENTEE}), frozenset())),
        st.sampled_from((True, True, False)),
    ),
    max_size=60,
)


CAP_REACHED = [(m, MENTOR, frozenset({MENTOR}), True) for m in range(1, 8)]


@PROPERTY
@given(reviews)
@example(CAP_REACHED)  # the 7th is not paid
@example([*CAP_REACHED, (2, MENTOR, frozenset({MENTOR}), False), *CAP_REACHED])  # now it is
def test_milestone_reviews_replayed_in_turn_write_what_each_decided_alone_writes(drawn) -> None:
    every = [(m, 1 if m <= 7 else 2, MENTEE, actor, mentors, ok) for m, actor, mentors, ok in drawn]
    ledger, refused = Ledger(), []
    for position, (milestone, goal, mentee, actor, mentors, confirmed) in enumerate(every):
        if confirmed:
            event = MilestoneConfirmed(milestone, goal, PROGRAM, mentee, actor, mentors)
        else:
            event = MilestoneSentBack(milestone, goal, mentee, actor, mentors)
        try:
            ledger.apply(decide(event, ledger.view_for(event)))
        except NotTheMentor:
            refused.append(position)
    expected = [
        (e.key, e.user_id, e.amount, e.reason, e.goal_id, getattr(e, "target_key", None))
        for e in ledger.rows()
    ]
    assert replay_reviews(every) == (expected, refused)
