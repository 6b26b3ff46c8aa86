"""What goes over the wire: compressed bodies, fingerprinted static files kept a year, and the
manifest and service worker answered 304 while unchanged (issue 12, point 4)."""

from __future__ import annotations

import dataclasses
import gzip
import json
import re

import brotli
import pytest
from static_support import STATIC, static_url

from app.assets import BUNDLE, BUNDLED, Assets, fingerprinted

BR = {"Accept-Encoding": "br, gzip"}
GZIP = {"Accept-Encoding": "gzip"}
FINGERPRINTED = re.compile(r"^/static/.+\.[0-9a-f]{12}\.\w+$")
STATIC_URL = re.compile(r"""(?:href|src|data-sprite)="(/static/[^"#]+)""")


def decoded(response) -> bytes:
    body = response.get_data()
    encoding = response.headers.get("Content-Encoding")
    if encoding == "br":
        return brotli.decompress(body)
    if encoding == "gzip":
        return gzip.decompress(body)
    assert encoding is None, encoding
    return body


def sw_shell(client) -> tuple[dict[str, str], str]:
    body = client.get("/sw.js").get_data(as_text=True)
    shell = json.loads(re.search(r"^const SHELL = (\{.*?\});$", body, re.S | re.M)[1])
    return shell, re.search(r'^const CACHE = "([^"]+)";$', body, re.M)[1]


# -- compression ----------------------------------------------------------------------------


@pytest.mark.parametrize("headers, encoding", [(BR, "br"), (GZIP, "gzip")])
def test_pages_are_compressed_as_the_browser_asks(new_client, headers, encoding):
    client = new_client("mentee")
    plain = client.get("/", headers={"Accept-Encoding": "identity"})
    packed = client.get("/", headers=headers)
    assert plain.headers.get("Content-Encoding") is None
    assert packed.headers["Content-Encoding"] == encoding
    assert "Accept-Encoding" in packed.vary and "HX-Request" in packed.vary
    assert packed.headers["Cache-Control"] == "no-store", "pages stay personal"
    assert packed.headers["Content-Security-Policy"] == plain.headers["Content-Security-Policy"]
    assert len(packed.get_data()) < len(plain.get_data()) / 2
    # the same page, bar its signed tokens, which are fresh per render
    assert decoded(packed).startswith(b"<!doctype html>")
    assert len(decoded(packed)) == len(plain.get_data())


def test_an_htmx_fragment_is_compressed_and_a_tiny_body_is_not(new_client):
    client = new_client("mentee")
    fragment = client.get("/checkins/this-week", headers={**BR, "HX-Request": "true"})
    assert fragment.status_code == 200
    assert fragment.headers["Content-Encoding"] == "br"
    assert b"<html" not in decoded(fragment)
    tiny = client.get("/static/icons/waypoint.svg", headers=BR)
    assert len(tiny.get_data()) < 500 and "Content-Encoding" not in tiny.headers


def test_csv_exports_and_the_calendar_feed_decode_to_what_was_sent(new_client, world):
    coordinator = new_client("coordinator")
    url = f"/programs/{world.program_id}/outcomes/checkins.csv"
    plain, packed = coordinator.get(url), coordinator.get(url, headers=GZIP)
    assert packed.mimetype == "text/csv" and decoded(packed) == plain.get_data()
    account = new_client("mentee").get("/account").get_data(as_text=True)
    feed = re.search(r"http://[^/\"]+(/calendar/[^\"]+\.ics)", account)[1]
    ics = new_client().get(feed, headers=BR)
    assert ics.mimetype == "text/calendar" and decoded(ics).startswith(b"BEGIN:VCALENDAR")


def test_turned_off_nothing_is_compressed(make_app):
    client = make_app(COMPRESS_RESPONSES=False).test_client()
    for url in ("/login", "/manifest.webmanifest", "/sw.js", static_url("css/app.css")):
        response = client.get(url, headers=BR)
        assert response.status_code == 200, url
        assert "Content-Encoding" not in response.headers, url


# -- static files ---------------------------------------------------------------------------


def test_every_static_url_of_a_page_is_fingerprinted(new_client):
    for role, url in (("anonymous", "/login"), ("mentee", "/"), ("mentee", "/account")):
        page = new_client(role).get(url).get_data(as_text=True)
        found = STATIC_URL.findall(page)
        assert found, url
        assert [u for u in found if not FINGERPRINTED.match(u)] == [], url
        assert static_url("css/app.css") in found and static_url("js/waypoint.js") in found


