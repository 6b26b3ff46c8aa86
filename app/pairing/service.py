"""The coordinator's matching actions, one function per action, each one transaction.

Views resolve the program, the draft or the mentorship through ``app.access`` and read the pool
(``pool.load_pool``); these functions check the choice against it, write and commit. Publishing
takes the row locks of the people it matches and reads their load again under them, so two
coordinators publishing at once cannot overfill a mentor (SQLite: the first locking read takes
the database's write lock, see ``app.database``).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

import matching

from .. import core_writes
from ..clock import utcnow
from ..database import insert_on_conflict
from ..extensions import db
from ..gamification.store import insert_once
from ..models import (
    OPEN_STATUSES,
    MatchDraft,
    Membership,
    Mentorship,
    MentorshipMember,
    MentorshipModel,
    MentorshipStatus,
    ParticipantProfile,
    Program,
    Role,
    User,
)
from ..notices import service as notices
from ..onboarding.status import Checklist, checklists
from .pool import Pool, capacity_of, lacking


class PairingError(Exception):
    """A choice the coordinator must change; ``field`` names the form field it belongs to."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def reasons_of(found: matching.Score) -> list[dict]:
    """The score's reasons as stored on a draft; a pair the scorer rules out says so first."""
    reasons = [{"kind": r.kind, "text": r.text, "points": r.points} for r in found.reasons]
    if not found.allowed:
        warning = "Not suggested by the scorer: " + "; ".join(
            r.text.lower() for r in found.reasons if r.text.startswith("No shared")
        )
        reasons.insert(0, {"kind": "warning", "text": warning, "points": 0})
    return reasons


def _row(program_id: int, pair: matching.Pair) -> dict:
    return {
        "program_id": program_id,
        "mentee_membership_id": pair.mentee_id,
        "mentor_membership_id": pair.mentor_id,
        "score": pair.score.total,
        "reasons": reasons_of(pair.score),
        "accepted": False,
        "created_at": utcnow(),
    }


# --- suggestions -------------------------------------------------------------------------


def suggest_all(pool: Pool) -> matching.Suggestion:
    """Solve the whole pool and put the result in place of every draft not accepted yet.

    Accepted drafts stay: their mentees leave the pool and their mentors' room shrinks."""
    accepted = [d for d in pool.drafts if d.accepted]
    taken = {d.mentee_membership_id for d in accepted}
    used = Counter(d.mentor_membership_id for d in accepted)
    mentees = [pool.profile(m.id) for m in pool.waiting if m.id not in taken]
    mentors = [
        pool.profile(mentor_id, room - used[mentor_id])
        for mentor_id, room in pool.room.items()
        if room > used[mentor_id]
    ]
    suggestion = matching.suggest(mentees, mentors)
    program_id = pool.program.id
    db.session.execute(
        sa.delete(MatchDraft).where(
            MatchDraft.program_id == program_id, MatchDraft.accepted.is_(False)
        )
    )
    if suggestion.pairs:
        # A draft accepted meanwhile by another coordinator keeps its place.
        insert_once(
            MatchDraft, [_row(program_id, p) for p in suggestion.pairs], ["mentee_membership_id"]
        )
    db.session.commit()
    return suggestion


def _check_mentee(pool: Pool, mentee_id: int) -> None:
    mentee = pool.people[mentee_id]
    if pool.is_waiting(mentee_id):
        return
    missing = dict(pool.not_ready).get(mentee)
    if missing:
        raise PairingError(
            "mentee", f"{mentee.user.name} has not finished onboarding: {', '.join(missing)}."
        )
    raise PairingError("mentee", f"{mentee.user.name} already has a mentor.")


def _check_mentor(pool: Pool, mentor_id: int, mentee_id: int) -> None:
    mentor = pool.people[mentor_id]
    missing = dict(pool.not_ready).get(mentor)
    if missing:
        raise PairingError(
            "mentor", f"{mentor.user.name} has not finished onboarding: {', '.join(missing)}."
        )
    if pool.free_places(mentor_id, ignore_mentee=mentee_id) <= 0:
        raise PairingError("mentor", f"{mentor.user.name} has no room for another mentee.")


def _put_draft(pool: Pool, mentee_id: int, mentor_id: int, accepted: bool = False) -> None:
    """The mentee's draft (kept, with its id, if there is one) now names ``mentor_id``.

    One upsert: two coordinators pairing the same mentee at once both succeed, the later wins,
    where an update-then-insert would let both insert and one fail on the unique mentee."""
    found = matching.score(pool.profile(mentee_id), pool.profile(mentor_id))
    values = {
        "mentor_membership_id": mentor_id,
        "score": found.total,
        "reasons": reasons_of(found),
        "accepted": accepted,
    }
    db.session.execute(
        insert_on_conflict(MatchDraft)
        .values(program_id=pool.program.id, mentee_membership_id=mentee_id, **values)
        .on_conflict_do_update(index_elements=["mentee_membership_id"], set_=values)
    )
    db.session.commit()


