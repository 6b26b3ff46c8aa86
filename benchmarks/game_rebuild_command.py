"""How long the real ``flask game rebuild`` takes on a district: its check, and ``--fix``.

Why it exists: issue 12 asks that the command (check and ``--fix``) runs in at most 10 s on
10,000 mentees with a year of events, measured against a real database, not only the pure
arithmetic that ``benchmarks/game_rebuild.py`` times.

The script builds, through bulk inserts, two programs of 52 weeks (London weekly, New York
every two weeks, four break weeks each) with 10,000 mentees and their mentors (one mentor for
two mentees, each pair its own mentorship): check-ins in the weeks each mentee showed up (some
pausing and coming back, a few repaired), held meetings confirmed by both sides, three goals of
four milestones each (submitted, some sent back and submitted again, confirmed; two goals
completed), kudos, pulse surveys answered, and acknowledgements within or after 72 hours. The
ledger, the badges and the totals those facts call for are then written in bulk from the app's
own replay, so the database starts consistent. A SQLite file is cached under /tmp (``--fresh``
builds it again); a ``--database`` PostgreSQL URL must name a database containing "test" (its
tables are dropped and built again unless it already holds this world).

Then it runs the real command through Flask's CLI runner, each in a fresh process with the
clock pinned to the program's last week: the check (which must say everything matches), then
``--fix`` after drift is introduced (ledger rows deleted, totals changed, badges deleted), then
the check again (which must find nothing). The three run ``--rounds`` times (3; each round
drifts other rows), since a run's time on a shared machine varies by 10-30 %. For each it
prints the median wall and cpu seconds (cpu: the child process only, the fairer figure on a
busy machine), the best round's cpu and every round's, SQL statements, the child's peak RSS
and the median's ratio to the 10 s target.

It is not a test and fails nothing but a wrong answer: read the numbers.

Run: ``.venv/bin/python benchmarks/game_rebuild_command.py`` (``--mentees N`` changes the size,
``--database postgresql+psycopg://postgres@127.0.0.1:55433/waypoint_test_x`` for PostgreSQL).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa  # noqa: E402 (the repository root goes on the path first)
from big_program import same_schema  # noqa: E402

import game  # noqa: E402
from app import clock, create_app  # noqa: E402
from app.extensions import db  # noqa: E402
from app.gamification import rebuild, replay  # noqa: E402
from app.models import (  # noqa: E402
    BadgeEarned,
    BreakWeek,
    Cadence,
    CheckIn,
    Goal,
    GoalStatus,
    Kudos,
    Meeting,
    MeetingConfirmation,
    MeetingMode,
    MeetingStatus,
    Membership,
    Mentorship,
    MentorshipMember,
    MentorshipStatus,
    Milestone,
    MilestoneAction,
    MilestoneEvent,
    MilestoneStatus,
    PlayerTotal,
    PointsAward,
    Program,
    Role,
    StreakRepair,
    Survey,
    SurveyResponse,
    User,
)
from game.surveys import SurveyKind  # noqa: E402
from game.weeks import local_date, week_of  # noqa: E402

TARGET_SECONDS = 10.0
START = date(2025, 9, 1)  # a Monday
WEEKS = 52
BREAKS = (8, 16, 17, 30)
NOW = datetime(2026, 8, 27, 12, tzinfo=UTC)  # Thursday of the programs' last week
PROGRAMS = (
    ("London", "Europe/London", Cadence.WEEKLY),
    ("New York", "America/New_York", Cadence.BIWEEKLY),
)
CHUNK = 5_000


def _utc(day: date, hour: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


class _Rows:
    """Rows per table, with ids given here (the database is new), inserted in chunks."""

    def __init__(self) -> None:
        self.tables: dict[type, list[dict]] = defaultdict(list)

    def add(self, model, **values) -> int:
        rows = self.tables[model]
        values.setdefault("id", len(rows) + 1)
        rows.append(values)
        return values["id"]

    def insert(self) -> dict[str, int]:
        for model in _ORDER:
            rows = self.tables.get(model, [])
            for i in range(0, len(rows), CHUNK):
                db.session.execute(sa.insert(model), rows[i : i + CHUNK])
        return {model.__tablename__: len(rows) for model, rows in self.tables.items()}


_ORDER = (
    Program,
    BreakWeek,
    User,
    Membership,
    Mentorship,
    MentorshipMember,
    StreakRepair,
    CheckIn,
    Meeting,
    MeetingConfirmation,
    Goal,
    Milestone,
    MilestoneEvent,
    Kudos,
    Survey,
    SurveyResponse,
)


def build(mentees: int, seed: int) -> dict[str, int]:
    """The facts of a year, in bulk (ids assigned here)."""
    rng = random.Random(seed)  # noqa: S311 (reproducible data, not secrets)
    rows = _Rows()
    programs = []
    for name, zone, cadence in PROGRAMS:
        pid = rows.add(
            Program,
            name=name,
            starts_on=START,
            ends_on=START + timedelta(weeks=WEEKS, days=-1),
            cadence=cadence,
            time_zone=zone,
        )
        for w in BREAKS:
            rows.add(BreakWeek, program_id=pid, monday=START + timedelta(weeks=w), label="Break")
        surveys = [
            rows.add(
                Survey,
                program_id=pid,
                kind=SurveyKind.PULSE,
                number=n,
                opens_on=START + timedelta(weeks=10 * n),
                closes_on=START + timedelta(weeks=10 * n, days=13),
            )
            for n in range(1, 5)
        ]
        programs.append((pid, zone, cadence, surveys))
    opened = _utc(START, 8)
    mentor = mentor_user = None
    for i in range(mentees):
        pid, zone, cadence, surveys = programs[0] if i % 5 < 3 else programs[1]
        if i % 2 == 0:  # one mentor for two mentees (in the same program)
            mentor_user = rows.add(
                User,
                name=f"Mentor {i}",
                email=f"mentor{i}@school.example",
                password_hash="x",  # noqa: S106 (nobody logs in)
                time_zone=zone,
                calendar_token=f"m{i}",
            )
            mentor = rows.add(
                Membership, user_id=mentor_user, program_id=pid, role=Role.MENTOR, joined_at=opened
            )
        own_zone = "Asia/Kolkata" if i % 50 == 7 else zone
        user = rows.add(
            User,
            name=f"Mentee {i}",
            email=f"mentee{i}@school.example",
            password_hash="x",  # noqa: S106 (nobody logs in)
            time_zone=own_zone,
            calendar_token=f"e{i}",
        )
        joined = opened + timedelta(weeks=rng.choice((0, 0, 0, 0, 1, 3)))
        member = rows.add(
            Membership, user_id=user, program_id=pid, role=Role.MENTEE, joined_at=joined
        )
        pair = rows.add(
            Mentorship, program_id=pid, status=MentorshipStatus.ACTIVE, created_at=joined
        )
        for person in (member, mentor):
            rows.add(MentorshipMember, mentorship_id=pair, membership_id=person)
        _year(rows, rng, pid, zone, own_zone, cadence, surveys, user, member, mentor_user, pair)
    counts = rows.insert()
    db.session.commit()
    return counts


def _year(rows, rng, pid, zone, own_zone, cadence, surveys, user, member, mentor_user, pair):
    showing_up = rng.betavariate(6, 1.6)
    paused = range(0)
    if rng.random() < 0.25:
        first = rng.randrange(WEEKS - 6)
        paused = range(first, first + rng.randint(3, 6))
    missed = []
    for w in range(WEEKS):
        monday = START + timedelta(weeks=w)
        if w in BREAKS:
            continue
        if w in paused or rng.random() > showing_up:
            missed.append(monday)
        elif _utc(monday, 0) < NOW:
            at = _utc(monday + timedelta(days=rng.randint(0, 4)), 16)
            answered = at + timedelta(hours=rng.choice((2, 20, 50, 90)))
            acknowledged = rng.random() < 0.6 and answered < NOW
            rows.add(
                CheckIn,
                membership_id=member,
                week_key=str(week_of(local_date(at, own_zone))),
                mood=rng.randint(1, 5),
                zone=own_zone,
                created_at=at,
                updated_at=at,
                acknowledged_at=answered if acknowledged else None,
                acknowledged_by_id=mentor_user if acknowledged else None,
            )
        if w % (1 if cadence is Cadence.WEEKLY else 2) == 0 and rng.random() < 0.6:
            starts = _utc(monday + timedelta(days=1), 15)
            if starts + timedelta(hours=3) < NOW:
                meeting = rows.add(
                    Meeting,
                    mentorship_id=pair,
                    starts_at=starts,
                    zone=zone,
                    mode=MeetingMode.IN_PERSON,
                    status=MeetingStatus.HELD,
                    created_by_id=mentor_user,
                    held_at=starts + timedelta(hours=1),
                )
                for hours, person in ((1, user), (2, mentor_user)):
                    at = starts + timedelta(hours=hours)
                    rows.add(MeetingConfirmation, meeting_id=meeting, user_id=person, at=at)
    if missed and rng.random() < 0.02:
        week = week_of(rng.choice(missed[:-1] or missed))
        rows.add(
            StreakRepair,
            membership_id=member,
            week_key=str(week),
            mentor_id=mentor_user,
            reason="Away on a school trip",
        )
    cursor = _utc(START + timedelta(days=rng.randint(3, 20)), 10)
    for g in range(3):
        done = g < 2
        goal = rows.add(
            Goal,
            mentorship_id=pair,
            membership_id=member,
            title=f"Goal {g}",
            measure="measured",
            target_date=START + timedelta(weeks=WEEKS),
            status=GoalStatus.COMPLETED if done else GoalStatus.ACTIVE,
            created_at=cursor,
        )
        for s in range(4):
            confirmed = done or s < 2
            milestone = rows.add(
                Milestone,
                goal_id=goal,
                title=f"Step {s}",
                position=s,
                created_at=cursor,
                status=MilestoneStatus.CONFIRMED if confirmed else MilestoneStatus.OPEN,
            )
            if not confirmed:
                continue
            cursor += timedelta(days=rng.randint(5, 20))
            events = [(MilestoneAction.SUBMITTED, user, 0)]
            if rng.random() < 0.08:
                events += [
                    (MilestoneAction.SENT_BACK, mentor_user, 30),
                    (MilestoneAction.SUBMITTED, user, 50),
                ]
            events.append((MilestoneAction.CONFIRMED, mentor_user, rng.choice((60, 100, 200))))
            for action, actor, hours in events:
                at = cursor + timedelta(hours=hours)
                rows.add(
                    MilestoneEvent, milestone_id=milestone, actor_id=actor, action=action, at=at
                )
            cursor += timedelta(hours=200)
        if done:
            rows.tables[Goal][-1]["completed_at"] = cursor
    for n in range(rng.choice((0, 0, 0, 1, 2))):
        rows.add(
            Kudos,
            key=f"kudos:{pair}:{n}",
            mentorship_id=pair,
            mentor_id=mentor_user,
            mentee_id=user,
            month=f"2026-0{n + 1}",
            note="Well done",
        )
    for survey in surveys:
        if rng.random() < 0.7:
            rows.add(SurveyResponse, survey_id=survey, user_id=user)


def write_game_rows() -> dict[str, int]:
    """The ledger rows, badges and totals the facts call for, from the app's own replay."""
    expected = replay.replay(replay.read())
    awards, sums = [], defaultdict(int)
    for key, row in expected.rows.items():
        awards.append(rebuild.row_values(key, row))
        sums[row[0], row[2]] += row[1]
    badges = {}  # a person earns a tier once, whichever group earned it first
    for program, groups in expected.groups.items():
        for users, subject, metrics in groups:
            rules = [rule for rule in game.BADGES if rule.metric in metrics]
            for user in sorted(users):
                for award in game.evaluate(rules, metrics, ()):
                    badges.setdefault(
                        (user, program, award.badge_id, award.tier),
                        {
                            "user_id": user,
                            "program_id": program,
                            "badge_id": award.badge_id,
                            "tier": award.tier,
                            "rule_version": award.rule_version,
                            "subject": subject,
                        },
                    )
    badges = list(badges.values())
    totals = [{"user_id": u, "program_id": p, "points": n} for (u, p), n in sums.items()]
    for model, rows in ((PointsAward, awards), (BadgeEarned, badges), (PlayerTotal, totals)):
        for i in range(0, len(rows), CHUNK):
            db.session.execute(sa.insert(model), rows[i : i + CHUNK])
    db.session.commit()
    return {"awards": len(awards), "badge_awards": len(badges), "player_totals": len(totals)}


