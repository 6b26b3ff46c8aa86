"""Summary rows (``app.summaries``): after any sequence of actions through the services they
(the pairs', mentees', programs' and program weeks' rows) equal a recomputation from the
facts, two actions at once lose nothing, ``flask summaries`` reports and repairs drift, and the
pages that read them cost the same whatever the program's size (the clock is pinned: "now" is
Wednesday noon of week 11 of the world's program)."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from checkins_support import add_checkin, add_mentees, membership_id, user_id
from game_support import NOW, W08, W10, W11, pinned_fixture  # noqa: F401
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from pairing_support import pool_from_facts, pool_seen
from people_support import add_member, states_shown
from risk_support import COORDINATOR, MENTEE, MENTOR, in_list_order

from app import clock, summaries
from app.accounts import service as accounts
from app.checkins import service as checkins
from app.extensions import db
from app.gamification import service as game_service
from app.gamification.opt_in import set_leaderboard
from app.goals import service as goals
from app.meetings import service as meetings
from app.member_states import BOARD, PAIR, PARTICIPANTS, SIGNED, State, membership_state
from app.models import (
    BreakWeek,
    Cadence,
    CheckIn,
    Invite,
    Meeting,
    Membership,
    MemberState,
    MenteeSummary,
    Mentorship,
    MentorshipMember,
    MentorshipModel,
    MentorshipStatus,
    Milestone,
    MilestoneStatus,
    PairState,
    PairSummary,
    PlayerTotal,
    Program,
    ProgramState,
    ProgramWeek,
    Role,
    TrainingCompletion,
    TrainingModule,
    User,
)
from app.onboarding import service as onboarding
from app.pairing import service as pairing
from app.pairing.pool import load_pool
from app.programs import people_service as people
from app.programs import risk_service
from app.programs import service as program_service
from app.programs import training_service as training
from app.programs.people_query import state_counts
from app.programs.risk_query import active_pairs, assess, board, on_list
from game import risk
from game.weeks import local_date, week_of


@pytest.fixture(autouse=True)
def _clock(pinned):
    return pinned


def _people(world):
    mentorship = db.session.get(Mentorship, world.mentorship_id)
    mentee = db.session.scalar(sa.select(User).where(User.email == MENTEE))
    mentor = db.session.scalar(sa.select(User).where(User.email == MENTOR))
    return mentorship, mentee, mentor, db.session.get(Membership, membership_id(MENTEE))


def _open_checkin(member_id: int) -> CheckIn | None:
    return db.session.scalar(
        sa.select(CheckIn)
        .where(CheckIn.membership_id == member_id, CheckIn.acknowledged_at.is_(None))
        .order_by(CheckIn.week_key.desc())
        .limit(1)
    )


def _milestone(goal_id: int, status: MilestoneStatus) -> Milestone | None:
    return db.session.scalar(
        sa.select(Milestone).where(Milestone.goal_id == goal_id, Milestone.status == status)
    )


def _act(action: tuple, world, goal_id: int) -> None:
    """One action through its service, as the person who may take it."""
    mentorship, mentee, mentor, member = _people(world)
    match action:
        case ("checkin", mood, wants_help):
            checkins.submit_checkin(
                member.id,
                mentee.week_zones,
                mood=mood,
                progress_note="",
                blocker="",
                wants_help=wants_help,
            )
        case ("help",):
            checkins.request_help(member.id, mentee.week_zones)
        case ("reply",):
            checkin = _open_checkin(member.id)
            if checkin is not None:
                checkins.acknowledge(checkin, mentor.id, "Seen, thanks.")
        case ("met", by_mentor):
            if mentorship.status is not MentorshipStatus.ACTIVE:
                return
            today = clock.utcnow().date()
            logged = meetings.log_met(mentorship, mentor if by_mentor else mentee, today, 45)
            other = mentee if by_mentor else mentor
            meetings.confirm_met(db.session.get(Meeting, logged.meeting_id), other)
        case ("kudos",):
            month = game_service.kudos_month(mentor.time_zone)
            try:
                game_service.give_kudos(mentorship, mentor.id, mentee.id, month, "Well done")
            except game_service.KudosAlreadyGiven:
                db.session.rollback()
        case ("milestone", step):
            _milestone_step(step, goal_id, mentee, mentor)
        case ("goal", "archive"):
            goals.archive_goal(db.session.get(goals.Goal, goal_id))
        case ("goal", "unarchive"):
            goals.unarchive_goal(db.session.get(goals.Goal, goal_id))
        case ("week",):
            clock.set_now(clock.utcnow() + timedelta(weeks=1))
        case ("end",):  # in Core: the pair closes, its people are matched no more
            coordinator = db.session.scalar(sa.select(User).where(User.email == COORDINATOR))
            pairing.end_mentorship(mentorship, coordinator, "Moved away")
        case ("leave",):  # the mentee leaves (their open pair closes), or comes back
            coordinator = db.session.scalar(sa.select(User).where(User.email == COORDINATOR))
            if member.left_at is None:
                people.deactivate(member, coordinator.id)
            else:
                people.reactivate(member)
        case ("zone", zone):  # the program's weeks move: its rows are counted again
            program_service.update_program(
                db.session.get(Program, mentorship.program_id), {"time_zone": zone}
            )
        case ("cadence", cadence):
            program_service.update_program(
                db.session.get(Program, mentorship.program_id), {"cadence": cadence}
            )
        case ("later", hours):  # time passes, nobody acts: pairs come onto the list by it
            clock.set_now(clock.utcnow() + timedelta(hours=hours))
        case ("resolve",):
            coordinator = db.session.scalar(sa.select(User.id).where(User.email == COORDINATOR))
            risk_service.resolve(mentorship, coordinator)
        case ("break", weeks):  # this week or a coming one declared a break, or no longer
            _toggle_break(world, weeks)


def _toggle_break(world, weeks: int) -> None:
    program = db.session.get(Program, world.program_id)
    week = week_of(local_date(clock.utcnow(), program.time_zone))
    monday = week.monday() + timedelta(weeks=weeks)
    declared = db.session.scalar(
        sa.select(BreakWeek).where(BreakWeek.program_id == program.id, BreakWeek.monday == monday)
    )
    if declared is None:
        program_service.add_break_week(program, monday, "Break")
    else:
        program_service.delete_break_week(declared)


def _milestone_step(step: str, goal_id: int, mentee: User, mentor: User) -> None:
    goal = db.session.get(goals.Goal, goal_id)
    if step == "add":
        count = db.session.scalar(sa.select(sa.func.count()).where(Milestone.goal_id == goal_id))
        goals.add_milestone(goal, mentor.id, title=f"Step {count + 1}", due_on=None)
    elif (open_ := _milestone(goal_id, MilestoneStatus.OPEN)) and step == "submit":
        goals.submit_milestone(open_, mentee.id, "Done")
    elif (open_ := _milestone(goal_id, MilestoneStatus.OPEN)) and step == "delete":
        goals.delete_milestone(open_)
    elif waiting := _milestone(goal_id, MilestoneStatus.WAITING):
        if step == "confirm":
            goals.confirm_milestone(waiting, mentor.id)
        elif step == "send back":
            goals.send_back_milestone(waiting, mentor.id, "Not yet")


def _goal(world) -> int:
    mentorship, _mentee, _mentor, member = _people(world)
    goal, _ = goals.create_goal(
        mentorship,
        member,
        title="Read more",
        measure="Two books",
        target_date=date(2031, 6, 1),
        why="I like stories",
    )
    return goal.id


ACTIONS = st.one_of(
    st.tuples(st.just("checkin"), st.integers(1, 5), st.booleans()),
    st.just(("help",)),
    st.just(("reply",)),
    st.tuples(st.just("met"), st.booleans()),
    st.just(("kudos",)),
    st.tuples(st.just("milestone"), st.sampled_from(["add", "submit", "confirm", "send back"])),
    st.tuples(st.just("milestone"), st.just("delete")),
    st.tuples(st.just("goal"), st.sampled_from(["archive", "unarchive"])),
    st.just(("week",)),
    st.tuples(st.just("later"), st.sampled_from([13, 40, 24 * 5])),
    st.just(("resolve",)),
    st.tuples(st.just("break"), st.integers(-2, 2)),
    st.just(("end",)),
    st.just(("leave",)),
    st.tuples(st.just("zone"), st.sampled_from(["UTC", "Pacific/Auckland", "America/New_York"])),
    st.tuples(st.just("cadence"), st.sampled_from(list(Cadence))),
)


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(ACTIONS, min_size=1, max_size=10))
def test_rows_equal_the_facts_after_any_sequence_of_actions(app, world, steps):
    with app.app_context():
        clock.set_now(NOW)  # each example starts from "now" (a "week" action moves on)
        goal_id = _goal(world)
        for step in steps:
            _act(step, world, goal_id)
            assert summaries.check() == [], step
            db.session.rollback()
            assert _listed(world) == _listed_unfiltered(world), step


def _listed(world) -> tuple[list[int], list[int]]:
    found = board(world.program_id, clock.utcnow())
    return [e.mentorship.id for e in found.at_risk], [e.mentorship.id for e in found.resolved]


def _listed_unfiltered(world) -> tuple[list[int], list[int]]:
    """The lists as every active pair's assessment gives them (no filter in SQL)."""
    entries = assess(world.program_id, active_pairs(world.program_id), clock.utcnow())
    resolved = sorted(
        (e for e in entries if e.resolved is not None and not on_list(e)),
        key=lambda e: e.resolved.at,
        reverse=True,
    )
    listed = in_list_order([e.mentorship.id for e in entries if on_list(e)])
    return listed, [e.mentorship.id for e in resolved]


