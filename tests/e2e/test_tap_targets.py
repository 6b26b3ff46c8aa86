"""Every button and standalone link is at least 44×44 px on a 390 px phone, on every page each
role may open (the GET rows of the access matrix that answer a page, with real rows of both
pairs).

The rule for links: a link inside running text is exempt (WCAG 2.5.8's inline exception) when
it is laid out inline and its block (the nearest ancestor that is not ``display: inline``)
holds words of its own besides its links and buttons: "Read the <a>guide</a> first". A link
alone in its paragraph, list item, cell or heading, or beside only other links and
punctuation ("Edit · Delete"), is a target of its own and must measure 44×44. A checkbox or
a radio button counts the box of its label, which is what a thumb taps.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import pytest
from playwright.sync_api import Page

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
MIN_TAP = 44
NOT_PAGES = (".csv", ".ics", ".webmanifest", ".js")

SMALL_TARGETS = """min => {
    const interactive = 'a[href], button, input[type=submit], input[type=button], '
        + 'input[type=reset], input[type=checkbox], input[type=radio], select, summary';
    const words = /[\\p{L}\\p{N}]/u;
    const blockOf = (el) => {
        let block = el.parentElement;
        while (block && getComputedStyle(block).display === 'inline') block = block.parentElement;
        return block;
    };
    const ownWords = (block) => {
        const copy = block.cloneNode(true);
        copy.querySelectorAll(interactive).forEach((el) => el.remove());
        return words.test(copy.textContent);
    };
    const inText = (el) => el.matches('a') && getComputedStyle(el).display === 'inline'
        && ownWords(blockOf(el));
    const visible = (el) => {
        const style = getComputedStyle(el);
        const box = el.getBoundingClientRect();
        return style.visibility !== 'hidden' && box.width > 0 && box.height > 0;
    };
    const boxOf = (el) => {
        const label = el.matches('input[type=checkbox], input[type=radio]') && el.labels[0];
        return (label || el).getBoundingClientRect();
    };
    const name = (el) => (el.matches('input, select') ? el.labels?.[0]?.innerText || el.value
        : el.innerText || el.getAttribute('aria-label') || '').replace(/\\s+/g, ' ').trim();
    return [...document.querySelectorAll(interactive)]
        .filter((el) => visible(el) && !inText(el))
        .map((el) => ({el, box: boxOf(el)}))
        .filter(({box}) => box.width < min || box.height < min)
        .map(({el, box}) => `<${el.tagName.toLowerCase()}> "${name(el).slice(0, 40)}" `
            + `${Math.round(box.width)}×${Math.round(box.height)}`);
}"""


def _matrix():
    """tests/web/test_access_matrix.py, the one list of every route and who may open it."""
    web = str(ROOT / "tests" / "web")
    if web not in sys.path:
        sys.path.insert(0, web)
    return importlib.import_module("test_access_matrix")


def pages_of(role: str, ids: dict) -> list[str]:
    matrix = _matrix()
    column = matrix.ROLES.index(role)
    templates = {
        row.url
        for row in matrix.MATRIX
        if row.method == "GET" and row.expect[column] == 200 and "{url}" not in row.url
    }
    return sorted(matrix.fill(url, ids) for url in templates if not url.endswith(NOT_PAGES))


def small_targets(page: Page) -> list[str]:
    return page.evaluate(SMALL_TARGETS, MIN_TAP)


@pytest.fixture
def ids(e2e, world, shared) -> dict:
    with e2e.app.app_context():
        return shared.probe_ids(world)


def test_the_measure_finds_small_targets_and_spares_links_in_text(e2e, world):
    page = e2e.log_in(world.email("mentee"))
    page.evaluate(
        """() => document.querySelector('main').insertAdjacentHTML('beforeend',
            '<p>Read the <a href="#a">guide</a> first.</p>'
            + '<div><a href="#b">Alone</a></div>'
            + '<div><a href="#c">Edit</a> · <a href="#d">Delete</a></div>'
            + '<p><a href="#e">Sized by the stylesheet</a></p>'
            + '<p><button class="tiny-probe">Go</button></p>'
            + '<p><label class="tiny-probe"><input type="checkbox"> Tick</label></p>')"""
    )
    page.evaluate(  # CSSOM, which the CSP allows (a <style> it would not)
        """() => document.querySelectorAll('.tiny-probe').forEach((el) =>
            Object.assign(el.style, {fontSize: '10px', padding: '0', minHeight: '0'}))"""
    )
    found = small_targets(page)
    for name in ('"Alone"', '"Edit"', '"Delete"', '<button> "Go"', '<input> "Tick"'):
        assert any(name in target for target in found), (name, found)
    assert not any('"guide"' in target or '"Sized' in target for target in found), found


@pytest.mark.parametrize("role", ["mentee", "own_mentor", "coordinator"])
def test_every_target_is_big_enough_for_a_thumb(e2e, world, ids, role):
    page = e2e.log_in(world.email(role))
    faults = {"/": small_targets(page)}
    e2e.screenshot(page, f"11-8-tap-targets-{role}-390")
    e2e.screenshot(page, f"11-8-tap-targets-{role}-320", size={"width": 320, "height": 568})
    for url in pages_of(role, ids):
        page.goto(url)
        e2e.check(page)
        faults[url] = small_targets(page)
    faults = {url: found for url, found in faults.items() if found}
    assert not faults, "targets under 44×44 px:\n" + "\n".join(
        f"{url}: {', '.join(found)}" for url, found in faults.items()
    )
