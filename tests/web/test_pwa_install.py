"""Installing Waypoint: the manifest's icons, shortcuts and screenshots, iOS's tags, the
install cards, and the shortcuts' redirects.

The images are checked as files a phone would fetch: each URL of the manifest answers with a
PNG of the size it claims, and the maskable icon is decoded here (zlib, no image library) to
prove its artwork stays inside the safe zone every launcher's mask keeps.
"""

from __future__ import annotations

import struct
import zlib
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from meetings_support import add_meeting
from static_support import static_url

from app import clock

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
CHANNELS = {0: 1, 2: 3, 4: 2, 6: 4}  # colour type: samples per pixel
THEME = (0x1F, 0x4E, 0x5F)


def png_header(data: bytes) -> tuple[int, int, int]:
    """(width, height, colour type) from the IHDR chunk."""
    assert data[:8] == PNG_SIGNATURE and data[12:16] == b"IHDR", "not a PNG"
    width, height, _depth, colour = struct.unpack(">IIBB", data[16:26])
    return width, height, colour


def png_pixels(data: bytes) -> list[list[tuple[int, ...]]]:
    """Rows of pixels of an 8-bit, non-interlaced PNG: IDAT inflated, scanline filters undone."""
    width, height, colour = png_header(data)
    assert data[24] == 8 and data[28] == 0, "only 8-bit, non-interlaced PNGs are decoded here"
    idat, offset = b"", 8
    while offset < len(data):
        (length,) = struct.unpack(">I", data[offset : offset + 4])
        kind = data[offset + 4 : offset + 8]
        if kind == b"IDAT":
            idat += data[offset + 8 : offset + 8 + length]
        offset += 12 + length
    raw = zlib.decompress(idat)
    step = CHANNELS[colour]
    stride = width * step
    rows, previous = [], bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1 : start + 1 + stride])
        for i in range(stride):
            left = line[i - step] if i >= step else 0
            up = previous[i]
            corner = previous[i - step] if i >= step else 0
            if kind == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + up) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                guess = left + up - corner
                pa, pb, pc = abs(guess - left), abs(guess - up), abs(guess - corner)
                nearest = left if pa <= pb and pa <= pc else up if pb <= pc else corner
                line[i] = (line[i] + nearest) & 0xFF
        rows.append([tuple(line[x : x + step]) for x in range(0, stride, step)])
        previous = line
    return rows


class Tags(HTMLParser):
    """Every start tag of a page, by name, with its attributes."""

    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: dict[str, list[dict[str, str | None]]] = {}
        self.feed(page)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.setdefault(tag, []).append(dict(attrs))


@pytest.fixture
def manifest(app) -> dict:
    return app.test_client().get("/manifest.webmanifest").get_json()


def fetch_png(app, src: str) -> bytes:
    response = app.test_client().get(src)
    assert response.status_code == 200, src
    assert response.mimetype == "image/png", src
    data = response.get_data()
    response.close()
    return data


def icons_by_purpose(manifest: dict, purpose: str) -> dict[str, str]:
    return {icon["sizes"]: icon["src"] for icon in manifest["icons"] if icon["purpose"] == purpose}


def test_the_manifest_names_the_app_and_keeps_any_and_maskable_icons_apart(manifest):
    assert manifest["id"] == "/"
    assert manifest["start_url"] == "/" and manifest["scope"] == "/"
    assert manifest["display"] == "standalone"
    assert {icon["purpose"] for icon in manifest["icons"]} == {"any", "maskable"}
    for purpose in ("any", "maskable"):
        assert set(icons_by_purpose(manifest, purpose)) == {"192x192", "512x512"}, purpose
    assert len({icon["src"] for icon in manifest["icons"]}) == 4, "one file per icon"


def test_the_shortcuts_check_in_and_open_the_next_meeting(manifest):
    shortcuts = {shortcut["name"]: shortcut for shortcut in manifest["shortcuts"]}
    assert shortcuts.keys() == {"Check in", "Next meeting"}
    assert shortcuts["Check in"]["url"] == "/shortcuts/check-in"
    assert shortcuts["Next meeting"]["url"] == "/shortcuts/next-meeting"
    for shortcut in shortcuts.values():
        assert [icon["sizes"] for icon in shortcut["icons"]] == ["96x96"]


