"""Browser fixtures: Debian's Chromium driven by Playwright, a live server, axe on every page.

The live server serves the ``app`` fixture of tests/conftest.py (``create_app(make_config(
database_url))``, tables emptied and login limits reset after each test) with Werkzeug's
threaded server on a free port, one per test. Each test opens fresh browser contexts on a
phone profile (Playwright's "Pixel 7") through ``e2e.new_page()``.

Every page a test lands on must go through ``e2e.check(page)``: an axe scan that fails on
"serious" and "critical" violations, and a check that nothing scrolls sideways. A test that
passes without checking a page it navigated to fails at teardown, so "axe on every page
visited" cannot quietly rot.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import ModuleType

import pytest
from axe_playwright_python.sync_playwright import Axe
from flask import Flask
from playwright.sync_api import (
    Browser,
    BrowserContext,
    Page,
    Playwright,
    expect,
    sync_playwright,
)
from werkzeug.serving import make_server

from app import clock

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
PHONE = "Pixel 7"
SCREENSHOT_SIZE = {"width": 390, "height": 844}
BLOCKING_IMPACTS = ("serious", "critical")
CHROMIUM_ARGS = [
    "--disable-background-networking",
    "--disable-gpu",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE = Axe()


# -- the browser -------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def chromium_path() -> str:
    """Debian's chromium package; never a browser downloaded by ``playwright install``."""
    path = shutil.which("chromium")
    if not path:
        pytest.fail(
            "The browser tests need Debian's Chromium on the PATH as `chromium`. Install it:\n"
            "    sudo apt-get update && sudo apt-get install -y chromium",
            pytrace=False,
        )
    return path


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as p:
        yield p


def chromium_args() -> list[str]:
    args = list(CHROMIUM_ARGS)
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        args.append("--no-sandbox")  # Chromium refuses to sandbox itself as root
    return args


@pytest.fixture(scope="session")
def browser(playwright: Playwright, chromium_path: str) -> Iterator[Browser]:
    browser = playwright.chromium.launch(
        executable_path=chromium_path, headless=True, args=chromium_args()
    )
    yield browser
    browser.close()


@pytest.fixture(scope="session")
def phone(playwright: Playwright) -> dict:
    """The phone profile, minus the key that only chooses a browser engine."""
    return {k: v for k, v in playwright.devices[PHONE].items() if k != "default_browser_type"}


# -- the server --------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def shared(pytestconfig: pytest.Config) -> ModuleType:
    """tests/conftest.py as pytest loaded it (PASSWORD, build_world…), without re-importing it.

    Both conftest files are top-level modules named ``conftest`` (there are no __init__.py
    files), so ``from conftest import …`` would find whichever was imported last.
    """
    wanted = ROOT / "tests" / "conftest.py"
    for plugin in pytestconfig.pluginmanager.get_plugins():
        if Path(getattr(plugin, "__file__", None) or "/").resolve() == wanted:
            return plugin
    raise LookupError(f"{wanted} is not loaded as a conftest plugin")


@pytest.fixture
def midweek() -> Iterator[datetime]:
    """Pin the clock (the live server runs in this process) to Wednesday noon, UTC, of this
    week, before the world is built: a journey that checks in must not depend on the hour it
    runs, since before 06:00 on a Monday a first check-in counts for the week before."""
    now = datetime.now(UTC)
    wednesday = now - timedelta(days=now.weekday() - 2)
    clock.set_now(wednesday.replace(hour=12, minute=0, second=0, microsecond=0))
    yield clock.utcnow()
    clock.set_now(None)