def match_by_hand(pool: Pool, mentee_id: int, mentor_id: int) -> None:
    """The coordinator's own pair (in place of the mentee's draft, if any). A pair the scorer
    rules out is allowed; its reasons carry the warning."""
    _check_mentee(pool, mentee_id)
    _check_mentor(pool, mentor_id, mentee_id)
    _put_draft(pool, mentee_id, mentor_id)


def swap(pool: Pool, draft: MatchDraft, mentor_id: int) -> None:
    """Give the draft's mentee another mentor, scored afresh; an accepted draft stays accepted."""
    _check_mentee(pool, draft.mentee_membership_id)
    _check_mentor(pool, mentor_id, draft.mentee_membership_id)
    _put_draft(pool, draft.mentee_membership_id, mentor_id, accepted=draft.accepted)


def match_one(pool: Pool, mentee_id: int) -> str:
    """The best mentor with room for one mentee (a late joiner), as a draft; returns the
    mentor's name."""
    _check_mentee(pool, mentee_id)
    mentors = [
        pool.profile(m.id, pool.free_places(m.id, ignore_mentee=mentee_id))
        for m in pool.mentors_with_room(ignore_mentee=mentee_id)
    ]
    suggestion = matching.suggest([pool.profile(mentee_id)], mentors)
    if not suggestion.pairs:
        name = pool.people[mentee_id].user.name
        raise PairingError("mentee", f"No mentor with room suits {name}: match them by hand.")
    mentor_id = suggestion.pairs[0].mentor_id
    name = pool.people[mentor_id].user.name
    _put_draft(pool, mentee_id, mentor_id)
    return name


def accept(program: Program, draft_ids: list[int] | None) -> int:
    """Mark drafts accepted (``None``: all of the program's); returns how many."""
    query = sa.update(MatchDraft).where(MatchDraft.program_id == program.id)
    if draft_ids is not None:
        query = query.where(MatchDraft.id.in_(draft_ids))
    count = db.session.execute(query.values(accepted=True)).rowcount
    db.session.commit()
    return count


def remove_draft(draft: MatchDraft) -> None:
    db.session.delete(draft)
    db.session.commit()


# --- publishing --------------------------------------------------------------------------


@dataclass
class Published:
    pairs: list[tuple[str, str]] = field(default_factory=list)  # (mentee, mentor) names
    problems: list[str] = field(default_factory=list)


@dataclass
class _Load:
    """Open mentorships of the locked people, read under the locks."""

    matched: set[int]
    mentees_of: Counter
    groups: dict[int, list[list]]  # mentor id -> [[active mentorship id, mentee count]]


def _load(program_id: int) -> _Load:
    rows = db.session.execute(
        sa.select(Mentorship.id, Mentorship.status, MentorshipMember.membership_id, Membership.role)
        .join(MentorshipMember, MentorshipMember.mentorship_id == Mentorship.id)
        .join(Membership, Membership.id == MentorshipMember.membership_id)
        .where(
            Mentorship.program_id == program_id,
            Mentorship.status.in_(OPEN_STATUSES),
            Membership.left_at.is_(None),  # a mentee who left a group takes no place in it
        )
    ).all()
    mentees = Counter(row.id for row in rows if row.role is Role.MENTEE)
    load = _Load(matched=set(), mentees_of=Counter(), groups=defaultdict(list))
    for row in rows:
        if row.role is Role.MENTEE:
            load.matched.add(row.membership_id)
        else:
            load.mentees_of[row.membership_id] += mentees[row.id]
            if row.status is MentorshipStatus.ACTIVE:
                load.groups[row.membership_id].append([row.id, mentees[row.id]])
    return load


def _mentorship_for(program: Program, mentor: Membership, load: _Load) -> tuple[int, bool]:
    """The mentorship a new mentee of ``mentor`` joins, and whether it is new: in a group
    program the mentor's active group while it has room, else a new one (a pair, or a group
    named after the mentor)."""
    if program.model is MentorshipModel.GROUP:
        for group in load.groups[mentor.id]:
            if group[1] < program.group_size:
                group[1] += 1
                return group[0], False
    name = f"{mentor.user.first_name}'s group" if program.model is MentorshipModel.GROUP else ""
    mentorship = Mentorship(program_id=program.id, name=name, status=MentorshipStatus.ACTIVE)
    db.session.add(mentorship)
    db.session.flush()
    load.groups[mentor.id].append([mentorship.id, 1])
    return mentorship.id, True


def _left_out(mentee: Membership, mentor: Membership, load: _Load) -> str | None:
    for person in (mentee, mentor):
        if person.left_at is not None:
            return f"{mentee.user.name}: left out, {person.user.name} has left the program."
    if mentee.id in load.matched:
        return f"{mentee.user.name}: left out, already has a mentor."
    return None


def _not_ready(mentee: Membership, mentor: Membership, states: dict[int, Checklist]) -> str | None:
    """Who of the pair has onboarding to finish again (a new agreement to sign, a new training
    module, a profile no longer complete), in words; None when both are ready."""
    unready = [
        f"{person.user.name} has not finished onboarding: {', '.join(lacking(states[person.id]))}"
        for person in (mentee, mentor)
        if not states[person.id].done
    ]
    if not unready:
        return None
    return f"{mentee.user.name}: not published, {'; '.join(unready)}."


