"""The judge of every performance claim: Waypoint's pages under load, next to a bare Flask app.

Why it exists: issue 12 wants a school's Monday morning to feel instant and a district of
10,000 pairs not to slow anyone down. This script measures that from outside, the way a server
is really run, and in-process, where the work can be counted:

1. it builds (or reuses) a program of ``--pairs`` mentor–mentee pairs (``big_program.py`` says
   what is in it and what went through the app's services);
2. it starts gunicorn (``-w 3`` sync workers, production settings) for Waypoint and for
   ``hello_app.py`` (a bare Flask "hello") on free loopback ports;
3. it logs 8 clients in per page (each its own session cookie, as the right person: a mentee,
   the mentor of 25, the mentor of 8, the coordinator, ...), then drives each page for
   ``--seconds`` with 8 concurrent clients (threads, one keep-alive ``http.client`` connection
   each; gunicorn's sync workers close it after every answer, so clients reconnect, as browsers
   do). Each round measures hello, then every page; 3 rounds; the figures are the medians;
4. in-process, through the test client of one app: each page's SQL statements (an SQLAlchemy
   ``before_cursor_execute`` counter) and its time (median of ``--runs``), and its HTML bytes,
   as is and compressed when the app compresses (``Accept-Encoding: gzip`` / ``br``).

The SQLite program is built once into ``/tmp/waypoint-bench/`` (``--rebuild`` forces) and each
run works on a copy, so the check-ins the benchmark posts never change the cache. With
``--database URL`` (PostgreSQL; the name must contain "test") the tables are dropped and the
program rebuilt unless it holds this week's program of that size (``--rebuild`` forces); a
reused one keeps the check-ins of earlier runs, so its first posts edit rather than create.

The pages are ``PAGES``, one list: add a page there (who is logged in, how its URL is made) and
every mode measures it. The check-in POST is the htmx one a phone sends: 8 mentees who had not
checked in this week; the first post of each is their real check-in (points, streak), every
later one changes the mood (3, 4, 3, ...), so each post writes the row again. The htmx fragment
is a mentor's Reply form for an unanswered check-in of last week. Since most of those posts are
edits, the table ends with a ``first check-in`` row, in-process only: up to ``--runs`` other
mentees who have not checked in this week, each logged in and timed on their first post, the
one that writes the week, awards points and streaks and may queue a nudge (Monday morning's
request; 8 clients cannot repeat it under load, each mentee having one).

Run: ``.venv/bin/python benchmarks/load.py`` (1,000 pairs), ``--pairs 10000``,
``--compare 1000,10000`` (statements and in-process time only, side by side, with the growth:
no page may grow more than 20 %; the sizes take turns, a fifth of the runs at a time; on SQLite
only, where each size is its own cached file),
``--profile "mentor home, 25"`` (cProfile of one page, in-process),
``--database postgresql+psycopg://postgres@127.0.0.1:55433/waypoint_test_load``.
It is not a test (pytest collects only ``tests/``) and fails nothing: read the table.

How to read the table: ``req/s`` counts answered requests (2xx/3xx) per second with 8 clients;
``% hello`` divides it by hello's in the same round; ``p50/p95/p99`` are the latencies seen by
the clients, in ms (the first row is hello's own: the floor of every page on this machine, as 8
clients queue for 3 workers); ``err`` counts every other answer (4xx/5xx, or a broken
connection), summed over the rounds: anything but 0 makes the row's other figures suspect.
``cpu`` is what gunicorn's workers spent per answered request, in ms (from Linux's /proc; "-"
elsewhere): the 8 clients run on the same 2 cores, so hello's requests/s is partly the clients'
own cost, and hello's ``cpu`` divided by a page's says what share the server alone allows.
``SQL`` and ``ms`` are in-process (one request, no concurrency: a hot loop, so a worker answering
real clients pays more for the same request, 1.5-1.9 times on a logged-in page even with one
client, as its code runs cold after each switch to the client); ``KB`` is the HTML as rendered,
``gz``/``br`` as sent when compressed ("-": not compressed). ``targets`` lists issue 12's point
2 for the row: "ok" when every one is met, else the ones missed. On a shared, busy machine the
load figures move by 10-20 % from run to run: compare ``% hello`` more than ``req/s``, and run
twice before believing a small difference.
"""

