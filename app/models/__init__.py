"""The data model. Import models from here."""

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
