"""Installability: the manifest and its icons, the service worker, the offline page."""

from __future__ import annotations

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
