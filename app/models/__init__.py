"""The data model. Import models from here."""

from .awards import ON_BOARD, BadgeEarned, PlayerTotal, PointsAward, StreakRepair
from .certificates import Certificate
from .checkins import CheckIn, CheckInState
from .goals import Goal, GoalStatus, Milestone, MilestoneAction, MilestoneEvent, MilestoneStatus
from .kudos import Kudos
from .logins import LoginSession, PasswordReset
from .matching import MatchDraft, Notice, RosterUpload
from .meetings import ActionItem, AgendaItem, Meeting, MeetingConfirmation, MeetingStatus
from .mentorships import (
    OPEN_STATUSES,
    Mentorship,
    MentorshipMember,
    MentorshipStatus,
    PeopleInRoles,
)
from .onboarding import (
    AgreementSignature,
    AgreementVersion,
    ParticipantProfile,
    TrainingCompletion,
    TrainingModule,
)
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
from .push import NotificationSettings, Nudge, NudgeStatus, PushSubscription
from .risk import CareKind, CareRecord
from .summaries import (
    MemberState,
    MenteeSummary,
    PairState,
    PairSummary,
    ProgramState,
    ProgramSummary,
    ProgramWeek,
)
from .surveys import Again, GoalsReached, Survey, SurveyAnswer, SurveyResponse
from .users import User

__all__ = [
    "MemberState",
    "MenteeSummary",
    "PairState",
    "ProgramState",
    "PairSummary",
    "ProgramSummary",
    "ProgramWeek",
    "Again",
    "GoalsReached",
    "Survey",
    "SurveyAnswer",
    "SurveyResponse",
    "NotificationSettings",
    "Nudge",
    "NudgeStatus",
    "PushSubscription",
    "OPEN_STATUSES",
    "AgreementSignature",
    "AgreementVersion",
    "MatchDraft",
    "Notice",
    "ParticipantProfile",
    "RosterUpload",
    "TrainingCompletion",
    "TrainingModule",
    "ActionItem",
    "AgendaItem",
    "BadgeEarned",
    "CareKind",
    "CareRecord",
    "Certificate",
    "CheckIn",
    "CheckInState",
    "Goal",
    "GoalStatus",
    "Kudos",
    "LoginSession",
    "PasswordReset",
    "Meeting",
    "MeetingConfirmation",
    "MeetingStatus",
    "Milestone",
    "MilestoneAction",
    "MilestoneEvent",
    "MilestoneStatus",
    "ON_BOARD",
    "PlayerTotal",
    "PointsAward",
    "StreakRepair",
    "BreakWeek",
    "Cadence",
    "Invite",
    "MeetingMode",
    "Membership",
    "Mentorship",
    "MentorshipMember",
    "MentorshipModel",
    "MentorshipStatus",
    "PeopleInRoles",
    "Program",
    "Role",
    "User",
    "new_invite_code",
    "normalise_invite_code",
]
