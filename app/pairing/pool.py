"""Who can be matched in a program now, read in a fixed number of queries whatever its size.

Mentees wait when they finished onboarding (profile and the current agreement) and are in no
open mentorship (active or still proposed); mentors can take more when their checklist is done
(training too) and their mentees in open mentorships leave room under their capacity (in a group
program, under the group size as well). Everyone else who is not matched and has not left is
"not ready", with what they still lack. Each member's place in the pool is kept on their
``member_states`` row (``app.member_states``, in the transaction of whatever moves it), so the
pool is read along an index: its work grows with the people who can be matched, not with the
program. People not ready are counted, and read only as far as the page lists them (``SHOWN``):
a district's onboarding season costs the page nothing. Drafts (``MatchDraft``) are the
coordinator's working state on top: the pool says how much room each mentor keeps once they are
counted.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

import matching

from ..extensions import db
from ..member_states import PAIR, InPool, training_done
from ..models import (
    OPEN_STATUSES,
    MatchDraft,
    Membership,
    MemberState,
    Mentorship,
    MentorshipMember,
    MentorshipModel,
    MentorshipStatus,
    ParticipantProfile,
    Program,
    ProgramState,
    Role,
    TrainingModule,
)
from ..onboarding.status import PROFILE_COMPLETE, Checklist, counted_checklist
from .profiles import stated_capacity, to_profile

SHOWN = 10
"""Rows of each long list on the matching page (mentees without a draft, mentors with room,
people not ready, current and past mentorships), and drafts per page: a district's matching
page stays a phone's page."""


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
    people: dict[int, Membership]  # the pool, whoever a draft names, and anyone asked for
    profiles: dict[int, ParticipantProfile]
    waiting: list[Membership]  # ready mentees in no open mentorship
    room: dict[int, int]  # ready mentor id -> places left under their capacity (> 0 only)
    not_ready: list[tuple[Membership, list[str]]]  # the first ``SHOWN``, and anyone named
    not_ready_total: int
    drafts: list[MatchDraft]
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


def _people_query(program: Program, also: list[int]) -> sa.Select:
    """The pool's people who can be matched and the first ``SHOWN`` not ready (by its index),
    whoever a draft names and the ids in ``also``: each with their profile, place in the pool,
    places left, whether the profile is complete, their training done, the program's modules
    and how many are not ready, in joining order."""
    drafted = sa.select(MatchDraft).where(MatchDraft.program_id == program.id).subquery()
    in_pool = sa.select(MemberState.membership_id).where(MemberState.program_id == program.id)
    not_ready = MemberState.pool == InPool.NOT_READY.value
    first_not_ready = (
        in_pool.where(not_ready).order_by(MemberState.membership_id).limit(SHOWN).subquery()
    )
    named = sa.union(
        in_pool.where(MemberState.pool.in_([InPool.WAITING.value, InPool.ROOM.value])),
        sa.select(first_not_ready.c.membership_id),
        sa.select(drafted.c.mentee_membership_id),
        sa.select(drafted.c.mentor_membership_id),
        sa.select(Membership.id).where(Membership.id.in_(also)),  # of the program: see load_pool
    )
    modules = (
        sa.select(sa.func.count(TrainingModule.id))
        .where(TrainingModule.program_id == program.id)
        .scalar_subquery()
    )
    return (
        sa.select(
            Membership,
            ParticipantProfile,
            MemberState.pool,
            MemberState.places,
            sa.and_(*PROFILE_COMPLETE),  # null without a profile
            training_done(),
            modules,
            sa.select(sa.func.count())
            .where(MemberState.program_id == program.id, not_ready)
            .scalar_subquery(),
        )
        .join(MemberState, MemberState.membership_id == Membership.id)
        .outerjoin(ParticipantProfile, ParticipantProfile.membership_id == Membership.id)
        .where(Membership.id.in_(named))  # by id: a program's index would read all of it
        .options(joinedload(Membership.user))
        .order_by(Membership.joined_at, Membership.id)
    )


