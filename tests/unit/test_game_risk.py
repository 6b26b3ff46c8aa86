"""The four at-risk signals as pure rules: each one raised and cleared at its boundary."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from game.risk import (
    HELP_WAIT,
    MENTOR_SILENT,
    MenteeFacts,
    PairFacts,
    Reason,
    Signal,
    help_waiting,
    low_mood,
    mentor_silent,
    reasons,
)

NOW = datetime(2026, 3, 11, 12, tzinfo=UTC)
MATCHED = NOW - timedelta(days=60)


def test_a_mentor_is_silent_after_fourteen_days_without_an_action():
    assert not mentor_silent(MATCHED, NOW - MENTOR_SILENT + timedelta(seconds=1), NOW)
    assert mentor_silent(MATCHED, NOW - MENTOR_SILENT, NOW)
    assert mentor_silent(MATCHED, None, NOW)


def test_a_pair_matched_recently_is_not_silent_yet():
    assert not mentor_silent(NOW - timedelta(days=13), None, NOW)
    assert mentor_silent(NOW - timedelta(days=14), None, NOW)


def test_low_mood_needs_three_low_weeks_in_a_row_newest_first():
    assert low_mood((2, 1, 2))
    assert low_mood((1, 1, 1, 5))  # only the last three weeks count
    assert not low_mood((3, 1, 1))
    assert not low_mood((1, 1))
    assert not low_mood(())


def test_help_waits_from_forty_eight_hours():
    assert not help_waiting(None, NOW)
    assert not help_waiting(NOW - HELP_WAIT + timedelta(minutes=1), NOW)
    assert help_waiting(NOW - HELP_WAIT, NOW)


def test_reasons_come_in_a_fixed_order_with_since_when():
    last_met = NOW - timedelta(days=30)
    active = NOW - timedelta(days=20)
    asked = NOW - timedelta(days=3)
    facts = PairFacts(
        matched_at=MATCHED,
        quiet=True,
        last_met_at=last_met,
        mentor_last_active=active,
        mentees=(
            MenteeFacts("Ana", (1, 2, 2), date(2026, 2, 23), None),
            MenteeFacts("Ben", (4, 2, 2), date(2026, 2, 23), asked),
        ),
    )
    assert reasons(facts, NOW) == [
        Reason(Signal.QUIET, last_met),
        Reason(Signal.MENTOR_SILENT, active),
        Reason(Signal.LOW_MOOD, date(2026, 2, 23), "Ana"),
        Reason(Signal.HELP_WAITING, asked, "Ben"),
    ]


def test_a_quiet_pair_that_never_met_is_quiet_since_its_match():
    facts = PairFacts(MATCHED, quiet=True, last_met_at=None, mentor_last_active=NOW)
    assert reasons(facts, NOW) == [Reason(Signal.QUIET, MATCHED)]


def test_a_healthy_pair_raises_nothing():
    facts = PairFacts(MATCHED, False, NOW, NOW, (MenteeFacts("Ana", (4, 3, 5), date(2026, 3, 2)),))
    assert reasons(facts, NOW) == []
