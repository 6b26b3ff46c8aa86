"""Installability: the manifest and its icons, the service worker, the offline page."""

from __future__ import annotations

import re
import struct

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == PNG_SIGNATURE and data[12:16] == b"IHDR", "not a PNG"
    return struct.unpack(">II", data[16:24])


def test_manifest_is_linked_and_names_192_and_512_icons(e2e):
    page = e2e.new_page()
    page.goto("/")
    e2e.check(page)
    href = page.locator('link[rel="manifest"]').get_attribute("href")
    assert href == "/manifest.webmanifest"

    response = page.request.get(href)
    assert response.ok
    assert response.headers["content-type"].startswith("application/manifest+json")
    manifest = response.json()
    assert manifest["name"] and manifest["short_name"]
    assert manifest["display"] == "standalone"
    assert manifest["start_url"] == "/" and manifest["scope"] == "/"
    sizes = {}
    for icon in manifest["icons"]:
        image = page.request.get(icon["src"])
        assert image.ok and image.headers["content-type"] == icon["type"] == "image/png"
        width, height = _png_size(image.body())
        assert icon["sizes"] == f"{width}x{height}", icon
        sizes[width] = icon
    assert {192, 512} <= sizes.keys()


def test_service_worker_registers_and_serves_the_offline_page(e2e):
    page = e2e.new_page()
    page.goto("/login")
    e2e.check(page)
    scope, script = page.evaluate(
        "navigator.serviceWorker.ready.then(r => [r.scope, r.active.scriptURL])"
    )
    assert scope == f"{e2e.base_url}/"
    assert script == f"{e2e.base_url}/sw.js"
    page.wait_for_function("navigator.serviceWorker.controller !== null")

    page.context.set_offline(True)
    page.goto("/login")
    expect(page.get_by_role("heading", level=1, name="You're offline")).to_be_visible()
    # Styled from the worker's cache: the app's paper background and its logo, not a bare page.
    expect(page.locator("body")).to_have_css("background-color", "rgb(247, 245, 240)")
    assert page.get_by_role("banner").locator("img").evaluate("img => img.naturalWidth") > 0
    e2e.check(page, "offline")
    page.context.set_offline(False)
    page.get_by_role("link", name="Try again").click()
    expect(page.get_by_role("heading", level=1, name="Grow with your mentor")).to_be_visible()
    e2e.check(page)


# -- installing ------------------------------------------------------------------------------

IPHONE_SAFARI = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)
# iPadOS asks for desktop sites: only the touch screen tells it from a Mac.
IPAD_SAFARI = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Safari/605.1.15"
)
IPHONE_CHROME = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) CriOS/126.0.6478.54 Mobile/15E148 Safari/604.1"
)
# What Chrome fires when Waypoint can be installed, with a prompt() that counts its calls.
OFFER_INSTALL = """() => {
  window.promptCalls = 0;
  const offer = new Event("beforeinstallprompt", { cancelable: true });
  offer.prompt = () => { window.promptCalls += 1; return Promise.resolve(); };
  window.dispatchEvent(offer);
  return offer.defaultPrevented;
}"""


def test_chromium_finds_nothing_that_stops_installing(e2e, tmp_path):
    # A persistent profile: in an incognito context Chromium reports "in-incognito" and stops.
    page = e2e.new_page(profile=tmp_path / "profile")
    page.goto("/")
    page.evaluate("navigator.serviceWorker.ready")
    page.reload()  # the worker now controls the page, as Chromium's check wants
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    e2e.check(page)
    cdp = page.context.new_cdp_session(page)
    manifest = cdp.send("Page.getAppManifest")
    assert manifest["url"] == f"{e2e.base_url}/manifest.webmanifest"
    assert manifest["errors"] == []
    errors = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
    assert errors == [], errors


