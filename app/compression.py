"""Compressed responses: brotli or gzip, whichever the browser prefers, for text bodies.

flask-compress compresses pages, htmx fragments, JSON, the manifest and the service worker as
they leave (after the security headers are set); static files come ready-compressed from
app/assets.py and are left alone. Images are never compressed again, tiny bodies are sent as
they are, and a strong ETag gets the encoding appended, so a 304 still answers a revalidation.
"""

from __future__ import annotations

from flask import Flask
from flask_compress import Compress

from .assets import COMPRESSIBLE

MIMETYPES = sorted(COMPRESSIBLE | {"text/calendar", "text/csv"})


def init_app(app: Flask) -> None:
    """Registered last, so it runs after every other after-request hook."""
    app.config.update(
        COMPRESS_REGISTER=app.config["COMPRESS_RESPONSES"],
        COMPRESS_MIMETYPES=MIMETYPES,
        COMPRESS_ALGORITHM=["br", "gzip"],
        COMPRESS_BR_LEVEL=4,
        COMPRESS_LEVEL=6,
        COMPRESS_STREAMS=False,
    )
    Compress(app)
