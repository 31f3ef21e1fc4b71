from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright
from playwright.sync_api import Error as PlaywrightError

CHROMIUM = os.environ.get("KNOTLESS_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
# The service worker fetches a person's pages in the background when it installs; against the
# test server's in-memory SQLite those fetches can lock a table under the test's own request.
# Tests of the worker itself (test_pwa.py) open contexts of their own that allow it.
NO_WORKER: dict[str, Any] = {"service_workers": "block"}


class _Browser:
    """Chromium whose new contexts block the service worker unless a test asks for it.

    A context left to register the worker precaches /plan/ and other pages after the test has
    ended; on PostgreSQL that request held a transaction open while teardown flushed the tables,
    and the flush failed. Blocking by default covers the test written next month, too."""

    def __init__(self, browser: Browser) -> None:
        self._browser = browser

    def new_context(self, **options: Any) -> BrowserContext:
        options.setdefault("service_workers", "block")
        return self._browser.new_context(**options)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._browser, name)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in str(item.path).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


def sign_in(context: BrowserContext, live_server: Any, user: Any) -> None:
    """Give a browser context the session cookie of ``user``, as if they had signed in."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    cookie = str(client.cookies[settings.SESSION_COOKIE_NAME].value)
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )


def settle(page: Page) -> None:
    """Let lazy images finish loading before the test database goes away under the server."""
    # A page that never settles is the test's business, not teardown's.
    with contextlib.suppress(PlaywrightError):
        page.wait_for_load_state("networkidle", timeout=5_000)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not shutil.which(CHROMIUM):
        # Not a skip: a missing browser means the browser tests did not run, which is a failure.
        pytest.fail(f"Chromium not found at {CHROMIUM}; install Debian's chromium package.")
    with sync_playwright() as pw:
        launched = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield _Browser(launched)
        launched.close()


@pytest.fixture
def page(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, **NO_WORKER)
    opened = context.new_page()
    opened.set_default_timeout(15_000)
    yield opened
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        opened.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    settle(opened)
    context.close()


@pytest.fixture
def page_in(browser: Browser, live_server: Any, user: Any) -> Iterator[Page]:
    """A page signed in as ``user``, with the page's clock under the test's control."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, **NO_WORKER)
    sign_in(context, live_server, user)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.clock.install()
    yield page
    settle(page)
    context.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: Any) -> Any:
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report
