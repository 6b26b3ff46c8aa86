"""Demo goals: milestones in every state, so each goal page and queue has something to show.

Aisha's maths goal has a milestone waiting for Maya and her summer-programme goal one that
Maya sent back with a comment; Ben has a completed goal and an archived one; every mentor has
something in their review queue.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa

from ..extensions import db
from ..mentorships_query import WITH_PEOPLE
from ..models import (
    Goal,
    GoalStatus,
    Mentorship,
    MentorshipStatus,
    Milestone,
    MilestoneAction,
    MilestoneEvent,
    MilestoneStatus,
    Program,
    Role,
)


@dataclass(frozen=True)
class Step:
    """A milestone and how far it got: open, waiting, confirmed, sent_back or confirmed_by_mentor.

    ``days_ago`` is when the mentee marked it done (or the mentor confirmed it directly).
    """

    title: str
    story: str = "open"
    days_ago: int = 0
    note: str = ""
    reply: str = ""
    due_in_weeks: int | None = None


@dataclass(frozen=True)
class GoalSpec:
    mentee: str
    title: str
    measure: str
    why: str
    weeks_left: int
    steps: tuple[Step, ...]
    archived: bool = False


GOALS = (
    GoalSpec(
        "aisha@example.org",
        "Raise my maths grade from C to B",
        "My end-of-term maths grade, and practice papers at 70% or more",
        "I need a B to take A-level maths, and I want to study engineering.",
        10,
        (
            Step(
                "Finish the algebra revision booklet",
                "confirmed",
                20,
                "Did all 12 sections, and the quadratics ones twice.",
                "Great work. Your factorising is much faster than in September.",
                due_in_weeks=-3,
            ),
            Step(
                "Score 70% or more on a practice paper",
                "waiting",
                2,
                "Got 74% on the 2023 paper! The marked paper is in my folder.",
                due_in_weeks=1,
            ),
            Step("Go to three maths drop-in sessions", due_in_weeks=3),
            Step("Ask Mr Hughes for feedback on my mock exam", due_in_weeks=6),
        ),
    ),
    GoalSpec(
        "aisha@example.org",
        "Apply to two summer programmes",
        "Two applications sent before their deadlines",
        "I want to try university-style study before I choose my subjects.",
        8,
        (
            Step(
                "Shortlist five programmes",
                "confirmed",
                15,
                "Five programmes in a table with deadlines and costs.",
                "Really well organised. Two of them offer bursaries, worth a look.",
            ),
            Step(
                "Draft my personal statement",
                "sent_back",
                6,
                "First draft done, about 450 words.",
                "Good start! Add a paragraph about the robotics club and what you built, "
                "then mark it done again.",
                due_in_weeks=1,
            ),
            Step("Ask a teacher for a reference", due_in_weeks=3),
            Step("Submit both applications", due_in_weeks=7),
        ),
    ),
    GoalSpec(
        "ben@example.org",
        "Read one book a month for fun",
        "Three books finished, one a month",
        "I used to love reading and stopped when exams started.",
        2,
        (
            Step("Finish a mystery novel", "confirmed", 50, "Finished it on the bus!", "Nice!"),
            Step("Finish a graphic novel", "confirmed", 30, "Read it in two evenings."),
            Step(
                "Finish a non-fiction book",
                "confirmed",
                10,
                "The one about the Apollo missions.",
                "Three for three. That's a habit now.",
            ),
        ),
    ),
    GoalSpec(
        "ben@example.org",
        "Learn to cook three family meals",
        "Three dinners cooked for the family, no help",
        "I'd like to help more at home.",
        12,
        (
            Step("Cook spaghetti bolognese", "confirmed", 35, "Everyone had seconds."),
            Step("Cook a vegetable curry"),
        ),
        archived=True,
    ),
    GoalSpec(
        "ben@example.org",
        "Hand in every chemistry lab report on time",
        "No late lab reports for the rest of term",
        "Late reports dragged my grade down last year.",
        9,
        (
            Step(
                "Set up a homework planner",
                "confirmed_by_mentor",
                12,
                reply="We set it up together in our meeting.",
            ),
            Step(
                "Finish the titration lab report",
                "waiting",
                1,
                "Handed it in on Friday, a day early.",
                due_in_weeks=0,
            ),
            Step("Finish the rates of reaction report", due_in_weeks=4),
        ),
    ),
    GoalSpec(
        "chloe@example.org",
        "Pass my driving theory test",
        "A pass on the official theory test",
        "I want to drive to my Saturday job.",
        7,
        (
            Step(
                "Practise 50 hazard perception clips",
                "waiting",
                4,
                "Did 55 clips, averaging 58 out of 75.",
            ),
            Step("Book the theory test", due_in_weeks=2),
        ),
    ),
    GoalSpec(
        "diego@example.org",
        "Choose my sixth-form subjects with confidence",
        "A subject list I can explain to my parents and teachers",
        "I keep changing my mind and the deadline is coming.",
        6,
        (
            Step(
                "Talk to two Year 12 students",
                "confirmed",
                9,
                "Talked to Sam (physics) and Lena (history).",
                "Good questions to ask. What surprised you most?",
            ),
            Step("Visit the college open evening", due_in_weeks=2),
        ),
    ),
    GoalSpec(
        "emma@example.org",
        "Build a working line-following robot",
        "The robot follows the test track without help",
        "I want to show it at the engineering open day.",
        11,
        (
            Step("Order the sensor kit", "confirmed", 18, "Ordered, arrives Tuesday."),
            Step(
                "Wire the motors and sensors",
                "waiting",
                3,
                "All wired, both motors spin. Video on the group chat.",
            ),
            Step("Write the control code", due_in_weeks=4),
        ),
    ),
    GoalSpec(
        "felix@example.org",
        "Get a B in physics coursework",
        "A B or better on the coursework mark",
        "Physics is the subject I'm least sure about.",
        10,
        (
            Step("Finish the pendulum experiment write-up", due_in_weeks=2),
            Step("Redo the graphs with error bars", due_in_weeks=4),
        ),
    ),
    GoalSpec(
        "grace@example.org",
        "Enter the regional science fair",
        "An entry submitted, with a poster and a results table",
        "I want to see if I like doing research.",
        14,
        (
            Step(
                "Pick a project question",
                "confirmed",
                14,
                "How does salt change the freezing point of water?",
                "A clear, testable question. Good choice.",
            ),
            Step("Run the experiment three times", due_in_weeks=5),
        ),
    ),
)


def _at(today: date, days_ago: int, hour: int) -> datetime:
    return datetime.combine(today - timedelta(days=days_ago), time(hour, 0), tzinfo=UTC)


def _events(step: Step, today: date, mentee_id: int, mentor_id: int) -> list[MilestoneEvent]:
    """The history the step's story implies, oldest first."""
    added_by = mentor_id if step.story == "confirmed_by_mentor" else mentee_id
    events = [
        MilestoneEvent(
            actor_id=added_by,
            action=MilestoneAction.CREATED,
            at=_at(today, step.days_ago + 7, 15),
        )
    ]
    if step.story in ("waiting", "confirmed", "sent_back"):
        events.append(
            MilestoneEvent(
                actor_id=mentee_id,
                action=MilestoneAction.SUBMITTED,
                note=step.note,
                at=_at(today, step.days_ago, 20),
            )
        )
    reviewed = {
        "confirmed": MilestoneAction.CONFIRMED,
        "confirmed_by_mentor": MilestoneAction.CONFIRMED,
        "sent_back": MilestoneAction.SENT_BACK,
    }.get(step.story)
    if reviewed:
        days = step.days_ago if step.story == "confirmed_by_mentor" else step.days_ago - 1
        events.append(
            MilestoneEvent(
                actor_id=mentor_id, action=reviewed, note=step.reply, at=_at(today, days, 16)
            )
        )
    return events


