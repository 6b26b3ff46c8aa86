"""The phone layout down to 320 px, the side navigation on a wide screen, and screenshots."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

NARROW = {"width": 320, "height": 640}
WIDE = {"width": 1280, "height": 800}
MIN_TAP = 44


NAVIGATION_GEOMETRY = """nav => {
    const rect = (el) => el.getBoundingClientRect();
    window.scrollTo(0, document.documentElement.scrollHeight);
    const main = document.querySelector("main");
    const geometry = {
        nav: rect(nav).toJSON(),
        links: [...nav.querySelectorAll("a")].map(
            (a) => ({name: a.innerText.trim(), ...rect(a).toJSON()})
        ),
        contentBottom: rect(main.lastElementChild).bottom,
        navTopAtEnd: rect(nav).top,
    };
    window.scrollTo(0, 0);
    return geometry;
}"""


def _assert_bottom_navigation(page: Page) -> None:
    """Visible, stuck to the bottom, thumb-sized links, and hiding none of the content."""
    nav = page.get_by_role("navigation", name="Main")
    expect(nav).to_be_in_viewport()
    viewport = page.viewport_size
    geometry = nav.evaluate(NAVIGATION_GEOMETRY)
    box = geometry["nav"]
    assert abs(box["bottom"] - viewport["height"]) <= 1, f"{page.url}: nav not at the bottom {box}"
    assert box["width"] >= viewport["width"] - 1, f"{page.url}: nav narrower than the screen {box}"
    assert len(geometry["links"]) >= 2
    for link in geometry["links"]:
        assert link["height"] >= MIN_TAP, f"{page.url}: {link['name']} is {link['height']}px tall"
        assert link["width"] >= MIN_TAP, f"{page.url}: {link['name']} is {link['width']}px wide"
        assert link["left"] >= 0 and link["right"] <= viewport["width"], f"{page.url}: {link}"
    # Scrolled to the end, the last of the content sits above the fixed navigation.
    assert geometry["contentBottom"] <= geometry["navTopAtEnd"] + 1, f"{page.url}: {geometry}"


def _tour(e2e, page: Page, paths: list[tuple[str, str, str | None]], logged_in: bool) -> None:
    for path, heading, shot in paths:
        page.goto(path)
        expect(page.get_by_role("heading", level=1, name=heading)).to_be_visible()
        e2e.check(page, shot)  # axe, and scrollWidth <= the 320 px viewport
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= NARROW["width"], f"{path} is {width}px wide at 320px"
        if logged_in:
            _assert_bottom_navigation(page)
        if shot:
            e2e.screenshot(page, f"{shot}-320", size=None)


def test_every_page_fits_320px_with_a_usable_bottom_navigation(e2e, world):
    anonymous = e2e.new_page(viewport=NARROW)
    _tour(
        e2e,
        anonymous,
        [
            ("/", "Grow with your mentor, one week at a time.", None),
            ("/join", "Join a program", None),
            (f"/join/{world.invite_code}", "Create your account", None),
            ("/login", "Log in", None),
        ],
        logged_in=False,
    )

    program = f"/programs/{world.program_id}"
    coordinator = e2e.new_page(viewport=NARROW)
    e2e.log_in_on(coordinator, world.email("coordinator"))
    _tour(
        e2e,
        coordinator,
        [
            ("/", "Hillside Mentoring", "home-coordinator"),
            (program, "Hillside Mentoring", "program-overview"),
            (f"{program}/people", "People and mentorships", "program-people"),
            (f"{program}/invites", "Invites", "program-invites"),
            (f"{program}/settings", "Program settings", "program-settings"),
            ("/account", "Your account", None),
            ("/account/password", "Change password", "password"),
        ],
        logged_in=True,
    )

    mentor = e2e.new_page(viewport=NARROW)
    e2e.log_in_on(mentor, world.email("own_mentor"))
    _tour(
        e2e,
        mentor,
        [("/", "Hi Omar", "home-mentor"), (program, "Hillside Mentoring", None)],
        logged_in=True,
    )


def test_wide_screens_put_the_navigation_at_the_side(e2e, world):
    page = e2e.new_page(viewport=WIDE, mobile=False)
    e2e.log_in_on(page, world.email("coordinator"))
    expect(page.get_by_role("heading", level=1, name="Hillside Mentoring")).to_be_visible()
    e2e.check(page)
    nav = page.get_by_role("navigation", name="Main")
    nav_box = nav.bounding_box()
    main_box = page.get_by_role("main").bounding_box()
    assert nav_box["x"] <= 1, nav_box
    assert nav_box["width"] < WIDE["width"] / 3, nav_box
    assert nav_box["height"] >= WIDE["height"] / 2, nav_box
    assert main_box["x"] >= nav_box["x"] + nav_box["width"], (nav_box, main_box)
    tops = [link.bounding_box()["y"] for link in nav.get_by_role("link").all()]
    assert tops == sorted(tops) and len(set(tops)) == len(tops), f"links not stacked: {tops}"
    e2e.screenshot(page, "wide-side-navigation", size=None)
