"""The Content-Security-Policy in Chromium: every page a signed-in user can reach, walked from
the URL conf (the safety walk's ``WALK`` fills each URL's arguments, so a new view is walked
too), comes with the strict policy and makes the browser refuse nothing: no inline script,
style attribute, <style> element or event handler anywhere, in the HTML or in the SVG that
Python draws into it (body maps, charts)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Browser, BrowserContext, Page
from playwright.sync_api import Error as PlaywrightError

from knotless.journal import services as journal
from tests.browser.conftest import NO_WORKER, settle, sign_in
from tests.safety.test_gate_everywhere import WALK, _world

# Reports every refusal to the test: the event carries the directive and what was refused.
LISTENER = """
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolation(
    `${e.effectiveDirective} refused ${e.blockedURI || "inline"}` +
      ` (${e.sourceFile || location.href}:${e.lineNumber}) ${e.sample}`
  );
});
"""


def watch(context: BrowserContext) -> list[str]:
    """Collect every policy violation in ``context``, from events and from the console."""
    seen: list[str] = []
    context.expose_binding(
        "__cspViolation", lambda source, text: seen.append(f"{source['frame'].url}: {text}")
    )
    context.add_init_script(LISTENER)

    def console(message: Any) -> None:
        text = message.text
        if "Content Security Policy" in text or "Trusted Type" in text:
            seen.append(f"console: {text}")

    context.on("console", console)
    return seen


def flush(page: Page) -> None:
    """Let queued violation events run and reach the test before it looks."""
    page.evaluate("() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)))")


@pytest.fixture
def watched(browser: Browser, live_server: Any, user: Any) -> Iterator[tuple[Page, list[str]]]:
    # No service worker here (see NO_WORKER); test_pwa.py registers it under this same policy.
    context = browser.new_context(viewport={"width": 1280, "height": 900}, **NO_WORKER)
    sign_in(context, live_server, user)
    seen = watch(context)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page, seen
    settle(page)
    context.close()


def _visit(page: Page, url: str) -> str:
    """Open ``url`` and return its policy header."""
    try:
        response = page.goto(url)
    except PlaywrightError as error:
        # A download (the calendar feed) or a bodiless refusal (GET on a POST-only URL) makes
        # no document to watch: its header is still checked.
        if "Download is starting" in str(error) or "ERR_HTTP_RESPONSE_CODE_FAILURE" in str(error):
            return page.request.get(url).headers.get("content-security-policy", "")
        raise
    assert response is not None, url
    flush(page)
    return response.headers.get("content-security-policy", "")


def _urls(world: Any, name: str) -> Iterator[str]:
    for kwargs, query in WALK[name](world):
        url = reverse(name, kwargs=kwargs)
        yield f"{url}?{urlencode(query, doseq=True)}" if query else url


@pytest.mark.parametrize("name", sorted(WALK))
def test_no_page_breaks_the_policy(
    watched: tuple[Page, list[str]], live_server: Any, user: Any, name: str
) -> None:
    page, seen = watched
    world = _world(user)
    # A history long enough for a chart with its session arrows and legend.
    journal.check_in(
        world.knot, pain=4, tz_name="UTC", moment=timezone.now() + timedelta(minutes=1)
    )
    missing = []
    for url in _urls(world, name):
        header = _visit(page, live_server.url + url)
        if "default-src" not in header or "unsafe-inline" in header:
            missing.append(f"{url}: {header!r}")
    assert not missing, f"pages without the strict policy: {missing}"
    assert not seen, "the browser refused:\n" + "\n".join(seen)


def test_the_signed_out_pages_keep_the_policy(browser: Browser, live_server: Any) -> None:
    context = browser.new_context()
    seen = watch(context)
    page = context.new_page()
    for url in ("/login/", "/setup/not-a-setup-token/", "/no-such-page/", "/admin/login/"):
        assert "default-src 'self'" in _visit(page, live_server.url + url), url
    context.close()
    assert not seen, "the browser refused:\n" + "\n".join(seen)


def test_the_error_page_keeps_the_policy(browser: Browser, live_server: Any) -> None:
    from django.conf import settings

    from knotless.security import policy

    # A 500 cannot be asked for; serve the page Django would send, with the app's header.
    body = render_to_string("500.html")
    context = browser.new_context()
    seen = watch(context)
    page = context.new_page()
    headers = {"Content-Security-Policy": policy(settings.SECURE_CSP)}
    page.route(
        f"{live_server.url}/boom/",
        lambda route: route.fulfill(
            status=500, body=body, headers=headers, content_type="text/html"
        ),
    )
    page.goto(f"{live_server.url}/boom/")
    flush(page)
    # Its stylesheet is the app's own, so the page is still laid out.
    assert page.evaluate("getComputedStyle(document.body).maxWidth") != "none"
    context.close()
    assert not seen, "the browser refused:\n" + "\n".join(seen)


def test_it_hears_a_refusal(watched: tuple[Page, list[str]], live_server: Any) -> None:
    """The listener itself: a style attribute set from a script is refused and reported, so
    a quiet walk means a clean one."""
    page, seen = watched
    page.goto(f"{live_server.url}/")
    page.evaluate("document.body.setAttribute('style', 'color: red')")
    flush(page)
    assert any("style-src-attr" in line for line in seen), seen


def test_figures_opened_on_their_own_keep_their_colours(
    watched: tuple[Page, list[str]], live_server: Any
) -> None:
    page, seen = watched
    header = _visit(page, f"{live_server.url}/library/chin-tuck/moving.svg")
    assert "style-src 'sha256-" in header
    ink = page.evaluate("getComputedStyle(document.querySelector('.kf-body')).stroke")
    assert ink not in ("", "none"), ink
    assert not seen, "the browser refused:\n" + "\n".join(seen)
