"""Security headers on every response."""

from __future__ import annotations

from flask import Flask, Response, abort, g, request

from .rendering import htmx_redirect_fixer

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "manifest-src 'self'",
        "worker-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def _headers(response: Response, production: bool) -> Response:
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
    response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
    response.vary.add("HX-Request")
    if production:
        response.headers["Strict-Transport-Security"] = "max-age=63072000; includeSubDomains"
    return response


KEEP_OWN_POLICY = frozenset({"static", "pwa.manifest", "pwa.service_worker"})
"""Endpoints that answer the same to everyone and set their own Cache-Control."""


def _no_store(response: Response) -> Response:
    """Pages are personal and carry the session's CSRF token: no browser or proxy keeps a
    copy, so Back after logout on a shared computer asks the server again (and gets the login
    page). Static files, the manifest and the service worker (the same for everyone) keep
    their own policy; other responses with one (the calendar feed) keep it unless someone is
    logged in."""
    user = g.get("_login_user")
    logged_in = user is not None and user.is_authenticated
    if request.endpoint not in KEEP_OWN_POLICY and (
        logged_in or "Cache-Control" not in response.headers
    ):
        response.headers["Cache-Control"] = "no-store"
    return response


def _contains_nul() -> bool:
    if "\x00" in request.path:
        return True
    return any(
        "\x00" in value
        for source in (request.args, request.form)
        for _, values in source.lists()
        for value in values
    )


def init_app(app: Flask) -> None:
    production = app.config["PRODUCTION"]

    @app.before_request
    def refuse_nul_characters():
        """Nobody types a NUL, and PostgreSQL cannot store one in text: a 400, not a 500."""
        if _contains_nul():
            abort(400)

    @app.after_request
    def secure(response: Response) -> Response:
        return _no_store(_headers(htmx_redirect_fixer(response), production))
