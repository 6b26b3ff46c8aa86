"""Shared fixtures, flaskr style: an app on a real database, clients, and people in each role.

The database is SQLite in a temporary folder, or the PostgreSQL server named by
``DATABASE_URL`` (its database name must contain "test": the schema is dropped and rebuilt).
The schema is built once per run by the Alembic migrations, and every test starts with empty
tables.
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade
from hypothesis import settings
from push.loopback import push_service  # noqa: F401  (for every folder: tests/push/loopback.py)
from row_snapshots import Snapshots, delete_rows

from app import create_app, queue
from app.clock import utcnow
from app.extensions import db, limiter
from app.models import (
    ActionItem,
    BreakWeek,
    Certificate,
    CheckIn,
    Goal,
    Invite,
    LoginSession,
    MatchDraft,
    Meeting,
    MeetingMode,
    Membership,
    Mentorship,
    MentorshipMember,
    MentorshipStatus,
    Milestone,
    MilestoneStatus,
    Notice,
    Program,
    PushSubscription,
    Role,
    RosterUpload,
    TrainingModule,
    User,
)
from app.passwords import hash_password
from app.queue import huey
from game.weeks import local_date, week_of

PASSWORD = "correct horse battery"
FAST_ARGON2 = {"time_cost": 1, "memory_cost": 1024, "parallelism": 1}
# A device's push keys as a browser hands them over (base64url: a P-256 point, 16 bytes).
PROBE_P256DH = "BN" + "A" * 85
PROBE_AUTH = "A" * 22
CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')
SNAPSHOTS = Snapshots()

# Property tests check answers, not speed: Hypothesis's 200 ms deadline per example would make
# them timed tests, failing on a busy machine (speed is the benchmarks' job).
settings.register_profile("waypoint", deadline=None)
settings.load_profile("waypoint")


def _test_database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = os.environ.get("DATABASE_URL")
    if not url:
        return f"sqlite:///{tmp_path_factory.mktemp('db') / 'waypoint-test.sqlite3'}"
    if "test" not in (sa.engine.make_url(url).database or ""):
        pytest.exit("DATABASE_URL for tests must name a database containing 'test'", 2)
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    return _worker_database(url, worker) if worker else url


def _worker_database(url: str, worker: str) -> str:
    """Under pytest-xdist each worker gets its own PostgreSQL database beside the named one
    (``waypoint_test_gw0`` …), created on first use, so workers never empty each other's
    tables."""
    base = sa.engine.make_url(url)
    name = f"{base.database}_{worker}"
    engine = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        exists = connection.scalar(
            sa.text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
        )
        if not exists:
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


def make_config(database_url: str, **overrides) -> dict:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "ARGON2_PARAMETERS": FAST_ARGON2,
        "SERVER_NAME": None,
        **overrides,
    }


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """Build the schema once per run, from the migrations, on a clean database."""
    url = _test_database_url(tmp_path_factory)
    app = create_app(make_config(url))
    with app.app_context():
        db.drop_all()
        with db.engine.begin() as connection:
            connection.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
        upgrade()
        db.engine.dispose()
    return url


def _empty_all_tables() -> None:
    """Every table, and the task queue (which lives beside the database)."""
    with db.engine.begin() as connection:
        delete_rows(connection, db.metadata.sorted_tables)
    huey.flush()


@pytest.fixture
def run_tasks():
    """``run_tasks(app)`` runs the tasks waiting in the queue as a consumer would, inside
    ``app``, and says how many ran; tasks those tasks queue wait for the next call."""

    def run(app: Flask) -> int:
        tasks = []
        while (task := huey.dequeue()) is not None:
            tasks.append(task)
        with app.app_context():
            for task in tasks:
                huey.execute(task)
        return len(tasks)

    return run


class Client(FlaskClient):
    """A test client that sends the CSRF token its session was given, like the real pages do."""

    def csrf_token(self) -> str:
        page = self.get("/join").get_data(as_text=True)
        match = CSRF_META.search(page)
        assert match, "every page carries the CSRF token in a <meta>"
        return match.group(1)

    def submit(self, url: str, data: dict | None = None, **kwargs):
        """POST a form as a browser would: with the session's CSRF token."""
        return self.post(url, data={"csrf_token": self.csrf_token(), **(data or {})}, **kwargs)

    def htmx(self, method: str, url: str, data: dict | None = None, **kwargs):
        """A request as htmx sends it: HX-Request header and the token in X-CSRFToken."""
        headers = {"HX-Request": "true", **kwargs.pop("headers", {})}
        if method.upper() != "GET":
            headers["X-CSRFToken"] = self.csrf_token()
        return self.open(url, method=method, data=data, headers=headers, **kwargs)