def _lock_and_read(program: Program) -> tuple[list[MatchDraft], dict[int, Membership], dict]:
    """The accepted drafts and their people, read again after locking the people's rows."""
    first = db.session.execute(
        sa.select(MatchDraft.id, MatchDraft.mentee_membership_id, MatchDraft.mentor_membership_id)
        .where(MatchDraft.program_id == program.id, MatchDraft.accepted.is_(True))
        .order_by(MatchDraft.id)
    ).all()
    people = sorted({row[1] for row in first} | {row[2] for row in first})
    if not people:
        return [], {}, {}
    db.session.execute(
        sa.select(Membership.id)
        .where(Membership.id.in_(people))
        .order_by(Membership.id)
        .with_for_update()
    ).all()
    fresh = {"populate_existing": True}
    drafts = db.session.scalars(
        sa.select(MatchDraft)
        .where(MatchDraft.id.in_([row[0] for row in first]), MatchDraft.accepted.is_(True))
        .order_by(MatchDraft.id)
        .execution_options(**fresh)
    ).all()
    members = db.session.scalars(
        sa.select(Membership)
        .where(Membership.id.in_(people))
        .options(joinedload(Membership.user))
        .execution_options(**fresh)
    ).all()
    profiles = db.session.scalars(
        sa.select(ParticipantProfile).where(ParticipantProfile.membership_id.in_(people))
    ).all()
    return list(drafts), {m.id: m for m in members}, {p.membership_id: p for p in profiles}


def publish(program: Program) -> Published:
    """Turn the accepted drafts into active mentorships and tell both sides, in one transaction.

    Readiness and capacity are checked again under the people's row locks: a draft whose mentee
    or mentor has onboarding to finish again, or whose mentor has no room left, goes back among
    the drafts (not accepted) with a message; one whose mentee was matched meanwhile, or whose
    mentee or mentor left, is dropped with a message."""
    result = Published()
    drafts, members, profiles = _lock_and_read(program)
    if not drafts:
        return result
    load = _load(program.id)
    states = checklists(program, members.values())
    matched: list[tuple[Membership, Membership]] = []
    for draft in drafts:
        mentee = members[draft.mentee_membership_id]
        mentor = members[draft.mentor_membership_id]
        if problem := _left_out(mentee, mentor, load):
            result.problems.append(problem)
            db.session.delete(draft)
            continue
        if problem := _not_ready(mentee, mentor, states):
            result.problems.append(problem)
            draft.accepted = False
            continue
        if load.mentees_of[mentor.id] >= capacity_of(program, profiles.get(mentor.id)):
            result.problems.append(
                f"{mentee.user.name}: {mentor.user.name} has no room left; choose another mentor."
            )
            draft.accepted = False
            continue
        mentorship_id, new = _mentorship_for(program, mentor, load)
        db.session.add_all(
            MentorshipMember(mentorship_id=mentorship_id, membership_id=person.id)
            for person in ((mentor, mentee) if new else (mentee,))
        )
        load.matched.add(mentee.id)
        load.mentees_of[mentor.id] += 1
        db.session.delete(draft)
        matched.append((mentee, mentor))
    db.session.flush()
    for mentee, mentor in matched:
        notices.tell(
            mentee.user_id, program.id, "matched", f"You have a mentor: {mentor.user.name}"
        )
        notices.tell(mentor.user_id, program.id, "matched", f"New mentee: {mentee.user.name}")
        result.pairs.append((mentee.user.name, mentor.user.name))
    db.session.commit()
    return result


# --- ending ------------------------------------------------------------------------------


def end_mentorship(mentorship: Mentorship, by: User, reason: str) -> bool:
    """Close the mentorship with its reason (goals, meetings, check-ins and awards stay with
    it) and tell its people; its mentees wait for a new match. False if it was already closed."""
    core_writes.pair_ending(mentorship.id)  # before the UPDATE: what its people counted
    ended = db.session.execute(
        sa.update(Mentorship)
        .where(Mentorship.id == mentorship.id, Mentorship.status != MentorshipStatus.CLOSED)
        .values(
            status=MentorshipStatus.CLOSED,
            closed_at=utcnow(),
            closed_reason=reason,
            closed_by_id=by.id,
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    if not ended:
        db.session.rollback()
        return False
    people = db.session.execute(
        sa.select(Membership.role, User.id, User.name)
        .join(MentorshipMember, MentorshipMember.membership_id == Membership.id)
        .join(User, User.id == Membership.user_id)
        .where(MentorshipMember.mentorship_id == mentorship.id)
        .order_by(User.name)
    ).all()
    mentors = ", ".join(name for role, _, name in people if role is Role.MENTOR)
    mentees = ", ".join(name for role, _, name in people if role is Role.MENTEE)
    for role, user_id, _ in people:
        text = (
            f"Your mentorship with {mentors} has ended. Your coordinator will find you a new "
            "mentor."
            if role is Role.MENTEE
            else f"Your mentorship with {mentees} has ended."
        )
        notices.tell(user_id, mentorship.program_id, "ended", text)
    db.session.commit()
    return True
