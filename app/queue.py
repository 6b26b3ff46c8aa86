"""The task queue: Huey, with its storage chosen from the configuration in one place.

Tasks are defined at import time on the module-level ``huey``; ``init_app`` gives it the
storage the app's configuration names, the way a Flask extension is initialised. A task runs
inside the app's context, so it uses the database like a view does. Work that must follow a
change is handed over with ``after_commit``: it runs only once the change is committed, and a
queue that is down is logged, never raised into the person's request (the outbox's periodic
sweep recovers anything not enqueued).
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from pathlib import Path

import redis
import sqlalchemy as sa
from flask import Flask, has_app_context
from huey import Huey
from huey.storage import BaseStorage, MemoryStorage, PostgresStorage, RedisStorage, SqliteStorage
from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from .extensions import db

NAME = "waypoint"
TABLE_PREFIX = "huey"
_PENDING = "waypoint_after_commit"
REDIS_TIMEOUT = 3
"""Seconds to reach Redis and to wait for its answer (longer than the consumer's 1 s poll)."""

log = logging.getLogger(__name__)


class _NotConfigured(MemoryStorage):
    """Until ``init_app`` runs there is no queue: enqueueing then is a bug, said loudly."""

    def enqueue(self, data, priority=None):
        raise RuntimeError("the task queue is configured by create_app(); none was created")


huey = Huey(NAME, storage_class=_NotConfigured, utc=True)
_app: Flask | None = None


def storage_for(config) -> BaseStorage:
    """The one place that decides where tasks wait: Redis, PostgreSQL, or a SQLite file.

    REDIS_URL wins (consumers on several machines); otherwise the database's own server when
    it is PostgreSQL; otherwise a SQLite file beside the SQLite database (the quick start's
    ``instance/waypoint-queue.sqlite3``), so no extra service is needed.
    """
    if config.get("REDIS_URL"):
        # A Redis that is down or hangs fails an enqueue in seconds (logged, swept up later),
        # rather than holding the person's request for the system's TCP timeout.
        pool = redis.ConnectionPool.from_url(
            config["REDIS_URL"],
            socket_connect_timeout=REDIS_TIMEOUT,
            socket_timeout=REDIS_TIMEOUT,
        )
        return RedisStorage(NAME, connection_pool=pool)
    url = sa.engine.make_url(config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() == "postgresql":
        dsn = url.set(drivername="postgresql").render_as_string(hide_password=False)
        return PostgresStorage(NAME, dsn=dsn, table_prefix=TABLE_PREFIX)
    if not url.database or url.database == ":memory:":
        return MemoryStorage(NAME)
    database = Path(url.database)
    return SqliteStorage(NAME, filename=str(database.with_name(f"{database.stem}-queue.sqlite3")))


def init_app(app: Flask) -> None:
    global _app
    _app = app
    huey.storage.close()  # a process that builds apps again (the tests) reuses no connection
    huey.storage = storage_for(app.config)
    if not event.contains(db.session, "after_commit", _run_after_commit):
        event.listen(db.session, "after_commit", _run_after_commit)
        event.listen(db.session, "after_transaction_end", _forget_after_commit)


def task(**options) -> Callable:
    """``huey.task`` for a function that needs the app (the database, the configuration)."""
    return lambda function: huey.task(**options)(_in_app_context(function))


def periodic_task(validate_datetime, **options) -> Callable:
    return lambda function: huey.periodic_task(validate_datetime, **options)(
        _in_app_context(function)
    )


def _in_app_context(function: Callable) -> Callable:
    @functools.wraps(function)
    def run(*args, **kwargs):
        if has_app_context():  # run by hand (a test, a flask command): that app's context
            return function(*args, **kwargs)
        if _app is None:
            raise RuntimeError("the task queue is configured by create_app(); none was created")
        with _app.app_context():
            return function(*args, **kwargs)

    return run


def after_commit(function: Callable[[list], None], item) -> None:
    """Once the current transaction commits, call ``function`` with every ``item`` given to
    it in that transaction, as one list; on rollback, forget them."""
    db.session().info.setdefault(_PENDING, {}).setdefault(function, []).append(item)


def _run_after_commit(session: Session) -> None:
    for function, items in session.info.pop(_PENDING, {}).items():
        try:
            function(items)
        except Exception:  # a queue that is down must not fail the committed action
            log.exception("Could not hand %s to the task queue", function.__name__)


def _forget_after_commit(session: Session, transaction: SessionTransaction) -> None:
    """The transaction ended without a commit (a commit ran them already); a savepoint rolled
    back inside it (a lost race for a unique row, say) leaves the rest to run."""
    if transaction.parent is None:
        session.info.pop(_PENDING, None)
