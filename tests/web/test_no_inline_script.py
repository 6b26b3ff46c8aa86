"""No page runs code the CSP would have to allow: no inline script, no event-handler attributes,
no hx-on, no javascript:/js: URLs or expressions. And the htmx we ship is the one we vetted,
configured to refuse eval and script tags."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from static_support import static_url
from test_access_matrix import MATRIX, ROLES, fill
from web_support import scan

import app as app_package
from app.assets import BUNDLE, BUNDLED

STATIC = Path(app_package.__file__).parent / "static"
HTMX_FILE = STATIC / "js" / "htmx-2.0.11.min.js"
HTMX_SHA256 = "d6fdc75f204e6bdefa99b69bf1e6d4ac69b8a364f77929f45c13476b4000f717"


def _problems(label: str, response) -> list[str]:
    if response.mimetype != "text/html":
        return []
    found = scan(response.get_data(as_text=True))
    return [f"{label}: {problem}" for problem in found.problems]


@pytest.mark.parametrize("role", ROLES)
def test_no_inline_script_on_any_page(app, ids, login, role) -> None:
    client = login(role)
    problems: list[str] = []
    pages = 0
    for row in MATRIX:
        if row.method != "GET":
            continue
        url = fill(row.url, ids)
        for label, headers in (("page", {}), ("htmx", {"HX-Request": "true"})):
            with client.get(url, headers=headers) as response:
                pages += response.mimetype == "text/html"
                problems += _problems(f"GET {url} ({label}) as {role}", response)
    # pages that only appear after something went wrong
    for label, response in (
        ("404 page", client.get("/no/such/page")),
        ("405 page", client.get("/logout")),
        ("CSRF 400 page", client.post("/join", data={"code": "x"})),
        ("invite gone page", client.get("/join/NONE-SUCH")),
        ("join form with errors", client.submit("/join", {"code": ""})),
        ("register form with errors", app.test_client().submit(f"/join/{ids['invite_code']}")),
    ):
        with response:
            pages += 1
            problems += _problems(f"{label} as {role}", response)
    assert pages > 10
    assert not problems, "\n".join(problems)


def test_coordinator_forms_with_errors_have_no_inline_script(app, ids, login) -> None:
    client = login("coordinator")
    program = ids["program_id"]
    problems: list[str] = []
    for url in (f"/programs/{program}/settings", f"/programs/{program}/breaks"):
        problems += _problems(url, client.submit(url, {"name": ""}))
    problems += _problems("invites", client.submit(f"/programs/{program}/invites", {"days": "x"}))
    problems += _problems("password", client.submit("/account/password", {"password": "x"}))
    assert not problems, "\n".join(problems)


def test_offline_page_has_no_inline_script(client) -> None:
    with client.get("/static/offline.html") as response:
        assert response.status_code == 200
        assert scan(response.get_data(as_text=True)).problems == []


def test_the_scanner_finds_what_it_must() -> None:
    """The checks above can fail: each kind of problem is recognised."""
    bad = [
        "<script>alert(1)</script>",
        '<button onclick="go()">x</button>',
        "<body onload=go()>",
        '<div hx-on:click="go()"></div>',
        '<div hx-on::after-request="go()"></div>',
        '<div data-hx-on:click="go()"></div>',
        '<a href="javascript:go()">x</a>',
        '<a href=" JavaScript:go()">x</a>',
        "<div hx-vals='js:{a: go()}'></div>",
    ]
    for html in bad:
        assert scan(html).problems, html
    assert scan('<script src="/static/js/app.js" defer></script><a href="/x">x</a>').problems == []


def test_vendored_htmx_is_the_vetted_file() -> None:
    content = HTMX_FILE.read_bytes()
    assert hashlib.sha256(content).hexdigest() == HTMX_SHA256
    assert b'version:"2.0.11"' in content
    others = sorted(p.name for p in (STATIC / "js").glob("htmx*"))
    assert others == [HTMX_FILE.name], f"one htmx only, not {others}"


def test_pages_load_the_vendored_htmx_and_app_js_only(client) -> None:
    """And celebrate.js, toasts and celebrations, share.js, the invite pages' share sheet,
    install.js, the "Install app" offer, offline-checkin.js, which sends check-ins kept
    offline, notifications.js, the notifications page's switch, and print.js, the
    certificate's Print button: htmx runs no script tag of a swapped page, so every script is
    in the head of every page."""
    found = scan(client.get("/login").get_data(as_text=True))
    assert found.script_sources == [static_url("js/htmx-2.0.11.min.js"), static_url(BUNDLE)]
    assert (
        tuple(
            f"js/{name}"
            for name in (
                "app.js",
                "celebrate.js",
                "share.js",
                "install.js",
                "offline-checkin.js",
                "notifications.js",
                "print.js",
            )
        )
        == BUNDLED
    )
    for source in found.script_sources:
        with client.get(source) as response:
            assert response.status_code == 200, source


def test_htmx_config_refuses_eval_and_script_tags(client) -> None:
    metas = scan(client.get("/login").get_data(as_text=True)).metas
    config = json.loads(metas["htmx-config"])
    assert config["selfRequestsOnly"] is True
    assert config["allowEval"] is False
    assert config["allowScriptTags"] is False
    assert config["historyRestoreAsHxRequest"] is False
    assert config["includeIndicatorStyles"] is False