def test_a_mentees_signals_and_leaving_move_their_pairs_instant(app, world):
    """A pair's ``listed_from`` counts its present mentees' signals, rewritten in the commit
    that changes them: a help request (listed once it has waited), three low weeks (listed
    from the first one's Monday), and the low mentee leaving a group that goes on."""
    with app.app_context():
        (pair, low), (_, asking) = add_mentees(world.program_id, MENTOR, 2, group=True)
        now = clock.utcnow()

        def listed_from():
            db.session.expire_all()
            return db.session.get(PairSummary, pair).listed_from

        assert listed_from() > now + risk.HELP_WAIT  # matched now: its own signals come later
        add_checkin(asking, W11, mood=3, wants_help=True)
        assert listed_from() == now + risk.HELP_WAIT
        for week in (W08, W10, W11):
            add_checkin(low, week, mood=1)
        zone = ZoneInfo(db.session.get(Program, world.program_id).time_zone)
        assert listed_from() == datetime.combine(W08.monday(), time(), zone).astimezone(UTC)
        assert pair in _listed(world)[0]
        coordinator = db.session.scalar(sa.select(User.id).where(User.email == COORDINATOR))
        people.deactivate(db.session.get(Membership, low), coordinator)
        assert db.session.get(Mentorship, pair).status is MentorshipStatus.ACTIVE
        assert listed_from() == now + risk.HELP_WAIT
        assert summaries.check() == []


