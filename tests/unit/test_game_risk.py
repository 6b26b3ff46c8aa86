"""The four at-risk signals as pure rules: each one raised and cleared at its boundary."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from game.risk import (
    HELP_WAIT,
    MENTOR_SILENT,
    MenteeFacts,
    PairFacts,
    Reason,
    Resolution,
    Signal,
    covered,
    help_waiting,
    low_mood,
    mentor_silent,
    open_reasons,
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


def test_a_reason_code_names_the_mentee_for_a_mentees_signal():
    assert Reason(Signal.QUIET, NOW).code == "quiet"
    assert Reason(Signal.LOW_MOOD, date(2026, 3, 2), "Ana", 12).code == "low_mood:12"
    facts = PairFacts(
        MATCHED, False, NOW, NOW, (MenteeFacts("Ana", (1, 1, 1), NOW.date(), None, 7),)
    )
    assert [r.code for r in reasons(facts, NOW)] == ["low_mood:7"]


RESOLVED = Resolution(frozenset({"quiet", "low_mood:7"}), NOW, NOW.date())


def test_a_resolution_covers_its_signals_while_they_go_on():
    assert covered(Reason(Signal.QUIET, NOW - timedelta(days=20)), RESOLVED)
    assert covered(Reason(Signal.QUIET, NOW), RESOLVED)  # started the very instant: same spell
    assert covered(Reason(Signal.LOW_MOOD, NOW.date(), "Ana", 7), RESOLVED)
    assert not covered(Reason(Signal.QUIET, NOW - timedelta(days=20)), None)


def test_a_signal_not_resolved_or_started_after_the_resolution_is_open():
    started_before = NOW - timedelta(days=20)
    assert not covered(Reason(Signal.MENTOR_SILENT, started_before), RESOLVED)  # not resolved
    assert not covered(Reason(Signal.LOW_MOOD, date(2026, 3, 2), "Ben", 8), RESOLVED)  # another
    assert not covered(Reason(Signal.QUIET, NOW + timedelta(seconds=1)), RESOLVED)  # a new spell
    assert not covered(Reason(Signal.LOW_MOOD, NOW.date() + timedelta(days=1), "Ana", 7), RESOLVED)


def test_open_reasons_keep_the_order_and_leave_out_the_covered():
    quiet = Reason(Signal.QUIET, NOW - timedelta(days=20))
    silent = Reason(Signal.MENTOR_SILENT, NOW - timedelta(days=20))
    assert open_reasons([quiet, silent], RESOLVED) == [silent]
    assert open_reasons([quiet], RESOLVED) == []
    assert open_reasons([quiet, silent], None) == [quiet, silent]
