"""Every change to goals and milestones, one function per action, each one transaction.

Milestone moves are guarded UPDATEs (``... WHERE status = <expected>``): whichever of two
identical requests lands second finds nothing to change and returns None, so a double submit
never writes a second event. Each action first locks its goal row, so two milestones confirmed
at the same moment still see each other when deciding whether the goal is complete.

The game module hooks in here: a returned ``MilestoneChange`` says what happened (confirmed,
sent back from a paid confirmation, goal completed) and is what awards and reversals key on.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from .. import clock, core_writes
from ..extensions import db
from ..gamification import hooks as game_hooks
from ..models import (
    Goal,
    GoalStatus,
    Membership,
    Mentorship,
    Milestone,
    MilestoneAction,
    MilestoneEvent,
    MilestoneStatus,
)
from ..nudges import causes as nudge_causes


@dataclass(frozen=True)
class MilestoneChange:
    """What one action did: the milestone's previous status and the goal's new one, if moved."""

    event: MilestoneEvent
    previous: MilestoneStatus
    goal_status: GoalStatus | None


def _lock_goal(goal_id: int) -> None:
    """Serialise changes to one goal (PostgreSQL row lock; SQLite serialises writers anyway)."""
    db.session.execute(sa.select(Goal.id).where(Goal.id == goal_id).with_for_update())


def _existing_goal(owner_id: int, title: str) -> Goal | None:
    return db.session.scalar(
        sa.select(Goal).where(Goal.membership_id == owner_id, Goal.title == title)
    )


def create_goal(
    mentorship: Mentorship,
    owner: Membership,
    *,
    title: str,
    measure: str,
    target_date: date,
    why: str,
) -> tuple[Goal, bool]:
    """The owner's goal with this title, created unless it exists; ``True`` when created.

    Goal titles are unique per mentee, so a repeated submit finds the first one.
    """
    owner_id = owner.id
    existing = _existing_goal(owner_id, title)
    if existing is not None:
        return existing, False
    goal = Goal(
        mentorship_id=mentorship.id,
        membership_id=owner_id,
        title=title,
        measure=measure,
        target_date=target_date,
        why=why,
    )
    if not _saved(goal):
        existing = _existing_goal(owner_id, title)
        if existing is None:
            raise LookupError("a goal insert failed without a goal of the same title")
        return existing, False
    db.session.commit()
    return goal, True


class TitleTaken(Exception):
    """Another goal of the mentee (or milestone of the goal) already has this title."""


def update_goal(goal: Goal, *, title: str, measure: str, target_date: date, why: str) -> None:
    """Save the goal's SMART fields; raises TitleTaken, changing nothing, on a duplicate."""
    if not _saved(goal, title=title, measure=measure, target_date=target_date, why=why):
        raise TitleTaken(title)
    db.session.commit()


def _saved(row, **values) -> bool:
    """Add ``row`` or set ``values`` on it under a savepoint; False if a unique title was taken
    meanwhile.

    Only the savepoint is rolled back, so the rest of the session (the person's memberships,
    the page being rendered) stays loaded. The changes are made inside the savepoint because
    opening one flushes whatever is pending.
    """
    try:
        with db.session.begin_nested():
            db.session.add(row)
            for name, value in values.items():
                setattr(row, name, value)
    except IntegrityError:
        return False
    return True


def archive_goal(goal: Goal) -> bool:
    """Put the goal away (read-only, hidden from home); False when it already was."""
    core_writes.goals_written([goal.id])
    result = db.session.execute(
        sa.update(Goal)
        .where(Goal.id == goal.id, Goal.status != GoalStatus.ARCHIVED)
        .values(status=GoalStatus.ARCHIVED)
    )
    db.session.commit()
    return bool(result.rowcount)


def unarchive_goal(goal: Goal) -> bool:
    """Bring the goal back: completed again if all its milestones still are, else active."""
    _lock_goal(goal.id)
    core_writes.goals_written([goal.id])
    result = db.session.execute(
        sa.update(Goal)
        .where(Goal.id == goal.id, Goal.status == GoalStatus.ARCHIVED)
        .values(status=GoalStatus.ACTIVE)
    )
    if result.rowcount:
        complete_goal_if_done(goal.id)
    db.session.commit()
    return bool(result.rowcount)


