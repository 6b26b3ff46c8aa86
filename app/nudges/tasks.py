"""The queue's nudge tasks: deliver what was just written, retry devices that asked us to
wait, sweep up whatever a lost hand-over or a delay left pending, and plan reminders."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from huey import crontab

from .. import queue
from ..clock import utcnow
from ..notifications import service as notifications
from . import delivery, planner
from .outbox import BATCH

SWEEP_LIMIT = 2000


@queue.task()
def deliver_nudges(ids: list[int]) -> None:
    claimed = delivery.claim(ids, limit=len(ids))
    if claimed:
        delivery.send_claimed(claimed, retry=_retry_after_commit)


@queue.task()
def retry_devices(nudge_id: int, subscription_ids: list[int]) -> None:
    delivery.retry_devices(nudge_id, subscription_ids, retry=_retry_after_commit)


@queue.periodic_task(crontab(minute="*"))
def sweep_outbox() -> None:
    """Every minute: free claims of a consumer that died, and deliver what is due."""
    delivery.release_stale_claims()
    ids = delivery.due_ids(SWEEP_LIMIT)
    for start in range(0, len(ids), BATCH):
        deliver_nudges(ids[start : start + BATCH])


@queue.periodic_task(crontab(minute="*/5"))
def plan_nudges() -> None:
    """Every five minutes: meeting and check-in reminders, reviews waiting, quiet pairs."""
    planner.plan(utcnow())


@queue.periodic_task(crontab(minute="17", hour="3"))
def forget_stale_devices() -> None:
    """Nightly: devices of logins that have expired get no more notifications."""
    remember = timedelta(seconds=current_app.config["REMEMBER_COOKIE_DURATION"])
    notifications.forget_devices_of_expired_logins(remember)


def _retry_after_commit(nudge_id: int, subscription_ids: list[int], delay: int) -> None:
    queue.after_commit(_schedule_retries, (nudge_id, subscription_ids, delay))


def _schedule_retries(retries: list[tuple[int, list[int], int]]) -> None:
    for nudge_id, subscription_ids, delay in retries:
        retry_devices.schedule((nudge_id, subscription_ids), delay=delay)