def test_a_fingerprinted_file_is_kept_a_year_and_sent_compressed(client):
    url = static_url("js/app.js")
    response = client.get(url, headers=BR)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response.headers["Content-Encoding"] == "br"
    assert "Accept-Encoding" in response.vary
    assert decoded(response) == (STATIC / "js/app.js").read_bytes()
    again = client.get(url, headers={**BR, "If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304 and again.get_data() == b""


def test_the_plain_name_still_answers_revalidated_and_304(client):
    response = client.get("/static/css/app.css", headers=GZIP)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-cache"
    assert response.headers["Content-Encoding"] == "gzip"
    assert decoded(response) == (STATIC / "css/app.css").read_bytes()
    again = client.get(
        "/static/css/app.css", headers={**GZIP, "If-None-Match": response.headers["ETag"]}
    )
    assert again.status_code == 304


def test_the_bundle_holds_every_script_in_order_without_its_comment_lines(client):
    bundle = decoded(client.get(static_url(BUNDLE), headers=BR)).decode()
    at = -1
    for name in BUNDLED:
        source = (STATIC / name).read_text(encoding="utf-8")
        code = [line.strip() for line in source.splitlines() if line.strip()]
        assert code[0].startswith("//") and code[0] not in bundle, name
        first = next(line for line in code if not line.startswith("//"))
        assert bundle.index(first, at + 1) > at, name
        at = bundle.index(first, at + 1)
        assert all(line in bundle for line in code if not line.startswith("//")), name


def test_images_are_not_compressed_again(client):
    png = client.get(static_url("icons/waypoint-192.png"), headers=BR)
    assert png.mimetype == "image/png" and "Content-Encoding" not in png.headers
    assert png.get_data() == (STATIC / "icons/waypoint-192.png").read_bytes()


def test_an_unknown_or_wrongly_hashed_file_is_404(client):
    assert client.get("/static/css/app.000000000000.css").status_code == 404
    assert client.get("/static/no/such.css").status_code == 404


def test_a_changed_file_gets_a_new_name(tmp_path):
    (tmp_path / "a.css").write_text("body { color: red }")
    before = Assets(tmp_path, min_size=500, watch=True).url_name("a.css")
    table = Assets(tmp_path, min_size=500, watch=True)
    (tmp_path / "a.css").write_text("body { color: blue }")
    after = table.url_name("a.css")
    assert before != after and after.startswith("a.") and after.endswith(".css")
    assert fingerprinted("js/htmx.min.js", "abc") == "js/htmx.min.abc.js"


# -- manifest and service worker ------------------------------------------------------------


@pytest.mark.parametrize("role", ["anonymous", "mentee"])
def test_manifest_and_worker_revalidate_with_an_etag(new_client, role):
    client = new_client(role)
    for url in ("/manifest.webmanifest", "/sw.js"):
        response = client.get(url, headers=BR)
        assert response.headers["Cache-Control"] == "no-cache", url
        assert response.headers["Content-Encoding"] == "br", url
        again = client.get(url, headers={**BR, "If-None-Match": response.headers["ETag"]})
        assert again.status_code == 304, url


def test_the_manifest_names_fingerprinted_icons(client):
    manifest = client.get("/manifest.webmanifest").get_json()
    images = [
        *manifest["icons"],
        *(icon for shortcut in manifest["shortcuts"] for icon in shortcut["icons"]),
        *manifest["screenshots"],
    ]
    assert images and all(FINGERPRINTED.match(image["src"]) for image in images)


def test_the_worker_keeps_the_fingerprinted_shell(client):
    shell, cache = sw_shell(client)
    login = client.get("/login").get_data(as_text=True)
    for url in STATIC_URL.findall(login):
        if url.endswith((".css", ".js")):
            assert url in shell.values(), url
    for name in ("offline.html", "icons/sprite.svg", "icons/badges.svg", "js/waypoint.js"):
        assert shell[f"/static/{name}"] == static_url(name)
    assert all(FINGERPRINTED.match(url) for url in shell.values())
    assert cache.startswith("waypoint-")
    body = client.get("/sw.js").get_data(as_text=True)
    assert f'importScripts("{static_url("js/sw-push.js")}", ' in body


def test_the_worker_opens_a_new_cache_when_a_shell_file_changes(app, client):
    _, before = sw_shell(client)
    table = app.extensions["waypoint_assets"]
    css = table.by_name["css/app.css"]
    table.by_name["css/app.css"] = dataclasses.replace(css, hashed="css/app.0123456789ab.css")
    try:
        shell, after = sw_shell(client)
    finally:
        table.by_name["css/app.css"] = css
    assert after != before and shell["/static/css/app.css"] == "/static/css/app.0123456789ab.css"