def complete_goal_if_done(goal_id: int) -> GoalStatus | None:
    """Complete an active goal whose milestones are all confirmed (there is at least one);
    reopen a completed goal that no longer qualifies. Returns the new status if it changed.

    Runs inside the caller's transaction, after the caller locked the goal.
    """
    core_writes.goals_written([goal_id])
    milestones = sa.select(Milestone.id).where(Milestone.goal_id == goal_id)
    unconfirmed = milestones.where(Milestone.status != MilestoneStatus.CONFIRMED)
    done = sa.and_(milestones.exists(), ~unconfirmed.exists())
    completed = db.session.execute(
        sa.update(Goal)
        .where(Goal.id == goal_id, Goal.status == GoalStatus.ACTIVE, done)
        .values(
            status=GoalStatus.COMPLETED,
            completed_at=sa.func.coalesce(Goal.completed_at, clock.utcnow()),
        )
        .execution_options(synchronize_session="fetch")
    )
    if completed.rowcount:
        game_hooks.goal_completed(goal_id)
        return GoalStatus.COMPLETED
    reopened = db.session.execute(
        sa.update(Goal)
        .where(Goal.id == goal_id, Goal.status == GoalStatus.COMPLETED, ~done)
        .values(status=GoalStatus.ACTIVE, completed_at=None)
        .execution_options(synchronize_session="fetch")
    )
    return GoalStatus.ACTIVE if reopened.rowcount else None


def _record(milestone_id: int, actor_id: int, action: MilestoneAction, note: str = ""):
    event = MilestoneEvent(milestone_id=milestone_id, actor_id=actor_id, action=action, note=note)
    db.session.add(event)
    return event


def _transition(
    milestone: Milestone,
    sources: tuple[MilestoneStatus, ...],
    target: MilestoneStatus,
    **values,
) -> MilestoneStatus | None:
    """Move the milestone to ``target`` from the first of ``sources`` it is in; return that one."""
    core_writes.goals_written([milestone.goal_id])
    for source in sources:
        result = db.session.execute(
            sa.update(Milestone)
            .where(Milestone.id == milestone.id, Milestone.status == source)
            .values(status=target, **values)
            .execution_options(synchronize_session="fetch")
        )
        if result.rowcount:
            return source
    return None


def _act(
    milestone: Milestone,
    actor_id: int,
    action: MilestoneAction,
    note: str,
    sources: tuple[MilestoneStatus, ...],
    target: MilestoneStatus,
    **values,
) -> MilestoneChange | None:
    _lock_goal(milestone.goal_id)
    previous = _transition(milestone, sources, target, **values)
    if previous is None:
        db.session.rollback()
        return None
    event = _record(milestone.id, actor_id, action, note)
    if action in (MilestoneAction.CONFIRMED, MilestoneAction.SENT_BACK):
        confirmed = action is MilestoneAction.CONFIRMED
        game_hooks.milestone_reviewed(milestone.id, milestone.goal_id, actor_id, confirmed)
    nudge_causes.milestone_moved(event, milestone.goal_id)
    goal_status = complete_goal_if_done(milestone.goal_id)
    db.session.commit()
    return MilestoneChange(event=event, previous=previous, goal_status=goal_status)


def submit_milestone(milestone: Milestone, actor_id: int, note: str) -> MilestoneChange | None:
    """The mentee says it is done: it waits for the mentor."""
    return _act(
        milestone,
        actor_id,
        MilestoneAction.SUBMITTED,
        note,
        (MilestoneStatus.OPEN,),
        MilestoneStatus.WAITING,
        submitted_at=clock.utcnow(),
    )


def confirm_milestone(
    milestone: Milestone, actor_id: int, note: str = ""
) -> MilestoneChange | None:
    """The mentor confirms it, after a submit or directly; confirming twice changes nothing."""
    return _act(
        milestone,
        actor_id,
        MilestoneAction.CONFIRMED,
        note,
        (MilestoneStatus.WAITING, MilestoneStatus.OPEN),
        MilestoneStatus.CONFIRMED,
        confirmed_at=clock.utcnow(),
    )


