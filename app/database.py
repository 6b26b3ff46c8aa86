"""Database engine settings that make SQLite safe for a small multi-user server.

SQLite transactions follow SQLAlchemy's pysqlite recipe: the driver's own transaction
handling is switched off (it would let a ``SAVEPOINT`` open a transaction that its ``RELEASE``
then commits, saving half an action) and the engine emits ``BEGIN`` itself, so savepoints nest
inside one real transaction that commits or rolls back whole.

A transaction begins deferred, so pages only read and never wait for writers. At its first
write (or savepoint, or ``SELECT … FOR UPDATE``) the read snapshot is ended and the
transaction begins again with ``BEGIN IMMEDIATE``: it waits (``busy_timeout``) for the write
lock and holds it until COMMIT. Upgrading the deferred snapshot instead would fail with
"database is locked" whenever another writer committed in between. Reads made before the
first write therefore behave as on PostgreSQL under READ COMMITTED: the write side must not
rely on them being current, which the services already ensure with guarded UPDATEs, unique
keys and row locks. The lock is taken late (after password hashing, access checks and form
validation) and held briefly (rendering happens after the commit, in a read transaction).
"""

from __future__ import annotations

import re
import sqlite3
import threading

from flask import Flask
from sqlalchemy import event, make_url
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine

from .extensions import db
from .postgres_plans import keep_prepared_statements, locks_rows

BUSY_SECONDS = 5
_WRITE_LOCKED = "waypoint_sqlite_write_locked"
_HOLDS_WRITER = "waypoint_sqlite_holds_writer"
_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE", "SAVEPOINT", "CREATE", "DROP", "ALTER")
_WRITE_AFTER_CTE = re.compile(r"\b(INSERT|UPDATE|DELETE|REPLACE)\b", re.IGNORECASE)


def engine_options(url: str) -> dict:
    """A server may drop an idle connection, so the pool tests one before lending it; a
    SQLite file never does, and the test would be a statement on every request."""
    return {"pool_pre_ping": make_url(url).get_backend_name() != "sqlite"}


def insert_on_conflict(target):
    """An INSERT that can take ``ON CONFLICT`` clauses, in the construct of the session's
    backend (PostgreSQL's and SQLite's spell them alike)."""
    postgres = db.session.get_bind().dialect.name == "postgresql"
    return (postgresql if postgres else sqlite).insert(target)


def holds_write_lock() -> bool:
    """Whether the session's transaction holds SQLite's database write lock (it has written):
    nobody else can write until it commits and everything it reads is the latest, so a row
    lock would only add a statement. Never on PostgreSQL, whose locks are per row."""
    return db.session.connection().info.get(_WRITE_LOCKED, False)


def _sqlite_connect(dbapi_connection, _record) -> None:
    """WAL lets readers run beside a writer; busy_timeout waits instead of failing at once."""
    dbapi_connection.isolation_level = None  # the engine emits BEGIN, not the driver
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_SECONDS * 1000}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_begin(connection: Connection) -> None:
    _release_writer(connection.info)
    connection.exec_driver_sql("BEGIN")
    connection.info[_WRITE_LOCKED] = False


def _is_write(statement: str, context) -> bool:
    """A compiled statement says what it is; a text one is judged by its first word, and one
    that opens with a CTE by any write keyword in it (taking the lock for a read that only
    mentions one costs a wait, missing a write would fail it)."""
    if context.isinsert or context.isupdate or context.isdelete or locks_rows(context):
        return True
    opening = statement.lstrip()[:9].upper()
    if opening.startswith("WITH"):
        return _WRITE_AFTER_CTE.search(statement) is not None
    return opening.startswith(_WRITES)


def _take_write_lock(writer: threading.Lock, connection: Connection, cursor, statement, context):
    """Before the transaction's first write: end the read snapshot, BEGIN IMMEDIATE.

    Threads of one process queue for the write lock on a Python lock first: a waiting thread
    is woken as soon as the writer before it is done, where SQLite's own busy handler would
    poll with growing sleeps and can starve one writer behind a stream of others. Processes
    still wait for each other through busy_timeout.
    """
    if connection.info.get(_WRITE_LOCKED, True) or not connection.in_transaction():
        return
    if not _is_write(statement, context):
        return
    if not writer.acquire(timeout=BUSY_SECONDS):
        raise sqlite3.OperationalError("database is locked")
    connection.info[_HOLDS_WRITER] = writer
    cursor.execute("COMMIT")  # nothing written yet: this only ends the read snapshot
    cursor.execute("BEGIN IMMEDIATE")
    connection.info[_WRITE_LOCKED] = True


def _release_writer(info: dict) -> None:
    writer = info.pop(_HOLDS_WRITER, None)
    if writer is not None:
        writer.release()


def _end_then_release(info: dict, end) -> None:
    """SQLAlchemy's commit, rollback and reset events come before the driver ends the
    transaction: a writer that gave its turn on first would still hold SQLite's lock while the
    next one began. The writer ends it itself (the driver's own call is then a no-op)."""
    try:
        if _HOLDS_WRITER in info:
            end()
    finally:
        _release_writer(info)


def _sqlite_commit(connection: Connection) -> None:
    _end_then_release(connection.info, connection.connection.driver_connection.commit)


def _sqlite_rollback(connection: Connection) -> None:
    _end_then_release(connection.info, connection.connection.driver_connection.rollback)


def _sqlite_reset(dbapi_connection, record, _reset_state) -> None:
    """A connection given back to the pool mid-transaction gives the writer's turn back too."""
    _end_then_release(record.info, dbapi_connection.rollback)


def configure_engine_events(app: Flask) -> None:
    with app.app_context():
        engine: Engine = db.engine
        if engine.dialect.name == "sqlite":
            writer = threading.Lock()

            def take_write_lock(connection, cursor, statement, _parameters, context, _many):
                _take_write_lock(writer, connection, cursor, statement, context)

            event.listen(engine, "connect", _sqlite_connect)
            event.listen(engine, "begin", _sqlite_begin)
            event.listen(engine, "before_cursor_execute", take_write_lock)
            event.listen(engine, "commit", _sqlite_commit)
            event.listen(engine, "rollback", _sqlite_rollback)
            event.listen(engine, "reset", _sqlite_reset)
        elif engine.dialect.name == "postgresql":
            keep_prepared_statements(engine)
