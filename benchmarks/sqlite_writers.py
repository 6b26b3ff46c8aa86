"""Concurrent writers on SQLite: ordinary actions through gunicorn threads, counting failures.

Why it exists: with threaded workers on SQLite, a transaction that read first and wrote later
could fail with "database is locked" when another writer committed in between. Since the
transaction recipe in ``app.database`` (deferred reads, BEGIN IMMEDIATE at the first write),
every action waits its turn for the write lock instead. This script shows it end to end.

What it does:

1. Builds a fresh SQLite database in a temporary folder from the migrations and seeds one
   program with ``--pairs`` mentor-mentee pairs (default 80). Each pair has one milestone
   waiting for the mentor and one meeting that ended an hour ago.
2. Starts gunicorn (``--workers`` processes × ``--threads`` threads, gthread) on a free
   loopback port, on that database.
3. Logs every person in over HTTP (cookies and CSRF token as a browser keeps them).
4. Fires the mixed actions all at once from ``--clients`` client threads, in a shuffled
   order, as htmx sends them: per pair the mentee's weekly check-in, the mentor's milestone
   confirmation, the mentor's kudos, and "we met" from both (5 per pair: 400 by default).
5. Prints how many actions answered 200, how many did not (with their status codes), how
   many "database is locked" lines gunicorn logged, throughput and latency percentiles, and
   checks in the database that every action left its row and every mentee their points.

It is not a test (pytest only collects ``tests/``). Run it from the repository root:
``.venv/bin/python benchmarks/sqlite_writers.py`` (``--pairs 20`` for a quick look).
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402
from flask_migrate import upgrade  # noqa: E402

from app import clock, create_app  # noqa: E402
from app.extensions import db  # noqa: E402
from app.models import (  # noqa: E402
    CheckIn,
    Goal,
    Kudos,
    Meeting,
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
    PointsAward,
    Program,
    Role,
    User,
)
from app.passwords import hash_password  # noqa: E402

PASSWORD = "benchmark-password-2026"
CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


def seed(database_url: str, pairs: int) -> list[dict]:
    """The program, its people and what they will act on; returns one dict per pair."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url})
    with app.app_context():
        upgrade()
        today = clock.utcnow().date()
        program = Program(
            name="Writers Academy",
            starts_on=today - timedelta(weeks=4),
            ends_on=today + timedelta(weeks=20),
            time_zone="UTC",
        )
        password_hash = hash_password(PASSWORD)
        ended = clock.utcnow() - timedelta(hours=2)
        made = []
        for n in range(pairs):
            mentor = User(name=f"Mentor {n}", email=f"mentor{n}@bench.example")
            mentee = User(name=f"Mentee {n}", email=f"mentee{n}@bench.example")
            for person in (mentor, mentee):
                person.password_hash, person.time_zone = password_hash, "UTC"
            mentor_m = Membership(user=mentor, program=program, role=Role.MENTOR)
            mentee_m = Membership(user=mentee, program=program, role=Role.MENTEE)
            pair = Mentorship(
                program=program,
                status=MentorshipStatus.ACTIVE,
                members=[
                    MentorshipMember(membership=mentor_m),
                    MentorshipMember(membership=mentee_m),
                ],
            )
            milestone = Milestone(title="Draft the essay", position=0)
            milestone.status, milestone.submitted_at = MilestoneStatus.WAITING, clock.utcnow()
            goal = Goal(
                mentorship=pair,
                membership=mentee_m,
                title="Finish the history essay",
                measure="Handed in",
                target_date=today + timedelta(weeks=6),
                why="It counts for the final grade.",
                milestones=[milestone],
            )
            meeting = Meeting(
                mentorship=pair,
                starts_at=ended,
                zone="UTC",
                minutes=30,
                mode=MeetingMode.IN_PERSON,
                location="Library",
                status=MeetingStatus.SCHEDULED,
            )
            db.session.add_all([mentor, mentee, mentor_m, mentee_m, pair, goal, meeting])
            db.session.flush()
            db.session.add_all(
                MilestoneEvent(milestone_id=milestone.id, actor_id=mentee.id, action=action)
                for action in (MilestoneAction.CREATED, MilestoneAction.SUBMITTED)
            )
            made.append(
                {
                    "mentor": mentor.email,
                    "mentee": mentee.email,
                    "mentee_id": mentee.id,
                    "mentorship": pair.id,
                    "milestone": milestone.id,
                    "meeting": meeting.id,
                }
            )
        db.session.commit()
        db.engine.dispose()
    return made


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Browser:
    """One person's cookies and CSRF token, sending requests as htmx does."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )
        self.token = ""

    def _open(self, path: str, data: dict | None = None, headers: dict | None = None):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body, headers=headers or {})
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace")

    def log_in(self, email: str) -> None:
        _, page = self._open("/login")
        self.token = CSRF_META.search(page).group(1)
        status, page = self._open(
            "/login", {"csrf_token": self.token, "email": email, "password": PASSWORD}
        )
        match = CSRF_META.search(page)
        if status != 200 or match is None or 'name="password"' in page:
            raise RuntimeError(f"login failed for {email}: {status}")
        self.token = match.group(1)

    def htmx_post(self, path: str, data: dict | None = None) -> int:
        headers = {"HX-Request": "true", "X-CSRFToken": self.token}
        return self._open(path, data or {}, headers)[0]


def actions_of(pair: dict, mentor: Browser, mentee: Browser) -> list[tuple[str, object]]:
    kudos = f"kudos-{pair['mentorship']}-"
    return [
        ("check-in", lambda: mentee.htmx_post("/checkins/this-week", {"mood": "4"})),
        ("confirm", lambda: mentor.htmx_post(f"/milestones/{pair['milestone']}/confirm")),
        (
            "kudos",
            lambda: mentor.htmx_post(
                f"/mentorships/{pair['mentorship']}/kudos",
                {f"{kudos}note": "Great week", f"{kudos}mentee": str(pair["mentee_id"])},
            ),
        ),
        ("we met (mentee)", lambda: mentee.htmx_post(f"/meetings/{pair['meeting']}/confirm")),
        ("we met (mentor)", lambda: mentor.htmx_post(f"/meetings/{pair['meeting']}/confirm")),
    ]


def timed(action) -> tuple[int | str, float]:
    started = time.perf_counter()
    try:
        status = action()
    except Exception as error:  # noqa: BLE001 - a benchmark counts every failure
        status = type(error).__name__
    return status, time.perf_counter() - started


def check_database(database_url: str, pairs: list[dict]) -> dict[str, int]:
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url})
    with app.app_context():
        count = lambda model, *where: db.session.scalar(  # noqa: E731
            sa.select(sa.func.count()).select_from(model).where(*where)
        )
        found = {
            "check-ins": count(CheckIn),
            "milestones confirmed": count(Milestone, Milestone.status == MilestoneStatus.CONFIRMED),
            "kudos": count(Kudos),
            "meetings held": count(Meeting, Meeting.status == MeetingStatus.HELD),
            "mentees with points": db.session.scalar(
                sa.select(sa.func.count(sa.distinct(PointsAward.user_id))).where(
                    PointsAward.user_id.in_([pair["mentee_id"] for pair in pairs])
                )
            ),
        }
        db.engine.dispose()
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pairs", type=int, default=80)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seed", type=int, default=7)
    options = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="waypoint-writers-"))
    database_url = f"sqlite:///{folder / 'bench.sqlite3'}"
    started = time.perf_counter()
    pairs = seed(database_url, options.pairs)
    print(f"seeded {len(pairs)} pairs in {time.perf_counter() - started:.1f} s ({folder})")

    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "benchmark-secret",
        "LOGIN_LIMIT_PER_ADDRESS": "100000 per minute",
        "LOGIN_LIMIT_PER_ACCOUNT": "100000 per minute",
    }
    log_path = folder / "gunicorn.log"
    with open(log_path, "w") as log:
        server = subprocess.Popen(  # noqa: S603 - a fixed command
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "--workers",
                str(options.workers),
                "--threads",
                str(options.threads),
                "--worker-class",
                "gthread",
                "--bind",
                f"127.0.0.1:{port}",
                "wsgi:app",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        browsers: dict[str, Browser] = {}
        people = [pair[role] for pair in pairs for role in ("mentor", "mentee")]
        started = time.perf_counter()
        with ThreadPoolExecutor(4) as pool:
            for email, browser in zip(
                people, pool.map(lambda email: _logged_in(base, email), people), strict=True
            ):
                browsers[email] = browser
        print(f"logged {len(people)} people in in {time.perf_counter() - started:.1f} s")

        actions = [
            action
            for pair in pairs
            for action in actions_of(pair, browsers[pair["mentor"]], browsers[pair["mentee"]])
        ]
        random.Random(options.seed).shuffle(actions)
        gate = threading.Barrier(options.clients)

        def run(chunk):
            gate.wait()
            return [(name, *timed(action)) for name, action in chunk]

        chunks = [actions[n :: options.clients] for n in range(options.clients)]
        started = time.perf_counter()
        with ThreadPoolExecutor(options.clients) as pool:
            results = [row for rows in pool.map(run, chunks) for row in rows]
        wall = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait(timeout=30)

    failures = [(name, status) for name, status, _ in results if status != 200]
    latencies = sorted(seconds for _, _, seconds in results)
    locked = log_path.read_text().count("database is locked")
    print(
        f"\n{len(results)} actions from {options.clients} clients on gunicorn "
        f"{options.workers} workers x {options.threads} threads over SQLite"
    )
    print(f"  answered 200:            {len(results) - len(failures)}")
    print(f"  errors:                  {len(failures)}  {json.dumps(_tally(failures))}")
    print(f"  'database is locked':    {locked} (gunicorn log)")
    print(f"  wall time:               {wall:.2f} s  ({len(results) / wall:.0f} actions/s)")
    print(
        f"  latency p50 / p95 / max: {statistics.median(latencies) * 1000:.0f} / "
        f"{latencies[int(len(latencies) * 0.95) - 1] * 1000:.0f} / {latencies[-1] * 1000:.0f} ms"
    )
    found = check_database(database_url, pairs)
    print(f"  in the database:         {json.dumps(found)} (each should be {len(pairs)})")
    sys.exit(1 if failures or locked or set(found.values()) != {len(pairs)} else 0)


def _logged_in(base: str, email: str) -> Browser:
    browser = Browser(base)
    browser.log_in(email)
    return browser


def _tally(failures: list[tuple[str, object]]) -> dict[str, int]:
    tally: dict[str, int] = {}
    for name, status in failures:
        key = f"{name}: {status}"
        tally[key] = tally.get(key, 0) + 1
    return tally


if __name__ == "__main__":
    main()
