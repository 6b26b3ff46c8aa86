"""``flask queue``: run the consumer that delivers nudges and e-mail, and see what waits."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from ..extensions import db
from ..push import vapid
from ..queue import huey
from . import outbox

queue_cli = AppGroup("queue", help="The background task queue (nudges, e-mail).")


@queue_cli.command("work")
@click.option("--workers", type=int, help="How many workers (default: QUEUE_WORKERS).")
@click.option(
    "--worker-type",
    type=click.Choice(["process", "thread"]),
    help="Processes or threads (default: QUEUE_WORKER_TYPE).",
)
def work_command(workers: int | None, worker_type: str | None) -> None:
    """Run a consumer until stopped (Ctrl+C finishes the tasks in hand first).

    It refuses to start without VAPID keys: every nudge would fail."""
    try:
        vapid.require_keys(current_app.config)
    except vapid.PushKeyError as error:
        raise click.ClickException(str(error)) from None
    count = workers or current_app.config["QUEUE_WORKERS"]
    kind = worker_type or current_app.config["QUEUE_WORKER_TYPE"]
    if kind not in ("process", "thread"):
        raise click.ClickException(f"QUEUE_WORKER_TYPE is process or thread, not {kind!r}.")
    click.echo(f"Task queue consumer: {count} {kind}es on {type(huey.storage).__name__}.")
    db.engine.dispose()  # worker processes must not share the parent's connections
    consumer = huey.create_consumer(workers=count, worker_type=kind, periodic=True)
    consumer.run()


@queue_cli.command("status")
def status_command() -> None:
    """Tasks waiting in the queue and nudges not yet delivered."""
    click.echo(f"tasks waiting: {huey.pending_count()}")
    click.echo(f"tasks scheduled for later: {huey.scheduled_count()}")
    click.echo(f"nudges not yet delivered: {outbox.pending_count()}")
