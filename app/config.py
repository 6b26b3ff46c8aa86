"""Configuration, read from environment variables in one place.

Every setting a deployment may change is listed in ``SETTINGS`` with its documentation, so
that the README table and the code cannot drift apart (a test compares them).
"""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path

from .push.vapid import default_subject, generate_keys

PUSH_SERVICES = (
    "fcm.googleapis.com",
    "updates.push.services.mozilla.com",
    "*.push.services.mozilla.com",
    "*.push.apple.com",
    "*.notify.windows.com",
)
"""The push services of the browsers people use: Google's, Mozilla's, Apple's, Microsoft's."""

SETTINGS: dict[str, str] = {
    "WAYPOINT_ENV": "`development` (default) or `production`. Production turns on HSTS, "
    "Secure `__Host-` cookies and requires `SECRET_KEY`.",
    "SECRET_KEY": "Signs sessions and CSRF tokens. Required in production; in development "
    "one is generated into `instance/secret_key` on first run.",
    "DATABASE_URL": "SQLAlchemy URL. Default: SQLite at `instance/waypoint.sqlite3`. "
    "PostgreSQL: `postgresql+psycopg://user:pass@host/dbname`.",
    "REDIS_URL": "Where background tasks (nudges, e-mail) wait for the consumer. Unset "
    "(default): in the database's own server when `DATABASE_URL` is PostgreSQL, else in "
    "`instance/waypoint-queue.sqlite3` beside the SQLite database. Set it "
    "(`redis://host:6379/0`) to run consumers on several machines.",
    "QUEUE_WORKERS": "Workers of one `flask queue work` consumer (default: one per CPU core).",
    "QUEUE_WORKER_TYPE": "`process` (default: encrypting and posting a push is CPU work, and "
    "processes use every core) or `thread` (many workers waiting on push services far away "
    "cost less memory).",
    "RATELIMIT_STORAGE_URI": "Where failed password checks and reset-link requests are "
    "counted, as a storage URI of the `limits` library: `memory://` (default, one process) or "
    "`redis://host:6379` when several server processes run.",
    "LOGIN_LIMIT_PER_ADDRESS": "Failed password checks, reset-link requests and wrong reset "
    "links allowed per client address, over all accounts (default `50 per 10 minutes`: a "
    "school's devices often share one address).",
    "LOGIN_LIMIT_PER_ADDRESS_AND_ACCOUNT": "Failed password checks allowed per client address "
    "for one account (default `5 per 10 minutes`).",
    "LOGIN_LIMIT_PER_ACCOUNT": "Failed password checks allowed for one account from all "
    "addresses together (default `100 per hour`). Successful logins never count, and a new "
    "password starts the account's counts afresh.",
    "MAIL_SERVER": "SMTP server for password-reset e-mails. Empty (default): no e-mail is sent "
    "and people ask their coordinator for a reset link.",
    "MAIL_PORT": "SMTP port (default `587`).",
    "MAIL_TLS": "`starttls` (default), `ssl` (implicit TLS, usually port 465) or `none`.",
    "MAIL_USERNAME": "SMTP login, when the server wants one (default: none).",
    "MAIL_PASSWORD": "SMTP password for `MAIL_USERNAME`.",
    "MAIL_FROM": "Sender address of the e-mails (default `waypoint@localhost`).",
    "REMEMBER_DAYS": "How long “remember me” keeps a phone logged in (default `60`).",
    "PUBLIC_URL": "The address people open Waypoint at (`https://mentoring.school.example`), "
    "for the links `flask` commands print (default `http://127.0.0.1:5000`, the development "
    "server).",
    "TRUST_PROXY_HOPS": "Number of reverse proxies in front of the app whose "
    "`X-Forwarded-For`/`-Proto` headers are trusted (default `0`).",
    "COMPRESS_RESPONSES": "`1` (default): pages, fragments, JSON and static text files are sent "
    "compressed (brotli, else gzip) to browsers that accept it, and static files are compressed "
    "once at startup. `0` when a reverse proxy in front compresses instead.",
    "COMPRESS_MIN_BYTES": "Responses smaller than this are sent as they are (default `500`: "
    "compressing a tiny body saves nothing).",
    "MAX_REQUEST_KB": "Largest request body accepted, in kilobytes (default `256`, ample for "
    "10,000 characters of notes); a larger one gets a 413 page and is not parsed.",
    "VAPID_PRIVATE_KEY": "Signs web push messages (the raw P-256 private key, base64url, as "
    "printed by `flask push keys`). In development one is generated into "
    "`instance/vapid_private_key` on first run; in production push stays off until it is set "
    "(the web app still runs). Changing it orphans every device's subscription.",
    "VAPID_PUBLIC_KEY": "The matching public key, as printed by `flask push keys` (default: "
    "derived from `VAPID_PRIVATE_KEY`; when set it must match).",
    "VAPID_SUBJECT": "How push services can reach whoever runs the server: a `mailto:` address "
    "or an `https://` URL (default `mailto:` the `MAIL_FROM` address).",
    "PUSH_SERVICE_HOSTS": "The push services a browser's subscription may point at, separated by "
    "commas; `*.` before a name allows every host under it. The server posts to the address a "
    "browser hands over, so any other host is refused. Default: "
    f"`{', '.join(PUSH_SERVICES)}` (Chrome, Firefox, Safari, Edge). Outside production "
    "`http://` on `localhost`/`127.0.0.1`/`::1` is allowed too, for the tests.",
}

