"""What badges measure: named counts the app fills from its rows, plus the helpers that define
the less obvious ones (a response "in time", a streak's counts).

Every metric is a count that only grows as time goes on; that is what lets badges be evaluated
incrementally with the same result as from scratch.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from types import MappingProxyType

from game.streaks import StreakState

RESPONSE_WINDOW = timedelta(hours=72)


class Metric(StrEnum):
    CHECKINS = "checkins"
    CHECKIN_WEEKS = "checkin_weeks"
    STREAK_BEST = "streak_best"
    COMEBACKS = "comebacks"
    MILESTONES_CONFIRMED = "milestones_confirmed"
    GOALS_COMPLETED = "goals_completed"
    PAIR_MEETINGS = "pair_meetings"
    PAIR_ACTIVE_SIXTHS = "pair_active_sixths"
    TIMELY_RESPONSES = "timely_responses"
    MENTOR_MEETINGS = "mentor_meetings"
    KUDOS_RECEIVED = "kudos_received"


@dataclass(frozen=True, slots=True)
class Metrics(Mapping[str, int]):
    """Metric name -> count for one subject (a user, a pair or a mentor); absent means 0."""

    values: Mapping[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if any(count < 0 for count in self.values.values()):
            raise ValueError("metrics are counts and cannot be negative")
        object.__setattr__(self, "values", MappingProxyType(dict(self.values)))

    def __getitem__(self, name: str) -> int:
        return self.values[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self.values)

    def __len__(self) -> int:
        return len(self.values)


def from_streak(state: StreakState) -> dict[str, int]:
    """A program streak's contribution to the user's metrics."""
    return {
        Metric.CHECKIN_WEEKS: state.total_weeks,
        Metric.STREAK_BEST: state.best,
        Metric.COMEBACKS: state.comebacks,
    }


def answered_in_time(asked_at: datetime, answered_at: datetime) -> bool:
    """Whether a mentor answered a check-in or milestone review within 72 hours."""
    return timedelta(0) <= answered_at - asked_at <= RESPONSE_WINDOW


Answer = tuple[Hashable, datetime | None, datetime | None]
"""What was asked (a check-in, a milestone submission), when it was asked, when answered."""


def timely_answers(answers: Iterable[Answer]) -> int:
    """How many asks a mentor answered within 72 hours: an ask answered again and again (a
    milestone confirmed, sent back and confirmed again after one submission) counts once."""
    return len(
        {
            asked
            for asked, asked_at, answered_at in answers
            if asked_at is not None
            and answered_at is not None
            and answered_in_time(asked_at, answered_at)
        }
    )
