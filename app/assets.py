"""Static files under names that carry a hash of their content, kept by browsers for a year.

At startup every file of ``app/static`` is read once: a hash of its bytes gives it a
fingerprinted name (``css/app.3f2a1b9c0d.css``), and text files are compressed ahead of time
(brotli and gzip at their best levels) so no request compresses them again. ``url_for('static',
filename=...)`` yields the fingerprinted name, which is served ``immutable``; the plain name keeps
working with ``no-cache`` and an ETag, for the service worker and pages saved before a release.
In debug mode a file changed on disk is read again, so editing CSS needs no restart.

The app's own scripts go out as one bundle, ``js/waypoint.js``, in the order below: one request
instead of seven, and compressed together they weigh a quarter less. Whole-line comments and
indentation are left out of the bundle (the scripts hold no multi-line strings); the files
themselves stay as they are, readable.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import mimetypes
from dataclasses import dataclass, field
from pathlib import Path

import brotli
from flask import Flask, Response, abort, current_app, request, url_for

YEAR = 31536000
COMPRESSIBLE = {
    "text/html",
    "text/css",
    "text/javascript",
    "application/javascript",
    "application/json",
    "application/manifest+json",
    "image/svg+xml",
}
BUNDLE = "js/waypoint.js"
BUNDLED = (
    "js/app.js",
    "js/celebrate.js",
    "js/share.js",
    "js/install.js",
    "js/offline-checkin.js",
    "js/notifications.js",
    "js/print.js",
)
ENCODERS = {
    "br": lambda data: brotli.compress(data, quality=11),
    "gzip": lambda data: gzip.compress(data, compresslevel=9, mtime=0),
}


@dataclass(frozen=True)
class Asset:
    name: str
    hashed: str
    mimetype: str
    digest: str
    mtime: float
    bodies: dict[str, bytes] = field(repr=False)
    """Encoding (``identity``, ``br``, ``gzip``) to body; only encodings that made it smaller."""


@functools.cache
def _packed(data: bytes, encoding: str) -> bytes:
    """Compressed once per process: every app the process creates (a test worker makes many)
    shares the work."""
    return ENCODERS[encoding](data)


def content_digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:12]


def fingerprinted(name: str, digest: str) -> str:
    """``js/app.js`` → ``js/app.<digest>.js``."""
    folder, _, base = name.rpartition("/")
    stem, dot, suffix = base.rpartition(".")
    base = f"{stem}.{digest}.{suffix}" if dot else f"{base}.{digest}"
    return f"{folder}/{base}" if folder else base


def bundle(folder: Path) -> bytes:
    """The scripts of ``BUNDLED``, one after the other, without comment lines or indentation."""
    lines = (
        line.strip()
        for name in BUNDLED
        for line in (folder / name).read_text(encoding="utf-8").splitlines()
    )
    return "".join(f"{line}\n" for line in lines if line and not line.startswith("//")).encode()


def _mtime(folder: Path, name: str) -> float:
    parts = BUNDLED if name == BUNDLE else (name,)
    return max((folder / part).stat().st_mtime for part in parts)


def _read(folder: Path, name: str, min_size: int | None) -> Asset:
    data = bundle(folder) if name == BUNDLE else (folder / name).read_bytes()
    digest = content_digest(data)
    mimetype = mimetypes.guess_type(name)[0] or "application/octet-stream"
    bodies = {"identity": data}
    if min_size is not None and len(data) >= min_size and mimetype in COMPRESSIBLE:
        for encoding in ENCODERS:
            packed = _packed(data, encoding)
            if len(packed) < len(data):
                bodies[encoding] = packed
    return Asset(name, fingerprinted(name, digest), mimetype, digest, _mtime(folder, name), bodies)


class Assets:
    """The fingerprinted names and ready-compressed bodies of every static file."""

    def __init__(self, folder: Path, *, min_size: int | None, watch: bool) -> None:
        """``min_size``: files this large or larger are kept compressed too; None: none is."""
        self.folder = folder
        self.min_size = min_size
        self.watch = watch
        self.by_name: dict[str, Asset] = {}
        self.by_hashed: dict[str, Asset] = {}
        self.urls: dict[tuple[str, str], str] = {}
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                self._add(_read(folder, path.relative_to(folder).as_posix(), min_size))
        if all((folder / name).is_file() for name in BUNDLED):
            self._add(_read(folder, BUNDLE, min_size))

    def _add(self, asset: Asset) -> None:
        self.by_name[asset.name] = asset
        self.by_hashed[asset.hashed] = asset

    def get(self, name: str) -> Asset | None:
        asset = self.by_name.get(name)
        if asset is not None and self.watch and _mtime(self.folder, name) != asset.mtime:
            asset = _read(self.folder, name, self.min_size)
            self._add(asset)
        return asset

    def url_name(self, name: str) -> str:
        asset = self.get(name)
        return name if asset is None else asset.hashed

    def url(self, name: str) -> str:
        """``url_for('static', filename=name)``, worked out once per name and script root: the
        layout asks for the same few files on every page."""
        key = (request.script_root, name)
        if key not in self.urls or self.watch:
            self.urls[key] = url_for("static", filename=name)
        return self.urls[key]

    def response(self, filename: str) -> Response:
        asset = self.by_hashed.get(filename)
        immutable = asset is not None
        if asset is None:
            asset = self.get(filename)
        if asset is None:
            abort(404)
        encoding = _choose(asset.bodies)
        response = Response(asset.bodies[encoding], mimetype=asset.mimetype)
        response.vary.add("Accept-Encoding")
        if encoding != "identity":
            response.headers["Content-Encoding"] = encoding
        response.set_etag(asset.digest if encoding == "identity" else f"{asset.digest}-{encoding}")
        if immutable:
            response.cache_control.public = True
            response.cache_control.max_age = YEAR
            response.cache_control.immutable = True
        else:
            response.cache_control.no_cache = True
        return response.make_conditional(request)


def _choose(bodies: dict[str, bytes]) -> str:
    """The smallest body the browser accepts (brotli before gzip when both are)."""
    accepted = request.accept_encodings
    for encoding in ("br", "gzip"):
        if encoding in bodies and accepted[encoding] > 0:
            return encoding
    return "identity"


def assets() -> Assets:
    return current_app.extensions["waypoint_assets"]


def init_app(app: Flask) -> None:
    """Serve ``/static/`` from the fingerprint table and make ``url_for`` name the hashed files."""
    table = Assets(
        Path(app.static_folder),
        min_size=app.config["COMPRESS_MIN_SIZE"] if app.config["COMPRESS_RESPONSES"] else None,
        watch=app.debug,
    )
    app.extensions["waypoint_assets"] = table
    app.view_functions["static"] = table.response
    app.jinja_env.globals["static_url"] = table.url

    @app.url_defaults
    def fingerprint(endpoint: str, values: dict) -> None:
        """``_fingerprint=False`` asks for the plain name (the service worker maps it)."""
        if endpoint == "static" and values.pop("_fingerprint", True) and "filename" in values:
            values["filename"] = table.url_name(values["filename"])
