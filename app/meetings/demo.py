"""Demo meetings: a few weeks of held meetings with agendas, notes and action items; one
cancelled, one only half confirmed; the next meeting planned for every pair but one.

Daniel and Diego are the pair that has gone quiet: nothing held for two weeks and nothing
planned, so the coordinator's card and Daniel's home have something to point at.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from ..extensions import db
from ..mentorships_query import WITH_PEOPLE
from ..models import (
    ActionItem,
    AgendaItem,
    Meeting,
    MeetingConfirmation,
    MeetingMode,
    MeetingStatus,
    Mentorship,
    MentorshipStatus,
    Program,
    Role,
    User,
)


@dataclass(frozen=True)
class Routine:
    """When and where a pair usually meets, in the program's zone."""

    weekday: int  # Monday is 0
    at: time
    mode: MeetingMode
    location: str


@dataclass(frozen=True)
class Action:
    owner: str  # "mentee" or "mentor"
    text: str
    due_in_days: int | None = None  # from today; None: no due date
    done: bool = False


@dataclass(frozen=True)
class Past:
    weeks_ago: int
    agenda: tuple[str, ...] = ()
    notes: str = ""
    actions: tuple[Action, ...] = ()
    cancelled: str = ""  # the reason, when it was called off
    only_mentee_confirmed: bool = False


@dataclass(frozen=True)
class Story:
    routine: Routine
    past: tuple[Past, ...]
    upcoming_agenda: tuple[str, ...] | None = None  # None: nothing planned
    moved: str = ""  # why the upcoming meeting moved, if it did


# Keyed by the (first) mentee of each active mentorship of the demo program.
STORIES = {
    "aisha@example.org": Story(
        Routine(1, time(15, 30), MeetingMode.IN_PERSON, "School library, table by the window"),
        past=(
            Past(
                3,
                agenda=("How the first weeks went", "A study timetable that fits netball"),
                notes="Aisha feels settled. Evenings are busy with netball on Tue/Thu, so we "
                "planned short study blocks on the other days.\nShe wants to aim for a B in "
                "chemistry by the end of term.",
                actions=(Action("mentee", "Try 25-minute study blocks for one week", -14, True),),
            ),
            Past(
                2,
                agenda=("Chemistry test results", "Careers fair: who to talk to"),
                notes="Chemistry test went up from a D to a C+. The study blocks work when she "
                "puts her phone in another room.\nCareers fair is in three weeks: she is curious "
                "about pharmacy and physiotherapy.",
                actions=(
                    Action("mentor", "Send Aisha the list of summer science programs", -9, True),
                    Action("mentee", "Book a slot with the school careers adviser", -5, True),
                ),
            ),
            Past(
                1,
                agenda=("Questions for the careers fair", "Revision plan for mocks"),
                notes="Practised introducing herself for the careers fair. Next: questions that "
                "show she has read about the course.",
                actions=(
                    Action("mentee", "Write three questions for the pharmacy stand", 3),
                    Action("mentee", "Make a revision calendar up to the mocks", 9),
                    Action("mentor", "Ask a pharmacist friend for a 15-minute call", 6),
                ),
            ),
        ),
        upcoming_agenda=("Careers fair questions", "Revision calendar"),
        moved="Maya has a staff meeting on Tuesday, so we meet an hour later.",
    ),
    "ben@example.org": Story(
        Routine(2, time(15, 30), MeetingMode.IN_PERSON, "Room 14 (Ms Okafor's classroom)"),
        past=(
            Past(
                3,
                agenda=("Two tests in one week",),
                notes="Ben was stressed about two tests. We split the study guides into "
                "evening chunks and he will ask for help earlier next time.",
                actions=(Action("mentee", "Tell Maya by Monday if a week looks overloaded", -10),),
            ),
            Past(2, cancelled="Ben is on the geography field trip that day."),
            Past(
                1,
                agenda=("Chemistry lab report", "Getting started when a task feels big"),
                notes="Lab report is due Friday. We wrote the headings together so the first "
                "step is small.",
                actions=(
                    Action("mentee", "Write the method section of the lab report", 1),
                    Action("mentor", "Check in with Ben on Thursday", 2, True),
                ),
            ),
        ),
        upcoming_agenda=("How the lab report went",),
    ),
    "chloe@example.org": Story(
        Routine(3, time(16, 0), MeetingMode.VIDEO, "https://meet.example.org/daniel-chloe"),
        past=(
            Past(
                3,
                agenda=("Coding club first week",),
                notes="Chloé joined coding club and built a small quiz game in Python.",
                actions=(Action("mentee", "Finish the quiz game and show it at club", -7, True),),
            ),
            Past(
                2,
                agenda=("Subject choices for next year",),
                notes="Torn between computer science and art. Listed what she enjoys in each.",
                actions=(
                    Action("mentor", "Find someone who works in games design", -3, True),
                    Action("mentee", "Talk to the CS and art teachers about the courses", 5),
                ),
            ),
            Past(1, agenda=("Portfolio ideas",), notes="Looked at portfolio examples together."),
        ),
        upcoming_agenda=("Call with a games designer: questions",),
    ),
    "diego@example.org": Story(
        Routine(0, time(17, 0), MeetingMode.CALL, "Daniel calls Diego's mobile"),
        past=(
            Past(
                5,
                agenda=("Getting to know each other",),
                notes="Diego likes football and mechanics; wants better maths grades.",
                actions=(Action("mentee", "Go to one maths drop-in session", -25, True),),
            ),
            Past(3, agenda=("Maths drop-in",), notes="He went twice. Keep going."),
            Past(1, only_mentee_confirmed=True),
        ),
    ),
    "emma@example.org": Story(
        Routine(4, time(12, 15), MeetingMode.IN_PERSON, "Makerspace, room B12"),
        past=(
            Past(
                3,
                agenda=("Team project idea", "Who does what"),
                notes="The group picked a rain gauge that reports to a web page. Emma leads the "
                "build, Felix the code, Grace the write-up.",
                actions=(Action("mentee", "Order the sensor kit", -12, True),),
            ),
            Past(
                2,
                agenda=("First prototype",),
                notes="The sensor reads, but the numbers jump around. Grace suggested averaging.",
                actions=(
                    Action("mentor", "Bring a soldering iron and spare wires", -6, True),
                    Action("mentee", "Sketch the enclosure", 4),
                ),
            ),
            Past(
                1,
                agenda=("Averaging the readings", "Science fair entry form"),
                notes="Readings are stable now. The science fair form is due in two weeks.",
                actions=(Action("mentee", "Fill in the science fair entry form", 10),),
            ),
        ),
        upcoming_agenda=("Enclosure sketches", "Practice the 2-minute pitch"),
    ),
}


