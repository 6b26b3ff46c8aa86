"""Helpers for the notifications tests: push subscriptions as a browser hands them over."""

from __future__ import annotations

import base64
import os

import sqlalchemy as sa
from flask import Flask

from app.extensions import db
from app.models import LoginSession, PushSubscription, User

PHONE = "Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 Chrome/126.0 Mobile Safari"
LAPTOP = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def browser_subscription(name: str = "phone") -> dict[str, str]:
    """Fresh keys and an endpoint, as ``PushSubscription.toJSON()`` gives them."""
    return {
        "endpoint": f"https://fcm.googleapis.com/fcm/send/{name}-{os.urandom(4).hex()}",
        "p256dh": _b64(b"\x04" + os.urandom(64)),
        "auth": _b64(os.urandom(16)),
    }


def user_id(app: Flask, email: str) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(User.id).where(User.email == email))


def newest_login(app: Flask, email: str) -> int:
    """The id of the person's latest login (the one a client just made)."""
    with app.app_context():
        return db.session.scalar(
            sa.select(LoginSession.id)
            .join(User, User.id == LoginSession.user_id)
            .where(User.email == email)
            .order_by(LoginSession.id.desc())
            .limit(1)
        )


def subscriptions(app: Flask) -> dict[str, tuple]:
    """endpoint → (user id, login id, p256dh, auth, device) of every stored subscription."""
    with app.app_context():
        return {
            row.endpoint: (row.user_id, row.login_session_id, row.p256dh, row.auth, row.device)
            for row in db.session.scalars(sa.select(PushSubscription))
        }


def subscribe(client, subscription: dict, user_agent: str = PHONE):
    """What notifications.js sends: the fields, and the CSRF token in a header."""
    return client.post(
        "/notifications/devices",
        data=subscription,
        headers={"X-CSRFToken": client.csrf_token(), "User-Agent": user_agent},
    )