from __future__ import annotations

import argparse
import cProfile
import gzip
import http.client
import os
import pstats
import re
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from datetime import time as dt_time
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import big_program  # puts the repository root on the path
import sqlalchemy as sa
from big_program import ROOT
from percentiles import percentile

from app import create_app
from app.extensions import db
from app.models import (
    CheckIn,
    Goal,
    Meeting,
    MeetingStatus,
    Membership,
    MentorshipMember,
    User,
)

CLIENTS = 8
SECRET = "load-benchmark-secret-key-not-for-production-use-0123456789"
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


@dataclass(frozen=True)
class Page:
    """One thing a person does, measured as ``who`` (a key of ``People``) with ``path(row)``."""

    name: str
    who: str | None  # None: anonymous
    path: Callable[[dict], str]
    post: Callable[[int], dict] | None = None  # the form for the n-th post (no CSRF token)
    htmx: bool = False


def _mood(n: int) -> dict:
    return {"mood": str(3 + n % 2), "progress_note": "", "blocker": ""}


PAGES = [
    Page("mentee home", "mentee", lambda row: "/"),
    Page("mentor home, 25 mentees", "big mentor", lambda row: "/"),
    Page("mentor home, 8 mentees", "small mentor", lambda row: "/"),
    Page("coordinator home", "coordinator", lambda row: "/"),
    Page("goal page", "mentee", lambda row: f"/goals/{row['goal']}"),
    Page("meeting page", "mentee", lambda row: f"/meetings/{row['meeting']}"),
    Page("check-in POST (htmx)", "checker", lambda row: "/checkins/this-week", _mood, True),
    Page(
        "reply form (htmx)",
        "replier",
        lambda row: f"/checkins/{row['checkin']}/acknowledge",
        htmx=True,
    ),
    Page("login (anonymous)", None, lambda row: "/login"),
    Page("outcomes dashboard", "coordinator", lambda row: f"/programs/{row['program']}/outcomes"),
    Page(
        "outcomes CSV (check-ins)",
        "coordinator",
        lambda row: f"/programs/{row['program']}/outcomes/checkins.csv",
    ),
    Page("people page", "coordinator", lambda row: f"/programs/{row['program']}/people"),
    Page("pairs at risk", "coordinator", lambda row: f"/programs/{row['program']}/at-risk"),
    Page("leaderboard", "mentee", lambda row: f"/programs/{row['program']}/leaderboard"),
    Page("matching page", "coordinator", lambda row: f"/programs/{row['program']}/matching"),
    Page("program settings", "coordinator", lambda row: f"/programs/{row['program']}/settings"),
]

KB = 1024
HELLO = "hello (bare Flask)"
SQL_MAX, HTML_MAX, GROWTH_MAX = 8, 30 * KB, 0.20
SHARE_MIN = {"mentee home": 0.10, "mentor home, 25 mentees": 0.05, "coordinator home": 0.10}
P95_MAX = {"mentee home": 25.0}


# ---------------------------------------------------------------- who logs in, with which rows


@dataclass
class People:
    """Per ``Page.who``: the e-mails of the 8 clients and the ids their URLs need."""

    rows: dict[str, list[dict]] = field(default_factory=dict)


