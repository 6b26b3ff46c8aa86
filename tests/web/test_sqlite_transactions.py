"""The SQLite transaction recipe of ``app.database``, on a SQLite file of its own (so it runs in
the PostgreSQL pass of CI too): savepoints nest inside one transaction, the first write takes
the write lock, and a transaction that read before another writer committed can still write.
"""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError, OperationalError

from app import create_app
from app.extensions import db

NOTES = sa.table("notes", sa.column("id", sa.Integer), sa.column("text", sa.String))


@pytest.fixture
def sqlite_app(tmp_path):
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "x",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/t.db",
        }
    )
    with app.app_context():
        with db.engine.begin() as connection:
            connection.exec_driver_sql("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)")
        yield app
        db.session.remove()
        db.engine.dispose()


def texts(connection) -> list[str]:
    return list(connection.execute(sa.select(NOTES.c.text).order_by(NOTES.c.id)).scalars())


def test_a_released_savepoint_is_rolled_back_with_its_transaction(sqlite_app):
    with db.session.begin_nested():
        db.session.execute(NOTES.insert().values(text="inside a savepoint"))
    db.session.execute(NOTES.insert().values(text="after it"))
    db.session.rollback()
    with db.engine.connect() as other:
        assert texts(other) == []


def test_a_failed_savepoint_keeps_the_rest_of_the_transaction(sqlite_app):
    db.session.execute(NOTES.insert().values(id=1, text="first"))
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.execute(NOTES.insert().values(id=1, text="duplicate"))
    db.session.commit()
    with db.engine.connect() as other:
        assert texts(other) == ["first"]


def test_reads_do_not_block_a_writer_but_the_first_write_takes_the_lock(sqlite_app):
    db.session.execute(sa.select(NOTES))  # a deferred read transaction is open
    with db.engine.connect() as other:
        other.exec_driver_sql("PRAGMA busy_timeout=50")
        other.execute(NOTES.insert().values(text="written beside a reader"))
        other.commit()
        db.session.execute(NOTES.insert().values(text="mine"))  # now holds the write lock
        with pytest.raises(OperationalError, match="locked"):
            other.execute(NOTES.insert().values(text="must wait"))
        other.rollback()
    db.session.commit()
    with db.engine.connect() as other:
        assert texts(other) == ["written beside a reader", "mine"]


def test_select_for_update_takes_the_write_lock_as_on_postgresql(sqlite_app):
    db.session.execute(sa.select(NOTES.c.id).with_for_update())
    with db.engine.connect() as other:
        other.exec_driver_sql("PRAGMA busy_timeout=50")
        with pytest.raises(OperationalError, match="locked"):
            other.execute(NOTES.insert().values(text="must wait"))
        other.rollback()
    db.session.rollback()


def test_a_writer_waits_for_another_instead_of_failing(sqlite_app):
    """A read snapshot taken before another writer committed would make a plain deferred
    transaction fail with "database is locked" at its first write; ours begins again."""
    db.session.execute(sa.select(NOTES)).all()
    started, committed = threading.Event(), threading.Event()

    def other_writer():
        with sqlite_app.app_context(), db.engine.connect() as other:
            other.execute(NOTES.insert().values(text="theirs"))
            started.set()
            other.commit()
            committed.set()

    thread = threading.Thread(target=other_writer)
    thread.start()
    started.wait(5)
    committed.wait(5)
    db.session.execute(NOTES.insert().values(text="mine"))
    db.session.commit()
    thread.join()
    with db.engine.connect() as other:
        assert texts(other) == ["theirs", "mine"]
