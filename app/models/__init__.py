"""The data model. Import models from here."""

from .checkins import CheckIn
from .goals import Goal, GoalStatus, Milestone, MilestoneAction, MilestoneEvent, MilestoneStatus
from .kudos import Kudos
from .meetings import ActionItem, AgendaItem, Meeting, MeetingConfirmation, MeetingStatus
from .mentorships import Mentorship, MentorshipMember, MentorshipStatus
from .programs import (
    BreakWeek,
    Cadence,
    Invite,
    MeetingMode,
    Membership,
    MentorshipModel,
    Program,
    Role,
    new_invite_code,
    normalise_invite_code,
)
from .users import User

__all__ = [
    "ActionItem",
    "AgendaItem",
    "CheckIn",
    "Goal",
    "GoalStatus",
    "Kudos",
    "Meeting",
    "MeetingConfirmation",
    "MeetingStatus",
    "Milestone",
    "MilestoneAction",
    "MilestoneEvent",
    "MilestoneStatus",
    "BreakWeek",
    "Cadence",
    "Invite",
    "MeetingMode",
    "Membership",
    "Mentorship",
    "MentorshipMember",
    "MentorshipModel",
    "MentorshipStatus",
    "Program",
    "Role",
    "User",
    "new_invite_code",
    "normalise_invite_code",
]