def test_the_install_button_waits_for_the_browsers_offer_and_opens_its_dialog(e2e, world):
    page = e2e.new_page()
    e2e.log_in_on(page, world.email("mentee"))
    install = page.get_by_role("button", name="Install app")
    expect(install).to_be_hidden()
    expect(page.get_by_role("heading", name="Add Waypoint to your Home Screen")).to_be_hidden()

    assert page.evaluate(OFFER_INSTALL) is True, "the browser's own banner is not shown"
    expect(install).to_be_visible()
    e2e.check(page)
    # The kept offer survives a boosted navigation: the account page shows the button too.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Account").click()
    expect(page.get_by_role("heading", level=1, name="Your account")).to_be_visible()
    expect(install).to_be_visible()
    e2e.check(page)
    install.click()
    assert page.evaluate("window.promptCalls") == 1
    expect(install).to_be_hidden()  # an offer prompts once

    page.evaluate(OFFER_INSTALL)
    expect(install).to_be_visible()
    page.evaluate("window.dispatchEvent(new Event('appinstalled'))")
    expect(install).to_be_hidden()
    assert page.evaluate("window.promptCalls") == 0


def test_an_installed_app_offers_nothing(e2e, world):
    page = e2e.new_page(user_agent=IPHONE_SAFARI)
    page.add_init_script(
        "window.matchMedia = (query) => ({ matches: query === '(display-mode: standalone)',"
        " media: query, addEventListener() {}, removeEventListener() {} });"
    )
    e2e.log_in_on(page, world.email("mentee"))
    page.evaluate(OFFER_INSTALL)
    expect(page.get_by_role("button", name="Install app")).to_be_hidden()
    expect(page.get_by_role("heading", name="Add Waypoint to your Home Screen")).to_be_hidden()


def test_safari_on_an_iphone_shows_the_home_screen_steps_until_dismissed(e2e, world):
    page = e2e.new_page(user_agent=IPHONE_SAFARI, viewport={"width": 320, "height": 640})
    e2e.log_in_on(page, world.email("mentee"))
    steps = page.get_by_role("region", name="Add Waypoint to your Home Screen")
    expect(steps).to_be_visible()
    expect(steps).to_contain_text("Share")
    expect(steps).to_contain_text("Add to Home Screen")
    expect(steps).to_contain_text("notifications only once it is on your Home Screen")
    sprite = steps.locator("svg use").get_attribute("href")
    assert re.search(r"/sprite\.[0-9a-f]{12}\.svg#share-ios$", sprite), "fingerprinted"
    expect(page.get_by_role("button", name="Install app")).to_be_hidden()
    e2e.check(page, "install-ios-steps")

    steps.get_by_role("button", name="Got it").click()
    expect(steps).to_be_hidden()
    page.reload()
    e2e.check(page)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hi")
    expect(page.get_by_role("heading", name="Add Waypoint to your Home Screen")).to_be_hidden()


def test_an_ipad_asking_for_desktop_sites_gets_the_steps_and_a_mac_does_not(e2e, world):
    ipad = e2e.new_page(user_agent=IPAD_SAFARI, viewport={"width": 820, "height": 1180})
    assert ipad.evaluate("navigator.maxTouchPoints") > 0  # a touch screen; a Mac reports 0
    e2e.log_in_on(ipad, world.email("mentee"))
    expect(ipad.get_by_role("heading", name="Add Waypoint to your Home Screen")).to_be_visible()
    e2e.check(ipad)

    mac = e2e.new_page(user_agent=IPAD_SAFARI, mobile=False)
    e2e.log_in_on(mac, world.email("mentee"))
    expect(mac.get_by_role("heading", name="Add Waypoint to your Home Screen")).to_be_hidden()


def test_the_steps_are_for_safari_with_javascript_only(e2e, world):
    chrome = e2e.new_page(user_agent=IPHONE_CHROME)
    e2e.log_in_on(chrome, world.email("mentee"))
    expect(chrome.get_by_role("heading", name="Add Waypoint to your Home Screen")).to_be_hidden()

    no_script = e2e.new_page(user_agent=IPHONE_SAFARI, javascript=False)
    e2e.log_in_on(no_script, world.email("mentee"))
    expect(no_script.get_by_role("heading", name="Add Waypoint to your Home Screen")).to_be_hidden()
    expect(no_script.get_by_role("button", name="Install app")).to_be_hidden()