def test_rows_follow_each_kind_of_action(app, world):
    """Each action moves the fact it is about: the row is the facts' mirror, not a guess."""
    with app.app_context():
        mentorship, mentee, mentor, member = _people(world)
        goal_id = _goal(world)
        _act(("checkin", 2, True), world, goal_id)
        row = db.session.get(MenteeSummary, member.id)
        assert (row.mood_1, row.open_help, row.moods_since) == (2, 1, str(W11))
        assert row.help_asked_at == clock.utcnow()
        _act(("reply",), world, goal_id)
        db.session.expire_all()
        assert db.session.get(MenteeSummary, member.id).open_help == 0
        assert db.session.get(PairSummary, mentorship.id).mentor_last_active == clock.utcnow()
        clock.set_now(clock.utcnow() + timedelta(weeks=1))
        _act(("checkin", 1, False), world, goal_id)
        _act(("met", True), world, goal_id)
        db.session.expire_all()
        row = db.session.get(MenteeSummary, member.id)
        assert (row.mood_1, row.mood_2, row.moods_since) == (1, 2, str(W11))
        pair = db.session.get(PairSummary, mentorship.id)
        assert pair.last_met_at is not None and pair.last_met_at <= clock.utcnow()
        assert summaries.check() == []


def _week_totals(program_id: int) -> dict[str, int]:
    rows = db.session.execute(
        sa.select(
            ProgramWeek.pairs_closed, ProgramWeek.meetings_held, ProgramWeek.mentees_left
        ).where(ProgramWeek.program_id == program_id)
    ).all()
    return {
        name: sum(row[i] for row in rows)
        for i, name in enumerate(("pairs_closed", "meetings_held", "mentees_left"))
    }


def test_program_weeks_follow_pairs_people_and_the_calendar(app, world):
    """A held meeting, a pair ended in Core, a mentee leaving and coming back, a new time zone
    and cadence: the program's week rows move with each, and equal the recount."""
    with app.app_context():
        goal_id = _goal(world)
        before = _week_totals(world.program_id)
        steps = [("met", True), ("zone", "Pacific/Auckland"), ("end",), ("leave",), ("leave",)]
        for step in [*steps, ("cadence", Cadence.MONTHLY)]:
            _act(step, world, goal_id)
            assert summaries.check() == [], step
            db.session.rollback()
        after = _week_totals(world.program_id)
        assert after["meetings_held"] == before["meetings_held"] + 1
        assert after["pairs_closed"] == before["pairs_closed"] + 1
        assert after["mentees_left"] == before["mentees_left"]  # back again