def load_pool(program: Program, also: Iterable[int] = ()) -> Pool:
    """The program's pool and drafts, in two queries; ``also``: members the caller will ask
    about though they may be out of the pool (a mentee already matched, a full mentor) or not
    among the first not ready."""
    people, profiles, waiting, room, not_ready, not_ready_total = {}, {}, [], {}, [], 0
    for row in db.session.execute(_people_query(program, sorted(set(also)))):
        member, profile, place, places, complete, trained, modules, not_ready_total = row
        if member.program_id != program.id:  # an id in ``also`` of another program
            continue
        people[member.id] = member
        if profile is not None:
            profiles[member.id] = profile
        if place == InPool.WAITING.value:
            waiting.append(member)
        elif place == InPool.ROOM.value:
            room[member.id] = places
        elif place == InPool.NOT_READY.value:
            checklist = counted_checklist(member, program, bool(complete), trained, modules)
            not_ready.append((member, lacking(checklist)))
    drafts = db.session.scalars(
        sa.select(MatchDraft)
        .where(MatchDraft.program_id == program.id)
        .order_by(MatchDraft.accepted.desc(), MatchDraft.score.desc(), MatchDraft.id)
    ).all()
    return Pool(program, people, profiles, waiting, room, not_ready, not_ready_total, list(drafts))


def pair_views(mentorships: list[Mentorship]) -> list[PairView]:
    """Each mentorship with the people in it now, in one query: a mentee who left an open group
    stays among its rows but is no longer in it; a closed mentorship keeps everyone who was."""
    members: dict[int, list[Membership]] = defaultdict(list)
    for pair_id, member in db.session.execute(
        sa.select(MentorshipMember.mentorship_id, Membership)
        .join(Membership, Membership.id == MentorshipMember.membership_id)
        .where(MentorshipMember.mentorship_id.in_([m.id for m in mentorships]))
        .options(joinedload(Membership.user))
        .order_by(MentorshipMember.id)
    ):
        members[pair_id].append(member)
    views = []
    for mentorship in mentorships:
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


@dataclass(frozen=True)
class PairLists:
    """The first mentorships of a program's current and past lists, and how many each has."""

    current: list[PairView]
    current_total: int
    past: list[PairView]
    past_total: int


def pair_lists(program: Program, shown: int) -> PairLists:
    """The first ``shown`` current mentorships (oldest first) and past ones (latest ended
    first) with their people, and the lists' lengths from the program's counters: four
    queries whatever the program's size."""
    totals = dict(
        db.session.execute(
            sa.select(ProgramState.state, ProgramState.total).where(
                ProgramState.program_id == program.id, ProgramState.kind == PAIR
            )
        ).all()
    )
    of_program = Mentorship.program_id == program.id
    current = db.session.scalars(
        sa.select(Mentorship)
        .where(of_program, Mentorship.status.in_(OPEN_STATUSES))
        .order_by(Mentorship.id)
        .limit(shown)
    ).all()
    past = db.session.scalars(
        sa.select(Mentorship)
        .where(of_program, Mentorship.status == MentorshipStatus.CLOSED)
        .order_by(Mentorship.closed_at.desc(), Mentorship.id)
        .limit(shown)
    ).all()
    views = pair_views([*current, *past])
    return PairLists(
        current=views[: len(current)],
        current_total=sum(totals.get(s.value, 0) for s in OPEN_STATUSES),
        past=views[len(current) :],
        past_total=totals.get(MentorshipStatus.CLOSED.value, 0),
    )


def capacity_of(program: Program, row: ParticipantProfile | None) -> int:
    """How many mentees a mentor may have in open mentorships of ``program`` at once."""
    stated = stated_capacity(row)
    if program.model is MentorshipModel.GROUP:
        return min(stated, program.group_size)
    return stated