def _reset_sequences() -> None:
    """Ids were given by the script: PostgreSQL's sequences must start after them."""
    if db.engine.dialect.name != "postgresql":
        return
    for table in db.metadata.sorted_tables:
        if "id" in table.c and isinstance(table.c.id.type, sa.Integer):
            db.session.execute(
                sa.text(
                    f"SELECT setval("  # noqa: S608 (table names from the models)
                    f"pg_get_serial_sequence('{table.name}', 'id'), "
                    f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"
                )
            )
    db.session.commit()


def drift(rng: random.Random, rows: int) -> None:
    """Lose ``rows`` ledger rows (check-ins, meetings, goals: never a reversal's target), change
    as many totals and lose as many badges."""
    keys = db.session.scalars(
        sa.select(PointsAward.key).where(PointsAward.reason.in_(["checkin", "meeting", "goal"]))
    ).all()
    lost = rng.sample(keys, rows)
    for i in range(0, len(lost), 500):
        db.session.execute(sa.delete(PointsAward).where(PointsAward.key.in_(lost[i : i + 500])))
    users = db.session.scalars(sa.select(PlayerTotal.user_id).order_by(PlayerTotal.user_id)).all()
    for user in rng.sample(users, rows):
        db.session.execute(
            sa.update(PlayerTotal)
            .where(PlayerTotal.user_id == user)
            .values(points=PlayerTotal.points + 7)
        )
    badges = db.session.scalars(sa.select(BadgeEarned.id)).all()
    gone = rng.sample(badges, rows)
    for i in range(0, len(gone), 500):
        db.session.execute(sa.delete(BadgeEarned).where(BadgeEarned.id.in_(gone[i : i + 500])))
    db.session.commit()