def test_screenshots_show_a_phone_and_a_wide_screen(manifest):
    by_form = {shot["form_factor"]: shot for shot in manifest["screenshots"]}
    assert by_form.keys() == {"narrow", "wide"}
    for shot in by_form.values():
        assert shot["label"] and shot["type"] == "image/png"
        width, height = map(int, shot["sizes"].split("x"))
        # Chrome's richer install sheet takes 320–3840 px sides, at most 2.3 times as long.
        assert min(width, height) >= 320 and max(width, height) <= 3840
        assert max(width, height) / min(width, height) <= 2.3
    narrow, wide = by_form["narrow"]["sizes"], by_form["wide"]["sizes"]
    assert int(narrow.split("x")[0]) < int(narrow.split("x")[1])
    assert int(wide.split("x")[0]) > int(wide.split("x")[1])


def test_every_image_of_the_manifest_is_a_png_of_the_size_it_claims(app, manifest):
    images = [
        *manifest["icons"],
        *(icon for shortcut in manifest["shortcuts"] for icon in shortcut["icons"]),
        *manifest["screenshots"],
    ]
    assert len(images) == 8
    for image in images:
        data = fetch_png(app, image["src"])
        width, height, _colour = png_header(data)
        assert image["sizes"] == f"{width}x{height}", image["src"]
        assert len(data) < 250_000, f"{image['src']} is {len(data)} bytes"


@pytest.mark.parametrize("size", ["192x192", "512x512"])
def test_the_maskable_icon_keeps_its_artwork_inside_the_safe_zone(app, manifest, size):
    pixels = png_pixels(fetch_png(app, icons_by_purpose(manifest, "maskable")[size]))
    side = len(pixels)
    centre, safe = (side - 1) / 2, 0.4 * side  # the safe zone: a circle of 80 % of the icon
    outside = [
        pixels[y][x][:3]
        for y in range(0, side, 2)
        for x in range(0, side, 2)
        if (x - centre) ** 2 + (y - centre) ** 2 > safe**2
    ]
    assert outside and set(outside) == {THEME}, "something but background outside the safe zone"
    assert {pixels[0][0], pixels[0][-1], pixels[-1][0], pixels[-1][-1]} == {THEME}
    # and there is artwork: the pale pin in the middle
    assert pixels[side // 2][side // 2][:3] != THEME


def test_the_any_icon_has_transparent_corners(app, manifest):
    pixels = png_pixels(fetch_png(app, icons_by_purpose(manifest, "any")["192x192"]))
    assert pixels[0][0][3] == 0 and pixels[96][96][3] == 255


def test_ios_gets_an_opaque_touch_icon_and_its_meta_tags(app):
    page = app.test_client().get("/").get_data(as_text=True)
    found = Tags(page)
    links = {link.get("rel"): link.get("href") for link in found.tags.get("link", [])}
    metas = {meta.get("name"): meta.get("content") for meta in found.tags.get("meta", [])}
    width, height, colour = png_header(fetch_png(app, links["apple-touch-icon"]))
    assert (width, height) == (180, 180)
    assert colour in (0, 2), "iOS turns transparency black: the touch icon has no alpha"
    assert metas["apple-mobile-web-app-capable"] == "yes"
    assert metas["mobile-web-app-capable"] == "yes"
    assert metas["apple-mobile-web-app-status-bar-style"] == "default"
    assert metas["apple-mobile-web-app-title"] == "Waypoint"


@pytest.mark.parametrize("role", ["mentee", "own_mentor", "coordinator"])
def test_home_and_account_pages_carry_the_install_cards_hidden(new_client, role):
    client = new_client(role)
    for url in ("/", "/account"):
        page = client.get(url).get_data(as_text=True)
        found = Tags(page)
        sections = [
            tag
            for tag in found.tags.get("section", [])
            if "data-install-offer" in tag or "data-install-ios" in tag
        ]
        assert len(sections) == 2, url
        assert all("hidden" in tag for tag in sections), "shown only by install.js"
        scripts = [tag.get("src") for tag in found.tags.get("script", [])]
        assert static_url("js/waypoint.js") in scripts  # install.js is bundled in


def test_the_check_in_shortcut_opens_the_mentees_form(new_client):
    response = new_client("mentee").get("/shortcuts/check-in")
    assert response.status_code == 302
    assert response.location == "/checkins/this-week"


def test_the_next_meeting_shortcut_opens_the_next_planned_meeting(app, world, new_client):
    with app.app_context():
        now = clock.utcnow()
        add_meeting(world.mentorship_id, now - timedelta(days=3))  # over
        soon = add_meeting(world.mentorship_id, now + timedelta(days=2))
        add_meeting(world.mentorship_id, now + timedelta(days=9))
    for role in ("mentee", "own_mentor"):
        response = new_client(role).get("/shortcuts/next-meeting")
        assert response.status_code == 302
        assert response.location == f"/meetings/{soon}", role
