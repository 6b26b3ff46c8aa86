"""The task queue: where tasks wait, and work handed over only once its transaction commits."""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from huey.storage import MemoryStorage, PostgresStorage, RedisStorage, SqliteStorage
from sqlalchemy.exc import IntegrityError

from app import queue
from app.extensions import db
from app.models import Nudge, NudgeStatus, User
from app.nudges import outbox
from game.nudges import NudgeKind


def test_the_quick_start_queues_in_a_file_beside_its_sqlite_database(tmp_path) -> None:
    storage = queue.storage_for(
        {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'waypoint.sqlite3'}"}
    )
    assert isinstance(storage, SqliteStorage)
    assert Path(storage.filename) == tmp_path / "waypoint-queue.sqlite3"
    storage.close()


def test_an_in_memory_database_gets_an_in_memory_queue() -> None:
    assert isinstance(queue.storage_for({"SQLALCHEMY_DATABASE_URI": "sqlite://"}), MemoryStorage)


def test_redis_wins_when_it_is_configured(tmp_path) -> None:
    storage = queue.storage_for(
        {
            "REDIS_URL": "redis://127.0.0.1:6390/3",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'w.sqlite3'}",
        }
    )
    assert isinstance(storage, RedisStorage)
    assert storage.conn.connection_pool.connection_kwargs["db"] == 3


def test_a_redis_that_hangs_cannot_hold_a_request_long() -> None:
    """A Redis that takes the connection and never answers: the enqueue gives up within the
    timeout (the caller logs it; the sweep delivers later) instead of waiting for ever."""
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()  # connections complete in the backlog; nothing ever answers
        storage = queue.storage_for({"REDIS_URL": f"redis://127.0.0.1:{silent.getsockname()[1]}/0"})
        outcome: list[BaseException] = []

        def enqueue() -> None:
            try:
                storage.enqueue(b"task")
            except Exception as error:  # noqa: BLE001 - which error is redis-py's business
                outcome.append(error)

        worker = threading.Thread(target=enqueue, daemon=True)
        started = time.monotonic()
        worker.start()
        worker.join(timeout=queue.REDIS_TIMEOUT + 5)
        assert not worker.is_alive(), "the enqueue still waits"
        assert outcome and time.monotonic() - started < queue.REDIS_TIMEOUT + 5


def test_the_app_queues_beside_its_own_database(app) -> None:
    """PostgreSQL keeps the queue's tables in the app's database; SQLite a file beside it."""
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            assert isinstance(queue.huey.storage, PostgresStorage)
            with db.engine.connect() as connection:
                tables = sa.inspect(connection).get_table_names()
            assert {"huey_task", "huey_schedule"} <= set(tables)
        else:
            assert isinstance(queue.huey.storage, SqliteStorage)
            database = Path(db.engine.url.database)
            assert Path(queue.huey.storage.filename).parent == database.parent


def _nudge(user_id: int, key: str) -> None:
    outbox.queue_nudge(
        user_id, NudgeKind.TEST, key, title="Test", body="It works", url="/notifications"
    )


def _user_id() -> int:
    return db.session.scalar(sa.select(User.id).order_by(User.id))


def test_a_nudge_is_handed_to_the_queue_only_after_its_transaction_commits(app, world) -> None:
    with app.app_context():
        _nudge(_user_id(), "test:commit")
        assert queue.huey.pending_count() == 0, "nothing is enqueued before the commit"
        db.session.commit()
        assert queue.huey.pending_count() == 1
        assert db.session.scalar(sa.select(Nudge.status)) == NudgeStatus.PENDING


def test_a_rolled_back_nudge_leaves_neither_a_row_nor_a_task(app, world) -> None:
    with app.app_context():
        _nudge(_user_id(), "test:rollback")
        db.session.rollback()
        db.session.commit()  # a later commit must not hand over the forgotten nudge
        assert queue.huey.pending_count() == 0
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Nudge)) == 0


def test_a_savepoint_rolled_back_keeps_the_hand_over_of_the_rest(app, world) -> None:
    """A service that loses a race inside a savepoint still commits its nudge, and hands it
    over at once (not a minute later, by the sweep)."""
    with app.app_context():
        user_id = _user_id()
        _nudge(user_id, "test:before-savepoint")
        with pytest.raises(IntegrityError), db.session.begin_nested():
            _nudge(user_id, "test:in-savepoint")
            db.session.execute(sa.insert(User).values(id=user_id))  # the race it lost
        db.session.commit()
        assert queue.huey.pending_count() == 1
        assert db.session.scalars(sa.select(Nudge.dedupe_key)).all() == ["test:before-savepoint"]


def test_one_cause_nudges_once_however_often_it_is_written(app, world) -> None:
    with app.app_context():
        user_id = _user_id()
        _nudge(user_id, "test:twice")
        _nudge(user_id, "test:twice")
        db.session.commit()
        _nudge(user_id, "test:twice")
        db.session.commit()
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Nudge)) == 1
        assert queue.huey.pending_count() == 1


def test_one_transaction_hands_its_nudges_over_in_batches(app, world) -> None:
    with app.app_context():
        user_id = _user_id()
        for number in range(outbox.BATCH + 1):
            _nudge(user_id, f"test:batch:{number}")
        db.session.commit()
        assert queue.huey.pending_count() == 2


def test_a_queue_that_is_down_fails_no_action(app, world, monkeypatch, caplog) -> None:
    """The action and its nudge commit; the hand-over's failure is logged for the sweep."""

    def refuse(*_args, **_kwargs):
        raise ConnectionError("queue down")

    monkeypatch.setattr(queue.huey.storage, "enqueue", refuse)
    with app.app_context():
        _nudge(_user_id(), "test:down")
        db.session.commit()
        assert db.session.scalar(sa.select(Nudge.status)) == NudgeStatus.PENDING
    assert "Could not hand _hand_over to the task queue" in caplog.text
