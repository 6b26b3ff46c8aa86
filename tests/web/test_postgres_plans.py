"""``app.postgres_plans``: on PostgreSQL, a request that only read ends with COMMIT, so the
statements it ran stay prepared on the connection; a transaction that wrote, locked rows or
failed is still rolled back (psycopg then forgets what it had prepared), and nothing of it is
kept.

PostgreSQL only: SQLite prepares nothing across transactions and keeps its own recipe
(``test_sqlite_transactions``). The app here has a pool of one connection, so the requests
and the probes share it.
"""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import ProgrammingError
from web_support import log_in

from app.extensions import db
from app.models import Program

PREPARED = sa.text("SELECT count(*) FROM pg_prepared_statements")
PROGRAMS = sa.select(sa.func.count()).select_from(Program)


@pytest.fixture
def app_of_one_connection(make_app):
    app = make_app(SQLALCHEMY_ENGINE_OPTIONS={"pool_size": 1, "max_overflow": 0})
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("PostgreSQL's prepared statements by design (see the module docstring)")
    return app


@pytest.fixture
def prepared_app(app_of_one_connection, world):
    """The app after a mentee opened their home eight times: its statements are prepared."""
    client = app_of_one_connection.test_client()
    assert log_in(client, world.email("mentee")).status_code == 303
    for _ in range(8):
        assert client.get("/").status_code == 200
    return app_of_one_connection


def _prepared() -> int:
    return db.session.scalar(PREPARED)


def _new_program(name: str):
    return sa.insert(Program).values(
        name=name, starts_on=date(2026, 9, 1), ends_on=date(2027, 6, 30)
    )


def test_a_page_opened_again_and_again_runs_prepared_statements(prepared_app):
    with prepared_app.app_context():
        assert _prepared() >= 2  # the person's statement and the home's lists, at least
        db.session.rollback()  # this transaction only read: they stay
        assert _prepared() >= 2


def test_a_transaction_that_wrote_is_rolled_back(prepared_app):
    with prepared_app.app_context():
        programs = db.session.scalar(PROGRAMS)
        db.session.execute(_new_program("Never kept"))
        db.session.execute(PROGRAMS)  # a read after the write changes nothing
        db.session.rollback()
        assert db.session.scalar(PROGRAMS) == programs
        assert _prepared() == 0  # a real rollback: psycopg forgot its prepared statements


def test_a_transaction_that_locked_rows_is_rolled_back(prepared_app):
    with prepared_app.app_context():
        db.session.execute(sa.select(Program.id).with_for_update())
        db.session.rollback()
        assert _prepared() == 0


def test_a_failed_transaction_is_rolled_back_and_the_session_goes_on(prepared_app):
    with prepared_app.app_context():
        programs = db.session.scalar(PROGRAMS)
        with pytest.raises(ProgrammingError):
            db.session.execute(sa.text("SELECT * FROM no_such_table"))
        db.session.rollback()
        db.session.execute(_new_program("Kept after the failure"))
        db.session.commit()
        assert db.session.scalar(PROGRAMS) == programs + 1
