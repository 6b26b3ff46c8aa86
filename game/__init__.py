"""Waypoint's game rules, as pure functions over plain data.

The app turns its rows into frozen dataclasses (events, check-in weeks, a program calendar) and
persists what comes back (awards with idempotency keys, streak state, badges). Nothing here
touches a database, the network, the clock or the machine's time zone: instants arrive as aware
UTC datetimes and zones as IANA names.

The rules, in short (numbers from GAME.md unless marked tuned):

- Points go to mentees only: check-in 10 (once per local week), meeting held 15 (at most 2 paid
  per week), milestone confirmed by a mentor 30 (at most 6 standing per goal; a send-back writes
  a reversal row), goal completed 75, streak reaching 4/12/26 weeks 20 (once each per program),
  comeback 10 (once per program), survey 10. Every row has a key naming its cause, so nothing is
  paid twice. Mentors earn badges, not points.
- Levels: reaching level L takes 50·L·(L−1) points.
- Weeks are ISO weeks in the user's zone; a check-in before Monday 06:00 fills an empty previous
  week. Break weeks are neutral. Freeze tokens: 1 at the start, one more each time the streak
  reaches a multiple of 4 weeks (tuned: measured on the streak itself), at most 2; every missed
  week spends one if held, streak or not, which keeps invariant 9 true. A mentor may repair one
  missed week per program within 14 days; the repaired week is neutral.
- The pair's meeting rhythm walks the program's cadence periods the same way, without tokens
  (tuned: it is the signal that meetings still happen). Full Term reads "5 of every 6 periods"
  as a share of the pair's term, from the period it was matched in (tuned). A pair is quiet
  after two periods in a row without a meeting, break-only periods skipped.
- A streak counts from the week the person joined; weeks before it are not theirs to miss.
- Badges are data (``BADGES``); each tier is awarded once and implies the lower ones.
- The check-in nudge goes out at most once a week, from Friday 16:00 local (tuned), outside
  quiet hours (21:00–08:00), only with opt-in, never in a break week or once the week counts.
- Other nudges (``game.nudges``): meetings the evening before (18:00 local) and an hour
  before, milestones waiting 48 hours, pairs quiet for two cadence periods; quiet hours delay
  delivery, a daily cap of 4 holds back all but tests and help requests (tuned).
"""

from game.badges import (
    BADGES,
    BadgeAward,
    BadgeRule,
    Reach,
    Scope,
    Tier,
    evaluate,
    next_within_reach,
    rules_for,
)
from game.calendar import Cadence, ProgramCalendar
from game.events import (
    CheckIn,
    Event,
    GoalCompleted,
    KudosGiven,
    MeetingHeld,
    MilestoneConfirmed,
    MilestoneSentBack,
    SurveyAnswered,
)
from game.grid import GridWeek, WeekState, legend, term_grid
from game.keys import (
    checkin_key,
    comeback_key,
    goal_key,
    kudos_key,
    meeting_key,
    milestone_key,
    milestone_reversal_key,
    streak_key,
    survey_key,
)
from game.ledger import Ledger, LedgerError
from game.levels import LevelProgress, level_for, progress, threshold
from game.metrics import Metric, Metrics, answered_in_time, from_streak, timely_answers
from game.nudges import checkin_nudge_text, in_quiet_hours, next_nudge_time, should_nudge_checkin
from game.points import (
    CHECKIN_POINTS,
    COMEBACK_POINTS,
    GOAL_POINTS,
    MEETING_POINTS,
    MEETINGS_PAID_PER_WEEK,
    MILESTONE_POINTS,
    MILESTONES_PAID_PER_GOAL,
    STREAK_POINTS,
    SURVEY_POINTS,
    Award,
    Entry,
    LedgerView,
    NotTheMentor,
    Reason,
    Reversal,
    decide,
)
from game.rhythm import (
    QUIET_PERIODS,
    RhythmState,
    compute_rhythm,
    full_term_sixths,
    is_quiet,
    measured_periods,
    periods_without_meeting,
    quiet_bounds,
)
from game.streaks import (
    StreakState,
    can_repair,
    compute_streak,
    describe,
    is_comeback,
    streak_history,
    streak_milestones_reached,
)
from game.weeks import (
    WeekKey,
    WeekZones,
    checkin_week,
    local_date,
    local_datetime,
    week_of,
    weeks_between,
)

__all__ = [
    "BADGES",
    "CHECKIN_POINTS",
    "COMEBACK_POINTS",
    "GOAL_POINTS",
    "MEETINGS_PAID_PER_WEEK",
    "MEETING_POINTS",
    "MILESTONES_PAID_PER_GOAL",
    "MILESTONE_POINTS",
    "STREAK_POINTS",
    "SURVEY_POINTS",
    "Award",
    "BadgeAward",
    "BadgeRule",
    "Cadence",
    "CheckIn",
    "Entry",
    "Event",
    "GoalCompleted",
    "GridWeek",
    "KudosGiven",
    "Ledger",
    "LedgerError",
    "LedgerView",
    "LevelProgress",
    "MeetingHeld",
    "Metric",
    "Metrics",
    "MilestoneConfirmed",
    "MilestoneSentBack",
    "NotTheMentor",
    "QUIET_PERIODS",
    "ProgramCalendar",
    "Reach",
    "Reason",
    "Reversal",
    "RhythmState",
    "Scope",
    "StreakState",
    "SurveyAnswered",
    "Tier",
    "WeekKey",
    "WeekState",
    "WeekZones",
    "answered_in_time",
    "can_repair",
    "checkin_key",
    "checkin_nudge_text",
    "checkin_week",
    "comeback_key",
    "compute_rhythm",
    "compute_streak",
    "decide",
    "describe",
    "evaluate",
    "from_streak",
    "full_term_sixths",
    "goal_key",
    "in_quiet_hours",
    "is_comeback",
    "is_quiet",
    "kudos_key",
    "legend",
    "measured_periods",
    "quiet_bounds",
    "level_for",
    "local_date",
    "local_datetime",
    "meeting_key",
    "milestone_key",
    "milestone_reversal_key",
    "next_nudge_time",
    "next_within_reach",
    "periods_without_meeting",
    "progress",
    "rules_for",
    "should_nudge_checkin",
    "streak_history",
    "streak_key",
    "streak_milestones_reached",
    "survey_key",
    "term_grid",
    "threshold",
    "timely_answers",
    "week_of",
    "weeks_between",
]
