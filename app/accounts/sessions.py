"""Login sessions: one server-side record per login, so that logging out really ends it.

The cookie (Flask's session and the "remember me" cookie) carries only the login's random
token; the record keeps its digest, the device it was made on and when it was last seen.
"""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from ..access import MEMBERSHIP_ORDER, WITH_PROGRAM, open_membership_of, remember_memberships
from ..clock import utcnow
from ..extensions import db
from ..models import LoginSession, Membership, PushSubscription, User
from ..models.logins import digest, new_secret

# "Last seen" is rewritten at most this often, not on every request (one write per request
# would serialise every page view behind SQLite's write lock).
SEEN_EVERY = timedelta(minutes=5)

_BROWSERS = (
    ("Edg/", "Edge"),
    ("SamsungBrowser", "Samsung Internet"),
    ("Firefox", "Firefox"),
    ("CriOS", "Chrome"),
    ("Chrome", "Chrome"),
    ("Safari", "Safari"),
)
_SYSTEMS = (
    ("iPhone", "iPhone"),
    ("iPad", "iPad"),
    ("Android", "Android"),
    ("CrOS", "Chromebook"),
    ("Windows", "Windows"),
    ("Mac OS X", "Mac"),
    ("Linux", "Linux"),
)


def device_label(user_agent: str) -> str:
    """A name the person recognises ("Chrome on Android"), not the raw User-Agent."""
    browser = next((name for mark, name in _BROWSERS if mark in user_agent), "A browser")
    system = next((name for mark, name in _SYSTEMS if mark in user_agent), "an unknown device")
    return f"{browser} on {system}"


def add(user: User, user_agent: str) -> None:
    """Record a new login for ``user`` (the caller commits) and hand its token to Flask-Login."""
    token, token_hash = new_secret()
    now = utcnow()
    record = LoginSession(
        user_id=user.id,
        token_hash=token_hash,
        device=device_label(user_agent),
        created_at=now,
        last_seen_at=now,
    )
    db.session.add(record)
    db.session.flush()
    user.login_token, user.login_session_id = token, record.id


_LOGIN_ROWS = (
    sa.select(User, LoginSession.id, LoginSession.last_seen_at, Membership)
    .join(LoginSession, LoginSession.user_id == User.id)
    .outerjoin(Membership, open_membership_of(User.id))
    .options(WITH_PROGRAM)
    .where(LoginSession.token_hash == sa.bindparam("token_hash"), LoginSession.ended_at.is_(None))
    .order_by(*MEMBERSHIP_ORDER)
)
"""Built once: every logged-in request runs it, and building it (and its cache key) anew cost
more than running it."""


def _login_rows(token: str) -> list[sa.Row]:
    """One row per open membership of the person whose open login holds ``token`` (one row
    with no membership if they have none): the person and their programs in one statement."""
    return db.session.execute(_LOGIN_ROWS, {"token_hash": digest(token)}).all()


def load(token: str) -> User | None:
    """The person whose open login holds ``token``, with their memberships kept for the
    request; an ended or unknown token is nobody."""
    rows = _login_rows(token)
    if not rows:
        return None
    user, session_id, last_seen, _ = rows[0]
    if utcnow() - last_seen >= SEEN_EVERY:  # its own short transaction, before the view runs
        db.session.execute(
            sa.update(LoginSession)
            .where(LoginSession.id == session_id)
            .values(last_seen_at=utcnow())
        )
        db.session.commit()
        rows = _login_rows(token)  # the commit expired what was loaded
        if not rows:
            return None
        user = rows[0][0]
    user.login_token, user.login_session_id = token, session_id
    remember_memberships([row[3] for row in rows if row[3] is not None])
    return user


def open_sessions(user_id: int) -> list[LoginSession]:
    """The person's devices that are still logged in, the most recently used first."""
    return list(
        db.session.scalars(
            sa.select(LoginSession)
            .where(LoginSession.user_id == user_id, LoginSession.ended_at.is_(None))
            .order_by(LoginSession.last_seen_at.desc(), LoginSession.id.desc())
        )
    )


def end_one(user_id: int, session_id: int) -> bool:
    """End one of the person's own logins for good; False when it is not theirs or not open."""
    ended = db.session.execute(
        sa.update(LoginSession)
        .where(
            LoginSession.id == session_id,
            LoginSession.user_id == user_id,
            LoginSession.ended_at.is_(None),
        )
        .values(ended_at=utcnow())
    )
    if ended.rowcount != 1:
        return False
    # A device that is logged out gets no more notifications (someone else may use it next).
    db.session.execute(
        sa.delete(PushSubscription).where(PushSubscription.login_session_id == session_id)
    )
    return True


def end_all(user_id: int, keep_devices_of: int | None = None) -> None:
    """End every login of the person (logging out everywhere, a new password), and with them
    the notifications of every device but the one of login ``keep_devices_of``."""
    db.session.execute(
        sa.update(LoginSession)
        .where(LoginSession.user_id == user_id, LoginSession.ended_at.is_(None))
        .values(ended_at=utcnow())
    )
    ending = [PushSubscription.user_id == user_id]
    if keep_devices_of is not None:
        ending.append(PushSubscription.login_session_id.is_distinct_from(keep_devices_of))
    db.session.execute(sa.delete(PushSubscription).where(*ending))


def carry_devices(old_login_id: int | None, new_login_id: int) -> None:
    """The device of a login that ends and starts afresh (a new password) keeps notifying."""
    db.session.execute(
        sa.update(PushSubscription)
        .where(PushSubscription.login_session_id == old_login_id)
        .values(login_session_id=new_login_id)
    )
