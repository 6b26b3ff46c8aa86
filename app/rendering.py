"""One way to answer a request with HTML: a fragment for htmx swaps, the full page otherwise."""

from __future__ import annotations

from flask import Response, redirect, render_template

from .extensions import htmx


def wants_fragment() -> bool:
    """htmx swaps want the fragment; boosted navigation and history restores want the page."""
    return bool(htmx) and not htmx.boosted and not htmx.history_restore_request


def render(page: str, fragment: str | None = None, status: int = 200, **context) -> Response:
    """Render ``fragment`` for an htmx swap when there is one, else the whole ``page``."""
    template = fragment if fragment and wants_fragment() else page
    return Response(render_template(template, **context), status=status)


def redirect_to(location: str) -> Response:
    """A 303 after a change; the htmx redirect fixer turns it into HX-Redirect."""
    return redirect(location, code=303)


def htmx_redirect_fixer(response: Response) -> Response:
    """htmx would follow a redirect inside its XHR and swap the whole page into a target."""
    if htmx and 300 <= response.status_code < 400 and response.location:
        response.headers["HX-Redirect"] = response.location
        del response.headers["Location"]
        response.status_code = 200
        response.set_data(b"")
    return response
