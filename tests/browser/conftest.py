"""Real-browser fixtures: the real app on a free localhost port, Debian's Chromium driven by Playwright.

A failing test leaves a screenshot and the page HTML in ``test-artifacts/``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, sync_playwright

from ..live import PROJECT, LiveServer, reset_postgres, start_server
from .axe import axe_script

ARTIFACTS = PROJECT / "test-artifacts"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
PHONE = {"width": 390, "height": 844}

pytestmark = pytest.mark.browser


@pytest.fixture
def server(tmp_path):
    """The app on SQLite, or on TEST_DATABASE_URL's PostgreSQL in the PostgreSQL pass."""
    database = os.environ.get("TEST_DATABASE_URL")
    if database:
        reset_postgres(database)
    live = start_server(tmp_path, database)
    yield live
    live.stop()


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: install Debian's package with 'apt-get install chromium'")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True)
        yield launched
        launched.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


class Pages:
    """Opens pages in fresh browser contexts and remembers them for checks and artifacts."""

    def __init__(self, browser, request):
        self.browser = browser
        self.request = request
        self.opened: list[tuple[str, Page]] = []
        self.console_errors: list[str] = []
        self.contexts = []

    def new(self, name: str = "main", phone: bool = False, bypass_csp: bool = False, locale: str = "en-GB") -> Page:
        """A page in a fresh context; ``locale`` sets the browser's Accept-Language."""
        context = self.browser.new_context(
            viewport=PHONE if phone else {"width": 1280, "height": 900}, bypass_csp=bypass_csp, locale=locale
        )
        self.contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.on("console", lambda msg: self._console(page, msg))
        page.on("pageerror", lambda exc: self.console_errors.append(f"{page.url}: {exc}"))
        self.opened.append((name, page))
        return page

    def _console(self, page: Page, message) -> None:
        if message.type != "error":
            return
        # Opening an error page on purpose (a 404 test) logs the document's own
        # status; failures of scripts, styles or images are still reported.
        if message.text.startswith("Failed to load resource") and message.location.get("url") == page.url:
            return
        self.console_errors.append(f"{page.url}: {message.text}")

    def save_artifacts(self) -> None:
        ARTIFACTS.mkdir(exist_ok=True)
        test = re.sub(r"[^\w.-]+", "_", self.request.node.nodeid)
        for name, page in self.opened:
            try:
                page.screenshot(path=str(ARTIFACTS / f"{test}-{name}.png"), full_page=True)
                (ARTIFACTS / f"{test}-{name}.html").write_text(page.content(), encoding="utf-8")
            except Exception as error:  # noqa: BLE001 - a closed page must not hide the real failure
                (ARTIFACTS / f"{test}-{name}.txt").write_text(f"could not capture: {error}")

    def close(self) -> None:
        for context in self.contexts:
            context.close()


@pytest.fixture
def pages(browser, request):
    opened = Pages(browser, request)
    yield opened
    failed = any(
        getattr(request.node, f"report_{when}", None) and getattr(request.node, f"report_{when}").failed
        for when in ("setup", "call")
    )
    if failed:
        opened.save_artifacts()
    errors = list(opened.console_errors)
    opened.close()
    if not failed:
        assert errors == [], "console errors:\n" + "\n".join(errors)


def fits_phone(page: Page) -> None:
    """The page has no horizontal scrolling at the current viewport width."""
    # A click that navigates returns before the new page (and its stylesheet) has loaded.
    page.wait_for_load_state("load")
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow}px"


def no_serious_a11y_violations(page: Page) -> None:
    """Run axe-core on the page; fail on serious or critical violations."""
    page.wait_for_load_state("load")
    page.add_script_tag(path=str(axe_script()))
    violations = page.evaluate("async () => (await axe.run(document)).violations")
    serious = [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in violations
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == [], f"{page.url}:\n" + "\n".join(serious)


def sign_in(page: Page, server: LiveServer, email: str, password: str, russian: bool = False) -> None:
    page.goto(server.url + "/login")
    page.get_by_label("Эл. почта" if russian else "Email").fill(email)
    page.get_by_label("Пароль" if russian else "Password", exact=True).fill(password)
    page.get_by_role("button", name="Войти" if russian else "Sign in").click()
    page.wait_for_load_state()
    assert "/login" not in page.url, page.content()[:2000]


def open_menu(page: Page) -> None:
    """Open the header menu when it sits behind the phone's menu button (a no-op on a wide screen)."""
    button = page.locator(".menu-button")
    if button.is_visible() and button.get_attribute("aria-expanded") != "true":
        button.click()


def rate_area(page: Page, level: int) -> None:
    """Tick ``level`` for every statement on the page (a questionnaire area or a review form)."""
    # Counted on a half-parsed page, the fieldsets would be only the first few.
    page.wait_for_load_state("load")
    for group in page.locator("fieldset.rating").all():
        group.locator(f'input[value="{level}"]').check()


def rate_every_area(page: Page, level: int, on_each_area: Callable[[int], None] | None = None) -> int:
    """Rate each remaining questionnaire area at ``level`` and move on; return how many areas were rated.

    Each "Save and continue" waits for the next page to load: a click that navigates returns
    before the old page is gone, and a busy machine would otherwise show the loop the old area
    again (or a blank page) and end it early.
    """
    areas = 0
    page.wait_for_load_state("load")  # the first area may still be loading after the click that opened it
    while page.locator("fieldset.rating").count():
        if on_each_area:
            on_each_area(areas)
        rate_area(page, level)
        with page.expect_navigation():
            page.locator('button[name="direction"][value="next"]').click()
        areas += 1
    return areas
