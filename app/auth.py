"""Who is logged in: Flask-Login wired to the rotating session token."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask, request, url_for

from .extensions import db, htmx, login_manager
from .models import User
from .rendering import redirect_to


@login_manager.user_loader
def load_user(session_token: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.session_token == session_token))


@login_manager.unauthorized_handler
def unauthorized():
    """Send people to the login page; htmx gets a 401 carrying HX-Redirect."""
    target = url_for("accounts.login", next=request.full_path.rstrip("?"))
    if htmx:
        return "", 401, {"HX-Redirect": target}
    return redirect_to(target)


def init_app(app: Flask) -> None:
    login_manager.login_view = "accounts.login"
    login_manager.session_protection = "basic"