@pytest.fixture(scope="session")
def shared_app(database_url: str) -> Iterator[Flask]:
    """The one app of this test process. Building an app compiles every URL rule, and each
    new app compiles its templates again on first use: together they cost more than most
    tests themselves, so tests share this one and the ``app`` fixture resets it."""
    app = create_app(make_config(database_url))
    app.test_client_class = Client
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()  # psycopg warns about connections left to the garbage collector


@pytest.fixture
def app(shared_app: Flask) -> Iterator[Flask]:
    """``shared_app`` as a test finds it: empty tables, an empty queue, fresh login limits, and
    its configuration put back afterwards, so a test may change a setting for itself. A test
    that needs an app built with other settings, or a route of its own, builds one with
    ``create_app`` (tests/web: ``make_app``)."""
    if queue._app is not shared_app:  # another app was built since: the queue follows it
        queue.init_app(shared_app)
    config = dict(shared_app.config)
    SNAPSHOTS.test_starts()
    yield shared_app
    shared_app.config.clear()
    shared_app.config.update(config)
    with shared_app.app_context():
        db.session.remove()
        _empty_all_tables()
    limiter.reset()


@pytest.fixture
def client(app: Flask) -> Client:
    return app.test_client()


@pytest.fixture
def runner(app: Flask):
    return app.test_cli_runner()


@dataclass(frozen=True)
class World:
    """A program with someone in every role, plus a second program that must stay foreign."""

    program_id: int
    other_program_id: int
    mentorship_id: int
    other_mentorship_id: int
    invite_id: int
    other_invite_id: int
    invite_code: str
    break_id: int
    other_break_id: int
    emails: dict[str, str]

    def email(self, role: str) -> str:
        return self.emails[role]


ROLES = (
    "anonymous",
    "mentee",
    "own_mentor",
    "other_mentor",
    "coordinator",
    "other_coordinator",
)


def _person(name: str, email: str, password_hash: str) -> User:
    user = User(name=name, email=email, password_hash=password_hash, time_zone="Europe/London")
    db.session.add(user)
    return user