def _people(program: big_program.Program_) -> People:
    """Reads the ids the pages need; runs inside an app context on the benchmark's database."""
    singles = program.mentees

    def mentee_rows(emails: list[str]) -> list[dict]:
        rows = []
        for email in emails:
            user = db.session.scalar(sa.select(User).where(User.email == email))
            member = db.session.scalar(sa.select(Membership).where(Membership.user_id == user.id))
            goal = db.session.scalar(
                sa.select(Goal.id).where(Goal.membership_id == member.id).limit(1)
            )
            meeting = db.session.scalar(
                sa.select(Meeting.id)
                .join(MentorshipMember, MentorshipMember.mentorship_id == Meeting.mentorship_id)
                .where(
                    MentorshipMember.membership_id == member.id,
                    Meeting.status == MeetingStatus.SCHEDULED,
                )
                .limit(1)
            )
            rows.append(
                {"email": email, "goal": goal, "meeting": meeting, "program": program.program_id}
            )
        return rows

    repliers = []
    for mentee, mentor in zip(singles[16:], program.mentors[16:], strict=True):
        checkin = db.session.scalar(
            sa.select(CheckIn.id)
            .join(Membership, Membership.id == CheckIn.membership_id)
            .join(User, User.id == Membership.user_id)
            .where(User.email == mentee, CheckIn.acknowledged_at.is_(None))
            .order_by(CheckIn.week_key.desc())
            .limit(1)
        )
        if checkin is not None:
            repliers.append({"email": mentor, "checkin": checkin})
    monday = datetime.combine(big_program.this_monday(datetime.now(UTC)), dt_time(), UTC)
    checked_in = set(  # this week, by an earlier run on a reused PostgreSQL database
        db.session.scalars(
            sa.select(User.email)
            .join(Membership, Membership.user_id == User.id)
            .join(CheckIn, CheckIn.membership_id == Membership.id)
            .where(CheckIn.created_at >= monday)
        )
    )
    people = People()
    people.rows = {
        "mentee": mentee_rows(singles[:CLIENTS]),
        "checker": [{"email": e} for e in singles[CLIENTS : 2 * CLIENTS]],
        "big mentor": [{"email": program.big_mentor}] * CLIENTS,
        "small mentor": [{"email": program.small_mentor}] * CLIENTS,
        "coordinator": [{"email": big_program.COORDINATOR, "program": program.program_id}]
        * CLIENTS,
        "replier": repliers[:CLIENTS],
        "first checker": [{"email": e} for e in singles[2 * CLIENTS :] if e not in checked_in],
    }
    if len(people.rows["replier"]) < CLIENTS:
        sys.exit("not enough unanswered check-ins for the reply form: rebuild the program")
    return people


# ---------------------------------------------------------------- HTTP clients