def _milestone(
    step: Step, position: int, program: Program, today: date, mentee_id: int, mentor_id: int
) -> Milestone:
    events = _events(step, today, mentee_id, mentor_id)
    status = {
        "waiting": MilestoneStatus.WAITING,
        "confirmed": MilestoneStatus.CONFIRMED,
        "confirmed_by_mentor": MilestoneStatus.CONFIRMED,
    }.get(step.story, MilestoneStatus.OPEN)
    due_on = None
    if step.due_in_weeks is not None:
        due_on = today + timedelta(weeks=step.due_in_weeks)
        due_on = min(max(due_on, program.starts_on), program.ends_on)
    milestone = Milestone(
        title=step.title, due_on=due_on, position=position, status=status, events=events
    )
    milestone.created_at = events[0].at
    if status is not MilestoneStatus.OPEN:
        milestone.submitted_at = events[1].at if step.story != "confirmed_by_mentor" else None
    if status is MilestoneStatus.CONFIRMED:
        milestone.confirmed_at = events[-1].at
    return milestone


def seed_goals(program: Program, today: date) -> None:
    """Add the demo goals to the program's active mentorships, unless it has goals already."""
    has_goals = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Goal)
        .join(Mentorship)
        .where(Mentorship.program_id == program.id)
    )
    if has_goals:
        return
    mentorships = db.session.scalars(
        sa.select(Mentorship)
        .where(Mentorship.program_id == program.id, Mentorship.status == MentorshipStatus.ACTIVE)
        .options(WITH_PEOPLE)
    ).all()
    for mentorship in mentorships:
        mentor = mentorship.people(Role.MENTOR)[0]
        for member in mentorship.members:
            membership = member.membership
            if membership.role is not Role.MENTEE:
                continue
            for spec in GOALS:
                if spec.mentee == membership.user.email:
                    db.session.add(_goal(spec, mentorship, membership, mentor.id, program, today))
    db.session.commit()


def _goal(spec: GoalSpec, mentorship, membership, mentor_id: int, program, today) -> Goal:
    milestones = [
        _milestone(step, position, program, today, membership.user_id, mentor_id)
        for position, step in enumerate(spec.steps)
    ]
    confirmed = [m.confirmed_at for m in milestones if m.status is MilestoneStatus.CONFIRMED]
    completed = len(confirmed) == len(milestones)
    status = GoalStatus.COMPLETED if completed else GoalStatus.ACTIVE
    return Goal(
        mentorship_id=mentorship.id,
        membership_id=membership.id,
        title=spec.title,
        measure=spec.measure,
        why=spec.why,
        target_date=min(today + timedelta(weeks=spec.weeks_left), program.ends_on),
        status=GoalStatus.ARCHIVED if spec.archived else status,
        created_at=_at(today, 60, 15),
        completed_at=max(confirmed) if completed else None,
        milestones=milestones,
    )