def measure(url: str, fix: bool) -> None:
    """In this (fresh) process: the real command through the CLI runner; one JSON line out."""
    app = _app(url)
    clock.set_now(NOW)
    statements = [0]
    with app.app_context():
        sa.event.listen(
            db.engine,
            "before_cursor_execute",
            lambda *a: statements.__setitem__(0, statements[0] + 1),
        )
    runner = app.test_cli_runner()
    wall, cpu = time.perf_counter(), time.process_time()
    result = runner.invoke(args=["game", "rebuild", *(["--fix"] if fix else [])])
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    lines = result.output.strip().splitlines()
    print(
        json.dumps(
            {
                "wall": wall,
                "cpu": cpu,
                "statements": statements[0],
                "rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                "exit": result.exit_code,
                "lines": len(lines),
                "last": lines[-1] if lines else "",
                "error": repr(result.exception)
                if result.exception and result.exit_code != 1
                else None,
            }
        )
    )


def _app(url: str):
    return create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "benchmark"})


def _child(url: str, fix: bool) -> dict:
    out = subprocess.run(  # noqa: S603 (this script, this interpreter)
        [sys.executable, __file__, "--database", url, "--measure", "fix" if fix else "check"],
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode:
        sys.exit(out.stderr)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _ready(mentees: int) -> bool:
    """Whether the database holds the world of ``mentees`` mentees, in the models' schema."""
    try:
        return (
            same_schema(db.session.connection())
            and db.session.scalar(
                sa.select(sa.func.count())
                .select_from(Membership)
                .where(Membership.role == Role.MENTEE)
            )
            == mentees
            and db.session.scalar(sa.select(sa.func.count()).select_from(PlayerTotal)) > 0
        )
    except sa.exc.DBAPIError:
        db.session.rollback()
        return False


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", help="SQLAlchemy URL (default: a cached SQLite file)")
    parser.add_argument("--mentees", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--drift", type=int, default=200, help="rows lost, totals and badges")
    parser.add_argument("--fresh", action="store_true", help="build the data again")
    parser.add_argument("--rounds", type=int, default=3, help="each run this many times")
    parser.add_argument("--measure", choices=("check", "fix"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    url = (
        args.database or f"sqlite:////tmp/waypoint-game-rebuild-{args.mentees}-{args.seed}.sqlite3"
    )
    if args.measure:
        measure(url, args.measure == "fix")
        return
    if not url.startswith("sqlite") and "test" not in (sa.engine.make_url(url).database or ""):
        sys.exit("--database must name a database containing 'test' (its tables are dropped)")
    app = _app(url)
    clock.set_now(NOW)
    with app.app_context():
        ready = not args.fresh and _ready(args.mentees)
        db.session.rollback()  # its read locks would block dropping the tables
        if not ready:
            start = time.perf_counter()
            db.drop_all()
            db.create_all()
            facts = build(args.mentees, args.seed)
            built = time.perf_counter() - start
            game_rows = write_game_rows()
            _reset_sequences()
            ledger = time.perf_counter() - start - built
            print(f"built in {built:.0f} s, ledger written in {ledger:.0f} s")
        else:
            facts = {
                m.__tablename__: db.session.scalar(sa.select(sa.func.count()).select_from(m))
                for m in _ORDER
            }
            game_rows = {
                m.__tablename__: db.session.scalar(sa.select(sa.func.count()).select_from(m))
                for m in (PointsAward, BadgeEarned, PlayerTotal)
            }
            _reset_sequences()  # in case an earlier run stopped before it
            print("reusing the data already built")
        dialect = db.engine.dialect.name
    print(f"{dialect}, {args.mentees:,} mentees; load average {os.getloadavg()}")
    print("rows: " + ", ".join(f"{name} {n:,}" for name, n in {**facts, **game_rows}.items()))
    print()
    print(
        f"{'run':24} {'wall s':>7} {'cpu s':>7} {'best cpu':>8} {'statements':>10} "
        f"{'peak RSS MiB':>12} {'cpu/10s':>7}  cpu s of each round; output"
    )
    runs = [("check (consistent)", False, None)]
    runs += [
        (f"--fix ({args.drift} x 3 drifted)", True, args.drift),
        ("check after --fix", False, None),
    ]
    measured: dict[str, list[dict]] = defaultdict(list)
    for round_ in range(args.rounds):
        for name, fix, lose in runs:
            if lose:
                with app.app_context():
                    drift(random.Random(args.seed + round_), lose)
            m = _child(url, fix)
            if m["error"]:
                sys.exit(m["error"])
            measured[name].append(m)
    for name, _, _ in runs:
        ms = measured[name]
        wall, cpu = (statistics.median(m[k] for m in ms) for k in ("wall", "cpu"))
        last, rounds = ms[-1], " ".join(f"{m['cpu']:.2f}" for m in ms)
        print(
            f"{name:24} {wall:7.2f} {cpu:7.2f} {min(m['cpu'] for m in ms):8.2f} "
            f"{last['statements']:10,} {max(m['rss_mib'] for m in ms):12.0f} "
            f"{cpu / TARGET_SECONDS:7.2f}  {rounds}; "
            f"exit {last['exit']}, {last['lines']} line(s), last: {last['last']}"
        )
    print()
    print(
        f"wall and cpu s: the median of {args.rounds} rounds (the machine's noise is 10-30 %); "
        "best cpu: the fastest round; peak RSS: the child process that ran the command "
        "(ru_maxrss), interpreter included."
    )


if __name__ == "__main__":
    main()
