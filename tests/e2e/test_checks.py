"""The per-page check itself: it must catch what it claims to catch, with JavaScript on or off."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

UNLABELLED_IMAGE = """() => document.querySelector("main").insertAdjacentHTML(
    "beforeend", '<img src="/static/icons/waypoint-192.png" width="10" height="10">')"""


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_axe_runs_under_the_apps_csp_and_reports_serious_violations(e2e, javascript):
    page = e2e.new_page(javascript=javascript)
    page.goto("/login")
    e2e.check(page)
    page.evaluate(UNLABELLED_IMAGE)  # DOM edits from the test run even with JavaScript off
    with pytest.raises(pytest.fail.Exception, match=r"image-alt \(critical\)"):
        e2e.assert_accessible(page)


def test_sideways_scroll_and_unchecked_pages_are_reported(e2e):
    page = e2e.new_page(viewport={"width": 320, "height": 640})
    page.goto("/join")
    assert e2e.unchecked_visits() == [f"{e2e.base_url}/join"]
    e2e.check(page)
    assert e2e.unchecked_visits() == []
    # Through the CSSOM: the CSP would block a style attribute in markup.
    page.evaluate("""() => {
        const wide = document.createElement("p");
        wide.textContent = "wide";
        wide.style.width = "400px";
        document.querySelector("main").append(wide);
    }""")
    with pytest.raises(AssertionError, match="scrolls sideways"):
        e2e.assert_no_sideways_scroll(page)
