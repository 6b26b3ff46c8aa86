"""Every write of the notifications views: each function owns (and commits) its transaction."""

from __future__ import annotations

import hmac
from datetime import time, timedelta

import sqlalchemy as sa

from game.nudges import NudgeKind, trial_words

from ..accounts.sessions import device_label
from ..clock import utcnow
from ..database import insert_on_conflict
from ..extensions import db
from ..models import LoginSession, NotificationSettings, PushSubscription, User
from ..nudges.outbox import queue_nudge

TEST_URL = "/notifications"


def save_choices(
    user_id: int,
    *,
    offered: list[NudgeKind],
    wanted: list[str],
    quiet_start: time,
    quiet_end: time,
) -> None:
    """Mute the offered kinds not ``wanted``; a kind not offered now (a role the person no
    longer holds) keeps the choice they made for it."""
    row = db.session.get(NotificationSettings, user_id)
    offered_values = {kind.value for kind in offered}
    muted = (set(row.muted_kinds or ()) if row else set()) - offered_values
    muted |= offered_values - set(wanted)
    values = {
        "quiet_start": quiet_start,
        "quiet_end": quiet_end,
        "muted_kinds": [kind.value for kind in NudgeKind if kind.value in muted],
    }
    db.session.execute(
        insert_on_conflict(NotificationSettings)
        .values(user_id=user_id, **values)
        .on_conflict_do_update(index_elements=["user_id"], set_=values)
    )
    db.session.commit()


def subscribe(user: User, user_agent: str, *, endpoint: str, p256dh: str, auth: str) -> bool:
    """Store this browser's subscription for ``user`` and this login. An endpoint stored for
    someone else moves to ``user`` (a shared device: it notifies whoever turned it on last)
    and starts afresh; the same person turning it on again keeps its history.

    False, changing nothing, when the endpoint is someone else's under another auth secret:
    the shared browser hands over the same subscription, secret and all, so this is someone
    who learnt an endpoint and would take its notifications from its device."""
    stored = db.session.scalar(
        sa.select(PushSubscription).where(PushSubscription.endpoint == endpoint)
    )
    if stored is not None and stored.user_id != user.id and not _same_secret(stored.auth, auth):
        db.session.rollback()
        return False
    table = PushSubscription.__table__
    insert = insert_on_conflict(PushSubscription).values(
        user_id=user.id,
        login_session_id=user.login_session_id,
        endpoint=endpoint,
        p256dh=p256dh,
        auth=auth,
        device=device_label(user_agent),
        created_at=utcnow(),
        last_success_at=None,
        failures=0,
    )
    new, same_person = insert.excluded, table.c.user_id == insert.excluded.user_id
    db.session.execute(
        insert.on_conflict_do_update(
            index_elements=["endpoint"],
            set_={
                "user_id": new.user_id,
                "login_session_id": new.login_session_id,
                "p256dh": new.p256dh,
                "auth": new.auth,
                "device": new.device,
                "created_at": sa.case((same_person, table.c.created_at), else_=new.created_at),
                "last_success_at": sa.case((same_person, table.c.last_success_at), else_=None),
                "failures": sa.case((same_person, table.c.failures), else_=0),
            },
            where=same_person | (table.c.auth == new.auth),  # a row stored meanwhile
        )
    )
    db.session.commit()
    return True


def resubscribe(*, old_endpoint: str, old_auth: str, endpoint: str, p256dh: str, auth: str) -> bool:
    """The push service replaced a subscription (``pushsubscriptionchange``): the row of the
    old endpoint, proven by its auth secret, takes the new endpoint and keys. False when there
    is no such row (removed, or its login ended), the secret is wrong, or the new endpoint is
    stored already under another secret (not this browser's: see ``subscribe``)."""
    row = db.session.scalar(
        sa.select(PushSubscription).where(PushSubscription.endpoint == old_endpoint)
    )
    if row is None or not _same_secret(row.auth, old_auth):
        db.session.rollback()
        return False
    twin = db.session.scalar(
        sa.select(PushSubscription).where(
            PushSubscription.endpoint == endpoint, PushSubscription.id != row.id
        )
    )
    if twin is not None:
        if not _same_secret(twin.auth, auth):
            db.session.rollback()
            return False
        db.session.execute(sa.delete(PushSubscription).where(PushSubscription.id == twin.id))
    row.endpoint, row.p256dh, row.auth, row.failures = endpoint, p256dh, auth, 0
    db.session.commit()
    return True


def _same_secret(stored: str, given: str) -> bool:
    """Auth secrets compared in constant time (the resubscription's only credential)."""
    return hmac.compare_digest(stored.encode(), given.encode())


def remove_device(user_id: int, subscription_id: int) -> bool:
    """Stop notifying one of the person's devices; False when it is not theirs."""
    removed = db.session.execute(
        sa.delete(PushSubscription).where(
            PushSubscription.id == subscription_id, PushSubscription.user_id == user_id
        )
    )
    db.session.commit()
    return removed.rowcount == 1


def send_test(user_id: int) -> bool:
    """Queue a test notification to the person's devices; False when they have none. One a
    minute: a second tap in the same minute is the same nudge (its key), not another."""
    has_device = db.session.scalar(
        sa.select(sa.exists().where(PushSubscription.user_id == user_id))
    )
    if not has_device:
        db.session.rollback()
        return False
    words = trial_words()
    key = f"test:{user_id}:{utcnow():%Y%m%dT%H%M}"
    queue_nudge(user_id, NudgeKind.TEST, key, title=words.title, body=words.body, url=TEST_URL)
    db.session.commit()
    return True


def forget_devices_of_expired_logins(remember: timedelta) -> int:
    """A device whose login was not seen for longer than "remember me" lasts is logged out
    there (its cookie has expired), so it stops getting notifications too."""
    expired = sa.select(LoginSession.id).where(LoginSession.last_seen_at < utcnow() - remember)
    result = db.session.execute(
        sa.delete(PushSubscription)
        .where(PushSubscription.login_session_id.in_(expired))
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return result.rowcount
