"""CSRF: every POST needs the session's token (in the form, or in X-CSRFToken from htmx), and a
GET never changes anything.

The POST routes come from the access matrix, so a new route is covered as soon as it has rows
there; ``test_every_post_route_is_tried`` makes sure none is skipped.
"""

from __future__ import annotations

import pytest
from test_access_matrix import LOGIN, MATRIX, ROLES, fill, routes_of
from web_support import (
    CSRF_MESSAGE,
    assert_no_trace,
    error_page_message,
    is_logged_in,
    snapshot,
)


def _allowed(outcome) -> bool:
    return outcome not in (400, 403, 404) and outcome != LOGIN


def _post_rows() -> dict[str, tuple]:
    """For each POST endpoint: a matrix row and a role allowed to use it (the coordinator when
    possible), so that only the token can make the difference."""
    chosen: dict[str, tuple] = {}
    for row in MATRIX:
        if row.method != "POST":
            continue
        for role in ("coordinator", *ROLES[1:]):
            if _allowed(row.expect[ROLES.index(role)]):
                if row.endpoint not in chosen or chosen[row.endpoint][2] == "nobody":
                    chosen[row.endpoint] = (row, role, role)
                break
        else:
            chosen.setdefault(row.endpoint, (row, "coordinator", "nobody"))
    return {endpoint: (row, role) for endpoint, (row, role, _) in chosen.items()}


# Posts whose credential is in the body, not in the cookie, so a forged cross-site post has
# nothing to ride on: the service worker's resubscription proves the old subscription with its
# secret (tests/web/test_notifications_devices.py refuses a wrong one and needs no login).
NO_COOKIE_AUTHORITY = {"notifications.resubscribe"}
POST_ROWS = {
    endpoint: row for endpoint, row in _post_rows().items() if endpoint not in NO_COOKIE_AUTHORITY
}
REFUSALS = ["no token", "garbage token", "another session's token", "htmx without header"]
REFUSALS += ["htmx with another session's token", "htmx with token in neither"]


def test_every_post_route_is_tried(app) -> None:
    posts = {endpoint for endpoint, method in routes_of(app) if method == "POST"}
    assert posts == set(POST_ROWS) | NO_COOKIE_AUTHORITY, (
        "add the POST routes to MATRIX in test_access_matrix.py"
    )


def _refused_request(client, other_token: str, url: str, data: dict, how: str):
    if how == "no token":
        return client.post(url, data=data)
    if how == "garbage token":
        return client.post(url, data={**data, "csrf_token": "not-a-token"})
    if how == "another session's token":
        return client.post(url, data={**data, "csrf_token": other_token})
    headers = {"HX-Request": "true"}
    if how == "htmx with another session's token":
        headers["X-CSRFToken"] = other_token
    if how == "htmx with token in neither":
        headers["X-CSRF-Token"] = ""
    return client.post(url, data=data, headers=headers)


@pytest.mark.parametrize("how", REFUSALS)
@pytest.mark.parametrize("endpoint", sorted(POST_ROWS))
def test_post_without_the_right_token_is_refused(
    app, ids, login, new_client, endpoint, how
) -> None:
    row, role = POST_ROWS[endpoint]
    client = login(role)
    client.csrf_token()  # the session now has its own token
    other_token = new_client(role).csrf_token()
    url = fill(row.url, ids)
    data = {name: fill(value, ids) for name, value in row.data.items()}
    before = snapshot(app)

    response = _refused_request(client, other_token, url, data, how)

    page = response.get_data(as_text=True)
    assert response.status_code == 400, f"POST {url} ({how}): {response.status_code}"
    assert error_page_message(page) == (
        "400 Something was wrong with that request: This form expired or came from elsewhere."
        " Reload the page and try again."
    ), page[:1500]
    assert_no_trace(page)
    assert snapshot(app) == before
    assert is_logged_in(client), "a refused POST must not log out"


def test_login_form_needs_the_token_too(app, world, client) -> None:
    response = client.post("/login", data={"email": world.email("mentee"), "password": "x" * 9})
    assert response.status_code == 400
    assert CSRF_MESSAGE in response.get_data(as_text=True)


@pytest.mark.parametrize("endpoint", sorted(POST_ROWS))
def test_htmx_request_with_the_header_passes(app, ids, login, endpoint) -> None:
    row, role = POST_ROWS[endpoint]
    client = login(role)
    url = fill(row.url, ids)
    data = {name: fill(value, ids) for name, value in row.data.items()}
    response = client.htmx("POST", url, data)
    page = response.get_data(as_text=True)
    assert CSRF_MESSAGE not in page
    expected = row.expect[ROLES.index(role)]
    # past the token, the route answers as the matrix says (a 409 when nothing is open...)
    allowed = (200, 204, 422, expected) if _allowed(expected) else (404,)
    assert response.status_code in allowed, f"POST {url} as {role}: {response.status_code}"


def test_htmx_logout_with_the_header(login) -> None:
    client = login("mentee")
    response = client.htmx("POST", "/logout")
    assert response.status_code == 200
    assert response.headers["HX-Redirect"] == "/login"
    assert not is_logged_in(client)


def test_get_logout_is_405_and_keeps_the_session(login) -> None:
    client = login("mentee")
    for url in ("/logout", "/account/logout-everywhere"):
        response = client.get(url)
        assert response.status_code == 405, url
        assert error_page_message(response.get_data(as_text=True)).startswith("405 Not allowed")
    assert is_logged_in(client)


@pytest.mark.parametrize("role", ROLES)
def test_no_get_changes_the_database(app, ids, login, role) -> None:
    """Every GET of the matrix, as a page and as an htmx request, leaves every table as it was."""
    client = login(role)
    before = snapshot(app)
    rows = [row for row in MATRIX if row.method == "GET"]
    for row in rows:
        url = fill(row.url, ids)
        client.get(url).close()
        client.get(url, headers={"HX-Request": "true"}).close()
        assert snapshot(app) == before, f"GET {url} as {role} changed the database"
