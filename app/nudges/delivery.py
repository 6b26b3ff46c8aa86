"""Delivering the outbox: claim due nudges, send each to the person's devices, record what
happened.

A claim is one short transaction (``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so two consumers
never take the same row; SQLite has one writer at a time, and the status guard does the
same). Sending happens outside any transaction, so a slow push service holds no lock.
A claim left behind by a consumer that died is released after ``STALE_CLAIM``; the push
``Topic`` and the notification ``tag`` make the rare repeat replace the first on the phone.
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from game.nudges import (
    CAP_WINDOW,
    DAILY_CAP,
    QUIET_END,
    QUIET_START,
    UNCAPPED,
    NudgeKind,
    delivery_time,
)

from ..clock import utcnow
from ..extensions import db
from ..models import NotificationSettings, Nudge, NudgeStatus, PushSubscription, User
from ..push import sender, vapid

log = logging.getLogger(__name__)

TIMEOUT = (3.05, 10.0)
"""Seconds to connect to a push service and to wait for its answer before trying later."""
MAX_ATTEMPTS = 5
BACKOFF_SECONDS = (30, 120, 300, 600)
LONGEST_WAIT = 600
"""A push service's Retry-After is honoured up to ten minutes; beyond, the nudge is stale."""
STALE_CLAIM = timedelta(seconds=LONGEST_WAIT + 300)
"""Longer than any retry's wait, so a claim waiting for its retry is never taken back."""

_session = sender.new_session()
"""One connection pool per process: the consumer's threads keep push services' connections open."""


@dataclass(frozen=True)
class Policy:
    """How long a nudge stays worth delivering (the push service keeps it that long for an
    unreachable phone, and the outbox sends it no later after its time), and how urgently."""

    ttl: int
    urgency: sender.Urgency


_HOUR = 3600
POLICIES: dict[NudgeKind, Policy] = {
    NudgeKind.HELP_REQUESTED: Policy(2 * 24 * _HOUR, sender.Urgency.HIGH),
    NudgeKind.REVIEW_WAITING: Policy(2 * 24 * _HOUR, sender.Urgency.NORMAL),
    NudgeKind.MENTOR_REPLIED: Policy(2 * 24 * _HOUR, sender.Urgency.NORMAL),
    NudgeKind.MILESTONE_CONFIRMED: Policy(2 * 24 * _HOUR, sender.Urgency.LOW),
    NudgeKind.BADGE_EARNED: Policy(2 * 24 * _HOUR, sender.Urgency.LOW),
    NudgeKind.KUDOS: Policy(2 * 24 * _HOUR, sender.Urgency.LOW),
    NudgeKind.MEETING_REMINDER: Policy(_HOUR, sender.Urgency.HIGH),
    NudgeKind.CHECKIN_REMINDER: Policy(12 * _HOUR, sender.Urgency.NORMAL),
    NudgeKind.PAIR_QUIET: Policy(3 * 24 * _HOUR, sender.Urgency.LOW),
    NudgeKind.PROGRAM_NEWS: Policy(3 * 24 * _HOUR, sender.Urgency.NORMAL),
    NudgeKind.TEST: Policy(10 * 60, sender.Urgency.HIGH),
}


def claim(ids: list[int] | None, limit: int) -> list[int]:
    """Take up to ``limit`` due, pending nudges (among ``ids`` when given) for this consumer."""
    now = utcnow()
    due = sa.select(Nudge.id).where(Nudge.status == NudgeStatus.PENDING, Nudge.due_at <= now)
    if ids is not None:
        due = due.where(Nudge.id.in_(ids))
    due = due.order_by(Nudge.due_at, Nudge.id).limit(limit).with_for_update(skip_locked=True)
    claimed = list(
        db.session.scalars(
            sa.update(Nudge)
            .where(Nudge.id.in_(due.scalar_subquery()), Nudge.status == NudgeStatus.PENDING)
            .values(status=NudgeStatus.SENDING, claimed_at=now, attempts=Nudge.attempts + 1)
            .returning(Nudge.id)
            .execution_options(synchronize_session=False)
        )
    )
    db.session.commit()
    return claimed


