"""Who is logged in: Flask-Login wired to one server-side record per login."""

from __future__ import annotations

from flask import Flask, request, url_for

from .accounts import sessions
from .extensions import htmx, login_manager
from .models import User
from .rendering import redirect_to


@login_manager.user_loader
def load_user(login_token: str) -> User | None:
    """The session cookie and the remember cookie carry the login's token: once its record
    has ended (logout, logout everywhere, a new password) both cookies are refused."""
    return sessions.load(login_token)


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