@pytest.fixture
def live_server(app: Flask) -> Iterator[str]:
    """The test app on a free port; stopped before the ``app`` fixture empties the tables."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)


# -- accessibility -------------------------------------------------------------------------------


def _scan_in_page(page: Page) -> dict:
    # No bypass_csp is needed although the CSP says script-src 'self': Playwright's evaluate
    # goes through the DevTools protocol, which the page's CSP does not govern, so axe.min.js
    # is injected into the real page under its real policy.
    return AXE.run(page).response


class _Replay:
    """axe for pages whose context has JavaScript off.

    axe needs timers and promises, which never run in such a page (``page.evaluate`` does,
    but ``axe.run`` would wait forever). So the DOM as the phone shows it is replayed at the
    same URL in a JavaScript-enabled twin context whose page scripts are blocked: same HTML,
    same stylesheet, same viewport, no script of the app may change the DOM, and axe runs
    there. One twin page per test and profile, reused for every replay.
    """

    def __init__(self, browser: Browser, context_options: dict) -> None:
        options = {k: v for k, v in context_options.items() if k != "java_script_enabled"}
        self.context = browser.new_context(**options, service_workers="block")
        self.page = self.context.new_page()
        self.url = ""
        self.html = ""
        self.page.route("**/*", self._serve)

    def _serve(self, route) -> None:
        request = route.request
        if request.resource_type == "document" and request.url == self.url:
            route.fulfill(status=200, content_type="text/html; charset=utf-8", body=self.html)
        elif request.resource_type == "script":
            route.abort()
        else:
            route.continue_()

    def scan(self, page: Page) -> dict:
        self.url, self.html = page.url, page.content()
        self.page.goto(self.url)
        return _scan_in_page(self.page)

    def close(self) -> None:
        self.context.close()


def _report(violations: list[dict], url: str) -> str:
    lines = [f"axe found {len(violations)} serious or critical violation(s) on {url}:"]
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"][:5]:
            lines.append(f"    {', '.join(map(str, node['target']))}: {node['html'][:160]}")
            for check in node.get("any", []) + node.get("all", []) + node.get("none", []):
                lines.append(f"      * {check['message']}")
    return "\n".join(lines)


# -- the journey helper ----------------------------------------------------------------------------


@dataclass
class E2E:
    """What a journey needs: the server, fresh phone contexts, and the per-page check."""

    base_url: str
    app: Flask
    password: str
    browser: Browser
    phone: dict
    chromium_path: str
    _contexts: dict[BrowserContext, dict] = field(default_factory=dict)
    _replays: dict[str, _Replay] = field(default_factory=dict)
    _visits: dict[Page, list[list]] = field(default_factory=dict)

    def new_page(
        self,
        *,
        javascript: bool = True,
        viewport: dict | None = None,
        mobile: bool = True,
        service_workers: str = "allow",
        user_agent: str | None = None,
        profile: Path | None = None,
    ) -> Page:
        """A page in a fresh context (cookies, storage and all) on the phone profile, or on a
        plain desktop browser when ``mobile`` is false. With ``profile`` (an empty folder) the
        context is a persistent one, a browser profile on disk like a real phone's: Chromium
        reports installability and keeps push and notifications only outside incognito."""
        options = {
            **(self.phone if mobile else {}),
            "base_url": self.base_url,
            "java_script_enabled": javascript,
            "locale": "en-GB",
            "timezone_id": "America/Toronto",
        }
        if viewport:
            options["viewport"] = viewport
        if user_agent:
            options["user_agent"] = user_agent
        if profile is None:
            context = self.browser.new_context(**options, service_workers=service_workers)
        else:
            context = self.browser.browser_type.launch_persistent_context(
                profile,
                executable_path=self.chromium_path,
                headless=True,
                args=chromium_args(),
                service_workers=service_workers,
                **options,
            )
        context.set_default_timeout(10_000)
        self._contexts[context] = options
        page = context.pages[0] if context.pages else context.new_page()
        visits: list[list] = []
        self._visits[page] = visits

        def navigated(frame) -> None:
            # htmx's history.replaceState of the current URL (before a boosted navigation)
            # also counts as "navigated": only a change of URL is a new page to check.
            if frame != page.main_frame or frame.url == "about:blank":
                return
            if not visits or visits[-1][0] != frame.url:
                visits.append([frame.url, False])

        page.on("framenavigated", navigated)
        return page

    def assert_accessible(self, page: Page) -> None:
        """Fail with the list of axe violations of impact "serious" or "critical"."""
        page.wait_for_load_state("load")
        options = self._contexts[page.context]
        if options["java_script_enabled"]:
            results = _scan_in_page(page)
        else:
            key = repr(sorted(options.items()))
            if key not in self._replays:
                self._replays[key] = _Replay(self.browser, options)
            results = self._replays[key].scan(page)
        blocking = [v for v in results["violations"] if v["impact"] in BLOCKING_IMPACTS]
        if blocking:
            pytest.fail(_report(blocking, page.url), pytrace=False)

    def assert_no_sideways_scroll(self, page: Page) -> None:
        width, viewport = page.evaluate(
            "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        assert width <= viewport, f"{page.url} scrolls sideways: {width}px in {viewport}px"

    def assert_words_kept_whole(self, page: Page) -> None:
        """Nothing may split words anywhere ("libr-ary"): long links and addresses wrap with
        ``overflow-wrap``, which breaks a word only when it cannot fit a line by itself."""
        splitting = page.evaluate(
            """Array.from(document.querySelectorAll('body *'))
                .filter(e => ['break-all', 'break-word'].includes(getComputedStyle(e).wordBreak))
                .map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : ''))"""
        )
        assert not splitting, f"{page.url} splits words in {splitting}"

    def log_in_on(
        self, page: Page, email: str, password: str | None = None, *, remember: bool = False
    ) -> None:
        """Log in through the form on ``page``, checking the form page and where it lands
        (the home page, with the main navigation)."""
        page.goto("/login")
        self.check(page)
        page.get_by_label("E-mail").fill(email)
        page.get_by_label("Password", exact=True).fill(password or self.password)
        if remember:
            page.get_by_label("Keep me logged in on this device").check()
        page.get_by_role("button", name="Log in").click()
        expect(page).to_have_url(f"{self.base_url}/")
        expect(page.get_by_role("navigation", name="Main")).to_be_visible()
        self.check(page)

    def log_in(self, email: str, **page_options) -> Page:
        """A new page (``new_page``'s options) logged in as ``email``."""
        page = self.new_page(**page_options)
        self.log_in_on(page, email)
        return page

    def check(self, page: Page, screenshot: str | None = None) -> None:
        """The per-page check: axe, no sideways scroll, words kept whole, and a screenshot
        when named. An htmx request still under way (its button dimmed) is waited for first:
        the page is judged as the person sees it once it has settled."""
        page.wait_for_function(
            "() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')"
        )
        self.assert_accessible(page)
        self.assert_no_sideways_scroll(page)
        self.assert_words_kept_whole(page)
        for visit in self._visits.get(page, []):
            if visit[0] == page.url:
                visit[1] = True
        if screenshot:
            self.screenshot(page, screenshot)

    def screenshot(self, page: Page, name: str, size: dict | None = SCREENSHOT_SIZE) -> Path:
        """A PNG in test-artifacts/screenshots/, 390×844 unless ``size`` says otherwise
        (``None``: the page's own viewport); the viewport is put back after."""
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        before = page.viewport_size
        if size and size != before:
            page.set_viewport_size(size)
        try:
            page.screenshot(path=path, animations="disabled", scale="css")
        finally:
            if size and before and size != before:
                page.set_viewport_size(before)
        return path

    def unchecked_visits(self) -> list[str]:
        return [url for visits in self._visits.values() for url, done in visits if not done]

    def close(self) -> None:
        for replay in self._replays.values():
            replay.close()
        for context in self._contexts:
            context.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture
def e2e(
    request: pytest.FixtureRequest,
    live_server: str,
    app: Flask,
    browser: Browser,
    phone: dict,
    shared: ModuleType,
    chromium_path: str,
) -> Iterator[E2E]:
    helper = E2E(
        base_url=live_server,
        app=app,
        password=shared.PASSWORD,
        browser=browser,
        phone=phone,
        chromium_path=chromium_path,
    )
    yield helper
    unchecked = helper.unchecked_visits()
    helper.close()
    call = getattr(request.node, "rep_call", None)
    if call is not None and call.passed and unchecked:
        pytest.fail(
            "pages visited without e2e.check() (axe and layout): " + ", ".join(unchecked),
            pytrace=False,
        )