def release_stale_claims() -> int:
    """Claims older than ``STALE_CLAIM`` belonged to a consumer that stopped: pending again."""
    result = db.session.execute(
        sa.update(Nudge)
        .where(Nudge.status == NudgeStatus.SENDING, Nudge.claimed_at < utcnow() - STALE_CLAIM)
        .values(status=NudgeStatus.PENDING)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return result.rowcount


def due_ids(limit: int) -> list[int]:
    """Pending nudges whose time has come: what a lost hand-over or a delay left behind."""
    return list(
        db.session.scalars(
            sa.select(Nudge.id)
            .where(Nudge.status == NudgeStatus.PENDING, Nudge.due_at <= utcnow())
            .order_by(Nudge.due_at, Nudge.id)
            .limit(limit)
        )
    )


@dataclass
class _Work:
    nudge: Nudge
    zone: str
    settings: NotificationSettings | None
    devices: list[PushSubscription]
    sent_in_last_day: int


@dataclass
class _Batch:
    """What one task's sending learned. The common outcome is written for the whole batch in
    two statements rather than a row at a time: the devices that took a nudge, and the nudges
    that reached a device. A push service that did not answer at all is not tried again in
    the same batch, so a hanging service costs one timeout, not one per device, and a batch
    ends well within ``STALE_CLAIM``."""

    reached_devices: list[int] = field(default_factory=list)
    sent_nudges: list[int] = field(default_factory=list)
    silent_services: set[str] = field(default_factory=set)

    def write(self) -> None:
        now = utcnow()
        if self.reached_devices:
            db.session.execute(
                sa.update(PushSubscription)
                .where(PushSubscription.id.in_(self.reached_devices))
                .values(last_success_at=now, failures=0)
                .execution_options(synchronize_session=False)
            )
        if self.sent_nudges:
            db.session.execute(
                sa.update(Nudge)
                .where(Nudge.id.in_(self.sent_nudges))
                .values(status=NudgeStatus.SENT, sent_at=sa.func.coalesce(Nudge.sent_at, now))
                .execution_options(synchronize_session=False)
            )


def send_claimed(ids: list[int], retry) -> None:
    """Send the claimed nudges ``ids``; ``retry(nudge_id, subscription_ids, delay)`` schedules
    another try for the devices whose push service asked to wait."""
    batch = _Batch()
    capped_now: Counter[int] = Counter()  # a batch may hold several nudges for one person
    for work in _load(ids):
        work.sent_in_last_day += capped_now[work.nudge.user_id]
        if _send_one(work, retry, batch) and work.nudge.kind not in UNCAPPED:
            capped_now[work.nudge.user_id] += 1
    batch.write()
    db.session.commit()


def retry_devices(nudge_id: int, subscription_ids: list[int], retry) -> None:
    """Another try for some devices of a nudge still claimed (its status stays SENDING)."""
    nudge = db.session.get(Nudge, nudge_id)
    if nudge is None or nudge.status != NudgeStatus.SENDING:
        return
    settings = db.session.get(NotificationSettings, nudge.user_id)
    if settings is not None and nudge.kind in settings.muted_kinds:  # switched off meanwhile
        if nudge.sent_at is None:
            _drop(nudge, "switched off by the person")
        else:
            nudge.status = NudgeStatus.SENT
        db.session.commit()
        return
    nudge.attempts += 1
    nudge.claimed_at = utcnow()
    devices = list(
        db.session.scalars(
            sa.select(PushSubscription).where(
                PushSubscription.id.in_(subscription_ids),
                PushSubscription.user_id == nudge.user_id,
            )
        )
    )
    batch = _Batch()
    _deliver(nudge, devices, retry, batch, delivered_before=nudge.sent_at is not None)
    batch.write()
    db.session.commit()


def _load(ids: list[int]) -> list[_Work]:
    """Everything the claimed nudges need, in three queries whatever their number."""
    rows = db.session.execute(
        sa.select(Nudge, User.time_zone, NotificationSettings)
        .join(User, User.id == Nudge.user_id)
        .outerjoin(NotificationSettings, NotificationSettings.user_id == Nudge.user_id)
        .where(Nudge.id.in_(ids), Nudge.status == NudgeStatus.SENDING)
        .order_by(Nudge.id)
    ).all()
    users = {nudge.user_id for nudge, _, _ in rows}
    devices: dict[int, list[PushSubscription]] = defaultdict(list)
    for device in db.session.scalars(
        sa.select(PushSubscription)
        .where(PushSubscription.user_id.in_(users))
        .order_by(PushSubscription.id)
    ):
        devices[device.user_id].append(device)
    sent = dict(
        db.session.execute(
            sa.select(Nudge.user_id, sa.func.count())
            .where(
                Nudge.user_id.in_(users),
                Nudge.sent_at > utcnow() - CAP_WINDOW,  # a nudge still retrying some devices too
                Nudge.kind.not_in(UNCAPPED),
            )
            .group_by(Nudge.user_id)
        ).all()
    )
    return [
        _Work(nudge, zone, settings, devices[nudge.user_id], sent.get(nudge.user_id, 0))
        for nudge, zone, settings in rows
    ]


def _send_one(work: _Work, retry, batch: _Batch) -> bool:
    """Drop, delay or send one claimed nudge; True when it was sent (it counts for the cap)."""
    nudge, kind = work.nudge, NudgeKind(work.nudge.kind)
    if work.settings is not None and kind.value in work.settings.muted_kinds:
        _drop(nudge, "switched off by the person")
        return False
    if not work.devices:
        _drop(nudge, "no device has notifications on")
        return False
    if utcnow() - nudge.due_at > timedelta(seconds=POLICIES[kind].ttl):
        # the consumer was down for long: "your meeting starts soon" after it began is noise
        _drop(nudge, "too late to be of use")
        return False
    settings = work.settings
    when = delivery_time(
        utcnow(),
        work.zone,
        settings.quiet_start if settings else QUIET_START,
        settings.quiet_end if settings else QUIET_END,
        sent_in_last_day=work.sent_in_last_day,
        daily_cap=DAILY_CAP,
        kind=kind,
    )
    if when > utcnow():
        nudge.status, nudge.due_at, nudge.claimed_at = NudgeStatus.PENDING, when, None
        return False
    _deliver(nudge, work.devices, retry, batch, delivered_before=False)
    return True


def _deliver(
    nudge: Nudge,
    devices: list[PushSubscription],
    retry,
    batch: _Batch,
    delivered_before: bool,
) -> None:
    policy = POLICIES[NudgeKind(nudge.kind)]
    # One tag per kind and page: "starts soon" replaces "tomorrow" for one meeting, but a second
    # mentee's help request is a notification of its own (a replacement would not even alert).
    tag = f"{nudge.kind}:{nudge.url}"
    message = sender.Message(title=nudge.title, body=nudge.body, url=nudge.url, tag=tag)
    signer = vapid.signer_for(current_app.config)
    delivered, waiting, delay = delivered_before, [], 0
    for device in devices:
        try:
            service = vapid.origin(device.endpoint)
        except ValueError:  # not a push URL: send() answers Gone, and the row goes
            service = device.endpoint
        if service in batch.silent_services:
            outcome = sender.RetryLater(None, f"{service} did not answer", unanswered=True)
        else:
            outcome = sender.send(
                sender.Target(device.endpoint, device.p256dh, device.auth),
                message,
                signer=signer,
                session=_session,
                ttl=policy.ttl,
                urgency=policy.urgency,
                topic=sender.topic_for(nudge.dedupe_key),
                timeout=TIMEOUT,
            )
        match outcome:
            case sender.Delivered():
                batch.reached_devices.append(device.id)
                delivered = True
            case sender.Gone():
                db.session.delete(device)
            case sender.RetryLater(after_seconds=after, unanswered=unanswered):
                waiting.append(device.id)
                delay = max(delay, after or 0)
                if unanswered:
                    batch.silent_services.add(service)
            case _:
                device.failures += 1
    if waiting and nudge.attempts < MAX_ATTEMPTS:
        if delivered and nudge.sent_at is None:
            nudge.sent_at = utcnow()
        backoff = BACKOFF_SECONDS[min(nudge.attempts, len(BACKOFF_SECONDS)) - 1]
        retry(nudge.id, waiting, min(max(delay, backoff), LONGEST_WAIT))
        return
    if delivered:
        batch.sent_nudges.append(nudge.id)
    else:
        _drop(nudge, "no device could be reached")


def _drop(nudge: Nudge, why: str) -> None:
    nudge.status, nudge.outcome = NudgeStatus.DROPPED, why
