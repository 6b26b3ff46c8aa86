"""``flask game rebuild``: every difference between the caches and their sources is reported,
and ``--fix`` repairs the caches without editing the ledger."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from game_support import (
    MENTEE,
    MENTOR,
    NOW,
    W07,
    W08,
    W10,
    W11,
    W12,
    add_mentee,
    check_in,
    goal_of,
    ledger,
    membership_id,
    pinned_fixture,  # noqa: F401
    total,
    totals_match_ledger,
    user_id,
)
from goals_support import add_goal, milestone_ids
from meetings_support import add_meeting

from app.extensions import db
from app.gamification import rebuild, replay, sources
from app.models import (
    BadgeEarned,
    CheckIn,
    Goal,
    MeetingConfirmation,
    MeetingStatus,
    Membership,
    Mentorship,
    MentorshipMember,
    MentorshipStatus,
    MilestoneAction,
    MilestoneEvent,
    MilestoneStatus,
    PlayerTotal,
    PointsAward,
    Program,
    Role,
    Survey,
    User,
)
from game.weeks import weeks_between

WAITING, HELD = MilestoneStatus.WAITING, MeetingStatus.HELD


@pytest.fixture(autouse=True)
def _clock(pinned):
    return pinned


@pytest.fixture
def four_weeks(world, new_client, pinned) -> None:
    """Four check-ins in a row: 40 + 20 points, First Step and Consistent (bronze)."""
    mentee = new_client("mentee")
    for week in (W07, W08, W10, W11):
        pinned(week)
        check_in(mentee)


def run_rebuild(runner, *args: str):
    return runner.invoke(args=["game", "rebuild", *args])


def test_a_consistent_database_reports_nothing(app, runner, four_weeks):
    result = run_rebuild(runner)
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "Everything matches: awards, badges and totals."


def test_a_tampered_total_is_reported_and_fixed(app, world, runner, four_weeks):
    with app.app_context():
        mentee = user_id(MENTEE)
        db.session.execute(sa.update(PlayerTotal).values(points=999))
        db.session.commit()
    result = run_rebuild(runner)
    assert result.exit_code == 1
    assert (
        f"total: user {mentee} in program {world.program_id}: cached total 999, "
        "the ledger sums to 60"
    ) in result.output
    fixed = run_rebuild(runner, "--fix")
    assert fixed.exit_code == 0 and "1 difference(s) found, 1 repaired." in fixed.output
    with app.app_context():
        assert total(MENTEE) == 60 and totals_match_ledger()
    assert run_rebuild(runner).exit_code == 0


def test_points_recorded_while_a_check_runs_are_not_a_difference(
    app, world, runner, four_weeks, monkeypatch
):
    """Another connection records points (a ledger row and its total, committed) after the
    check has read the ledger and before it reads the totals: the check reads one moment, so
    it sees both or neither, and reports nothing."""
    badges = rebuild._badges

    def recorded_meanwhile(expected, fix):
        with db.engine.connect() as other:
            other.execute(
                sa.insert(PointsAward).values(
                    key="survey:meanwhile",
                    user_id=user_id(MENTEE),
                    program_id=world.program_id,
                    amount=5,
                    reason="survey",
                )
            )
            other.execute(
                sa.update(PlayerTotal)
                .where(PlayerTotal.user_id == user_id(MENTEE))
                .values(points=PlayerTotal.points + 5)
            )
            other.commit()
        return badges(expected, fix)

    monkeypatch.setattr(rebuild, "_badges", recorded_meanwhile)
    with app.app_context():
        assert rebuild.check() == []
        db.session.rollback()
        assert total(MENTEE) == 65 and totals_match_ledger()


def test_missing_badges_and_awards_are_reported_and_appended(app, world, runner, four_weeks):
    with app.app_context():
        mentee = user_id(MENTEE)
        db.session.execute(sa.delete(BadgeEarned).where(BadgeEarned.badge_id == "consistent"))
        # A check-in written before the game existed: in the source, not in the ledger.
        db.session.add(
            CheckIn(
                membership_id=membership_id(MENTEE),
                week_key="2026-W12",
                mood=3,
                zone="Europe/London",
            )
        )
        db.session.commit()
        before = ledger(MENTEE)
    result = run_rebuild(runner)
    assert result.exit_code == 1
    assert (
        f"badge: user {mentee} in program {world.program_id} earned consistent tier 1 (user)"
        in result.output
    )
    assert f"award: missing ledger row checkin:{mentee}:2026-W12" in result.output
    run_rebuild(runner, "--fix")
    with app.app_context():
        after = ledger(MENTEE)
        assert {k: v for k, v in after.items() if k in before} == before  # nothing edited
        assert after[f"checkin:{mentee}:2026-W12"] == 10
        assert total(MENTEE) == 70 and totals_match_ledger()
    assert run_rebuild(runner).exit_code == 0


def test_a_badge_no_longer_earned_is_reported_but_kept(app, world, runner, four_weeks):
    with app.app_context():
        mentee = user_id(MENTEE)
        db.session.add(
            BadgeEarned(
                user_id=mentee,
                program_id=world.program_id,
                badge_id="goal_getter",
                tier=1,
                rule_version=1,
                subject="user",
            )
        )
        db.session.commit()
    result = run_rebuild(runner, "--fix")
    assert "holds goal_getter tier 1, no longer earned (kept) (reported only)" in result.output
    with app.app_context():
        assert (
            db.session.scalar(
                sa.select(sa.func.count()).where(BadgeEarned.badge_id == "goal_getter")
            )
            == 1
        )


# --- replaying every rule -------------------------------------------------------------------


@pytest.fixture
def everything(app, world, new_client, pinned) -> dict[str, int]:
    """A check-in history with a comeback, a held meeting, a milestone confirmed, sent back and
    confirmed again, a completed goal and a survey answered, all recorded live; returns the
    mentee's ledger."""
    mentee, mentor = new_client("mentee"), new_client("own_mentor")
    pinned(W07)
    check_in(mentee)
    pinned(W11)  # week 8 kept by the token, week 9 a break, week 10 missed: a comeback
    check_in(mentee)
    with app.app_context():
        meeting = add_meeting(world.mentorship_id, NOW - timedelta(hours=2))
        first, second = milestone_ids(add_goal(world.mentorship_id, milestones=(WAITING,) * 2))
    for person in (mentee, mentor):
        person.htmx("POST", f"/meetings/{meeting}/confirm")
    mentor.submit(f"/milestones/{first}/confirm")
    mentor.submit(f"/milestones/{first}/send-back", {f"milestone-{first}-note": "Show it"})
    mentee.submit(f"/milestones/{first}/submit")
    mentor.submit(f"/milestones/{first}/confirm")
    mentor.submit(f"/milestones/{second}/confirm")
    pinned(W12)  # the first pulse survey: the mentee is paid, the mentor is not
    for person in (mentee, mentor):
        answers = {"relationship": "4", "usefulness": "4"}
        assert person.submit(f"/programs/{world.program_id}/survey", answers).status_code == 303
    pinned(W11)
    with app.app_context():
        rows = ledger(MENTEE)
        mentee_id = user_id(MENTEE)
        survey = db.session.scalar(sa.select(Survey.id))
        assert not any(key.startswith("survey:") for key in ledger(MENTOR))
        assert {
            f"survey:{survey}:{mentee_id}",
            f"comeback:{mentee_id}:2026-W11",
            f"meeting:{meeting}:{mentee_id}",
            f"milestone:{first}:confirmed:reversed:1",
            f"milestone:{first}:confirmed:2",
            f"milestone:{second}:confirmed",
            f"goal:{goal_of(first)}:completed",
        } <= rows.keys()
    return rows