def build_world() -> World:
    """People in each role of the access matrix; call inside an app context."""
    password_hash = hash_password(PASSWORD)
    start = utcnow().date() - timedelta(weeks=4)
    program = Program(
        name="Hillside Mentoring", starts_on=start, ends_on=start + timedelta(weeks=30)
    )
    other = Program(name="Elsewhere Academy", starts_on=start, ends_on=start + timedelta(weeks=30))
    people = {
        "mentee": _person("Mina Mentee", "mentee@test.example", password_hash),
        "own_mentor": _person("Omar Mentor", "mentor@test.example", password_hash),
        "other_mentor": _person("Olga Othermentor", "other-mentor@test.example", password_hash),
        "coordinator": _person("Cora Coordinator", "coordinator@test.example", password_hash),
        "other_coordinator": _person("Otto Elsewhere", "other-coord@test.example", password_hash),
        "other_mentee": _person("Eli Othermentee", "other-mentee@test.example", password_hash),
    }
    membership = {
        "mentee": Membership(user=people["mentee"], program=program, role=Role.MENTEE),
        "own_mentor": Membership(user=people["own_mentor"], program=program, role=Role.MENTOR),
        "other_mentor": Membership(user=people["other_mentor"], program=program, role=Role.MENTOR),
        "coordinator": Membership(
            user=people["coordinator"], program=program, role=Role.COORDINATOR
        ),
        "other_coordinator": Membership(
            user=people["other_coordinator"], program=other, role=Role.COORDINATOR
        ),
        "other_mentee": Membership(user=people["other_mentee"], program=program, role=Role.MENTEE),
    }
    opened = datetime.combine(start, time(), UTC)  # everyone joined and was matched on day one
    for member in membership.values():
        member.joined_at = opened
    mentorship = Mentorship(
        program=program,
        status=MentorshipStatus.ACTIVE,
        created_at=opened,
        members=[
            MentorshipMember(membership=membership["own_mentor"]),
            MentorshipMember(membership=membership["mentee"]),
        ],
    )
    other_mentorship = Mentorship(
        program=program,
        status=MentorshipStatus.ACTIVE,
        created_at=opened,
        members=[
            MentorshipMember(membership=membership["other_mentor"]),
            MentorshipMember(membership=membership["other_mentee"]),
        ],
    )
    invite = Invite(program=program, role=Role.MENTEE, uses_left=5)
    other_invite = Invite(program=other, role=Role.MENTEE, uses_left=5)
    monday = start - timedelta(days=start.weekday())
    break_week = BreakWeek(program=program, monday=monday + timedelta(weeks=2), label="Exams")
    other_break = BreakWeek(program=other, monday=monday + timedelta(weeks=2), label="Holiday")
    db.session.add_all([program, other, *membership.values(), mentorship, other_mentorship])
    db.session.add_all([invite, other_invite, break_week, other_break])
    db.session.commit()
    return World(
        program_id=program.id,
        other_program_id=other.id,
        mentorship_id=mentorship.id,
        other_mentorship_id=other_mentorship.id,
        invite_id=invite.id,
        other_invite_id=other_invite.id,
        invite_code=invite.code,
        break_id=break_week.id,
        other_break_id=other_break.id,
        emails={role: user.email for role, user in people.items()},
    )


def _pair_rows(mentorship_id: int, mentee_email: str, mentor_email: str) -> dict[str, int]:
    """One real row of each kind a URL names, all of one pair: a goal with a milestone waiting
    for review, a meeting held yesterday with an action item, this week's check-in, and the
    mentee's login on another device, which gets notifications (``push_device_id``)."""
    mentee = db.session.scalar(sa.select(User).where(User.email == mentee_email))
    mentor = db.session.scalar(sa.select(User).where(User.email == mentor_email))
    membership = db.session.scalar(
        sa.select(Membership).where(Membership.user_id == mentee.id, Membership.role == Role.MENTEE)
    )
    now = utcnow()
    goal = Goal(
        mentorship_id=mentorship_id,
        membership=membership,
        title=f"{mentee.first_name}'s reading goal",
        measure="Ten books",
        target_date=now.date() + timedelta(weeks=8),
    )
    milestone = Milestone(
        goal=goal, title="First book", status=MilestoneStatus.WAITING, submitted_at=now
    )
    meeting = Meeting(
        mentorship_id=mentorship_id,
        starts_at=now - timedelta(days=1),
        zone=mentor.time_zone,
        mode=MeetingMode.VIDEO,
        created_by_id=mentor.id,
    )
    action = ActionItem(meeting=meeting, owner=mentee, text="Bring the book list")
    week = week_of(local_date(now, mentee.time_zone))
    checkin = CheckIn(membership=membership, week_key=str(week), mood=4, zone=mentee.time_zone)
    device = LoginSession(
        user_id=mentee.id,
        token_hash=f"{mentee.id:064x}",
        device="Chrome on Android",
        created_at=now,
        last_seen_at=now,
    )
    db.session.add_all([goal, milestone, meeting, action, checkin, device])
    db.session.flush()
    push = PushSubscription(
        user_id=mentee.id,
        login_session_id=device.id,
        endpoint=f"https://push.example/send/{mentee.id}",
        p256dh=PROBE_P256DH,
        auth=PROBE_AUTH,
        device="Chrome on Android",
    )
    db.session.add(push)
    db.session.commit()
    return {
        "goal_id": goal.id,
        "milestone_id": milestone.id,
        "meeting_id": meeting.id,
        "action_id": action.id,
        "checkin_id": checkin.id,
        "device_id": device.id,
        "push_device_id": push.id,
    }