def test_people_joined_and_paired_in_one_transaction_count_as_joined(app, world):
    """A participant created and paired before one commit (as a seed or an import does) counts
    as joined and as matched in the program's weeks: their share before the transaction is
    nothing, even though a flush wrote them before the pair named them."""
    with app.app_context():
        program = db.session.get(Program, world.program_id)
        people = []
        for n, role in enumerate((Role.MENTOR, Role.MENTEE)):
            user = User(name=f"Together {n}", email=f"together{n}@example.org", password_hash="x")
            people.append(Membership(user=user, program=program, role=role, joined_at=NOW))
        db.session.add_all(people)
        db.session.flush()  # the memberships have ids before the pair names them
        db.session.add(
            Mentorship(
                program=program,
                status=MentorshipStatus.ACTIVE,
                created_at=NOW,
                members=[MentorshipMember(membership=m) for m in people],
            )
        )
        db.session.commit()
        assert summaries.check() == []


def test_two_at_once_lose_nothing(app, world):
    """Mentees of one group check in, asking for help, while their mentor answers the others:
    every thread refreshes the one pair row, each under its lock, and none loses another's."""
    with app.app_context():
        group = add_mentees(world.program_id, MENTOR, 6, group=True)
        mentor_id = user_id(MENTOR)
        zones = db.session.get(User, mentor_id).week_zones
        for _, member in group[:3]:
            checkins.submit_checkin(
                member, zones, mood=3, progress_note="", blocker="", wants_help=True
            )
    start = threading.Barrier(6)
    errors: list[BaseException] = []

    def run(index: int, member: int) -> None:
        try:
            with app.app_context():
                start.wait(timeout=30)
                if index < 3:
                    checkins.acknowledge(_open_checkin(member), mentor_id, "On it")
                else:
                    checkins.submit_checkin(
                        member, zones, mood=2, progress_note="", blocker="", wants_help=True
                    )
        except BaseException as error:  # noqa: BLE001 - every failure is the test's business
            errors.append(error)

    threads = [threading.Thread(target=run, args=(i, m)) for i, (_, m) in enumerate(group)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    with app.app_context():
        assert summaries.check() == []
        members = [member for _, member in group]
        open_help = db.session.execute(
            sa.select(MenteeSummary.membership_id, MenteeSummary.open_help).where(
                MenteeSummary.membership_id.in_(members)
            )
        )
        assert dict(open_help.all()) == {m: int(i >= 3) for i, m in enumerate(members)}


def test_the_check_reports_and_fixes_drift(app, world):
    with app.app_context():
        _act(("checkin", 2, True), world, _goal(world))
        member = membership_id(MENTEE)
        db.session.execute(
            sa.update(MenteeSummary)
            .where(MenteeSummary.membership_id == member)
            .values(mood_1=5, open_help=0)
        )
        db.session.execute(sa.delete(PairSummary))
        db.session.execute(
            sa.update(MemberState).where(MemberState.membership_id == member).values(state="left")
        )
        db.session.execute(sa.delete(PairState))
        db.session.execute(sa.delete(ProgramState))
        mentee = user_id(MENTEE)
        db.session.execute(
            sa.update(PlayerTotal).where(PlayerTotal.user_id == mentee).values(on_board=True)
        )
        db.session.commit()
    runner = app.test_cli_runner()
    found = runner.invoke(args=["summaries"])
    assert found.exit_code == 1
    assert f"mentee_summaries {member}:" in found.output
    assert f"member_states {member}: stored {{" in found.output
    assert f"pair_states {world.mentorship_id}: stored {{}}" in found.output
    assert f"program_states ({world.program_id}, 'mentee', 'matched')" in found.output
    board_row = f"player_totals ({mentee}, {world.program_id}): stored {{'on_board': True"
    assert board_row in found.output
    fixed = runner.invoke(args=["summaries", "--fix"])
    assert "repaired" in fixed.output
    again = runner.invoke(args=["summaries"])
    assert again.exit_code == 0, again.output
    assert "matches" in again.output


@pytest.mark.parametrize("path", ["/", "/programs/{program}/at-risk"])
def test_coordinator_pages_read_the_rows_in_fixed_statements(
    app, world, client, login, query_counter, path
):
    """More pairs with check-ins, help and meetings add no statement to the pages."""
    login("coordinator")
    url = path.format(program=world.program_id)
    with query_counter as few:
        assert client.get(url).status_code == 200
    with app.app_context():
        for _pair, member in add_mentees(world.program_id, MENTOR, 12):
            zones = db.session.scalar(
                sa.select(User).join(Membership).where(Membership.id == member)
            ).week_zones
            checkins.submit_checkin(
                member, zones, mood=1, progress_note="", blocker="", wants_help=True
            )
    with query_counter as many:
        assert client.get(url).status_code == 200
    assert many.count == few.count


def test_a_stale_row_is_what_the_page_shows(app, world, client, login):
    """The at-risk list reads the rows, not the facts: a row says help waits, the page says
    so (proof that the facts are not scanned on the visit)."""
    with app.app_context():
        member = membership_id(MENTEE)
        db.session.execute(
            sa.insert(MenteeSummary).values(
                membership_id=member,
                program_id=world.program_id,
                help_asked_at=clock.utcnow() - timedelta(days=5),
                open_help=1,
            )
        )
        db.session.commit()
    login("coordinator")
    page = client.get(f"/programs/{world.program_id}/at-risk").get_data(as_text=True)
    assert "help request waiting" in page


def test_a_stale_state_is_what_the_people_page_shows(app, world, client, login):
    """The people list and its chips read the stored states and counters, not the facts: a
    row says the matched mentee left, a counter says so, and the page says so too."""
    with app.app_context():
        member = membership_id(MENTEE)
        db.session.execute(
            sa.update(MemberState).where(MemberState.membership_id == member).values(state="left")
        )
        db.session.execute(
            sa.insert(ProgramState).values(
                program_id=world.program_id, kind="mentee", state="left", total=7
            )
        )
        db.session.commit()
    login("coordinator")
    page = client.get(f"/programs/{world.program_id}/people?state=left").get_data(as_text=True)
    assert 'Left <span class="chip-count">7</span>' in page
    assert states_shown(page) == ["left"]


def _grow(world, count: int) -> None:
    """``count`` more pairs of the world's mentor, matched long ago and quiet since, each with
    a help request, a milestone waiting for review and a meeting logged by one side."""
    mentor = db.session.scalar(sa.select(User).where(User.email == MENTOR))
    for pair_id, member_id in add_mentees(world.program_id, MENTOR, count):
        db.session.execute(
            sa.update(Mentorship)
            .where(Mentorship.id == pair_id)
            .values(created_at=clock.utcnow() - timedelta(weeks=8))
        )
        db.session.commit()
        mentorship = db.session.get(Mentorship, pair_id)
        member = db.session.get(Membership, member_id)
        mentee = db.session.get(User, member.user_id)
        checkins.submit_checkin(
            member_id, mentee.week_zones, mood=2, progress_note="", blocker="", wants_help=True
        )
        goal, _ = goals.create_goal(
            mentorship,
            member,
            title="Read",
            measure="Books",
            target_date=date(2031, 6, 1),
            why="Fun",
        )
        milestone, _ = goals.add_milestone(goal, mentor.id, title="First", due_on=None)
        goals.submit_milestone(milestone, mentee.id, "Done")
        meetings.log_met(mentorship, mentor, clock.utcnow().date(), 30)


def test_the_coordinator_home_sends_eight_statements_whatever_the_program_size(
    app, world, client, login, query_counter
):
    """Quiet pairs, help requests, goals and check-ins: 1 more pair or 15 more, the same
    statements, at most eight; the figures come from the rows the actions kept up to date."""
    with app.app_context():
        _grow(world, 1)
    login("coordinator")
    with query_counter as small:
        page = client.get("/").get_data(as_text=True)
    assert "Mentee 0" in page  # named among the quiet pairs and those waiting for help
    with app.app_context():
        early = db.session.scalar(sa.select(User).where(User.email == "mentee0@bulk.example"))
        early.email, early.name = "early@bulk.example", "Early Mentee"  # the next ones take
        db.session.commit()  # the same addresses
        _grow(world, 15)
        assert summaries.check() == []
    with query_counter as large:
        page = client.get("/").get_data(as_text=True)
    assert "Mentee 14" in page
    assert large.count == small.count <= 8, large.statements


def _member(email: str) -> tuple[Membership, User]:
    member = db.session.get(Membership, membership_id(email))
    return member, db.session.get(User, member.user_id)


def _act_on_states(action: tuple, world) -> None:
    """One action that can move a member's onboarding or matching state, through its service
    (a new pair as publishing makes it: in ORM rows)."""
    program = db.session.get(Program, world.program_id)
    coordinator = db.session.scalar(sa.select(User).where(User.email == world.email("coordinator")))
    match action:
        case ("profile", who, complete):
            member, _ = _member(who)
            values = {"availability": "mon-lunch" if complete else "", "style": "direct"}
            onboarding.save_profile(member, values)
        case ("sign", who):
            member, person = _member(who)
            onboarding.sign_agreement(member, program, person.name)
        case ("agreement", words):
            program_service.update_program(program, {"agreement": f"Be kind, {words} times."})
        case ("module", "add"):
            values = {"title": "Listening", "question": "Ready?", "choices": "Yes\nNo"}
            training.add_module(program, values)
        case ("module", "delete"):
            if modules := training.modules_of(program.id):
                training.delete_module(modules[-1])
        case ("train",):
            member, _ = _member(MENTOR)
            done = sa.select(TrainingCompletion.module_id).where(
                TrainingCompletion.membership_id == member.id
            )
            module = db.session.scalar(
                sa.select(TrainingModule).where(
                    TrainingModule.program_id == program.id, TrainingModule.id.not_in(done)
                )
            )
            if module is not None:
                onboarding.complete_module(member, module)
        case ("leave", who):
            people.deactivate(_member(who)[0], coordinator.id)
        case ("return", who):
            people.reactivate(_member(who)[0])
        case ("end",):
            for pair in db.session.scalars(
                sa.select(Mentorship).where(
                    Mentorship.program_id == program.id,
                    Mentorship.status != MentorshipStatus.CLOSED,
                )
            ).all():
                pairing.end_mentorship(pair, coordinator, "Re-matched")
        case ("pair",):
            pair = Mentorship(program_id=program.id, status=MentorshipStatus.ACTIVE)
            pair.members = [
                MentorshipMember(membership_id=membership_id(email)) for email in (MENTEE, MENTOR)
            ]
            db.session.add(pair)
            db.session.commit()
        case ("join",):
            count = db.session.scalar(sa.select(sa.func.count()).select_from(User))
            person = User(name=f"Joiner {count}", email=f"joiner{count}@test.example")
            person.password_hash = "not-a-real-hash"
            db.session.add(person)
            db.session.flush()
            accounts.join_program(person, db.session.get(Invite, world.invite_id))
            db.session.commit()
        case ("rename", who):
            _, person = _member(who)
            accounts.save_profile(person, name=f"{person.name} B", time_zone=person.time_zone)
        case ("board", who, show):
            set_leaderboard(_member(who)[0], show)
        case ("capacity", places):
            onboarding.save_profile(_member(MENTOR)[0], {"capacity": places})
        case ("group", size):
            group = {"model": MentorshipModel.GROUP, "group_size": size}
            one_on_one = {"model": MentorshipModel.ONE_ON_ONE}
            program_service.update_program(program, group if size else one_on_one)
        case ("grow",):  # the newest participant joins the mentor's open mentorship
            newest = db.session.scalar(
                sa.select(Membership.id)
                .where(Membership.program_id == program.id, Membership.role == Role.MENTEE)
                .order_by(Membership.id.desc())
                .limit(1)
            )
            pair = db.session.scalar(
                sa.select(MentorshipMember.mentorship_id)
                .join(Mentorship, Mentorship.id == MentorshipMember.mentorship_id)
                .where(
                    MentorshipMember.membership_id == membership_id(MENTOR),
                    Mentorship.status != MentorshipStatus.CLOSED,
                )
            )
            present = sa.select(MentorshipMember).filter_by(
                mentorship_id=pair, membership_id=newest
            )
            if pair is not None and db.session.scalar(present) is None:
                db.session.add(MentorshipMember(mentorship_id=pair, membership_id=newest))
                db.session.commit()


STATE_ACTIONS = st.one_of(
    st.tuples(st.just("profile"), st.sampled_from([MENTEE, MENTOR]), st.booleans()),
    st.tuples(st.just("sign"), st.sampled_from([MENTEE, MENTOR])),
    st.tuples(st.just("agreement"), st.integers(1, 3)),
    st.tuples(st.just("module"), st.sampled_from(["add", "delete"])),
    st.just(("train",)),
    st.tuples(st.sampled_from(["leave", "return"]), st.sampled_from([MENTEE, MENTOR])),
    st.just(("end",)),
    st.just(("pair",)),
    st.just(("join",)),
    st.tuples(st.just("rename"), st.sampled_from([MENTEE, MENTOR])),
    st.tuples(st.just("board"), st.sampled_from([MENTEE, MENTOR]), st.booleans()),
    st.tuples(st.just("checkin"), st.integers(1, 5), st.booleans()),
    st.tuples(st.just("capacity"), st.integers(0, 3)),
    st.tuples(st.just("group"), st.sampled_from([0, 1, 2])),
    st.just(("grow",)),
)


def _recounted(program: Program) -> dict[tuple[Role, str], int]:
    """The counts as working out every member's state, signature and place on the leaderboard
    gives them (no stored row read)."""
    rows = (
        sa.select(Membership.role, membership_state(program).label("state"))
        .where(Membership.program_id == program.id, Membership.role.in_(PARTICIPANTS))
        .subquery()
    )
    found = db.session.execute(
        sa.select(rows.c.role, rows.c.state, sa.func.count()).group_by(rows.c.role, rows.c.state)
    )
    recounted = {(role.value, state): count for role, state, count in found}
    pairs = db.session.execute(
        sa.select(Mentorship.status, sa.func.count())
        .where(Mentorship.program_id == program.id)
        .group_by(Mentorship.status)
    )
    members = db.session.scalars(
        sa.select(Membership).where(
            Membership.program_id == program.id, Membership.role.in_(PARTICIPANTS)
        )
    ).all()
    signed = sum(
        member.left_at is None and member.agreed_version == program.agreement_version
        for member in members
    )
    on_board = sum(
        member.role is Role.MENTEE and member.leaderboard_opt_in and member.left_at is None
        for member in members
    )
    pairs_counted = {(PAIR, status.value): count for status, count in pairs}
    flags = {key: n for key, n in ((SIGNED, signed), (BOARD, on_board)) if n}
    return recounted | pairs_counted | flags


ONBOARDED_START = [
    ("end",),
    *(("profile", who, True) for who in (MENTEE, MENTOR)),
    *(("sign", who) for who in (MENTEE, MENTOR)),
]
"""Both people unmatched with their checklists done: one step from most other states."""


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(onboarded=st.booleans(), steps=st.lists(STATE_ACTIONS, min_size=1, max_size=10))
@example(  # a mentee leaves a group that goes on: a place of the mentor's frees up
    onboarded=True,
    steps=[("group", 2), ("capacity", 3), ("pair",), ("join",), ("grow",), ("leave", MENTEE)],
)
@example(  # on the board, then off it: its counter goes up and down again
    onboarded=False, steps=[("board", MENTEE, True), ("leave", MENTEE), ("board", MENTEE, False)]
)
def test_member_states_equal_the_facts_after_any_sequence_of_actions(app, world, onboarded, steps):
    """Profiles, signatures, a new agreement, training, leaving and coming back, pairs ended
    and made, newcomers (some joining the mentor's group), new names, leaderboard choices, a
    mentor's capacity and the program's model: the stored states, the program's counters
    (which the coordinator's home and the people page read) and the leaderboard's rows equal
    the recomputation, and the matching pool read from the stored places equals the one
    worked out from every member's facts."""
    with app.app_context():
        clock.set_now(NOW)
        for step in (ONBOARDED_START if onboarded else []) + steps:
            if step[0] == "checkin":
                _act(step, world, goal_id=0)
            else:
                _act_on_states(step, world)
            assert summaries.check() == [], step
            program = db.session.get(Program, world.program_id)
            counted = state_counts(program)
            counted = {key: n for key, n in counted.items() if key[1] != State.INVITED.value}
            assert counted == _recounted(program), step
            assert pool_seen(load_pool(program)) == pool_from_facts(program), step
            db.session.rollback()


def _board_row(email: str, program_id: int) -> tuple | None:
    return db.session.execute(
        sa.select(PlayerTotal.on_board, PlayerTotal.name, PlayerTotal.points).where(
            PlayerTotal.user_id == user_id(email), PlayerTotal.program_id == program_id
        )
    ).one_or_none()


def test_the_leaderboard_rows_follow_choices_names_and_leaving(app, world):
    """Each action that moves someone on or off the board, or renames them, writes their
    ``player_totals`` row in its own transaction: made with no points at the first choice."""
    with app.app_context():
        coordinator = db.session.scalar(
            sa.select(User).where(User.email == world.email("coordinator"))
        )
        program = world.program_id
        db.session.execute(sa.delete(PlayerTotal))
        db.session.commit()
        steps = [
            (("board", MENTEE, True), (True, "Mina Mentee", 0)),
            (("rename", MENTEE), (True, "Mina Mentee B", 0)),
            (("board", MENTEE, False), (False, None, 0)),
            (("board", MENTEE, True), (True, "Mina Mentee B", 0)),
            (("leave", MENTEE), (False, None, 0)),
            (("return", MENTEE), (True, "Mina Mentee B", 0)),
        ]
        for step, row in steps:
            _act_on_states(step, world)
            assert _board_row(MENTEE, program) == row, step
        _act_on_states(("board", MENTOR, True), world)
        assert _board_row(MENTOR, program) is None  # a mentor is never on the board
        assert coordinator is not None and summaries.check() == []


def test_a_new_agreement_moves_the_whole_program_at_once(app, world):
    """A program-wide change recomputes every member in one grouped pass: the onboarded
    mentee is joined again until they sign the new version."""
    with app.app_context():
        program = db.session.get(Program, world.program_id)
        _act_on_states(("pair",), world)  # the world's pair aside, so the mentee is not matched
        _act_on_states(("end",), world)
        _act_on_states(("profile", MENTEE, True), world)
        _act_on_states(("sign", MENTEE), world)
        member = membership_id(MENTEE)
        assert db.session.get(MemberState, member).state == State.ONBOARDED.value
        assert state_counts(program)[("mentee", State.ONBOARDED.value)] == 1
        _act_on_states(("agreement", 2), world)
        db.session.expire_all()
        assert db.session.get(MemberState, member).state == State.JOINED.value
        assert ("mentee", State.ONBOARDED.value) not in state_counts(program)
        assert summaries.check() == []


def test_states_moved_at_once_lose_nothing(app, world):
    """Mentees sign the agreement while the coordinator changes it and adds a training module:
    the program-wide recomputations and each signature's lock their rows in one order, and the
    counters end equal to the facts."""
    with app.app_context():
        members = [add_member(world.program_id, f"Signer {n}", profile=True) for n in range(4)]
        program_id = world.program_id
    start = threading.Barrier(6)
    errors: list[BaseException] = []

    def run(index: int) -> None:
        try:
            with app.app_context():
                program = db.session.get(Program, program_id)
                start.wait(timeout=30)
                if index < len(members):
                    member = db.session.get(Membership, members[index])
                    onboarding.sign_agreement(member, program, f"Signer {index}")
                elif index == len(members):
                    program_service.update_program(program, {"agreement": "Be on time."})
                else:
                    values = {"title": "Listening", "question": "Ready?", "choices": "Yes\nNo"}
                    training.add_module(program, values)
        except BaseException as error:  # noqa: BLE001 - every failure is the test's business
            errors.append(error)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    with app.app_context():
        assert summaries.check() == []


def test_the_list_instant_follows_the_calendar_and_the_pair_ending(app, world):
    """A pair's ``listed_from`` moves with its program's cadence, zone and breaks (no action of
    the pair's), and is gone once the pair ends: ``check`` finds nothing to repair."""
    with app.app_context():
        mentorship, _mentee, mentor, _member = _people(world)
        db.session.execute(  # matched long ago and never met: quiet from some week on
            sa.update(Mentorship)
            .where(Mentorship.id == mentorship.id)
            .values(created_at=clock.utcnow() - timedelta(weeks=6))
        )
        summaries.touch(pairs=[mentorship.id])
        db.session.commit()
        assert db.session.get(PairSummary, mentorship.id).listed_from is not None
        program = db.session.get(Program, world.program_id)
        program_service.update_program(
            program, {"cadence": Cadence.MONTHLY, "time_zone": "Asia/Tokyo"}
        )
        assert summaries.check() == []
        _toggle_break(world, 0)
        assert summaries.check() == []
        assert _listed(world) == _listed_unfiltered(world)
        pairing.end_mentorship(db.session.get(Mentorship, mentorship.id), mentor, "Moved away")
        db.session.expire_all()
        row = db.session.get(PairSummary, mentorship.id)
        assert (row.listed_from, row.resolved_at) == (None, None)
        assert mentorship.id not in _listed(world)[0]
        assert summaries.check() == []