def test_rebuild_finds_and_appends_every_kind_of_missing_award(app, world, runner, everything):
    """Rows lost (or never written) for comebacks, meetings, milestone rounds and goals are
    found by replaying the facts, and --fix appends them and repairs the totals."""
    lost = [key for key in everything if not key.startswith(("checkin:", "streak:"))]
    lost.remove(next(k for k in lost if k.endswith(":confirmed") and everything[k] == 30))
    with app.app_context():
        mentee = user_id(MENTEE)
        db.session.execute(sa.delete(PointsAward).where(PointsAward.key.in_(lost)))
        db.session.execute(
            sa.update(PlayerTotal)
            .where(PlayerTotal.user_id == mentee)
            .values(points=sum(v for k, v in everything.items() if k not in lost))
        )
        db.session.commit()
    result = run_rebuild(runner)
    assert result.exit_code == 1
    for key in lost:
        assert f"award: missing ledger row {key}\n" in result.output
    assert f"{len(lost)} difference(s) found" in result.output
    fixed = run_rebuild(runner, "--fix")
    assert fixed.exit_code == 0 and f"{len(lost)} repaired" in fixed.output
    with app.app_context():
        assert ledger(MENTEE) == everything
        assert total(MENTEE) == sum(everything.values()) and totals_match_ledger()
    assert run_rebuild(runner).exit_code == 0