def send_back_milestone(
    milestone: Milestone, actor_id: int, comment: str
) -> MilestoneChange | None:
    """The mentor reopens it with a comment; ``previous`` CONFIRMED means a paid one is undone."""
    return _act(
        milestone,
        actor_id,
        MilestoneAction.SENT_BACK,
        comment,
        (MilestoneStatus.CONFIRMED, MilestoneStatus.WAITING),
        MilestoneStatus.OPEN,
        submitted_at=None,
        confirmed_at=None,
    )


def _existing_milestone(goal_id: int, title: str) -> Milestone | None:
    return db.session.scalar(
        sa.select(Milestone).where(Milestone.goal_id == goal_id, Milestone.title == title)
    )


def add_milestone(
    goal: Goal, actor_id: int, *, title: str, due_on: date | None
) -> tuple[Milestone, bool]:
    """Append a milestone (titles are unique per goal, so a repeat finds the first one)."""
    existing = _existing_milestone(goal.id, title)
    if existing is not None:
        return existing, False
    _lock_goal(goal.id)
    last = db.session.scalar(
        sa.select(sa.func.max(Milestone.position)).where(Milestone.goal_id == goal.id)
    )
    milestone = Milestone(
        goal_id=goal.id,
        title=title,
        due_on=due_on,
        position=0 if last is None else last + 1,
    )
    if not _saved(milestone):
        existing = _existing_milestone(goal.id, title)
        if existing is None:
            raise LookupError("a milestone insert failed without one of the same title")
        return existing, False
    _record(milestone.id, actor_id, MilestoneAction.CREATED)
    complete_goal_if_done(goal.id)
    db.session.commit()
    return milestone, True


def _describe_edit(milestone: Milestone, title: str, due_on: date | None) -> str:
    changes = []
    if title != milestone.title:
        changes.append(f"Renamed from “{milestone.title}”.")
    if due_on != milestone.due_on:
        changes.append(f"Due {due_on:%d %b %Y}." if due_on else "No due date any more.")
    return " ".join(changes)


def edit_milestone(milestone: Milestone, actor_id: int, *, title: str, due_on: date | None) -> bool:
    """Rename or re-date a milestone that is not confirmed yet; the history keeps the change.

    False when there was nothing to change; raises TitleTaken when another milestone of the
    goal has the title.
    """
    if milestone.status is MilestoneStatus.CONFIRMED:
        return False
    note = _describe_edit(milestone, title, due_on)
    if not note:
        return False
    if not _saved(milestone, title=title, due_on=due_on):
        raise TitleTaken(title)
    _record(milestone.id, actor_id, MilestoneAction.EDITED, note)
    db.session.commit()
    return True


def move_milestone(milestone: Milestone, to: int) -> bool:
    """Put the milestone at index ``to`` of its goal's list; the same request twice is a no-op."""
    _lock_goal(milestone.goal_id)
    ordered = list(
        db.session.scalars(
            sa.select(Milestone)
            .where(Milestone.goal_id == milestone.goal_id)
            .order_by(Milestone.position, Milestone.id)
        )
    )
    to = min(to, len(ordered) - 1)
    current = ordered.index(milestone)
    if current == to:
        db.session.rollback()
        return False
    ordered.insert(to, ordered.pop(current))
    for position, item in enumerate(ordered):
        item.position = position
    db.session.commit()
    return True


def delete_milestone(milestone: Milestone) -> bool:
    """Remove a milestone that is open and was never confirmed; anything else stays on record."""
    _lock_goal(milestone.goal_id)
    # its events go with it (a mentor's edit among them): the pair's summary row is refreshed
    core_writes.pairs_written([db.session.get(Goal, milestone.goal_id).mentorship_id])
    ever_confirmed = (
        sa.select(MilestoneEvent.id)
        .where(
            MilestoneEvent.milestone_id == milestone.id,
            MilestoneEvent.action == MilestoneAction.CONFIRMED,
        )
        .exists()
    )
    result = db.session.execute(
        sa.delete(Milestone)
        .where(
            Milestone.id == milestone.id,
            Milestone.status == MilestoneStatus.OPEN,
            ~ever_confirmed,
        )
        .execution_options(synchronize_session=False)
    )
    if not result.rowcount:
        db.session.rollback()
        return False
    db.session.expunge(milestone)
    complete_goal_if_done(milestone.goal_id)
    db.session.commit()
    return True
