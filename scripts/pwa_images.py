#!/usr/bin/env python3
"""Draw the install images the web app manifest names, so they can be remade at any time.

    .venv/bin/python scripts/pwa_images.py              # icons and screenshots
    .venv/bin/python scripts/pwa_images.py icons        # only the icons
    .venv/bin/python scripts/pwa_images.py screenshots  # only the screenshots

Everything is rendered by Debian's Chromium through Playwright (no image library needed):

- the ``any`` icons (192, 512) are app/static/icons/waypoint.svg as it is, with its
  transparent rounded corners;
- the ``maskable`` icons (192, 512) and the apple-touch-icon (180) are derived from it: the
  background fills the whole square (a launcher or iOS cuts its own shape) and the pin is
  shrunk to sit well inside the central 80 % circle that every mask keeps;
- the shortcut icons (96) draw a tick ("Check in") and a calendar ("Next meeting") on the
  same background;
- the screenshots show the demo program (seeded into a throwaway SQLite database) as the
  mentee Aisha sees it on a phone (``narrow``) and as her mentor Maya sees it on a wide screen
  (``wide``).
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import threading
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import Browser, sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

ICONS = ROOT / "app" / "static" / "icons"
SCREENSHOTS = ROOT / "app" / "static" / "screenshots"
SVG = "http://www.w3.org/2000/svg"
BACKGROUND = "#1f4e5f"
PAPER = "#f7f5f0"
# Share of the icon the artwork may span: inside the 80 % safe-zone circle with room to spare.
MASKABLE_SCALE = 0.72

ET.register_namespace("", SVG)


def logo() -> str:
    return (ICONS / "waypoint.svg").read_text()


def full_bleed(svg: str, scale: float = MASKABLE_SCALE) -> str:
    """The logo on a square background edge to edge, its artwork shrunk about the centre."""
    root = ET.fromstring(svg)  # noqa: S314 - our own logo, not outside input
    background, *artwork = list(root)
    for element in artwork:
        root.remove(element)
    background.attrib.pop("rx", None)
    group = ET.SubElement(
        root, f"{{{SVG}}}g", transform=f"translate(32 32) scale({scale}) translate(-32 -32)"
    )
    group.extend(artwork)
    return ET.tostring(root, encoding="unicode")


def glyph_icon(paths: str) -> str:
    """A shortcut icon: a 24-unit line glyph in paper colour on the logo's rounded square."""
    return (
        f'<svg xmlns="{SVG}" viewBox="0 0 64 64"><rect width="64" height="64" rx="14" '
        f'fill="{BACKGROUND}"/><g transform="translate(14 14) scale(1.5)" fill="none" '
        f'stroke="{PAPER}" stroke-width="2.2" stroke-linecap="round" stroke-linejoin="round">'
        f"{paths}</g></svg>"
    )


TICK = '<circle cx="12" cy="12" r="9"/><path d="M7.5 12.5l3 3 6-6.5"/>'
CALENDAR = '<rect x="3" y="5" width="18" height="16" rx="2"/><path d="M3 10h18M8 3v4M16 3v4"/>'

# file name: (svg, size, transparent background allowed)
ICON_FILES = {
    **{f"waypoint-{size}.png": (logo, size, True) for size in (192, 512)},
    **{
        f"waypoint-maskable-{size}.png": (lambda: full_bleed(logo()), size, False)
        for size in (192, 512)
    },
    "apple-touch-icon.png": (lambda: full_bleed(logo()), 180, False),
    "shortcut-checkin-96.png": (lambda: glyph_icon(TICK), 96, True),
    "shortcut-meeting-96.png": (lambda: glyph_icon(CALENDAR), 96, True),
}


def render_svg(browser: Browser, svg: str, size: int, transparent: bool, path: Path) -> None:
    page = browser.new_page(viewport={"width": size, "height": size}, device_scale_factor=1)
    page.set_content(
        "<!doctype html><style>html,body{margin:0}svg{display:block;width:100vw;height:100vh}"
        f"</style>{svg}"
    )
    page.locator("svg").screenshot(path=path, omit_background=transparent)
    page.close()


def make_icons(browser: Browser) -> None:
    for name, (draw, size, transparent) in ICON_FILES.items():
        render_svg(browser, draw(), size, transparent, ICONS / name)
        print(f"icons/{name}")


# -- screenshots of the demo app ------------------------------------------------------------

# name: (who is logged in, viewport, device scale factor); app/pwa/routes.py labels them
SCREENSHOT_FILES = {
    "home-narrow.png": ("aisha@example.org", {"width": 390, "height": 844}, 2),
    "home-wide.png": ("maya@example.org", {"width": 1280, "height": 800}, 1),
}


@contextmanager
def demo_server() -> Iterator[str]:
    """The app on a free port, over a fresh SQLite database holding the demo program."""
    from werkzeug.serving import make_server

    from app import create_app
    from app.demo import DEMO_ZONE, seed_demo
    from app.extensions import db

    with tempfile.TemporaryDirectory() as folder:
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/demo.sqlite3",
                "SECRET_KEY": "screenshots-only",
            }
        )
        with app.app_context():
            from zoneinfo import ZoneInfo

            from app.clock import utcnow

            db.create_all()
            seed_demo(utcnow().astimezone(ZoneInfo(DEMO_ZONE)).date())
        server = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server_port}"
        finally:
            server.shutdown()
            with app.app_context():
                db.engine.dispose()


def make_screenshots(browser: Browser) -> None:
    from app.demo import DEMO_PASSWORD

    SCREENSHOTS.mkdir(exist_ok=True)
    with demo_server() as base_url:
        for name, (email, viewport, scale) in SCREENSHOT_FILES.items():
            context = browser.new_context(
                base_url=base_url,
                viewport=viewport,
                device_scale_factor=scale,
                is_mobile=scale > 1,
                has_touch=scale > 1,
                locale="en-US",
                timezone_id="America/Chicago",
                service_workers="block",
            )
            page = context.new_page()
            page.goto("/login")
            page.get_by_label("E-mail").fill(email)
            page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
            page.get_by_role("button", name="Log in").click()
            page.wait_for_url(f"{base_url}/")
            page.screenshot(path=SCREENSHOTS / name, animations="disabled")
            context.close()
            print(f"screenshots/{name}")


def chromium() -> str:
    path = shutil.which("chromium")
    if not path:
        sys.exit("Needs Debian's Chromium on the PATH: sudo apt-get install -y chromium")
    return path


def main(argv: list[str]) -> None:
    wanted = set(argv) or {"icons", "screenshots"}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium(),
            headless=True,
            args=["--disable-gpu", *(["--no-sandbox"] if os.geteuid() == 0 else [])],
        )
        if "icons" in wanted:
            make_icons(browser)
        if "screenshots" in wanted:
            make_screenshots(browser)
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1:])
