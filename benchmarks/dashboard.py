"""How long the outcomes dashboard of a big program takes to render on the server.

Why it exists: issue 10 asks that a coordinator's dashboard for 2,000 participants renders in
under 150 ms on SQLite, in a fixed number of queries. This script builds a program of a year
(52 weeks, four of them breaks) with 1,000 mentees and 1,000 mentors in 1,000 pairs (a few
closed, a few people gone), about 80% of mentee-weeks checked in, a held meeting in about 70%
of pair-weeks, two goals per mentee with four milestones each, every survey of the year
answered by three in four participants, through bulk inserts; then logs
the coordinator in and times ``GET /programs/<id>/outcomes`` through the test client (server
time: routing, queries and rendering), with its query count, and the report and a CSV too.

It is not a test and fails nothing: read the numbers.

Run: ``.venv/bin/python benchmarks/dashboard.py`` (a temporary SQLite file), or with
``--database postgresql+psycopg://postgres@127.0.0.1:55433/waypoint_test_bench`` (its name must
contain "test": the script drops and rebuilds its tables). ``--pairs N`` changes the size.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa  # noqa: E402 (the repository root goes on the path first)

from app import clock, create_app  # noqa: E402
from app.extensions import db  # noqa: E402
from app.models import (  # noqa: E402
    Again,
    BreakWeek,
    CheckIn,
    Goal,
    GoalsReached,
    GoalStatus,
    Meeting,
    MeetingMode,
    MeetingStatus,
    Membership,
    Mentorship,
    MentorshipMember,
    MentorshipStatus,
    Milestone,
    MilestoneStatus,
    Program,
    Role,
    Survey,
    SurveyAnswer,
    User,
)
from app.passwords import hash_password  # noqa: E402
from game import surveys  # noqa: E402
from game.calendar import Cadence, ProgramCalendar  # noqa: E402
from game.weeks import week_of  # noqa: E402

PASSWORD = "benchmark password"
START = date(2026, 9, 7)  # a Monday
WEEKS = 52
BREAKS = (8, 16, 17, 30)
NOW = datetime(2027, 8, 26, 12, tzinfo=UTC)  # the program's last week


def _ids(model, count: int) -> list[int]:
    return list(db.session.scalars(sa.select(model.id).order_by(model.id.desc()).limit(count)))[
        ::-1
    ]


def _bulk(model, rows: list[dict]) -> None:
    for i in range(0, len(rows), 5_000):
        db.session.execute(sa.insert(model), rows[i : i + 5_000])


def _setup(pairs: int) -> int:
    db.drop_all()
    db.create_all()
    rng = random.Random(10)
    program = Program(name="Benchmark", starts_on=START, ends_on=START + timedelta(weeks=WEEKS))
    coordinator = User(
        name="Coordinator",
        email="coordinator@school.example",
        password_hash=hash_password(PASSWORD),
    )
    db.session.add_all([program, coordinator])
    db.session.flush()
    db.session.add(Membership(user=coordinator, program=program, role=Role.COORDINATOR))
    db.session.add_all(
        BreakWeek(program=program, monday=START + timedelta(weeks=w), label="Break") for w in BREAKS
    )
    opened = datetime(2026, 9, 7, 8, tzinfo=UTC)
    _bulk(
        User,
        [
            {"name": f"P{i}", "email": f"p{i}@school.example", "password_hash": "x"}
            for i in range(2 * pairs)
        ],
    )
    users = _ids(User, 2 * pairs)
    _bulk(
        Membership,
        [
            {
                "user_id": user,
                "program_id": program.id,
                "role": Role.MENTEE if i < pairs else Role.MENTOR,
                "joined_at": opened,
                "left_at": opened + timedelta(weeks=20) if i % 97 == 0 else None,
            }
            for i, user in enumerate(users)
        ],
    )
    members = _ids(Membership, 2 * pairs)
    mentees, mentors = members[:pairs], members[pairs:]
    _bulk(
        Mentorship,
        [
            {
                "program_id": program.id,
                "status": MentorshipStatus.CLOSED if i % 40 == 0 else MentorshipStatus.ACTIVE,
                "created_at": opened + timedelta(weeks=i % 6),
            }
            for i in range(pairs)
        ],
    )
    mentorships = _ids(Mentorship, pairs)
    _bulk(
        MentorshipMember,
        [
            {"mentorship_id": m, "membership_id": person}
            for m, mentee, mentor in zip(mentorships, mentees, mentors, strict=True)
            for person in (mentee, mentor)
        ],
    )
    checkins, meetings = [], []
    for mentee, mentorship, mentor_user in zip(mentees, mentorships, users[pairs:], strict=True):
        for w in range(WEEKS):
            monday = START + timedelta(weeks=w)
            if rng.random() < 0.8:
                checkins.append(
                    {
                        "membership_id": mentee,
                        "week_key": str(week_of(monday)),
                        "mood": rng.randint(2, 5),
                        "progress_note": "private",
                        "zone": "UTC",
                    }
                )
            if rng.random() < 0.7:
                meetings.append(
                    {
                        "mentorship_id": mentorship,
                        "starts_at": datetime(monday.year, monday.month, monday.day, 15, tzinfo=UTC)
                        + timedelta(days=rng.randint(0, 4)),
                        "zone": "UTC",
                        "mode": MeetingMode.IN_PERSON,
                        "status": MeetingStatus.HELD,
                        "notes": "private",
                        "created_by_id": mentor_user,
                    }
                )
    _bulk(CheckIn, checkins)
    _bulk(Meeting, meetings)
    _bulk(
        Goal,
        [
            {
                "mentorship_id": mentorship,
                "membership_id": mentee,
                "title": f"Goal {g}",
                "measure": "measured",
                "target_date": START + timedelta(weeks=WEEKS),
                "status": GoalStatus.COMPLETED if g == 0 else GoalStatus.ACTIVE,
                "completed_at": opened + timedelta(weeks=rng.randint(10, 50)) if g == 0 else None,
            }
            for mentee, mentorship in zip(mentees, mentorships, strict=True)
            for g in range(2)
        ],
    )
    goals = _ids(Goal, 2 * pairs)
    _bulk(
        Milestone,
        [
            {
                "goal_id": goal,
                "title": f"Step {s}",
                "position": s,
                "status": MilestoneStatus.CONFIRMED if s < 3 else MilestoneStatus.OPEN,
                "confirmed_at": opened + timedelta(weeks=rng.randint(1, 50)) if s < 3 else None,
            }
            for goal in goals
            for s in range(4)
        ],
    )
    answers = _surveys(program, pairs, rng)
    db.session.commit()
    print(
        f"built: {2 * pairs:,} participants, {len(checkins):,} check-ins, "
        f"{len(meetings):,} meetings, {len(goals):,} goals, {4 * len(goals):,} milestones, "
        f"{answers:,} survey answers"
    )
    return program.id


def _surveys(program: Program, pairs: int, rng: random.Random) -> int:
    """Every survey of the year, each answered by about three in four participants, a fifth of
    them with a comment."""
    calendar = ProgramCalendar(
        program.starts_on,
        program.ends_on,
        Cadence.WEEKLY,
        frozenset(week_of(START + timedelta(weeks=w)) for w in BREAKS),
        "UTC",
    )
    slots = [slot for slot in surveys.schedule(calendar) if slot.opens_on <= NOW.date()]
    _bulk(
        Survey,
        [
            {
                "program_id": program.id,
                "kind": slot.kind,
                "number": slot.number,
                "opens_on": slot.opens_on,
                "closes_on": slot.closes_on,
            }
            for slot in slots
        ],
    )
    rows = [
        {
            "survey_id": survey,
            "role": Role.MENTEE if person < pairs else Role.MENTOR,
            **_scores(slot.kind, rng),
            "comment": f"comment {person}" if rng.random() < 0.2 else "",
        }
        for survey, slot in zip(_ids(Survey, len(slots)), slots, strict=True)
        for person in range(2 * pairs)
        if rng.random() < 0.75
    ]
    _bulk(SurveyAnswer, rows)
    return len(rows)


def _scores(kind: surveys.SurveyKind, rng: random.Random) -> dict:
    if kind is surveys.SurveyKind.END:
        return {
            "goals_reached": rng.choice(list(GoalsReached)),
            "again": rng.choice(list(Again)),
        }
    return {"relationship": rng.randint(2, 5), "usefulness": rng.randint(1, 5)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", help="SQLAlchemy URL (default: a temporary SQLite file)")
    parser.add_argument("--pairs", type=int, default=1_000)
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    url = args.database or f"sqlite:///{tempfile.mkdtemp()}/dashboard-benchmark.sqlite3"
    if not url.startswith("sqlite") and "test" not in (sa.engine.make_url(url).database or ""):
        sys.exit("--database must name a database containing 'test' (its tables are dropped)")
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "benchmark", "WTF_CSRF_ENABLED": False}
    )
    with app.app_context():
        start = time.perf_counter()
        program_id = _setup(args.pairs)
        print(f"{db.engine.dialect.name}: built in {time.perf_counter() - start:.1f} s")

    clock.set_now(NOW)
    client = app.test_client()
    client.post("/login", data={"email": "coordinator@school.example", "password": PASSWORD})
    queries: list[int] = []
    with app.app_context():
        sa.event.listen(db.engine, "before_cursor_execute", lambda *a: queries.append(1))
    base = f"/programs/{program_id}/outcomes"
    for url in (base, f"{base}/report", f"{base}/checkins.csv"):
        client.get(url)  # warm: templates compiled, statements cached
        times = []
        for _ in range(args.runs):
            queries.clear()
            began = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - began)
            assert response.status_code == 200, response.status_code
        print(
            f"{url:<34} median {1000 * statistics.median(times):6.1f} ms, "
            f"best {1000 * min(times):6.1f} ms, {len(queries)} queries"
        )


if __name__ == "__main__":
    main()
