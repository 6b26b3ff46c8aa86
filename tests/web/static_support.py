"""The fingerprinted URL a page names for a static file, worked out from the file itself."""

from __future__ import annotations

from pathlib import Path

from app.assets import BUNDLE, bundle, content_digest, fingerprinted

STATIC = Path(__file__).resolve().parents[2] / "app" / "static"


def static_url(name: str) -> str:
    """``js/app.js`` → ``/static/js/app.<hash of its bytes>.js``."""
    data = bundle(STATIC) if name == BUNDLE else (STATIC / name).read_bytes()
    return "/static/" + fingerprinted(name, content_digest(data))
