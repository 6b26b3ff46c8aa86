"""What happened, as plain data: the app builds these from its rows and hands them to the rules.

Every event names who was involved by id, so the rules can check who may cause what (only a
mentor of the mentorship confirms or sends back a milestone) without asking the database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from game.weeks import WeekKey

_MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")


@dataclass(frozen=True, slots=True)
class CheckIn:
    """A weekly check-in; ``week`` is the key stored with it when it was made."""

    user_id: int
    program_id: int
    week: WeekKey


@dataclass(frozen=True, slots=True)
class MeetingHeld:
    """A meeting both sides confirmed as held; only participants who are not mentors earn points."""

    meeting_id: int
    program_id: int
    mentorship_id: int
    week: WeekKey
    participant_ids: frozenset[int]
    mentor_ids: frozenset[int]


@dataclass(frozen=True, slots=True)
class MilestoneConfirmed:
    milestone_id: int
    goal_id: int
    program_id: int
    mentee_id: int
    confirmed_by: int
    mentorship_mentor_ids: frozenset[int]


@dataclass(frozen=True, slots=True)
class MilestoneSentBack:
    milestone_id: int
    goal_id: int
    mentee_id: int
    sent_back_by: int
    mentorship_mentor_ids: frozenset[int]


@dataclass(frozen=True, slots=True)
class GoalCompleted:
    goal_id: int
    program_id: int
    mentee_id: int


@dataclass(frozen=True, slots=True)
class SurveyAnswered:
    survey_id: int
    user_id: int


@dataclass(frozen=True, slots=True)
class KudosGiven:
    """Recognition from a mentor; it only means something with a written note."""

    mentor_id: int
    mentee_id: int
    program_id: int
    month: str
    note: str

    def __post_init__(self) -> None:
        if _MONTH.fullmatch(self.month) is None:
            raise ValueError(f"month must look like 2025-03, not {self.month!r}")
        if not self.note.strip():
            raise ValueError("kudos need a written note")


Event = (
    CheckIn
    | MeetingHeld
    | MilestoneConfirmed
    | MilestoneSentBack
    | GoalCompleted
    | SurveyAnswered
    | KudosGiven
)
