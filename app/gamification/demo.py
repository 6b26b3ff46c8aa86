"""The demo's game: the seeded program's history replayed through ``record`` in time order, so
its ledger, totals and badges are exactly what the app would have written live.

It adds two things the other seeds do not show. Hamza, whose match is still being confirmed,
has been checking in anyway: a two-week streak, a missed week that broke it, a comeback, a
four-week streak, and last week kept by a freeze token; he is 10 points from level 2, so his
next check-in levels him up. And a few mentors' kudos. Chloé's two missed weeks were each kept
by a token; a check-in this week gives her the Unbroken badge.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import aliased, selectinload

import game
from game.weeks import WeekKey, local_date, week_of

from .. import clock
from ..extensions import db
from ..models import (
    CheckIn,
    Goal,
    Kudos,
    Meeting,
    MeetingStatus,
    Membership,
    Mentorship,
    MentorshipMember,
    Milestone,
    MilestoneAction,
    MilestoneEvent,
    PointsAward,
    Program,
    Role,
    User,
)
from ..surveys.demo import answered_by_mentees
from . import service, sources

HAMZA = "hamza@example.org"
HAMZA_WEEKS = "-CC-CCBCC-"  # the ten weeks before this one, oldest first; B: the break week
HAMZA_NOTES = [
    "Finished the first chapter of the physics book.",
    "Went to the library after school twice.",
    "Started a vocabulary list for Spanish.",
    "Sorted out my notes for history.",
    "Did two past papers in maths.",
    "Asked about the coding club.",
]
KUDOS = [  # (mentor, mentee, months ago, note)
    (
        "maya@example.org",
        "aisha@example.org",
        1,
        "Your algebra booklet was brilliant: every section, and the hard ones twice.",
    ),
    (
        "maya@example.org",
        "ben@example.org",
        0,
        "Finishing three books this term, for fun, is a real achievement. Keep going!",
    ),
    (
        "daniel@example.org",
        "chloe@example.org",
        0,
        "Seven weeks of check-ins in a row, and honest ones. That takes grit.",
    ),
    (
        "priya@example.org",
        "emma@example.org",
        0,
        "Your sensor kit write-up was clearer than most I read at work.",
    ),
]

Step = tuple[datetime, int, Callable[[], object]]
"""When it happened, a rank to order things that happened at the same instant, the replay."""


def seed_game(program: Program, today: date) -> None:
    """Replay the program's history into the game, unless its ledger already has rows."""
    if db.session.scalar(sa.select(PointsAward.id).where(PointsAward.program_id == program.id)):
        return
    _add_hamza_checkins(program, today)
    _add_kudos(program, today)
    steps = [
        *_checkins(program.id),
        *_meetings(program.id),
        *_milestones(program.id),
        *_kudos(program.id),
        *_surveys(program.id),
    ]
    for at, _, replay in sorted(steps, key=lambda step: (step[0], step[1])):
        with clock.pinned(at):
            replay()
    db.session.commit()


def _user(email: str) -> User:
    return db.session.scalar(sa.select(User).where(User.email == email))


def _mentee_membership(program_id: int, email: str) -> Membership | None:
    return db.session.scalar(
        sa.select(Membership)
        .join(User)
        .where(
            Membership.program_id == program_id,
            Membership.role == Role.MENTEE,
            User.email == email,
        )
    )


def _add_hamza_checkins(program: Program, today: date) -> None:
    membership = _mentee_membership(program.id, HAMZA)
    if membership is None or db.session.scalar(
        sa.select(CheckIn.id).where(CheckIn.membership_id == membership.id).limit(1)
    ):
        return
    zone = ZoneInfo(db.session.get(User, membership.user_id).time_zone)
    this_monday = today - timedelta(days=today.weekday())
    for index, mark in enumerate(HAMZA_WEEKS):
        if mark != "C":
            continue
        monday = this_monday - timedelta(weeks=len(HAMZA_WEEKS) - index)
        sent = datetime.combine(monday + timedelta(days=3), time(18, 30), tzinfo=zone)
        db.session.add(
            CheckIn(
                membership_id=membership.id,
                week_key=str(week_of(monday)),
                zone=zone.key,
                mood=3 + index % 2,
                progress_note=HAMZA_NOTES[index % len(HAMZA_NOTES)],
                blocker="",
                wants_help=False,
                created_at=sent,
                updated_at=sent,
                reply="",
            )
        )
    db.session.flush()


def _add_kudos(program: Program, today: date) -> None:
    for mentor_email, mentee_email, months_ago, note in KUDOS:
        mentor, mentee = _user(mentor_email), _user(mentee_email)
        mentorship_id = _shared_mentorship(program.id, mentor.id, mentee.id)
        if mentorship_id is None:
            continue
        day = (today.replace(day=1) - timedelta(days=1)).replace(day=20) if months_ago else today
        at = datetime.combine(day, time(19, 0), tzinfo=ZoneInfo(mentor.time_zone))
        db.session.add(
            Kudos(
                key=game.kudos_key(program.id, mentee.id, f"{day:%Y-%m}"),
                mentorship_id=mentorship_id,
                mentor_id=mentor.id,
                mentee_id=mentee.id,
                month=f"{day:%Y-%m}",
                note=note,
                created_at=at,
            )
        )
    db.session.flush()


