"""The fingerprinted URL a page names for a static file, worked out from the file itself."""

from __future__ import annotations

from pathlib import Path

from app.assets import content_digest, fingerprinted

STATIC = Path(__file__).resolve().parents[2] / "app" / "static"


def static_url(name: str) -> str:
    """``js/app.js`` → ``/static/js/app.<hash of its bytes>.js``."""
    return "/static/" + fingerprinted(name, content_digest((STATIC / name).read_bytes()))
