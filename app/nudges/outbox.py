"""Writing nudges: a row in the caller's transaction, handed to the queue once it commits.

The row and the change it announces commit together or not at all. After the commit the new
rows' ids go to the delivery task in one hand-over per transaction; if that is lost (the
process dies, the queue is down) the periodic sweep finds the rows still pending.
"""

from __future__ import annotations

import functools
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from game.nudges import NudgeKind

from .. import queue
from ..clock import utcnow
from ..extensions import db
from ..models import Nudge, NudgeStatus

BATCH = 50
"""Nudges per delivery task: a big fan-out is spread over the consumer's threads."""
_INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def queue_nudge(
    user_id: int,
    kind: NudgeKind,
    key: str,
    *,
    title: str,
    body: str,
    url: str,
    due_at: datetime | None = None,
) -> None:
    """Add a nudge to the caller's transaction; a ``key`` already used adds nothing.

    ``key`` names the cause ("help:<check-in id>"), so running a rule twice, or two requests
    racing, nudges once. Muting, quiet hours and the daily cap are delivery's business.
    """
    now = utcnow()
    new_id = db.session.scalar(
        _insert(db.session.get_bind().dialect.name),
        {
            "user_id": user_id,
            "kind": kind.value,
            "dedupe_key": key[:200],
            "title": title[:80],
            "body": body[:200],
            "url": url[:300],
            "created_at": now,
            "due_at": due_at or now,
            "status": NudgeStatus.PENDING,
        },
    )
    if new_id is not None and (due_at is None or due_at <= now):
        queue.after_commit(_hand_over, new_id)


@functools.cache
def _insert(dialect: str):
    """INSERT … ON CONFLICT (dedupe_key) DO NOTHING RETURNING id, built once per dialect."""
    insert = _INSERTS[dialect](Nudge).on_conflict_do_nothing(index_elements=["dedupe_key"])
    return insert.returning(Nudge.id)


def _hand_over(ids: list[int]) -> None:
    """This transaction's nudges that are due now, to the delivery task in batches."""
    from .tasks import deliver_nudges  # the tasks module imports this one

    for start in range(0, len(ids), BATCH):
        deliver_nudges(ids[start : start + BATCH])


def pending_count() -> int:
    """Rows not yet sent or dropped: for the operations command and the tests."""
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Nudge)
        .where(Nudge.status.in_([NudgeStatus.PENDING, NudgeStatus.SENDING]))
    )
