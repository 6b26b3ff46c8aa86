"""How long a 10,000-row roster takes: reading and checking the file, the dry-run preview, and
the all-or-nothing import.

Why it exists: issue 8 asks that a large roster (10,000 rows) gets an answer in seconds. This
script builds a program with a coordinator and 1,000 people who already have an account (their
rows become memberships, the other 9,000 personal invites), writes a 10,000-row CSV with every
optional column, and times the app's own functions on a fresh schema:

- read+check: ``roster.decode``, ``roster.read`` and ``roster.check`` (what the upload does;
  most of it is e-mail validation);
- preview: ``roster_service.review`` (the same, plus three queries against the program), then
  rendering the preview page through the test client, with its query count;
- import: ``roster_service.import_roster`` (checks again, claims the upload, two bulk inserts,
  one commit), then a count of what it wrote.

It is not a test and fails nothing: read the numbers.

Run: ``.venv/bin/python benchmarks/roster_import.py`` (a temporary SQLite file), or with
``--database postgresql+psycopg://postgres@127.0.0.1:55433/waypoint_test_bench`` (its name must
contain "test": the script drops and rebuilds its tables). ``--rows N`` changes the size.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa  # noqa: E402 (the repository root goes on the path first)

from app import create_app  # noqa: E402
from app.extensions import db  # noqa: E402
from app.models import Invite, Membership, Program, Role, RosterUpload, User  # noqa: E402
from app.passwords import hash_password  # noqa: E402
from app.programs import roster, roster_service  # noqa: E402

PASSWORD = "benchmark password"


def _csv(rows: int, with_account: int) -> str:
    lines = ["Name,E-mail,Role,Interests,Goals,Skills,Languages"]
    for i in range(rows):
        role = "mentor" if i % 10 == 0 else "mentee"
        lines.append(
            f"Student Number {i},student{i}@school.example,{role},"
            f'"music, football, chemistry",get into university,maths; writing,English; French'
        )
    assert with_account <= rows
    return "\n".join(lines) + "\n"


def _setup(rows: int, with_account: int) -> tuple[int, int, str]:
    db.drop_all()
    db.create_all()
    program = Program(
        name="Benchmark", starts_on=date(2026, 9, 1), ends_on=date(2027, 6, 30), time_zone="UTC"
    )
    secret = hash_password(PASSWORD)
    coordinator = User(name="Coordinator", email="coordinator@school.example", password_hash=secret)
    db.session.add_all([program, coordinator])
    db.session.flush()
    db.session.add(Membership(user=coordinator, program=program, role=Role.COORDINATOR))
    db.session.execute(
        sa.insert(User),
        [
            {"name": f"S{i}", "email": f"student{i}@school.example", "password_hash": secret}
            for i in range(with_account)
        ],
    )
    db.session.commit()
    return program.id, coordinator.id, _csv(rows, with_account)


def _timed(label: str, action):
    start = time.perf_counter()
    result = action()
    print(f"{label:<34} {time.perf_counter() - start:7.2f} s")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", help="SQLAlchemy URL (default: a temporary SQLite file)")
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--with-account", type=int, default=1_000)
    args = parser.parse_args()
    url = args.database or f"sqlite:///{tempfile.mkdtemp()}/roster-benchmark.sqlite3"
    if not url.startswith("sqlite") and "test" not in (sa.engine.make_url(url).database or ""):
        sys.exit("--database must name a database containing 'test' (its tables are dropped)")
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "benchmark", "WTF_CSRF_ENABLED": False}
    )
    with app.app_context():
        program_id, coordinator_id, text = _setup(args.rows, args.with_account)
        print(
            f"{db.engine.dialect.name}: {args.rows:,} rows, {len(text) / 1e6:.1f} MB, "
            f"{args.with_account:,} with an account"
        )
        _timed(
            "read+check (upload)",
            lambda: roster.check(roster.read(roster.decode(text.encode()))[1]),
        )
        review = _timed("review (preview's work)", lambda: roster_service.review(program_id, text))
        assert not review.problems, review.problems[:3]
        upload = RosterUpload(program_id=program_id, content=text, created_by_id=coordinator_id)
        db.session.add(upload)
        db.session.commit()
        upload_id = upload.id

    client = app.test_client()
    client.post("/login", data={"email": "coordinator@school.example", "password": PASSWORD})
    queries = []
    with app.app_context():
        sa.event.listen(db.engine, "before_cursor_execute", lambda *a: queries.append(1))
    page = _timed(
        "preview page (GET, rendered)",
        lambda: client.get(f"/programs/{program_id}/roster/{upload_id}"),
    )
    print(f"{'  its status, queries':<34} {page.status_code:>7} {len(queries):>4}")

    with app.app_context():
        upload = db.session.get(RosterUpload, upload_id)
        _timed(
            "import (all or nothing)", lambda: roster_service.import_roster(upload, coordinator_id)
        )
        invites = db.session.scalar(sa.select(sa.func.count()).select_from(Invite))
        members = db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Membership)
            .where(Membership.role != Role.COORDINATOR)
        )
        print(f"{'  written':<34} {invites:,} invites, {members:,} memberships")


if __name__ == "__main__":
    main()