def _at(day: date, at: time, zone: str) -> datetime:
    return datetime.combine(day, at, tzinfo=ZoneInfo(zone)).astimezone(UTC)


def _meeting_day(today: date, routine: Routine, weeks_ago: int) -> date:
    """The routine's weekday in the week ``weeks_ago`` weeks back (0: the next one to come)."""
    if weeks_ago == 0:
        return today + timedelta(days=(routine.weekday - today.weekday() - 1) % 7 + 1)
    monday = today - timedelta(days=today.weekday(), weeks=weeks_ago)
    return monday + timedelta(days=routine.weekday)


def _past_meeting(
    story: Story, past: Past, people: dict[str, list[User]], zone: str, today: date
) -> Meeting:
    routine, mentor = story.routine, people["mentor"][0]
    starts_at = _at(_meeting_day(today, routine, past.weeks_ago), routine.at, zone)
    meeting = _new(routine, starts_at, zone, mentor)
    meeting.notes = past.notes
    meeting.agenda = _agenda(past.agenda, people)
    meeting.actions = [
        ActionItem(
            owner=people[action.owner][0],
            text=action.text,
            due_on=None if action.due_in_days is None else today + timedelta(action.due_in_days),
            done_at=starts_at + timedelta(days=2) if action.done else None,
            created_at=meeting.ends_at,
        )
        for action in past.actions
    ]
    if past.cancelled:
        meeting.status, meeting.change_reason, meeting.sequence = (
            MeetingStatus.CANCELLED,
            past.cancelled,
            1,
        )
        return meeting
    confirmers = people["mentee"][:1] if past.only_mentee_confirmed else _most(people)
    confirmed_at = meeting.ends_at + timedelta(hours=2)
    meeting.confirmations = [MeetingConfirmation(user_id=u.id, at=confirmed_at) for u in confirmers]
    if not past.only_mentee_confirmed:
        meeting.status, meeting.held_at = MeetingStatus.HELD, confirmed_at
    return meeting


def _most(people: dict[str, list[User]]) -> list[User]:
    """The mentor and the mentees, but in a group one mentee forgot to tap "we met"."""
    mentees = people["mentee"]
    return [*people["mentor"], *(mentees[:-1] if len(mentees) > 2 else mentees)]


def _agenda(texts: tuple[str, ...], people: dict[str, list[User]]) -> list[AgendaItem]:
    authors = [*people["mentee"], *people["mentor"]]
    return [AgendaItem(author_id=authors[i % len(authors)].id, text=t) for i, t in enumerate(texts)]


def _new(routine: Routine, starts_at: datetime, zone: str, mentor: User) -> Meeting:
    return Meeting(
        starts_at=starts_at,
        zone=zone,
        minutes=45,
        mode=routine.mode,
        location=routine.location,
        created_by_id=mentor.id,
        created_at=starts_at - timedelta(days=6),
    )


def _upcoming(story: Story, people: dict[str, list[User]], zone: str, today: date) -> Meeting:
    routine = story.routine
    day = _meeting_day(today, routine, 0)
    later = timedelta(hours=1) if story.moved else timedelta()
    meeting = _new(routine, _at(day, routine.at, zone) + later, zone, people["mentor"][0])
    meeting.agenda = _agenda(story.upcoming_agenda or (), people)
    if story.moved:
        meeting.change_reason, meeting.sequence = story.moved, 1
    return meeting


def seed_meetings(program: Program, today: date) -> None:
    """Add the demo meetings unless the program's mentorships already have some."""
    mentorships = db.session.scalars(
        sa.select(Mentorship)
        .where(Mentorship.program_id == program.id, Mentorship.status == MentorshipStatus.ACTIVE)
        .options(WITH_PEOPLE)
    ).all()
    ids = [m.id for m in mentorships]
    if db.session.scalar(sa.select(Meeting.id).where(Meeting.mentorship_id.in_(ids)).limit(1)):
        return
    for mentorship in mentorships:
        people = {
            "mentor": mentorship.people(Role.MENTOR),
            "mentee": sorted(mentorship.people(Role.MENTEE), key=lambda u: u.email),
        }
        story = STORIES.get(people["mentee"][0].email)
        if story is None:
            continue
        meetings = [
            _past_meeting(story, past, people, program.time_zone, today) for past in story.past
        ]
        if story.upcoming_agenda is not None:
            meetings.append(_upcoming(story, people, program.time_zone, today))
        for meeting in meetings:
            meeting.mentorship_id = mentorship.id
        db.session.add_all(meetings)
    db.session.commit()
