"""Who can be matched in a program now, read in a fixed number of queries however big it is.

Mentees wait when they finished onboarding (profile and the current agreement) and are in no
open mentorship (active or still proposed); mentors can take more when their checklist is done
(training too) and their mentees in open mentorships leave room under their capacity (in a group
program, under the group size as well). Everyone else who is not matched and has not left is
"not ready", with what they still lack. Drafts (``MatchDraft``) are the coordinator's working
state on top: the pool says how much room each mentor keeps once they are counted.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

import matching

from ..extensions import db
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
)
from ..onboarding.status import Checklist, checklists
from .profiles import stated_capacity, to_profile


@dataclass(frozen=True)
class PairView:
    """A mentorship with its people, for the lists on the matching page."""

    mentorship: Mentorship
    mentors: list[Membership]
    mentees: list[Membership]


def lacking(checklist: Checklist) -> list[str]:
    """What a participant still has to do before matching, in words."""
    missing = []
    if not checklist.profile:
        missing.append("profile")
    if checklist.must_sign_again:
        missing.append("signing the new agreement")
    elif not checklist.agreement:
        missing.append("signed agreement")
    if not checklist.training:
        missing.append(f"training ({checklist.training_done} of {checklist.training_total})")
    return missing


@dataclass
class Pool:
    program: Program
    people: dict[int, Membership]  # every mentor and mentee membership, left ones too
    profiles: dict[int, ParticipantProfile]
    waiting: list[Membership]  # ready mentees in no open mentorship
    room: dict[int, int]  # ready mentor id -> places left under their capacity (> 0 only)
    not_ready: list[tuple[Membership, list[str]]]
    drafts: list[MatchDraft]
    current: list[PairView]
    past: list[PairView]
    _drafts_by_mentee: dict[int, MatchDraft] = field(default_factory=dict)
    _drafted: Counter[int] = field(default_factory=Counter)  # mentor id -> drafts naming them

    def __post_init__(self) -> None:
        self._drafts_by_mentee = {d.mentee_membership_id: d for d in self.drafts}
        self._drafted = Counter(d.mentor_membership_id for d in self.drafts)

    # --- questions the views and the service ask ---------------------------------------

    def is_waiting(self, mentee_id: int) -> bool:
        return any(m.id == mentee_id for m in self.waiting)

    def draft_of(self, mentee_id: int) -> MatchDraft | None:
        return self._drafts_by_mentee.get(mentee_id)

    def free_places(self, mentor_id: int, *, ignore_mentee: int | None = None) -> int:
        """Room left once the mentor's drafts are counted (``ignore_mentee``'s draft aside):
        each mentee has at most one draft, so asking for every mentor stays linear."""
        ignored = self._drafts_by_mentee.get(ignore_mentee)
        own = ignored is not None and ignored.mentor_membership_id == mentor_id
        return self.room.get(mentor_id, 0) - self._drafted[mentor_id] + int(own)

    def mentors_with_room(self, *, ignore_mentee: int | None = None) -> list[Membership]:
        return [
            self.people[mentor_id]
            for mentor_id in self.room
            if self.free_places(mentor_id, ignore_mentee=ignore_mentee) > 0
        ]

    def undrafted(self) -> list[Membership]:
        return [m for m in self.waiting if m.id not in self._drafts_by_mentee]

    def profile(self, membership_id: int, capacity: int = 1) -> matching.Profile:
        return to_profile(membership_id, self.profiles.get(membership_id), capacity)


def _mentorships(program_id: int, people: dict[int, Membership]) -> list[PairView]:
    rows = db.session.execute(
        sa.select(Mentorship, MentorshipMember.membership_id)
        .outerjoin(MentorshipMember, MentorshipMember.mentorship_id == Mentorship.id)
        .where(Mentorship.program_id == program_id)
        .order_by(Mentorship.closed_at.desc(), Mentorship.id, MentorshipMember.id)
    ).all()
    mentorships = list(dict.fromkeys(mentorship for mentorship, _ in rows))
    members = defaultdict(list)
    for mentorship, membership_id in rows:
        if membership_id in people:
            members[mentorship.id].append(people[membership_id])
    views = []
    for mentorship in mentorships:
        # A mentee who left an open group stays among its rows but is no longer in it; a
        # closed mentorship keeps everyone who was.
        now_in = [
            m
            for m in members[mentorship.id]
            if mentorship.status not in OPEN_STATUSES or m.left_at is None
        ]
        views.append(
            PairView(
                mentorship,
                [m for m in now_in if m.role is Role.MENTOR],
                [m for m in now_in if m.role is Role.MENTEE],
            )
        )
    return views


def load_pool(program: Program) -> Pool:
    """The program's pool, drafts and mentorships, in six queries."""
    members = db.session.scalars(
        sa.select(Membership)
        .where(
            Membership.program_id == program.id,
            Membership.role.in_([Role.MENTOR, Role.MENTEE]),
        )
        .options(joinedload(Membership.user))
        .order_by(Membership.joined_at, Membership.id)
    ).all()
    people = {m.id: m for m in members}
    present = [m for m in members if m.left_at is None]
    states = checklists(program, present)
    profiles = {
        row.membership_id: row
        for row in db.session.scalars(
            sa.select(ParticipantProfile)
            .join(Membership, Membership.id == ParticipantProfile.membership_id)
            .where(Membership.program_id == program.id)
        )
    }
    views = _mentorships(program.id, people)
    current = [v for v in views if v.mentorship.status in OPEN_STATUSES]
    matched = {m.id for v in current for m in v.mentees}
    load: dict[int, int] = defaultdict(int)
    for view in current:
        for mentor in view.mentors:
            load[mentor.id] += len(view.mentees)

    waiting, room, not_ready = [], {}, []
    for member in present:
        ready = states[member.id].done
        if member.role is Role.MENTEE:
            if member.id not in matched:
                (waiting if ready else not_ready).append(member)
        elif ready:
            places = capacity_of(program, profiles.get(member.id)) - load[member.id]
            if places > 0:
                room[member.id] = places
        else:
            not_ready.append(member)
    drafts = db.session.scalars(
        sa.select(MatchDraft)
        .where(MatchDraft.program_id == program.id)
        .order_by(MatchDraft.accepted.desc(), MatchDraft.score.desc(), MatchDraft.id)
    ).all()
    return Pool(
        program=program,
        people=people,
        profiles=profiles,
        waiting=waiting,
        room=room,
        not_ready=[(m, lacking(states[m.id])) for m in not_ready],
        drafts=list(drafts),
        current=current,
        past=[v for v in views if v.mentorship.status is MentorshipStatus.CLOSED],
    )


def capacity_of(program: Program, row: ParticipantProfile | None) -> int:
    """How many mentees a mentor may have in open mentorships of ``program`` at once."""
    stated = stated_capacity(row)
    if program.model is MentorshipModel.GROUP:
        return min(stated, program.group_size)
    return stated