MAX_FORM_PARTS = 100
"""Fields in one multipart body: the largest form has about a dozen."""


def _env(name: str, default: str) -> str:
    return os.environ.get(name, default)


def _instance_secret(instance_path: Path) -> str:
    """A stable secret for the quick start, so restarting the dev server keeps people logged in."""
    path = instance_path / "secret_key"
    if not path.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def _instance_vapid_key(instance_path: Path) -> str:
    """The quick start's push key: made once, so devices stay subscribed across restarts.

    Linked into place whole, so two processes starting at once agree on one key."""
    path = instance_path / "vapid_private_key"
    if not path.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        draft = instance_path / f".vapid_private_key.{secrets.token_hex(8)}"
        draft.write_text(generate_keys().private)
        draft.chmod(0o600)
        with contextlib.suppress(FileExistsError):
            os.link(draft, path)
        draft.unlink()
    return path.read_text().strip()


def _hosts(text: str) -> tuple[str, ...]:
    return tuple(host.strip().lower() for host in text.split(",") if host.strip())


def load(instance_path: Path) -> dict[str, object]:
    """Build the Flask config mapping from the environment."""
    production = _env("WAYPOINT_ENV", "development") == "production"
    secret = os.environ.get("SECRET_KEY")
    if not secret:
        if production:
            raise RuntimeError("SECRET_KEY must be set when WAYPOINT_ENV=production")
        secret = _instance_secret(instance_path)
    database_url = _env("DATABASE_URL", f"sqlite:///{instance_path / 'waypoint.sqlite3'}")
    max_request = int(_env("MAX_REQUEST_KB", "256")) * 1024
    vapid_private = os.environ.get("VAPID_PRIVATE_KEY", "")
    if not vapid_private and not production:
        vapid_private = _instance_vapid_key(instance_path)
    mail_from = _env("MAIL_FROM", "waypoint@localhost")
    config: dict[str, object] = {
        "PRODUCTION": production,
        "SECRET_KEY": secret,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "WTF_CSRF_TIME_LIMIT": None,
        "WTF_CSRF_SSL_STRICT": production,
        "REDIS_URL": _env("REDIS_URL", ""),
        "QUEUE_WORKERS": int(_env("QUEUE_WORKERS", str(os.cpu_count() or 2))),
        "QUEUE_WORKER_TYPE": _env("QUEUE_WORKER_TYPE", "process"),
        "RATELIMIT_STORAGE_URI": _env("RATELIMIT_STORAGE_URI", "memory://"),
        "LOGIN_LIMIT_PER_ADDRESS": _env("LOGIN_LIMIT_PER_ADDRESS", "50 per 10 minutes"),
        "LOGIN_LIMIT_PER_ADDRESS_AND_ACCOUNT": _env(
            "LOGIN_LIMIT_PER_ADDRESS_AND_ACCOUNT", "5 per 10 minutes"
        ),
        "LOGIN_LIMIT_PER_ACCOUNT": _env("LOGIN_LIMIT_PER_ACCOUNT", "100 per hour"),
        "MAIL_SERVER": _env("MAIL_SERVER", ""),
        "MAIL_PORT": int(_env("MAIL_PORT", "587")),
        "MAIL_TLS": _env("MAIL_TLS", "starttls"),
        "MAIL_USERNAME": _env("MAIL_USERNAME", ""),
        "MAIL_PASSWORD": _env("MAIL_PASSWORD", ""),
        "MAIL_FROM": mail_from,
        "REMEMBER_COOKIE_DURATION": int(_env("REMEMBER_DAYS", "60")) * 86400,
        "PUBLIC_URL": _env("PUBLIC_URL", "http://127.0.0.1:5000").rstrip("/"),
        "TRUST_PROXY_HOPS": int(_env("TRUST_PROXY_HOPS", "0")),
        "COMPRESS_RESPONSES": _env("COMPRESS_RESPONSES", "1") not in ("0", "false", "no"),
        "COMPRESS_MIN_SIZE": int(_env("COMPRESS_MIN_BYTES", "500")),
        "MAX_CONTENT_LENGTH": max_request,
        "MAX_FORM_MEMORY_SIZE": max_request,
        "MAX_FORM_PARTS": MAX_FORM_PARTS,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "ARGON2_PARAMETERS": {},
        "VAPID_PRIVATE_KEY": vapid_private,
        "VAPID_PUBLIC_KEY": _env("VAPID_PUBLIC_KEY", ""),
        "VAPID_SUBJECT": _env("VAPID_SUBJECT", "") or default_subject(mail_from),
        "PUSH_SERVICE_HOSTS": _hosts(_env("PUSH_SERVICE_HOSTS", ",".join(PUSH_SERVICES))),
    }
    if production:
        config.update(
            SESSION_COOKIE_SECURE=True,
            SESSION_COOKIE_NAME="__Host-session",
            REMEMBER_COOKIE_SECURE=True,
            REMEMBER_COOKIE_NAME="__Host-remember",
            PREFERRED_URL_SCHEME="https",
        )
    return config
