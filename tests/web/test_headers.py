"""Security headers on every kind of response, and what production turns on."""

from __future__ import annotations

import re

import pytest
from flask import Blueprint
from web_support import PASSWORD

from app import create_app

EXPECTED_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "manifest-src": ["'self'"],
    "worker-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
SECRET = "internal-detail-3f9a"


def parse_csp(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            assert words[0] not in directives, f"{words[0]} given twice"
            directives[words[0]] = words[1:]
    return directives


def _probe_app(make_app, **config):
    """An app of its own with a route that fails, so the 500 page can be seen."""
    app = make_app(PROPAGATE_EXCEPTIONS=False, **config)
    probe = Blueprint("probe", __name__)

    @probe.get("/probe/boom")
    def boom():
        raise RuntimeError(SECRET)

    app.register_blueprint(probe)
    return app


def _responses(app, world) -> dict[str, object]:
    """One response of every kind the app gives, by name."""
    anonymous = app.test_client()
    coordinator = app.test_client()
    coordinator.submit("/login", {"email": world.email("coordinator"), "password": PASSWORD})
    static = anonymous.get("/static/css/app.css")
    static.close()
    out = {
        "welcome page": anonymous.get("/"),
        "login page": anonymous.get("/login"),
        "coordinator home": coordinator.get("/"),
        "settings page": coordinator.get(f"/programs/{world.program_id}/settings"),
        "htmx fragment": anonymous.get("/join", headers={"HX-Request": "true"}),
        "redirect to login": anonymous.get("/account"),
        "redirect after a form": coordinator.submit("/join", {"code": world.invite_code}),
        "htmx redirect": coordinator.htmx("POST", "/join", {"code": world.invite_code}),
        "htmx 401": anonymous.get("/account", headers={"HX-Request": "true"}),
        "422 form": anonymous.submit("/login", {"email": "", "password": ""}),
        "400 csrf": coordinator.post("/logout"),
        "404": anonymous.get("/no/such/page"),
        "404 foreign": coordinator.get(f"/programs/{world.other_program_id}/settings"),
        "405": anonymous.get("/logout"),
        "500": anonymous.get("/probe/boom"),
        "static css": static,
        "static htmx": anonymous.get("/static/js/htmx-2.0.11.min.js"),
        "static offline page": anonymous.get("/static/offline.html"),
        "static 304": anonymous.get(
            "/static/css/app.css", headers={"If-None-Match": static.headers["ETag"]}
        ),
        "manifest": anonymous.get("/manifest.webmanifest"),
        "service worker": anonymous.get("/sw.js"),
    }
    for attempt in range(3):
        out["429"] = anonymous.submit("/login", {"email": f"x{attempt}@x.example", "password": "x"})
    for response in out.values():
        response.close()
    return out


def test_every_kind_of_response_carries_the_headers(make_app, world) -> None:
    app = _probe_app(make_app, LOGIN_LIMIT_PER_ADDRESS="2 per minute")
    responses = _responses(app, world)
    statuses = {name: r.status_code for name, r in responses.items()}
    assert statuses["500"] == 500 and statuses["429"] == 429 and statuses["static 304"] == 304
    assert statuses["htmx 401"] == 401 and statuses["400 csrf"] == 400, statuses
    assert statuses["redirect to login"] == 303 and statuses["405"] == 405, statuses

    problems = []
    for name, response in responses.items():
        headers = response.headers
        csp = parse_csp(headers.get("Content-Security-Policy", ""))
        if csp != EXPECTED_CSP:
            problems.append(f"{name}: CSP {headers.get('Content-Security-Policy')!r}")
        policy = headers.get("Content-Security-Policy", "")
        if re.search(r"unsafe-(inline|eval|hashes)|\*|strict-dynamic", policy):
            problems.append(f"{name}: CSP allows too much: {policy}")
        if headers.get("X-Content-Type-Options") != "nosniff":
            problems.append(
                f"{name}: X-Content-Type-Options {headers.get('X-Content-Type-Options')}"
            )
        if headers.get("Referrer-Policy") != "same-origin":
            problems.append(f"{name}: Referrer-Policy {headers.get('Referrer-Policy')}")
        if headers.get("X-Frame-Options") != "DENY":
            problems.append(f"{name}: X-Frame-Options {headers.get('X-Frame-Options')}")
        if "HX-Request" not in response.vary:
            problems.append(f"{name}: Vary {headers.get('Vary')!r} lacks HX-Request")
        if "Strict-Transport-Security" in headers:
            problems.append(f"{name}: HSTS outside production")
    assert not problems, "\n".join(problems)


def test_csp_directives_match_the_brief() -> None:
    """The promises in the README, checked on the constant as well as on responses above."""
    from app.security import CONTENT_SECURITY_POLICY

    csp = parse_csp(CONTENT_SECURITY_POLICY)
    assert csp["default-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in CONTENT_SECURITY_POLICY
    assert "'unsafe-eval'" not in CONTENT_SECURITY_POLICY


def _cookie(response, name: str) -> dict[str, str | bool]:
    """The attributes of the Set-Cookie for ``name`` (lower-cased keys; flags map to True)."""
    for header in response.headers.getlist("Set-Cookie"):
        first, *attributes = [part.strip() for part in header.split(";")]
        if first.split("=", 1)[0] == name:
            parsed: dict[str, str | bool] = {"value": first.split("=", 1)[1]}
            for attribute in attributes:
                key, _, value = attribute.partition("=")
                parsed[key.lower()] = value or True
            return parsed
    raise AssertionError(f"no {name} cookie in {response.headers.getlist('Set-Cookie')}")


@pytest.fixture
def production(monkeypatch, make_app):
    monkeypatch.setenv("WAYPOINT_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "a-production-secret-for-the-test-0123456789")
    return make_app()


HTTPS = {"base_url": "https://localhost"}


def test_production_sends_hsts(production) -> None:
    response = production.test_client().get("/", **HTTPS)
    hsts = response.headers["Strict-Transport-Security"]
    assert int(re.search(r"max-age=(\d+)", hsts).group(1)) >= 365 * 86400
    assert "includeSubDomains" in hsts
    assert production.config["PRODUCTION"] is True


def test_production_session_cookie_is_a_host_cookie(production) -> None:
    response = production.test_client().get("/join", **HTTPS)
    cookie = _cookie(response, "__Host-session")
    assert cookie.get("secure") is True
    assert cookie.get("httponly") is True
    assert cookie.get("samesite") == "Lax"
    assert cookie.get("path") == "/"
    assert "domain" not in cookie
    assert not any(c.startswith("session=") for c in response.headers.getlist("Set-Cookie"))


def test_production_remember_cookie_is_a_host_cookie(production, world) -> None:
    client = production.test_client()
    form = {"email": world.email("mentee"), "password": PASSWORD, "remember": "y"}
    no_referrer = client.submit("/login", form, **HTTPS)
    assert no_referrer.status_code == 400, (
        "over HTTPS the CSRF check also wants a same-site Referer"
    )
    response = client.submit(
        "/login", form, headers={"Referer": "https://localhost/login"}, **HTTPS
    )
    assert response.status_code == 303
    cookie = _cookie(response, "__Host-remember")
    assert cookie.get("secure") is True and cookie.get("httponly") is True
    assert cookie.get("samesite") == "Lax" and cookie.get("path") == "/"
    assert "domain" not in cookie


def test_development_has_no_hsts_and_plain_cookie_names(client) -> None:
    response = client.get("/join")
    assert "Strict-Transport-Security" not in response.headers
    assert _cookie(response, "session").get("httponly") is True


@pytest.mark.parametrize("secret", [None, ""])
def test_production_without_secret_key_refuses_to_start(monkeypatch, secret) -> None:
    monkeypatch.setenv("WAYPOINT_ENV", "production")
    if secret is None:
        monkeypatch.delenv("SECRET_KEY", raising=False)
    else:
        monkeypatch.setenv("SECRET_KEY", secret)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
