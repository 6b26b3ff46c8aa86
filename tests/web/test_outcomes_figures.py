"""The outcomes figures, grouped in SQL, against the same figures counted in Python from every
row of the program, on random programs: people joining and leaving, pairs matched and closed,
check-ins, meetings, goals and milestones at random instants (near midnight too), in a zone
ahead of or behind UTC.

The reference places an instant in the first week (or cadence period) that does not end
before the instant's local week, which is what the page means by "in week n"; the page does
it with UTC bounds in a CASE, inside one UNION ALL of grouped parts."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_outcomes import meeting

import game
from app import summaries
from app.calendars import program_calendar
from app.extensions import db
from app.models import (
    BreakWeek,
    CheckIn,
    Goal,
    GoalStatus,
    Meeting,
    MeetingStatus,
    Membership,
    Mentorship,
    MentorshipMember,
    MentorshipStatus,
    Milestone,
    MilestoneStatus,
    Program,
    Role,
    User,
)
from app.outcomes.queries import PARTICIPANTS, Funnel, Period, program_outcomes
from game.weeks import local_date, week_of

WEEKS = 5  # the program began four weeks ago: weeks 0..4, the last one this week
FIRST, LAST = -2 * 24 * 60, (WEEKS + 1) * 7 * 24 * 60  # minutes from its start, a bit around
MINUTES = st.integers(FIRST, LAST)


@st.composite
def pairs(draw) -> dict:
    """One pair: when it was matched (and closed), its mentee's arrival and departure (never
    before the arrival), the mentee's check-ins by week, its meetings, goals and confirmed
    milestones."""
    matched = draw(st.integers(0, (WEEKS + 1) * 7 * 24 * 60))
    joined = draw(MINUTES)
    return {
        "status": draw(st.sampled_from(list(MentorshipStatus))),
        "matched": matched,
        "closed": draw(st.none() | st.integers(matched, matched + 3 * 7 * 24 * 60)),
        "joined": joined,
        "left": draw(st.none() | st.integers(joined, LAST)),
        "moods": draw(
            st.dictionaries(st.integers(-1, WEEKS), st.none() | st.integers(1, 5), max_size=4)
        ),
        "meetings": draw(
            st.lists(st.tuples(MINUTES, st.sampled_from(list(MeetingStatus))), max_size=4)
        ),
        "goals": draw(st.lists(st.none() | MINUTES, max_size=2)),  # completed (None: still open)
        "milestones": draw(st.lists(st.tuples(MINUTES, st.booleans()), max_size=3)),
    }


def _add(program: Program, start: datetime, n: int, spec: dict) -> None:
    def at(minutes: int | None) -> datetime | None:
        return None if minutes is None else start + timedelta(minutes=minutes)

    people = {
        role: Membership(
            user=User(
                name=f"R{n}{role.value}", email=f"r{n}{role.value}@t.example", password_hash="x"
            ),
            program=program,
            role=role,
            joined_at=at(spec["joined"]) if role is Role.MENTEE else start,
            left_at=at(spec["left"]) if role is Role.MENTEE else None,
        )
        for role in PARTICIPANTS
    }
    pair = Mentorship(
        program=program,
        status=spec["status"],
        created_at=at(spec["matched"]),
        closed_at=at(spec["closed"]) if spec["status"] is MentorshipStatus.CLOSED else None,
        members=[MentorshipMember(membership=m) for m in people.values()],
    )
    db.session.add(pair)
    db.session.flush()
    mentee, mentor = people[Role.MENTEE], people[Role.MENTOR].user
    monday = start.date() - timedelta(days=start.date().weekday())
    for week, mood in spec["moods"].items():
        key = str(week_of(monday + timedelta(weeks=week)))
        db.session.add(
            CheckIn(membership=mentee, week_key=key, mood=mood, wants_help=mood is None, zone="UTC")
        )
    for minutes, status in spec["meetings"]:
        db.session.add(meeting(pair, at(minutes), status, mentor))
    goals = [
        Goal(
            mentorship_id=pair.id,
            membership=mentee,
            title=f"g{k}",
            measure="m",
            target_date=program.ends_on,
            status=GoalStatus.ACTIVE if done is None else GoalStatus.COMPLETED,
            completed_at=at(done),
        )
        for k, done in enumerate(spec["goals"] or [None])
    ]
    db.session.add_all(goals)
    for k, (minutes, confirmed) in enumerate(spec["milestones"]):
        db.session.add(
            Milestone(
                goal=goals[0],
                title=f"s{k}",
                status=MilestoneStatus.CONFIRMED if confirmed else MilestoneStatus.WAITING,
                confirmed_at=at(minutes) if confirmed else None,
            )
        )
    db.session.flush()


def _expected(program: Program, now: datetime):
    """The funnels, the weekly figures and the periods, counted in Python from every row."""
    mondays = db.session.scalars(
        sa.select(BreakWeek.monday).where(BreakWeek.program_id == program.id)
    )
    calendar = program_calendar(program, mondays)
    today = calendar.current_week(now)
    weeks = [w for w in calendar.weeks() if w <= today]
    begun = [p for p in calendar.periods() if p[0] <= today]

    def week_at(instant):
        return week_of(local_date(instant, program.time_zone))

    def in_week(instant) -> int:
        if instant is None:
            return len(weeks)
        return next((i for i, w in enumerate(weeks) if week_at(instant) <= w), len(weeks))

    def in_period(instant) -> int:
        if instant is None:
            return len(begun)
        return next((i for i, p in enumerate(begun) if week_at(instant) <= p[-1]), len(begun))

    members = db.session.execute(
        sa.select(Membership.id, Membership.role, Membership.joined_at, Membership.left_at).where(
            Membership.program_id == program.id
        )
    ).all()
    pairs = {
        row.id: row
        for row in db.session.execute(
            sa.select(
                Mentorship.id, Mentorship.status, Mentorship.created_at, Mentorship.closed_at
            ).where(Mentorship.program_id == program.id)
        )
    }
    pairs_of: dict[int, list] = {}
    for membership_id, pair_id in db.session.execute(
        sa.select(MentorshipMember.membership_id, MentorshipMember.mentorship_id)
    ):
        if pair_id in pairs:
            pairs_of.setdefault(membership_id, []).append(pairs[pair_id])
    ran = (MentorshipStatus.ACTIVE, MentorshipStatus.CLOSED)

    funnels = []
    for role in PARTICIPANTS:
        mine = [m for m in members if m.role is role]
        funnels.append(
            Funnel(
                role,
                len(mine),
                sum(any(p.status in ran for p in pairs_of.get(m.id, [])) for m in mine),
                sum(
                    m.left_at is None
                    and any(p.status is MentorshipStatus.ACTIVE for p in pairs_of.get(m.id, []))
                    for m in mine
                ),
            )
        )

    mentees = {m.id: m for m in members if m.role is Role.MENTEE}
    moods: dict[str, list[int]] = {}
    for membership_id, key, mood in db.session.execute(
        sa.select(CheckIn.membership_id, CheckIn.week_key, CheckIn.mood)
    ):
        if membership_id in mentees and mood is not None:
            moods.setdefault(key, []).append(mood)
    goals = db.session.execute(
        sa.select(Goal.id, Goal.mentorship_id, Goal.status, Goal.completed_at)
    ).all()
    goals = [g for g in goals if g.mentorship_id in pairs]
    confirmed = [
        at
        for goal_id, status, at in db.session.execute(
            sa.select(Milestone.goal_id, Milestone.status, Milestone.confirmed_at)
        )
        if goal_id in {g.id for g in goals} and status is MilestoneStatus.CONFIRMED
    ]
    figures = [
        (
            week,
            sum(in_week(m.joined_at) <= i <= in_week(m.left_at) for m in mentees.values()),
            len(moods.get(str(week), [])),
            sum(moods.get(str(week), [])),
            sum(in_week(at) == i for at in confirmed),
            sum(g.status is GoalStatus.COMPLETED and in_week(g.completed_at) == i for g in goals),
        )
        for i, week in enumerate(weeks)
    ]

    held = db.session.execute(
        sa.select(Meeting.mentorship_id, Meeting.starts_at).where(
            Meeting.status == MeetingStatus.HELD
        )
    ).all()
    running = [p for p in pairs.values() if p.status in ran]
    measured = set(game.measured_periods(calendar, today))
    periods = [
        Period(
            period,
            sum(in_period(p.created_at) <= i <= in_period(p.closed_at) for p in running),
            len(
                {
                    pair_id
                    for pair_id, at in held
                    if pair_id in pairs and pairs[pair_id].status in ran and in_period(at) == i
                }
            ),
            today in period,
        )
        for i, period in enumerate(begun)
        if period in measured
    ]
    active = sum(p.status is MentorshipStatus.ACTIVE for p in pairs.values())
    return funnels, figures, periods, active


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    specs=st.lists(pairs(), max_size=6),
    zone=st.sampled_from(["UTC", "America/New_York", "Pacific/Auckland"]),
    hour=st.integers(0, 23),
)
def test_grouped_figures_match_a_count_of_every_row(app, world, specs, zone, hour) -> None:
    with app.app_context():
        try:
            program = db.session.get(Program, world.program_id)
            program.time_zone = zone
            start = datetime.combine(program.starts_on, time(), UTC)
            for n, spec in enumerate(specs):
                _add(program, start, n, spec)
            summaries.refresh()  # what the commit does first: the week rows count the rows
            now = start + timedelta(weeks=WEEKS - 1, days=3, hours=hour)
            outcomes = program_outcomes(program, now)
            funnels, figures, periods, active = _expected(program, now)
            assert outcomes.funnels == funnels
            shown = [
                (w.key, w.mentees, w.checked_in, w.mood_total, w.milestones, w.goals)
                for w in outcomes.weeks
            ]
            assert shown == figures
            assert outcomes.periods == periods
            assert outcomes.active_pairs == active
        finally:
            db.session.rollback()
