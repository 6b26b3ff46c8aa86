"""``flask queue``: the consumer refuses to run without push keys; status counts what waits."""

from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db
from app.models import User
from app.nudges import outbox
from game.nudges import NudgeKind


def test_the_consumer_will_not_start_without_push_keys(make_app) -> None:
    app = make_app(VAPID_PRIVATE_KEY="", VAPID_PUBLIC_KEY="")
    result = app.test_cli_runner().invoke(args=["queue", "work"])
    assert result.exit_code == 1
    assert "VAPID_PRIVATE_KEY is not set" in result.output
    assert "flask push keys" in result.output


def test_status_counts_tasks_and_undelivered_nudges(app, world, runner) -> None:
    with app.app_context():
        user_id = db.session.scalar(sa.select(User.id).order_by(User.id))
        for number in range(3):
            outbox.queue_nudge(
                user_id, NudgeKind.TEST, f"test:{number}", title="T", body="B", url="/"
            )
        db.session.commit()
    result = runner.invoke(args=["queue", "status"])
    assert result.exit_code == 0
    assert "tasks waiting: 1" in result.output
    assert "nudges not yet delivered: 3" in result.output