def _shared_mentorship(program_id: int, *user_ids: int) -> int | None:
    """The open mentorship of the program both people are members of."""
    member = aliased(MentorshipMember)
    person = aliased(Membership)
    rows = db.session.execute(
        sa.select(Mentorship.id, person.user_id)
        .join(member, member.mentorship_id == Mentorship.id)
        .join(person, person.id == member.membership_id)
        .where(Mentorship.program_id == program_id, person.user_id.in_(user_ids))
    ).all()
    for mentorship_id in {row[0] for row in rows}:
        if {user for mid, user in rows if mid == mentorship_id} == set(user_ids):
            return mentorship_id
    return None


def _checkins(program_id: int) -> list[Step]:
    rows = db.session.execute(
        sa.select(CheckIn, Membership.user_id)
        .join(Membership, Membership.id == CheckIn.membership_id)
        .where(Membership.program_id == program_id, CheckIn.mood.is_not(None))
    ).all()
    steps: list[Step] = []
    for checkin, user_id in rows:
        event = game.CheckIn(user_id, program_id, WeekKey.parse(checkin.week_key))
        steps.append((checkin.created_at, 0, lambda event=event: service.record(event)))
        if checkin.acknowledged_at is not None and checkin.acknowledged_by_id is not None:
            mentor = checkin.acknowledged_by_id
            steps.append(
                (
                    checkin.acknowledged_at,
                    1,
                    lambda mentor=mentor: service.recognise_mentor(mentor, program_id),
                )
            )
    return steps


def _meetings(program_id: int) -> list[Step]:
    zone = db.session.get(Program, program_id).time_zone
    meetings = db.session.scalars(
        sa.select(Meeting)
        .join(Mentorship, Mentorship.id == Meeting.mentorship_id)
        .where(Mentorship.program_id == program_id, Meeting.status == MeetingStatus.HELD.literal)
        .options(selectinload(Meeting.confirmations))
    ).all()
    steps: list[Step] = []
    for meeting in meetings:
        event = game.MeetingHeld(
            meeting_id=meeting.id,
            program_id=program_id,
            mentorship_id=meeting.mentorship_id,
            week=week_of(local_date(meeting.starts_at, zone)),
            participant_ids=frozenset(c.user_id for c in meeting.confirmations),
            mentor_ids=frozenset(sources.mentorship_people(meeting.mentorship_id)[Role.MENTOR]),
        )
        steps.append((meeting.held_at, 2, lambda event=event: service.record(event)))
    return steps


def _milestones(program_id: int) -> list[Step]:
    """Each mentor's confirmation and send-back, then each goal's completion."""
    rows = db.session.execute(
        sa.select(MilestoneEvent, Goal, Membership.user_id)
        .join(Milestone, Milestone.id == MilestoneEvent.milestone_id)
        .join(Goal, Goal.id == Milestone.goal_id)
        .join(Membership, Membership.id == Goal.membership_id)
        .where(
            Membership.program_id == program_id,
            MilestoneEvent.action.in_([MilestoneAction.CONFIRMED, MilestoneAction.SENT_BACK]),
        )
    ).all()
    steps: list[Step] = []
    goals: dict[int, tuple[Goal, int]] = {}
    for event_row, goal, mentee in rows:
        mentors = frozenset(sources.mentorship_people(goal.mentorship_id)[Role.MENTOR])
        if event_row.action is MilestoneAction.CONFIRMED:
            event = game.MilestoneConfirmed(
                event_row.milestone_id, goal.id, program_id, mentee, event_row.actor_id, mentors
            )
        else:
            event = game.MilestoneSentBack(
                event_row.milestone_id, goal.id, mentee, event_row.actor_id, mentors
            )
        steps.append((event_row.at, 3, lambda event=event: service.record(event)))
        goals[goal.id] = (goal, mentee)
    for goal, mentee in goals.values():
        if goal.completed_at is not None:
            event = game.GoalCompleted(goal.id, program_id, mentee)
            steps.append((goal.completed_at, 4, lambda event=event: service.record(event)))
    return steps


def _kudos(program_id: int) -> list[Step]:
    rows = db.session.scalars(
        sa.select(Kudos)
        .join(Mentorship, Mentorship.id == Kudos.mentorship_id)
        .where(Mentorship.program_id == program_id)
    ).all()
    return [
        (
            kudos.created_at,
            5,
            lambda k=kudos: service.record(
                game.KudosGiven(k.mentor_id, k.mentee_id, program_id, k.month, k.note)
            ),
        )
        for kudos in rows
    ]


def _surveys(program_id: int) -> list[Step]:
    """Surveys answered, paid as of noon (UTC) on the day each opened."""
    return [
        (
            datetime.combine(opened, time(12), tzinfo=UTC),
            6,
            lambda s=survey, u=user: service.record(game.SurveyAnswered(s, u)),
        )
        for survey, user, opened in answered_by_mentees(program_id)
    ]
