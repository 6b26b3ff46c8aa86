"""Writing and dismissing notices. ``tell`` only adds to the caller's transaction (a notice is
written with the change it announces); ``dismiss`` is an action of its own and commits."""

from __future__ import annotations

import sqlalchemy as sa

from ..clock import utcnow
from ..extensions import db
from ..models import Notice
from ..nudges import causes as nudge_causes

HOME = "/"


def tell(user_id: int, program_id: int, kind: str, text: str, url: str = HOME) -> None:
    """The notice, and its nudge for the person's phone (by kind, never the text)."""
    notice = Notice(user_id=user_id, program_id=program_id, kind=kind, text=text[:300], url=url)
    db.session.add(notice)
    nudge_causes.program_news(notice)


UNREAD = (
    sa.select(Notice.id, Notice.text, Notice.url, Notice.created_at)
    .where(Notice.user_id == sa.bindparam("user_id"), Notice.read_at.is_(None))
    .order_by(Notice.created_at.desc(), Notice.id.desc())
    .limit(5)
)
"""The newest unread notices of the person ``user_id``, as a home page shows them."""


def dismiss(notice: Notice) -> None:
    if notice.read_at is None:
        notice.read_at = utcnow()
    db.session.commit()