def test_a_row_under_the_right_key_with_the_wrong_amount_is_reported(app, runner, everything):
    with app.app_context():
        mentee = user_id(MENTEE)
        db.session.execute(
            sa.update(PointsAward)
            .where(PointsAward.key == f"comeback:{mentee}:2026-W11")
            .values(amount=99)
        )
        db.session.commit()
    result = run_rebuild(runner)
    assert (
        f"award: ledger row comeback:{mentee}:2026-W11 pays user {mentee} 99, the rules say "
        f"user {mentee} 10 (reported only)"
    ) in result.output


def test_rebuild_reads_in_as_many_queries_for_1_or_20_mentees(
    app, world, query_counter, everything
):
    def count() -> int:
        with app.app_context(), query_counter as counter:
            rebuild.check()
            db.session.rollback()
        return counter.count

    one = count()
    with app.app_context():
        for n in range(20):
            membership = add_mentee(world.mentorship_id, f"Pat {n}", f"pat{n}@test.example")
            db.session.add_all(
                CheckIn(membership_id=membership, week_key=str(week), mood=3, zone="UTC")
                for week in (W10, W11)
            )
            goal = add_goal(world.mentorship_id, f"pat{n}@test.example", milestones=(WAITING,))
            meeting = add_meeting(world.mentorship_id, NOW - timedelta(days=1), HELD)
            db.session.add(
                MeetingConfirmation(meeting_id=meeting, user_id=user_id(f"pat{n}@test.example"))
            )
            db.session.get(Goal, goal).completed_at = NOW
        db.session.commit()
    assert count() == one


def test_fix_takes_the_lock_before_it_reads(app, world, query_counter, everything):
    """Its first statement locks every total (a write on SQLite, FOR UPDATE on PostgreSQL), so
    no recording can commit between the sums and the repair."""
    with app.app_context(), query_counter as counter:
        rebuild.check(fix=True)
        db.session.commit()
    first = next(
        s for s in counter.statements if not s.lstrip().upper().startswith(("BEGIN", "SAVEPOINT"))
    )
    assert first.lstrip().upper().startswith("UPDATE PLAYER_TOTALS") or (
        "FROM player_totals" in first and "FOR UPDATE" in first
    ), first


# --- late joiners and late matches ----------------------------------------------------------


def test_a_late_joiner_keeps_the_starting_token(app, world, new_client, pinned):
    """Joined in week 10: weeks 7 and 8 were not theirs to miss, so the token is still held."""
    with app.app_context():
        db.session.get(Membership, membership_id(MENTEE)).joined_at = NOW - timedelta(days=9)
        db.session.commit()
    mentee = new_client("mentee")
    pinned(W10)
    check_in(mentee)
    pinned(W11)
    page = mentee.get("/").get_data(as_text=True)
    assert "1-week streak. Check in this week to grow it; a freeze token has your back" in page


def test_a_late_joiners_rebuild_does_not_count_weeks_before_they_joined(
    app, world, runner, new_client, pinned
):
    with app.app_context():
        db.session.get(Membership, membership_id(MENTEE)).joined_at = NOW - timedelta(days=9)
        db.session.commit()
    mentee = new_client("mentee")
    for week in (W10, W11):
        pinned(week)
        check_in(mentee)
    assert run_rebuild(runner).exit_code == 0


def test_a_pair_matched_late_can_still_earn_full_term(app, world, new_client, pinned):
    """A short program (weeks 7–12, week 9 a break): matched in week 10 and met every week
    since, the pair earns Full Term with the last week's meeting."""
    with app.app_context():
        program = db.session.get(Program, world.program_id)
        program.ends_on = W12.monday() + timedelta(days=6)
        db.session.get(Mentorship, world.mentorship_id).created_at = NOW - timedelta(days=9)
        for week in (W10, W11):
            add_meeting(world.mentorship_id, NOW + timedelta(weeks=weeks_between(W11, week)), HELD)
        db.session.commit()
    pinned(W12)
    with app.app_context():
        last = add_meeting(world.mentorship_id, NOW + timedelta(weeks=1, hours=-2))
    for person in ("mentee", "own_mentor"):
        new_client(person).htmx("POST", f"/meetings/{last}/confirm")
    with app.app_context():
        holders = set(
            db.session.scalars(
                sa.select(BadgeEarned.user_id).where(BadgeEarned.badge_id == "full_term")
            )
        )
        assert holders == {user_id(MENTEE), user_id(MENTOR)}


def test_while_fix_runs_nobody_else_can_take_a_players_lock(app, world, everything):
    """Even with nothing to repair, --fix holds every player's lock until it commits, so a
    recording made meanwhile waits for it instead of being overwritten by stale sums."""
    with app.app_context():
        assert rebuild.check(fix=True) == []
        with db.engine.connect() as other:
            if other.dialect.name == "postgresql":
                other.exec_driver_sql("SET lock_timeout = '200ms'")
                attempt = sa.select(PlayerTotal.user_id).with_for_update()
            else:
                other.exec_driver_sql("PRAGMA busy_timeout = 0")
                attempt = sa.update(PlayerTotal).values(points=PlayerTotal.points)
            with pytest.raises(sa.exc.OperationalError):
                other.execute(attempt)
            other.rollback()
        db.session.rollback()