class Client:
    """One browser: a keep-alive connection (reopened when the server closes it) and cookies."""

    def __init__(self, port: int) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: dict | None = None, htmx: bool = False):
        headers = {"Accept-Encoding": "gzip, br", "Accept": "text/html"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if htmx:
            headers["HX-Request"] = "true"
        data = None
        if body is not None:
            data = urlencode(body)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            self.connection.request(method, path, data, headers)
            response = self.connection.getresponse()
            payload = response.read()
        except (OSError, http.client.HTTPException):
            self.connection.close()
            return 0, b"", {}
        for header in response.headers.get_all("Set-Cookie") or ():
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        if response.headers.get("Connection", "").lower() == "close":
            self.connection.close()
        return response.status, payload, response.headers

    def csrf(self, path: str) -> str:
        """The page's CSRF token; a worker still booting on a busy machine gets three tries."""
        for _ in range(3):
            status, payload, headers = self.request("GET", path)
            text = _decoded(payload, headers.get("Content-Encoding", "")).decode()
            match = CSRF.search(text)
            if match is not None:
                return match.group(1)
        raise RuntimeError(f"no CSRF token on {path} (answered {status})")

    def log_in(self, email: str) -> None:
        token = self.csrf("/login")
        form = {"email": email, "password": big_program.PASSWORD, "csrf_token": token}
        status, _, _ = self.request("POST", "/login", form)
        if status not in (302, 303):
            raise RuntimeError(f"logging in {email} answered {status}")


def _decoded(payload: bytes, encoding: str) -> bytes:
    if encoding == "gzip":
        return gzip.decompress(payload)
    if encoding == "br":
        import brotli

        return brotli.decompress(payload)
    return payload


@dataclass
class Run:
    ok: int = 0
    errors: Counter = field(default_factory=Counter)
    latencies: list[float] = field(default_factory=list)
    seconds: float = 0.0
    cpu: float | None = None  # the server's workers' cpu seconds in the run

    @property
    def rate(self) -> float:
        return self.ok / self.seconds if self.seconds else 0.0

    @property
    def cpu_ms(self) -> float | None:
        """Server cpu per answered request: unlike requests/s, not bounded by the clients."""
        return None if self.cpu is None or not self.ok else 1000 * self.cpu / self.ok


def drive(clients: list[Client], job: Callable[[Client, int, int], tuple], seconds: float) -> Run:
    """Every client repeats ``job(client, index, n)`` until ``seconds`` have passed."""
    run = Run()
    lock = threading.Lock()
    start = threading.Barrier(len(clients) + 1)
    deadline = [0.0]

    def work(index: int, client: Client) -> None:
        mine, errors, n = [], Counter(), 0
        start.wait()
        while time.perf_counter() < deadline[0]:
            began = time.perf_counter()
            status = job(client, index, n)
            elapsed = time.perf_counter() - began
            n += 1
            if 200 <= status < 400:
                mine.append(elapsed)
            else:
                errors[status] += 1
        with lock:
            run.latencies += mine
            run.errors += errors

    threads = [
        threading.Thread(target=work, args=(i, c), daemon=True) for i, c in enumerate(clients)
    ]
    for thread in threads:
        thread.start()
    deadline[0] = time.perf_counter() + seconds
    began = time.perf_counter()
    start.wait()
    for thread in threads:
        thread.join()
    run.seconds = time.perf_counter() - began
    run.ok = len(run.latencies)
    return run


def drive_server(
    server: subprocess.Popen, clients: list[Client], job: Callable, seconds: float
) -> Run:
    """``drive``, with the cpu the server's workers spent meanwhile (Linux's /proc)."""
    before = workers_cpu(server)
    run = drive(clients, job, seconds)
    after = workers_cpu(server)
    run.cpu = None if before is None or after is None else after - before
    return run


def workers_cpu(server: subprocess.Popen) -> float | None:
    """User and system cpu seconds of gunicorn's workers so far; None without /proc."""
    pid, tick = server.pid, os.sysconf("SC_CLK_TCK")
    try:
        workers = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        total = 0
        for worker in workers:
            fields = Path(f"/proc/{worker}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)
    except OSError:
        return None
    return total / tick


# ---------------------------------------------------------------- gunicorn


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def gunicorn(app: str, env: dict[str, str], chdir: Path) -> tuple[subprocess.Popen, int]:
    port = _free_port()
    command = [
        str(Path(sys.executable).with_name("gunicorn")),  # the interpreter running this script
        "-w",
        "3",
        "-b",
        f"127.0.0.1:{port}",
        "--chdir",
        str(chdir),
        "--log-level",
        "warning",
        app,
    ]
    process = subprocess.Popen(command, env={**os.environ, **env})  # noqa: S603 (our own paths)
    for _ in range(300):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return process, port
        except OSError:
            if process.poll() is not None:
                sys.exit(f"gunicorn {app} did not start")
            time.sleep(0.1)
    sys.exit(f"gunicorn {app} did not listen")


@dataclass
class Measured:
    """One page's figures over the rounds."""

    runs: list[Run] = field(default_factory=list)
    shares: list[float] = field(default_factory=list)
    sql: int = 0
    ms: float = 0.0
    sizes: dict[str, int] = field(default_factory=dict)


def load(url: str, people: People, seconds: float, rounds: int, log) -> dict[str, Measured]:
    env = {
        "DATABASE_URL": url,
        "SECRET_KEY": SECRET,
        "WAYPOINT_ENV": "production",
        "VAPID_PRIVATE_KEY": "",
    }
    waypoint, port = gunicorn("wsgi:app", env, ROOT)
    hello, hello_port = gunicorn("hello_app:app", env, ROOT / "benchmarks")
    try:
        sessions: dict[str | None, list[Client]] = {None: [Client(port) for _ in range(CLIENTS)]}
        for who, rows in people.rows.items():
            sessions[who] = []
            for row in rows:
                client = Client(port)
                client.log_in(row["email"])
                sessions[who].append(client)
        tokens = {id(c): c.csrf("/checkins/this-week") for c in sessions["checker"]}
        hello_clients = [Client(hello_port) for _ in range(CLIENTS)]
        figures = {page.name: Measured() for page in PAGES}
        figures[HELLO] = Measured()

        def job_for(page: Page):
            rows = people.rows.get(page.who, [{}] * CLIENTS)
            paths = [page.path(row) for row in rows]

            def job(client: Client, index: int, n: int) -> int:
                if page.post is None:
                    return client.request("GET", paths[index], htmx=page.htmx)[0]
                form = {**page.post(n), "csrf_token": tokens[id(client)]}
                return client.request("POST", paths[index], form, htmx=page.htmx)[0]

            return job

        for page in PAGES:  # warm every worker: templates compiled, connections open
            job = job_for(page)
            for index, client in enumerate(sessions[page.who]):
                job(client, index, index)
        for number in range(1, rounds + 1):
            base = drive_server(
                hello, hello_clients, lambda c, i, n: c.request("GET", "/")[0], seconds
            )
            log(f"round {number}: hello {base.rate:,.0f} req/s")
            figures[HELLO].runs.append(base)
            for page in PAGES:
                run = drive_server(waypoint, sessions[page.who], job_for(page), seconds)
                figures[page.name].runs.append(run)
                figures[page.name].shares.append(run.rate / base.rate if base.rate else 0)
                if number == 1:
                    log(f"  {page.name}: {run.rate:,.1f} req/s")
        return figures
    finally:
        for process in (waypoint, hello):
            process.terminate()
            process.wait(timeout=30)


# ---------------------------------------------------------------- in-process


class InProcess:
    """Each page through the test client: statements, time, bytes; logged in like the clients."""

    def __init__(self, url: str, people: People) -> None:
        self.app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": SECRET})
        self.people = people
        self.statements = 0
        with self.app.app_context():
            sa.event.listen(db.engine, "before_cursor_execute", self._count)
        self.clients = {}
        self.tokens: dict[str | None, str] = {}
        self.posts = Counter()

    def _count(self, *args) -> None:
        self.statements += 1

    def _client(self, who: str | None):
        if who not in self.clients:
            client = self.app.test_client()
            if who is not None:
                _log_in(client, self.people.rows[who][0]["email"])
            self.clients[who] = client
            self.tokens[who] = _token(client, "/checkins/this-week") if who == "checker" else ""
        return self.clients[who]

    def request(self, page: Page, encoding: str = ""):
        client = self._client(page.who)
        row = self.people.rows.get(page.who, [{}])[0]
        headers = {"HX-Request": "true"} if page.htmx else {}
        if encoding:
            headers["Accept-Encoding"] = encoding
        if page.post is None:
            return client.get(page.path(row), headers=headers)
        self.posts[page.name] += 1
        form = {**page.post(self.posts[page.name]), "csrf_token": self.tokens[page.who]}
        return client.post(page.path(row), data=form, headers=headers)

    def measure(self, page: Page, runs: int) -> Measured:
        self.warm(page)
        times, counts = self.sample(page, runs)
        return self.figures(page, times, counts)

    def warm(self, page: Page) -> None:
        for _ in range(2):  # templates compiled, statements cached
            self.request(page)

    def sample(self, page: Page, runs: int) -> tuple[list[float], list[int]]:
        """``runs`` requests of the page: the seconds and the statements of each."""
        times, counts = [], []
        for _ in range(runs):
            self.statements = 0
            began = time.perf_counter()
            response = self.request(page)
            times.append(time.perf_counter() - began)
            counts.append(self.statements)
            if response.status_code >= 400:
                raise RuntimeError(f"{page.name}: {response.status_code} in-process")
        return times, counts

    def figures(self, page: Page, times: list[float], counts: list[int]) -> Measured:
        """The medians of a page's samples, with its sizes as sent plain and compressed."""
        figures = Measured(sql=statistics.median_low(counts), ms=1000 * statistics.median(times))
        response = self.request(page)
        figures.sizes["html"] = len(response.get_data())
        for encoding in ("gzip", "br"):
            sent = self.request(page, encoding)
            if sent.headers.get("Content-Encoding") == encoding:
                figures.sizes[encoding] = len(sent.get_data())
        return figures

    def first_checkins(self, runs: int) -> Measured | None:
        """Up to ``runs`` mentees' first check-in of the week, each a new login (None when an
        earlier run on this database took them all this week)."""
        times, counts = [], []
        for row in self.people.rows["first checker"][:runs]:
            client = self.app.test_client()
            _log_in(client, row["email"])
            form = {**_mood(0), "csrf_token": _token(client, "/checkins/this-week")}
            self.statements = 0
            began = time.perf_counter()
            response = client.post("/checkins/this-week", data=form, headers={"HX-Request": "true"})
            times.append(time.perf_counter() - began)
            counts.append(self.statements)
            if response.status_code != 200:
                raise RuntimeError(f"first check-in of {row['email']}: {response.status_code}")
        if not times:
            return None
        figures = Measured(sql=statistics.median_low(counts), ms=1000 * statistics.median(times))
        figures.sizes["html"] = len(response.get_data())
        return figures

    def profile(self, page: Page, runs: int) -> None:
        for _ in range(2):
            self.request(page)
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(runs):
            self.request(page)
        profiler.disable()
        stats = pstats.Stats(profiler)
        _print_buckets(stats)
        stats.sort_stats("cumulative").print_stats(25)
        stats.sort_stats("tottime").print_stats(15)


def _log_in(client, email: str) -> None:
    data = {"email": email, "password": big_program.PASSWORD}
    data["csrf_token"] = _token(client, "/login")
    response = client.post("/login", data=data)
    if response.status_code not in (302, 303):
        raise RuntimeError(f"in-process login of {email}: {response.status_code}")


def _token(client, path: str) -> str:
    match = CSRF.search(client.get(path).get_data(as_text=True))
    if match is None:
        raise RuntimeError(f"no CSRF token on {path}")
    return match.group(1)


BUCKETS = [
    ("Jinja (templates)", ("jinja2", "/templates/", "<template>")),
    ("SQLAlchemy", ("sqlalchemy",)),
    ("database driver", ("sqlite3", "psycopg", "<method 'execute'", "<method 'fetch")),
    ("WTForms / Flask-WTF", ("wtforms", "flask_wtf")),
    ("markupsafe", ("markupsafe",)),
    ("Flask / Werkzeug", ("flask", "werkzeug")),
    ("Waypoint (app/, game/)", ("/app/", "/game/")),
]


def _print_buckets(stats: pstats.Stats) -> None:
    """Own time (tottime) summed by where the code lives: where a page's time goes."""
    totals: Counter = Counter()
    for (filename, _, function), (_, _, tottime, _, _) in stats.stats.items():
        where = f"{filename}:{function}"
        bucket = next(
            (name for name, marks in BUCKETS if any(mark in where for mark in marks)), "other"
        )
        totals[bucket] += tottime
    whole = sum(totals.values()) or 1
    print("own time by where the code lives:")
    for bucket, seconds in totals.most_common():
        print(f"  {bucket:<26} {100 * seconds / whole:5.1f} %")


# ---------------------------------------------------------------- the table


def _verdict(name: str, m: Measured, share: float | None, p95: float | None) -> str:
    missed = []
    if m.sql > SQL_MAX:
        missed.append(f"SQL {m.sql}>{SQL_MAX}")
    if m.sizes.get("html", 0) > HTML_MAX:
        missed.append(f"HTML {m.sizes['html'] / KB:.0f}>{HTML_MAX // KB} KB")
    if share is not None and name in SHARE_MIN and share < SHARE_MIN[name]:
        missed.append(f"share<{100 * SHARE_MIN[name]:.0f} %")
    if p95 is not None and name in P95_MAX and p95 > P95_MAX[name]:
        missed.append(f"p95>{P95_MAX[name]:.0f} ms")
    return "ok" if not missed else "NOT: " + ", ".join(missed)


def _kb(size: int | None) -> str:
    return "-" if size is None else f"{size / KB:.1f}"


def _under_load(m: Measured, share: float) -> tuple[str, float]:
    """The load columns of a page (requests/s, share of hello, latencies, errors) and its p95."""
    rate = statistics.median(r.rate for r in m.runs)
    p50, p95, p99 = (
        statistics.median(1000 * percentile(r.latencies, q) for r in m.runs) for q in (50, 95, 99)
    )
    errors = sum(sum(r.errors.values()) for r in m.runs)
    cpus = [r.cpu_ms for r in m.runs if r.cpu_ms is not None]
    cpu = f"{statistics.median(cpus):7.2f}" if cpus else f"{'-':>7}"
    return f"{rate:8.1f}{100 * share:8.1f}%{p50:8.1f}{p95:8.1f}{p99:8.1f}{errors:5d}{cpu}", p95


FIRST_CHECKIN = "first check-in (htmx)"


def _in_process_columns(m: Measured) -> str:
    """SQL, in-process ms and the HTML's KB as rendered, gzipped and brotli'd ("-": not sent so)."""
    html, gz, br = (_kb(m.sizes.get(key)) for key in ("html", "gzip", "br"))
    return f"{m.sql:5d}{m.ms:7.1f}{html:>7}{gz:>6}{br:>6}"


def print_table(figures: dict[str, Measured], with_load: bool) -> None:
    head = f"{'page':<26}"
    if with_load:
        head += f"{'req/s':>8}{'% hello':>9}{'p50':>8}{'p95':>8}{'p99':>8}{'err':>5}{'cpu':>7}"
    head += f"{'SQL':>5}{'ms':>7}{'KB':>7}{'gz':>6}{'br':>6}  targets"
    print(head)
    print("-" * len(head))
    if with_load:  # the floor: no page answers faster than a bare Flask app on this machine
        print(f"{HELLO:<26}{_under_load(figures[HELLO], 1.0)[0]}")
    for page in PAGES:
        m = figures[page.name]
        line, share, p95 = f"{page.name:<26}", None, None
        if with_load:
            share = statistics.median(m.shares)
            columns, p95 = _under_load(m, share)
            line += columns
        print(f"{line}{_in_process_columns(m)}  {_verdict(page.name, m, share, p95)}")
    first = figures.get(FIRST_CHECKIN)
    if first is None:
        print(f"{FIRST_CHECKIN:<26}  none measured: every mentee kept for it checked in this week")
    else:
        line = f"{FIRST_CHECKIN:<26}" + (f"{'in-process only':>53}" if with_load else "")
        print(f"{line}{_in_process_columns(first)}  {_verdict(FIRST_CHECKIN, first, None, None)}")
    if with_load:
        for page in PAGES:
            errors = sum((r.errors for r in figures[page.name].runs), Counter())
            if errors:
                print(f"  {page.name}: answers other than 2xx/3xx: {dict(errors)}")


def print_compare(sizes: list[int], results: list[dict[str, Measured]]) -> None:
    head = f"{'page':<26}" + "".join(f"{f'SQL@{n:,}':>11}{f'ms@{n:,}':>11}" for n in sizes)
    head += f"{'SQL +%':>8}{'ms +%':>8}  flat (<= {100 * GROWTH_MAX:.0f} %)"
    print(head)
    print("-" * len(head))
    for page in PAGES:
        rows = [result[page.name] for result in results]
        line = f"{page.name:<26}" + "".join(f"{m.sql:11d}{m.ms:11.1f}" for m in rows)
        first, last = rows[0], rows[-1]
        sql_growth = (last.sql - first.sql) / first.sql if first.sql else 0.0
        ms_growth = (last.ms - first.ms) / first.ms if first.ms else 0.0
        missed = [
            label
            for label, growth in (("SQL", sql_growth), ("time", ms_growth))
            if growth > GROWTH_MAX
        ]
        verdict = "ok" if not missed else "NOT: " + ", ".join(missed)
        print(f"{line}{100 * sql_growth:+7.0f}%{100 * ms_growth:+7.0f}%  {verdict}")


# ---------------------------------------------------------------- main


def _database(args, pairs: int, now: datetime) -> tuple[str, big_program.Program_]:
    """The URL to run against: PostgreSQL rebuilt, or a fresh copy of the cached SQLite file."""
    if args.database:
        name = sa.engine.make_url(args.database).database or ""
        if "test" not in name:
            sys.exit("--database must name a database containing 'test' (its tables are dropped)")
        if args.rebuild or not big_program.built(args.database, pairs, now):
            print(f"building {pairs:,} pairs into {name} ...")
            big_program.build_into(args.database, pairs, now)
        return args.database, big_program.describe(pairs)
    path, program = big_program.cached(pairs, now, rebuild_=args.rebuild)
    copy = path.with_name(f"run-{os.getpid()}-{path.name}")
    shutil.copyfile(path, copy)
    return f"sqlite:///{copy}", program


def _cleanup(url: str) -> None:
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        for leftover in path.parent.glob(f"{path.stem}*"):  # with its WAL and task queue
            leftover.unlink(missing_ok=True)


def _in_process(url: str, program) -> InProcess:
    probe = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": SECRET})
    with probe.app_context():
        people = _people(program)
        db.engine.dispose()
    return InProcess(url, people)


def _measure_all(bench: InProcess, runs: int) -> dict[str, Measured]:
    return {page.name: bench.measure(page, runs) for page in PAGES}


COMPARE_ROUNDS = 5


def _measure_side_by_side(benches: list[InProcess], runs: int) -> list[dict[str, Measured]]:
    """Each page at every size, in alternating rounds of a fifth of the runs: whatever else
    the machine runs meanwhile slows every size alike, instead of the size measured last."""
    results: list[dict[str, Measured]] = [{} for _ in benches]
    for page in PAGES:
        samples = [([], []) for _ in benches]
        for bench in benches:
            bench.warm(page)
        for _ in range(COMPARE_ROUNDS):
            for bench, (times, counts) in zip(benches, samples, strict=True):
                more_times, more_counts = bench.sample(page, max(1, runs // COMPARE_ROUNDS))
                times += more_times
                counts += more_counts
        for result, bench, (times, counts) in zip(results, benches, samples, strict=True):
            result[page.name] = bench.figures(page, times, counts)
    return results


def _page(name: str) -> Page:
    matches = [page for page in PAGES if name.lower() in page.name.lower()]
    if len(matches) != 1:
        sys.exit(f"--profile: name one of: {', '.join(p.name for p in PAGES)}")
    return matches[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pairs", type=int, default=1_000)
    parser.add_argument("--database", help="PostgreSQL URL (default: the cached SQLite file)")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the cached program")
    parser.add_argument("--compare", help="sizes to compare in-process, e.g. 1000,10000")
    parser.add_argument("--profile", metavar="PAGE", help="cProfile one page in-process")
    parser.add_argument("--seconds", type=float, default=3.0, help="per page per round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--runs", type=int, default=20, help="in-process requests per page")
    parser.add_argument("--no-load", action="store_true", help="in-process figures only")
    args = parser.parse_args()
    now = datetime.now(UTC)

    if args.compare:
        sizes = [int(n) for n in args.compare.split(",")]
        if args.database and len(set(sizes)) > 1:  # each size would rebuild the same database
            sys.exit("--compare with --database takes one size: compare sizes on SQLite")
        urls = []
        try:
            benches = []
            for pairs in sizes:
                url, program = _database(args, pairs, now)
                urls.append(url)
                benches.append(_in_process(url, program))
            print_compare(sizes, _measure_side_by_side(benches, args.runs))
        finally:
            for url in urls:
                _cleanup(url)
        return

    url, program = _database(args, args.pairs, now)
    try:
        bench = _in_process(url, program)
        if args.profile:
            page = _page(args.profile)
            print(f"profile of {page.name}, {args.runs} requests, {args.pairs:,} pairs:")
            bench.profile(page, args.runs)
            return
        figures = _measure_all(bench, args.runs)
        figures[FIRST_CHECKIN] = bench.first_checkins(args.runs)
        with bench.app.app_context():
            db.engine.dispose()
        load_figures = {}
        if not args.no_load:
            load_figures = load(url, bench.people, args.seconds, args.rounds, print)
            for name, measured in load_figures.items():
                figures.setdefault(name, Measured())
                figures[name].runs, figures[name].shares = measured.runs, measured.shares
        dialect = sa.engine.make_url(url).get_backend_name()
        load_avg = ", ".join(f"{x:.1f}" for x in os.getloadavg())
        print(
            f"\n{args.pairs:,} pairs on {dialect}, {CLIENTS} clients, gunicorn -w 3 sync, "
            f"{args.rounds} rounds of {args.seconds:g} s per page (medians); load average "
            f"{load_avg}"
        )
        print_table(figures, with_load=not args.no_load)
    finally:
        if not args.database:
            _cleanup(url)


if __name__ == "__main__":
    main()
