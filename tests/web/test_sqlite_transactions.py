"""The SQLite transaction recipe of ``app.database``, on a SQLite file of its own (so it runs in
the PostgreSQL pass of CI too): savepoints nest inside one transaction, the first write takes
the write lock, a transaction that read before another writer committed can still write, and
threads of one process queue for the lock instead of timing out.

"Another process" is played by a second engine on the same file, with a short busy timeout.
"""

from __future__ import annotations

import threading
import time

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError, OperationalError

from app import create_app
from app.database import holds_write_lock
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


@pytest.fixture
def other_process(sqlite_app):
    engine = sa.create_engine(sqlite_app.config["SQLALCHEMY_DATABASE_URI"])
    with engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA busy_timeout=50")
        yield connection
    engine.dispose()


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


def test_reads_do_not_block_a_writer_but_the_first_write_takes_the_lock(sqlite_app, other_process):
    other = other_process
    db.session.execute(sa.select(NOTES))  # a deferred read transaction is open
    other.execute(NOTES.insert().values(text="written beside a reader"))
    other.commit()
    db.session.execute(NOTES.insert().values(text="mine"))  # now holds the write lock
    with pytest.raises(OperationalError, match="locked"):
        other.execute(NOTES.insert().values(text="must wait"))
    other.rollback()
    db.session.commit()
    with db.engine.connect() as other:
        assert texts(other) == ["written beside a reader", "mine"]


def test_a_transaction_that_wrote_holds_the_write_lock_until_it_ends(sqlite_app, other_process):
    db.session.execute(sa.select(NOTES))
    assert not holds_write_lock()  # a reader: a recording must take the lock itself
    db.session.execute(NOTES.insert().values(text="mine"))
    assert holds_write_lock()  # nobody else can write: a row lock would add nothing
    with pytest.raises(OperationalError, match="locked"):
        other_process.execute(NOTES.insert().values(text="must wait"))
    other_process.rollback()
    db.session.commit()
    db.session.execute(sa.select(NOTES))
    assert not holds_write_lock()
    db.session.rollback()


def test_select_for_update_takes_the_write_lock_as_on_postgresql(sqlite_app, other_process):
    db.session.execute(sa.select(NOTES.c.id).with_for_update())
    with pytest.raises(OperationalError, match="locked"):
        other_process.execute(NOTES.insert().values(text="must wait"))
    other_process.rollback()
    db.session.rollback()


def _update_with_a_cte():
    oldest = sa.select(NOTES.c.id).order_by(NOTES.c.id).limit(1).cte("oldest")
    return NOTES.update().where(NOTES.c.id.in_(sa.select(oldest.c.id))).values(text="edited")


BESIDE = "written beside a reader"
WRITES_WITH_A_CTE = {
    "core update": (_update_with_a_cte, ["edited", BESIDE]),
    "text insert": (
        lambda: sa.text(
            "WITH new(text) AS (SELECT 'added') INSERT INTO notes (text) SELECT text FROM new"
        ),
        ["first", BESIDE, "added"],
    ),
    "text delete": (
        lambda: sa.text(
            "WITH gone AS (SELECT min(id) AS id FROM notes) DELETE FROM notes WHERE id IN gone"
        ),
        [BESIDE],
    ),
}


@pytest.mark.parametrize(
    ("write", "after"), WRITES_WITH_A_CTE.values(), ids=WRITES_WITH_A_CTE.keys()
)
def test_a_write_that_opens_with_a_cte_takes_the_write_lock(
    sqlite_app, other_process, write, after
):
    """``WITH … UPDATE`` is a write: read as a read, it would upgrade a stale snapshot and fail
    with "database is locked" once another writer had committed in between."""
    other = other_process
    other.execute(NOTES.insert().values(text="first"))
    other.commit()
    db.session.execute(sa.select(NOTES)).all()  # a deferred read transaction is open
    other.execute(NOTES.insert().values(text=BESIDE))
    other.commit()
    db.session.execute(write())
    with pytest.raises(OperationalError, match="locked"):
        other.execute(NOTES.insert().values(text="must wait"))
    other.rollback()
    db.session.commit()
    with db.engine.connect() as other:
        assert texts(other) == after


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


def test_threads_of_one_process_queue_for_the_write_lock(sqlite_app):
    """Eight threads each hold the lock for 50 ms while SQLite itself would wait only 1 ms: all
    of them write, one after another, because they queue in the process first."""
    failures, threads = [], []

    def write(n: int) -> None:
        with sqlite_app.app_context():
            db.session.execute(sa.text("PRAGMA busy_timeout=1"))
            try:
                db.session.execute(NOTES.insert().values(text=f"thread {n}"))
                time.sleep(0.05)
                db.session.commit()
            except OperationalError as error:
                failures.append(error)
            finally:
                db.session.remove()

    for n in range(8):
        threads.append(threading.Thread(target=write, args=(n,)))
        threads[-1].start()
    for thread in threads:
        thread.join()
    assert failures == []
    with db.engine.connect() as connection:
        assert sorted(texts(connection)) == [f"thread {n}" for n in range(8)]


def test_a_failed_write_gives_the_turn_back(sqlite_app):
    """A transaction that fails after taking the lock releases it when it is rolled back."""
    db.session.execute(NOTES.insert().values(id=1, text="first"))
    db.session.commit()
    with pytest.raises(IntegrityError):
        db.session.execute(NOTES.insert().values(id=1, text="duplicate"))
    db.session.rollback()
    done = threading.Event()

    def write() -> None:
        with sqlite_app.app_context():
            db.session.execute(NOTES.insert().values(text="next"))
            db.session.commit()
            db.session.remove()
            done.set()

    thread = threading.Thread(target=write)
    thread.start()
    assert done.wait(2), "the next writer is still waiting for the lock"
    thread.join()
