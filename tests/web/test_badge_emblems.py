"""Badge art: every badge has its emblem in the one sprite, tiers have frames of their own, the
progress page shows them with spoken names, and the celebration code stays small."""

from __future__ import annotations

import gzip
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from game_support import W07, W08, W10, W11, check_in, pinned_fixture  # noqa: F401
from static_support import static_url

import game
from app.assets import BUNDLED
from app.gamification.words import badge_art, badge_frame, badge_name

STATIC = Path(__file__).parents[2] / "app" / "static"
SPRITE = STATIC / "icons" / "badges.svg"
SVG = "{http://www.w3.org/2000/svg}"
CSS_SECTION = "/* --- Badge emblems and celebrations"
EMBLEM = re.compile(
    r'<svg class="emblem emblem-(?P<look>\w+)"[^>]*role="img" aria-label="(?P<label>[^"]+)"[^>]*>'
    r'<use href="/static/icons/badges\.\w+\.svg#frame-(?P<frame>\w+)"></use>'
    r'<use href="/static/icons/badges\.\w+\.svg#(?P<badge>\w+)"></use></svg>'
)


@pytest.fixture(autouse=True)
def _clock(pinned):
    return pinned  # pinned before the world is built


def _symbols() -> dict[str, ET.Element]:
    root = ET.parse(SPRITE).getroot()  # noqa: S314 (our own file)
    symbols = root.findall(f"{SVG}symbol")
    ids = [symbol.get("id") for symbol in symbols]
    assert len(ids) == len(set(ids)), "symbol ids are unique"
    return dict(zip(ids, symbols, strict=True))


def test_every_badge_and_every_tier_has_its_art_in_the_sprite():
    symbols = _symbols()
    for rule in game.BADGES:
        assert rule.id in symbols, f"{rule.id} needs a <symbol> in icons/badges.svg"
        for tier in range(1, len(rule.tiers) + 1):
            assert f"frame-{badge_frame(rule, tier)}" in symbols
    for symbol in symbols.values():
        assert symbol.get("viewBox") == "0 0 48 48"  # frame and glyph share one box
        assert len(symbol), "a symbol draws something"
    # Medal tiers look different: each frame is drawn differently, not only recoloured.
    frames = {ET.tostring(symbols[f"frame-{t}"]) for t in ("plain", "bronze", "silver", "gold")}
    assert len(frames) == 4


def test_badges_not_in_the_rule_book_have_no_art():
    glyphs = {name for name in _symbols() if not name.startswith("frame-")}
    assert glyphs == {rule.id for rule in game.BADGES}


def test_the_sprite_has_no_script_and_no_external_reference():
    text = SPRITE.read_text()
    assert "<script" not in text and "http" not in text.replace("http://www.w3.org/2000/svg", "")
    assert " style=" not in text  # colours come from the page's CSS (strict CSP)


def test_the_progress_page_shows_earned_and_within_reach_emblems_with_names(login, pinned):
    client = login("mentee")
    for week in (W07, W08, W10, W11):  # 4 weeks with a check-in: Consistent (bronze)
        pinned(week)
        check_in(client)
    page = client.get("/me/progress").get_data(as_text=True)
    badges = page[
        page.index('id="badges-heading"') : page.index(
            "</section>", page.index('id="badges-heading"')
        )
    ]
    emblems = [match.groupdict() for match in EMBLEM.finditer(badges)]
    earned = [e for e in emblems if e["look"] != "reach"]
    reach = [e for e in emblems if e["look"] == "reach"]
    assert {
        "look": "plain",
        "label": "First Step, earned",
        "frame": "plain",
        "badge": "first_step",
    } in earned
    assert {
        "look": "bronze",
        "label": "Consistent, bronze medal, earned",
        "frame": "bronze",
        "badge": "consistent",
    } in earned
    assert {
        "look": "reach",
        "label": "Consistent, silver medal, not earned yet",
        "frame": "silver",
        "badge": "consistent",
    } in reach
    # Every badge listed has its emblem: one per list item.
    assert len(emblems) == badges.count("<li>")


def _gzipped(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=9, mtime=0))


def celebration_weight() -> dict[str, int]:
    """Bytes each part of the celebration adds to a page, gzip-compressed as served."""
    css = (STATIC / "css" / "app.css").read_text()
    return {
        "icons/badges.svg": _gzipped(SPRITE.read_bytes()),
        "js/celebrate.js": _gzipped((STATIC / "js" / "celebrate.js").read_bytes()),
        "css (celebration section)": _gzipped(css[css.index(CSS_SECTION) :].encode()),
    }


def test_the_celebration_code_and_badge_sprite_add_at_most_8_kb_compressed(capsys):
    weight = celebration_weight()
    with capsys.disabled():
        print(f"\ncelebration weight, gzip: {weight} = {sum(weight.values())} bytes")
    assert sum(weight.values()) <= 8192


@pytest.mark.parametrize("script", ["celebrate.js"])
def test_the_celebration_script_is_loaded_deferred_on_every_page(client, script):
    page = client.get("/login").get_data(as_text=True)
    assert f'<script src="{static_url("js/waypoint.js")}" defer></script>' in page
    assert f"js/{script}" in BUNDLED


def test_a_badge_known_only_by_its_name_finds_its_emblem():
    """Certificates keep badge names, frozen: each name of the rule book finds its art."""
    for rule in game.BADGES:
        for tier in range(1, len(rule.tiers) + 1):
            assert badge_art(badge_name(rule, tier)) == (rule.id, badge_frame(rule, tier))
    assert badge_art("Consistent (silver)") == ("consistent", "silver")
    assert badge_art("A badge retired long ago") is None