def build_probe_rows(world: World) -> dict[str, int]:
    """What the access matrix probes beyond the ``world``: real rows of both pairs
    (``goal_id``, ``milestone_id``, ``meeting_id``, ``action_id``, ``checkin_id`` of the
    mentee's pair, the same names with ``other_`` for the other mentor's pair), a training
    module in each program (``training_module_id``, ``other_training_module_id``), a
    certificate of the mentee and one of the other mentor (``certificate_id``,
    ``certificate_token`` and their ``other_`` twins), and the leaderboard on in both programs.
    Only tests that ask for them get them (through ``ids``): most tests count these rows from
    zero."""
    for program_id in (world.program_id, world.other_program_id):
        db.session.get(Program, program_id).leaderboard_enabled = True
    ours = _pair_rows(world.mentorship_id, world.email("mentee"), world.email("own_mentor"))
    theirs = _pair_rows(
        world.other_mentorship_id, world.email("other_mentee"), world.email("other_mentor")
    )
    return {
        **ours,
        **{f"other_{name}": value for name, value in theirs.items()},
        **_training_rows(world),
        **_pairing_rows(world),
        **_roster_uploads(world),
        **_certificate_rows(world),
    }


def probe_ids(world: World) -> dict[str, object]:
    """Everything a URL of the access matrix may name: the world's fields, real rows of both
    pairs (``build_probe_rows``: ``{goal_id}``, ``{other_goal_id}``...), ``other_invite_code``
    and ``<role>_membership_id`` for every person of the world. Needs an app context."""
    values: dict[str, object] = {
        field.name: getattr(world, field.name)
        for field in dataclasses.fields(world)
        if field.name != "emails"
    }
    values.update(SNAPSHOTS.build("probe rows", lambda: build_probe_rows(world), on="world"))
    values["other_invite_code"] = db.session.get(Invite, world.other_invite_id).code
    for role, email in world.emails.items():
        values[f"{role}_membership_id"] = db.session.scalar(
            sa.select(Membership.id).join(User).where(User.email == email)
        )
    return values


def _certificate_rows(world: World) -> dict[str, object]:
    """A certificate of the mentee (``certificate_id``, ``certificate_token``) and one of the
    other mentor (``other_certificate_id``, ``other_certificate_token``), written directly (as
    if from a past program, the other one), so both programs stay open for every other route
    and closing either issues no certificate twice."""
    program = db.session.get(Program, world.other_program_id)
    certificates = {}
    for name, role, kind in (("", "mentee", Role.MENTEE), ("other_", "other_mentor", Role.MENTOR)):
        user = db.session.scalar(sa.select(User).where(User.email == world.email(role)))
        certificates[name] = Certificate(
            program_id=program.id,
            user_id=user.id,
            role=kind,
            name=user.name,
            program_name=program.name,
            starts_on=program.starts_on,
            ends_on=program.ends_on,
        )
    db.session.add_all(certificates.values())
    db.session.commit()
    return {
        f"{name}certificate_{field}": getattr(certificate, field)
        for name, certificate in certificates.items()
        for field in ("id", "token")
    }


def _roster_uploads(world: World) -> dict[str, int]:
    """A roster upload of one good row in each program (``roster_upload_id``,
    ``other_roster_upload_id``), not imported yet."""
    uploads = {
        name: RosterUpload(
            program_id=program_id,
            content=f"name,email,role\nProbe Person,probe{program_id}@school.example,mentee\n",
        )
        for name, program_id in (
            ("roster_upload_id", world.program_id),
            ("other_roster_upload_id", world.other_program_id),
        )
    }
    db.session.add_all(uploads.values())
    db.session.commit()
    return {name: upload.id for name, upload in uploads.items()}


