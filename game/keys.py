"""Idempotency keys: each names the one thing that caused an award, so it is written only once.

The store holds them under a UNIQUE constraint and inserts with insert-or-ignore; whatever is
retried, double-clicked or replayed lands on the same key and changes nothing.

A milestone can go round more than once: confirmed, sent back, confirmed again. Each round is a
cycle ``n`` (1, 2, ...). Cycle 1 is paid under ``milestone:{m}:confirmed``, later cycles under
``milestone:{m}:confirmed:{n}``; sending cycle ``n`` back writes
``milestone:{m}:confirmed:reversed:{n}``, which negates exactly that cycle's award. The cycle
in play is always one more than the number of reversals already written, so a repeated
confirmation or send-back maps to the key that already exists, and a genuine new confirmation
after a send-back gets a fresh key.
"""

from __future__ import annotations

from game.weeks import WeekKey


def checkin_key(user_id: int, week: WeekKey | str) -> str:
    """``week`` or its stored form (``str(week)``), which a replay has at hand."""
    return f"checkin:{user_id}:{week}"


def meeting_key(meeting_id: int, user_id: int) -> str:
    return f"meeting:{meeting_id}:{user_id}"


def milestone_key(milestone_id: int, cycle: int) -> str:
    base = f"milestone:{milestone_id}:confirmed"
    return base if cycle == 1 else f"{base}:{cycle}"


def milestone_reversal_key(milestone_id: int, cycle: int) -> str:
    return f"milestone:{milestone_id}:confirmed:reversed:{cycle}"


def goal_key(goal_id: int) -> str:
    return f"goal:{goal_id}:completed"


def streak_key(user_id: int, program_id: int, weeks: int) -> str:
    return f"streak:{user_id}:{program_id}:{weeks}"


def comeback_key(user_id: int, week: WeekKey | str) -> str:
    return f"comeback:{user_id}:{week}"


def survey_key(survey_id: int, user_id: int) -> str:
    return f"survey:{survey_id}:{user_id}"


def kudos_key(program_id: int, mentee_id: int, month: str) -> str:
    """One kudos per mentee per month in a program; the app stores kudos under this key."""
    return f"kudos:{program_id}:{mentee_id}:{month}"
