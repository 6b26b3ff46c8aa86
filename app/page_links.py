"""The links a template writes, each built once per process and script root.

A page asks for the same few endpoints with the same few ids on every request (the mentee's
home 22 times, the mentor's home for 25 mentees 62 times), and Flask's ``url_for`` works each
one out anew through the URL map, the blueprint and the URL defaults. Templates get a
``url_for`` that remembers the relative links it built. Anything it cannot answer the same way
every time goes to Flask's: a blueprint-relative name, ``static`` (its fingerprint follows the
file), an ``_anchor``/``_external``/``_method``/``_scheme`` option, an unhashable value, and
any call outside a request.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, has_request_context, request

LIMIT = 4096
"""Links kept at most; the memory is emptied when it is full (ids come and go, the endpoints
a page links to stay)."""


class PageLinks:
    def __init__(self, build: Callable[..., str]) -> None:
        self.build = build
        self.links: dict[tuple, str] = {}

    def url_for(self, endpoint: str, **values) -> str:
        if endpoint == "static" or endpoint[0] == "." or not has_request_context():
            return self.build(endpoint, **values)
        key = (request.script_root, endpoint, *values.items())
        try:
            return self.links[key]
        except TypeError:  # an unhashable value: a list for a query string
            return self.build(endpoint, **values)
        except KeyError:
            pass
        if any(name[0] == "_" for name in values):
            return self.build(endpoint, **values)
        if len(self.links) >= LIMIT:
            self.links.clear()
        link = self.links[key] = self.build(endpoint, **values)
        return link


def init_app(app: Flask) -> None:
    app.jinja_env.globals["url_for"] = PageLinks(app.url_for).url_for