# --- a fixed number of statements for any number of people ----------------------------------


def _add_pairs(program_id: int, start: int, count: int) -> None:
    """``count`` pairs whose facts were written without the game: two check-ins the mentor
    answered (one within 72 hours, one late), a held meeting both confirmed and a goal whose
    one milestone was submitted and confirmed a day later. None of it is in the ledger."""
    for n in range(start, start + count):
        mentor = User(name=f"Mentor {n}", email=f"m{n}@pairs.example", password_hash="x")
        mentee = User(name=f"Mentee {n}", email=f"e{n}@pairs.example", password_hash="x")
        joined = NOW - timedelta(weeks=5)
        members = [
            Membership(user=user, program_id=program_id, role=role, joined_at=joined)
            for user, role in ((mentor, Role.MENTOR), (mentee, Role.MENTEE))
        ]
        pair = Mentorship(
            program_id=program_id,
            status=MentorshipStatus.ACTIVE,
            created_at=joined,
            members=[MentorshipMember(membership=m) for m in members],
        )
        db.session.add_all([mentor, mentee, *members, pair])
        db.session.flush()
        for week, late in ((W10, False), (W11, True)):
            asked = NOW - timedelta(weeks=weeks_between(week, W11), days=1)
            db.session.add(
                CheckIn(
                    membership_id=members[1].id,
                    week_key=str(week),
                    mood=3,
                    zone="UTC",
                    updated_at=asked,
                    acknowledged_at=asked + timedelta(hours=80 if late else 5),
                    acknowledged_by_id=mentor.id,
                )
            )
        meeting = add_meeting(pair.id, NOW - timedelta(days=1), HELD)
        db.session.add_all(
            MeetingConfirmation(meeting_id=meeting, user_id=user.id) for user in (mentor, mentee)
        )
        goal = add_goal(pair.id, f"e{n}@pairs.example", milestones=(WAITING,))
        db.session.get(Goal, goal).completed_at = NOW
        (milestone,) = milestone_ids(goal)
        submitted = NOW - timedelta(days=2)
        db.session.add_all(
            [
                MilestoneEvent(
                    milestone_id=milestone,
                    actor_id=mentee.id,
                    action=MilestoneAction.SUBMITTED,
                    at=submitted,
                ),
                MilestoneEvent(
                    milestone_id=milestone,
                    actor_id=mentor.id,
                    action=MilestoneAction.CONFIRMED,
                    at=submitted + timedelta(days=1),
                ),
            ]
        )
    db.session.commit()


def test_check_and_fix_cost_the_same_statements_for_3_or_30_people(
    app, world, runner, query_counter, everything
):
    """Every mentor's and mentee's facts are read in grouped queries and --fix writes in bulk:
    the statements do not grow with the people (here up to one bulk INSERT's rows)."""

    def count(fix: bool) -> int:
        with app.app_context(), query_counter as counter:
            rebuild.check(fix=fix)
            db.session.rollback()
        return counter.count

    with app.app_context():
        _add_pairs(world.program_id, 0, 1)
    few = count(False), count(True)
    with app.app_context():
        _add_pairs(world.program_id, 1, 14)
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Membership)) >= 30
    assert (count(False), count(True)) == few
    result = run_rebuild(runner, "--fix")
    assert result.exit_code == 0 and "missing ledger row" in result.output
    assert "earned responsive_mentor" not in result.output  # 2 answers in time, not 10
    assert run_rebuild(runner).exit_code == 0


def test_timely_answers_are_counted_for_every_mentor_as_for_one(app, world, everything):
    """The rebuild's grouped count of answers within 72 hours equals the live recording's
    per-mentor count (a direct confirmation answers nothing, a late answer does not count)."""
    with app.app_context():
        _add_pairs(world.program_id, 0, 3)
        facts = replay.read()
        mentors = db.session.execute(
            sa.select(Membership.user_id, Membership.program_id).where(
                Membership.role == Role.MENTOR
            )
        ).all()
        counted = {
            (user, program): sources.timely_responses(user, program) for user, program in mentors
        }
        assert {key: facts.timely[key] for key in counted} == counted
        # each new mentor: one answer in time of each kind; the world's other mentor: none
        assert sorted(counted.values()) == [0, 2, 2, 2, 2]
