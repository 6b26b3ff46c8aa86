"""Dismissing a notice: the person's own only (anyone else's is a 404)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Response, abort, url_for
from flask_login import current_user, login_required

from ..extensions import db, htmx
from ..models import Notice
from ..rendering import redirect_to
from . import bp, service


@bp.post("/notices/<int:notice_id>/dismiss")
@login_required
def dismiss(notice_id: int):
    notice = db.session.scalar(
        sa.select(Notice).where(Notice.id == notice_id, Notice.user_id == current_user.id)
    )
    if notice is None:
        abort(404)
    service.dismiss(notice)
    if htmx:
        return Response("", status=200)  # the notice's item swaps itself out
    return redirect_to(url_for("home.index"))
