"""Real consumers: two ``flask queue work`` processes drain one outbox, and no nudge is sent
twice, on SQLite (the queue file beside the database) and on PostgreSQL (SKIP LOCKED)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Nudge, NudgeStatus, PushSubscription, User
from app.nudges import outbox, tasks
from game.nudges import NudgeKind

ROOT = Path(__file__).resolve().parents[2]
PEOPLE, EACH = 6, 10


def _consumer(app, *options: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "VAPID_PRIVATE_KEY": app.config["VAPID_PRIVATE_KEY"],
        "VAPID_SUBJECT": app.config["VAPID_SUBJECT"],
    }
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "flask",
            "--app",
            "wsgi",
            "queue",
            "work",
            "--workers",
            "2",
            *options,
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def _stop(consumer: subprocess.Popen) -> str:
    consumer.send_signal(signal.SIGINT)  # graceful: finish the tasks in hand
    try:
        _, errors = consumer.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        consumer.kill()
        _, errors = consumer.communicate()
    return errors


@pytest.mark.parametrize("worker_type", ["thread", "process"])
def test_two_consumers_drain_one_outbox_and_send_each_nudge_once(
    app, world, push_service, worker_type
):
    devices = {}
    with app.app_context():
        people = db.session.scalars(sa.select(User.id).order_by(User.id).limit(PEOPLE)).all()
        for user_id in people:
            device = devices[user_id] = push_service.subscription()
            db.session.add(
                PushSubscription(
                    user_id=user_id,
                    endpoint=device.endpoint,
                    p256dh=device.p256dh,
                    auth=device.auth,
                    device="Firefox on Linux",
                )
            )
        for user_id in people:
            for number in range(EACH):
                outbox.queue_nudge(
                    user_id,
                    NudgeKind.TEST,
                    f"test:{user_id}:{number}",
                    title="Test",
                    body=f"Number {number}",
                    url="/notifications",
                )
        db.session.commit()  # hands the nudges over in batches
        ids = db.session.scalars(sa.select(Nudge.id)).all()
        # Both consumers' sweeps offer every nudge again: they race for the same rows.
        for _ in range(4):
            tasks.deliver_nudges(ids)
    expected = PEOPLE * EACH
    options = ("--worker-type", worker_type)
    consumers = [_consumer(app, *options), _consumer(app, *options)]
    try:
        push_service.wait_for(expected, timeout=90)
        time.sleep(1)  # room for a second copy, if any consumer were to send one
    finally:
        errors = [_stop(consumer) for consumer in consumers]
    # Only this test's nudges count: a consumer running at a multiple of five minutes also
    # plans reminders for these people (sent, or held back by quiet hours).
    ours = [m for m in push_service.received if m.payload["tag"].startswith(f"{NudgeKind.TEST}:")]
    bodies = [(m.subscription_id, m.payload["body"]) for m in ours]
    assert len(bodies) == expected, errors
    assert len(set(bodies)) == expected, "no nudge reached its device twice"
    for user_id, device in devices.items():
        assert sum(m.subscription_id == device.id for m in ours) == EACH, user_id
    with app.app_context():
        statuses = db.session.scalars(
            sa.select(Nudge.status).where(Nudge.kind == NudgeKind.TEST).distinct()
        ).all()
        assert statuses == [NudgeStatus.SENT]
