"""The hypermedia conventions of app/rendering.py and app/auth.py, and the friendly error pages."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from flask import Blueprint, abort
from web_support import PASSWORD, assert_no_trace, error_page_message, location_parts, snapshot

from app.extensions import db
from app.models import Program
from app.rendering import redirect_to, render, wants_fragment

SECRET = "internal-detail-7c1e"


@pytest.mark.parametrize(
    ("headers", "fragment"),
    [
        ({}, False),
        ({"HX-Request": "true"}, True),
        ({"HX-Request": "true", "HX-Boosted": "true"}, False),
        ({"HX-Request": "true", "HX-History-Restore-Request": "true"}, False),
        ({"HX-Boosted": "true"}, False),
        ({"HX-Request": "false"}, False),
    ],
    ids=["plain", "htmx", "boosted", "history restore", "boosted without request", "false"],
)
def test_wants_fragment(app, headers, fragment) -> None:
    with app.test_request_context("/", headers=headers):
        assert wants_fragment() is fragment


@pytest.fixture
def probe_app(make_app, tmp_path):
    """An app of its own with a test-only blueprint that uses the render helpers."""
    (tmp_path / "probe").mkdir()
    (tmp_path / "probe" / "page.html").write_text("<main>WHOLE PAGE {{ n }}</main>")
    (tmp_path / "probe" / "_fragment.html").write_text("<p>FRAGMENT {{ n }}</p>")
    app = make_app(PROPAGATE_EXCEPTIONS=False)
    probe = Blueprint("probe", __name__, template_folder=str(tmp_path))

    @probe.get("/probe/render")
    def rendered():
        return render("probe/page.html", fragment="probe/_fragment.html", status=201, n=7)

    @probe.get("/probe/page-only")
    def page_only():
        return render("probe/page.html", n=8)

    @probe.get("/probe/redirect")
    def redirected():
        return redirect_to("/somewhere?x=1")

    @probe.get("/probe/boom")
    def boom():
        today = date(2026, 9, 1)
        db.session.add(Program(name=SECRET, starts_on=today, ends_on=today + timedelta(days=9)))
        db.session.flush()
        raise RuntimeError(SECRET)

    @probe.get("/probe/abort-500")
    def abort_500():
        abort(500)

    app.register_blueprint(probe)
    return app


@pytest.mark.parametrize(
    ("headers", "body"),
    [
        ({}, "<main>WHOLE PAGE 7</main>"),
        ({"HX-Request": "true"}, "<p>FRAGMENT 7</p>"),
        ({"HX-Request": "true", "HX-Boosted": "true"}, "<main>WHOLE PAGE 7</main>"),
        ({"HX-Request": "true", "HX-History-Restore-Request": "true"}, "<main>WHOLE PAGE 7</main>"),
    ],
    ids=["plain", "htmx", "boosted", "history restore"],
)
def test_render_picks_fragment_or_page(probe_app, headers, body) -> None:
    response = probe_app.test_client().get("/probe/render", headers=headers)
    assert response.status_code == 201
    assert response.get_data(as_text=True) == body
    assert "HX-Request" in response.vary


def test_render_without_a_fragment_always_gives_the_page(probe_app) -> None:
    response = probe_app.test_client().get("/probe/page-only", headers={"HX-Request": "true"})
    assert response.get_data(as_text=True) == "<main>WHOLE PAGE 8</main>"


def test_redirect_is_303_for_browsers_and_hx_redirect_for_htmx(probe_app) -> None:
    client = probe_app.test_client()
    plain = client.get("/probe/redirect")
    assert plain.status_code == 303
    assert plain.location == "/somewhere?x=1"
    assert "HX-Redirect" not in plain.headers

    swapped = client.get("/probe/redirect", headers={"HX-Request": "true"})
    assert swapped.status_code == 200
    assert swapped.headers["HX-Redirect"] == "/somewhere?x=1"
    assert "Location" not in swapped.headers
    assert swapped.get_data() == b""


def test_a_real_form_redirect_becomes_hx_redirect(client, world) -> None:
    response = client.htmx("POST", "/join", {"code": world.invite_code})
    assert response.status_code == 200
    assert response.headers["HX-Redirect"] == f"/join/{world.invite_code}"
    assert "Location" not in response.headers


@pytest.mark.parametrize(
    ("method", "url"),
    [("GET", "/account"), ("GET", "/programs/1/settings?tab=2"), ("POST", "/account/password")],
)
def test_htmx_without_login_gets_401_and_hx_redirect_to_login(client, method, url) -> None:
    response = client.htmx(method, url, {})
    assert response.status_code == 401
    assert "Location" not in response.headers
    netloc, path, query = location_parts(response.headers["HX-Redirect"])
    assert (netloc, path, query) == ("", "/login", {"next": [url]})


def test_htmx_after_the_login_ended_elsewhere_gets_401(client, world, new_client) -> None:
    client.submit("/login", {"email": world.email("mentee"), "password": PASSWORD})
    assert client.htmx("GET", "/account/password").status_code == 200
    elsewhere = new_client("mentee")
    elsewhere.submit("/account/logout-everywhere")
    response = client.htmx("GET", "/account/password")
    assert response.status_code == 401
    assert location_parts(response.headers["HX-Redirect"])[1:] == (
        "/login",
        {"next": ["/account/password"]},
    )


def test_browser_without_login_gets_303_to_login(client) -> None:
    response = client.get("/account/password")
    assert response.status_code == 303
    assert location_parts(response.location) == ("", "/login", {"next": ["/account/password"]})


@pytest.mark.parametrize(
    ("method", "url", "expected"),
    [
        ("GET", "/no/such/page", "404 Not found"),
        ("GET", "/static/no-such-file.css", "404 Not found"),
        ("GET", "/logout", "405 Not allowed"),
        ("DELETE", "/", "405 Not allowed"),
    ],
)
def test_friendly_error_pages(client, method, url, expected) -> None:
    response = client.open(url, method=method)
    page = response.get_data(as_text=True)
    assert response.status_code == int(expected[:3])
    assert response.mimetype == "text/html"
    assert error_page_message(page).startswith(expected), page
    assert 'href="/"' in page, "an error page offers a way home"
    assert_no_trace(page)


@pytest.mark.parametrize("url", ["/probe/boom", "/probe/abort-500"])
def test_500_page_is_friendly_and_shows_no_trace(probe_app, caplog, url) -> None:
    before = snapshot(probe_app)
    response = probe_app.test_client().get(url)
    page = response.get_data(as_text=True)
    assert response.status_code == 500
    assert error_page_message(page) == (
        "500 Something went wrong on our side: We have noted it. Please try again shortly."
    )
    assert SECRET not in page
    assert_no_trace(page)
    assert snapshot(probe_app) == before, "the failed request's changes were rolled back"
    if url == "/probe/boom":
        assert any(SECRET in str(r.exc_info and r.exc_info[1]) for r in caplog.records), (
            "the error is logged for the operators"
        )


def test_htmx_500_is_an_error_too(probe_app) -> None:
    response = probe_app.test_client().get("/probe/boom", headers={"HX-Request": "true"})
    assert response.status_code == 500
    assert SECRET not in response.get_data(as_text=True)