def _training_rows(world: World) -> dict[str, int]:
    """A mentor training module in each program: ``training_module_id`` (ours) and
    ``other_training_module_id`` (the other program's)."""
    modules = [
        TrainingModule(
            program_id=program_id,
            title="Listening first",
            body="Ask, then **listen**.",
            question="Who talks most?",
            choices="The mentee\nThe mentor",
            answer=0,
        )
        for program_id in (world.program_id, world.other_program_id)
    ]
    db.session.add_all(modules)
    db.session.commit()
    return {"training_module_id": modules[0].id, "other_training_module_id": modules[1].id}


def _pairing_rows(world: World) -> dict[str, int]:
    """Matching and notices: a draft in each program (``match_draft_id``,
    ``other_match_draft_id``), a mentorship and a waiting mentee in the other program
    (``other_program_mentorship_id``, ``other_program_mentee_membership_id``), and a notice
    for each pair's mentee (``notice_id``, ``other_notice_id``)."""
    mentor = db.session.scalar(
        sa.select(Membership).join(User).where(User.email == world.email("own_mentor"))
    )
    mentee, other_mentee = (
        db.session.scalar(sa.select(User).where(User.email == world.email(role)))
        for role in ("mentee", "other_mentee")
    )
    password_hash = hash_password(PASSWORD)
    users = {
        name: _person(name, f"{name.split()[0].lower()}@pool.example", password_hash)
        for name in ("Wren Waiting", "Orla Otherpool", "Odin Otherpool", "Ona Otherpair")
    }
    ours, other = world.program_id, world.other_program_id
    wren = Membership(user=users["Wren Waiting"], program_id=ours, role=Role.MENTEE)
    orla = Membership(user=users["Orla Otherpool"], program_id=other, role=Role.MENTOR)
    odin = Membership(user=users["Odin Otherpool"], program_id=other, role=Role.MENTEE)
    ona = Membership(user=users["Ona Otherpair"], program_id=other, role=Role.MENTEE)
    mentorship = Mentorship(
        program_id=other,
        status=MentorshipStatus.ACTIVE,
        members=[MentorshipMember(membership=orla), MentorshipMember(membership=ona)],
    )
    draft = MatchDraft(program_id=ours, mentee=wren, mentor=mentor, score=50, reasons=[])
    other_draft = MatchDraft(program_id=other, mentee=odin, mentor=orla, score=40, reasons=[])
    notice, other_notice = (
        Notice(user_id=user.id, program_id=ours, kind="matched", text="You have a mentor")
        for user in (mentee, other_mentee)
    )
    db.session.add_all([wren, orla, odin, ona, mentorship, draft, other_draft])
    db.session.add_all([notice, other_notice])
    db.session.commit()
    return {
        "match_draft_id": draft.id,
        "other_match_draft_id": other_draft.id,
        "other_program_mentorship_id": mentorship.id,
        "other_program_mentee_membership_id": odin.id,
        "notice_id": notice.id,
        "other_notice_id": other_notice.id,
    }


@pytest.fixture
def world(app: Flask) -> World:
    """``build_world()``, or the same rows written back from the last test's (row_snapshots)."""
    with app.app_context():
        return SNAPSHOTS.build("world", build_world)


def log_in(client: Client, email: str, password: str = PASSWORD, **extra):
    return client.submit("/login", {"email": email, "password": password, **extra})


@pytest.fixture
def login(client: Client, world: World):
    """``login("mentee")`` logs the client in as that role of the world."""

    def _login(role: str) -> Client:
        if role != "anonymous":
            response = log_in(client, world.email(role))
            assert response.status_code == 303, response.get_data(as_text=True)
        return client

    return _login


@pytest.fixture
def query_counter(app: Flask):
    """Counts SQL statements sent while the ``with`` block runs."""

    class Counter:
        def __init__(self) -> None:
            self.count = 0
            self.statements: list[str] = []

        def _on_execute(self, conn, cursor, statement, *args) -> None:
            self.count += 1
            self.statements.append(statement)

        def __enter__(self):
            self.count = 0
            self.statements = []
            with app.app_context():
                self.engine = db.engine
            sa.event.listen(self.engine, "before_cursor_execute", self._on_execute)
            return self

        def __exit__(self, *exc) -> None:
            sa.event.remove(self.engine, "before_cursor_execute", self._on_execute)

    return Counter()
