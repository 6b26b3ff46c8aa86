"""One handler for every HTTP error, and one for anything unexpected."""

from __future__ import annotations

from flask import current_app, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from ..extensions import db
from . import bp

MESSAGES = {
    400: ("Something was wrong with that request", "Please go back and try again."),
    401: ("Please log in", "You need to log in to see this page."),
    403: ("Not for you", "You don't have access to this page."),
    404: ("Not found", "We couldn't find that page. It may have moved, or it isn't yours."),
    405: ("Not allowed", "That page can't be used this way."),
    410: ("Gone", "This link no longer works."),
    413: ("Too large", "That was more than we can take at once. Shorten it and try again."),
    415: ("Not a form we know", "Please use the form on its page: it sends text fields only."),
    429: (
        "Slow down a little",
        "Too many attempts in a short time. Wait a few minutes and try again.",
    ),
    500: ("Something went wrong on our side", "We have noted it. Please try again shortly."),
}


def _page(code: int, detail: str | None = None):
    title, message = MESSAGES.get(code, MESSAGES[500 if code >= 500 else 400])
    html = render_template("errors/error.html", code=code, title=title, message=detail or message)
    return html, code


@bp.app_errorhandler(CSRFError)
def csrf_failed(error: CSRFError):
    return _page(400, "This form expired or came from elsewhere. Reload the page and try again.")


@bp.app_errorhandler(HTTPException)
def http_error(error: HTTPException):
    return _page(error.code or 500)


@bp.app_errorhandler(InternalServerError)
def server_error(error: InternalServerError):
    db.session.rollback()
    current_app.logger.error("Unhandled error", exc_info=error.original_exception)
    return _page(500)
