"""The installed app in Chromium (issue 18): install criteria, the service worker taking
control, Today served from the device under the offline banner, and a new deploy replacing
the kept pages and dropping the old caches."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from knotless.journal import services as journal
from tests.browser.conftest import ARGS, ARTIFACTS, CHROMIUM, settle, sign_in


@pytest.fixture
def phone(
    browser: Browser, live_server: Any, user: Any, settings: Any, tmp_path: Path
) -> Iterator[Page]:
    """A 390 px phone with a profile on disk: Chromium installs nothing from an incognito one."""
    settings.KNOTLESS_DEPLOY_VERSION = "first"
    context = browser.browser_type.launch_persistent_context(
        str(tmp_path / "profile"),
        executable_path=CHROMIUM,
        args=ARGS,
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
    )
    sign_in(context, live_server, user)
    page = context.pages[0] if context.pages else context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.set_offline(False)
    settle(page)
    context.close()


def until(page: Page, expression: str, seconds: float = 10) -> Any:
    """Poll ``expression`` (awaited if a promise) until it is truthy. Not wait_for_function:
    the site's policy forbids the string evaluation it uses, and a promise is always truthy."""
    for _ in range(int(seconds * 10)):
        value = page.evaluate(expression)
        if value:
            return value
        page.wait_for_timeout(100)
    pytest.fail(f"never true: {expression}")


def controlled(page: Page, url: str) -> None:
    """Open ``url`` and wait until the service worker controls it."""
    page.goto(url)
    page.evaluate("navigator.serviceWorker.ready")
    if not page.evaluate("Boolean(navigator.serviceWorker.controller)"):
        until(page, "Boolean(navigator.serviceWorker.controller)")


def cache_names(page: Page) -> list[str]:
    return sorted(page.evaluate("caches.keys()"))


def test_it_meets_chromiums_install_criteria(phone: Page, live_server: Any) -> None:
    controlled(phone, live_server.url + "/")
    cdp = phone.context.new_cdp_session(phone)
    assert cdp.send("Page.getInstallabilityErrors")["installabilityErrors"] == []
    found = cdp.send("Page.getAppManifest")
    assert found["errors"] == []
    assert found["url"].endswith("/manifest.webmanifest")
    parsed = found.get("manifest") or {}
    assert parsed.get("display") == "standalone" or '"standalone"' in found["data"]
    assert "Log water" in found["data"] and "maskable" in found["data"]


def test_today_opens_offline_from_the_device_with_a_banner(
    phone: Page, live_server: Any, user: Any
) -> None:
    journal.add_knot(user, region="temple", side="right", pain=5, tz_name="UTC")
    controlled(phone, live_server.url + "/")
    phone.reload()  # a page the worker fetched, so it is kept
    expect(phone.locator(".offline-banner")).to_have_count(0)
    ARTIFACTS.mkdir(exist_ok=True)
    phone.screenshot(path=str(ARTIFACTS / "pwa-today-390-online.png"))

    phone.context.set_offline(True)
    phone.reload()
    banner = phone.locator(".offline-banner")
    expect(banner).to_contain_text("Offline — this page is from")
    expect(phone.get_by_role("heading", level=1)).to_be_visible()
    expect(phone.locator("body")).to_contain_text("temple")
    phone.screenshot(path=str(ARTIFACTS / "pwa-today-390-offline.png"))
    # A page never visited: the offline page, not the browser's error.
    phone.goto(live_server.url + "/insights/how/")
    expect(phone.get_by_role("heading", name="You are offline")).to_be_visible()
    phone.screenshot(path=str(ARTIFACTS / "pwa-offline-page-390.png"))
    phone.emulate_media(color_scheme="dark")
    phone.goto(live_server.url + "/")
    expect(phone.locator(".offline-banner")).to_be_visible()
    phone.screenshot(path=str(ARTIFACTS / "pwa-today-390-offline-dark.png"))


def test_a_new_deploy_replaces_the_kept_pages(
    phone: Page, live_server: Any, user: Any, settings: Any
) -> None:
    controlled(phone, live_server.url + "/")
    phone.reload()  # now opened under the worker, as every later visit is
    assert phone.evaluate("Boolean(navigator.serviceWorker.controller)")
    assert cache_names(phone) == ["knotless-pages-first", "knotless-shell-first"]
    saved_before = phone.evaluate(
        """async () => (await (await caches.open('knotless-pages-first')).match('/'))
            .headers.get('X-Knotless-Saved')"""
    )

    settings.KNOTLESS_DEPLOY_VERSION = "second"
    with phone.expect_event("framenavigated"):  # the page reloads once under the new worker
        phone.evaluate("navigator.serviceWorker.getRegistration().then((r) => r.update())")
    until(phone, "caches.keys().then((k) => !k.some((n) => n.endsWith('-first')))")
    assert cache_names(phone) == ["knotless-pages-second", "knotless-shell-second"]
    version = phone.evaluate(
        """() => new Promise((resolve) => {
            navigator.serviceWorker.addEventListener('message', (e) => resolve(e.data.version));
            navigator.serviceWorker.controller.postMessage('version');
        })"""
    )
    assert version == "second"
    saved_after = phone.evaluate(
        """async () => (await (await caches.open('knotless-pages-second')).match('/'))
            .headers.get('X-Knotless-Saved')"""
    )
    assert saved_after and saved_after > saved_before


def test_the_worker_runs_the_offline_queues_sender(phone: Page, live_server: Any) -> None:
    controlled(phone, live_server.url + "/")
    worker = phone.context.service_workers[0]
    assert worker.evaluate("typeof self.knotlessFlushQueue") == "function"


def test_reminders_ask_only_on_a_click_then_remind(
    phone: Page, live_server: Any, user: Any
) -> None:
    week_ago = timezone.now() - timedelta(days=7)
    journal.add_knot(
        user,
        region="temple",
        side="right",
        pain=5,
        tz_name="UTC",
        moment=week_ago,
        first_felt=week_ago.date(),
    )
    phone.add_init_script(
        """window.shownNotes = [];
        const show = ServiceWorkerRegistration.prototype.showNotification;
        ServiceWorkerRegistration.prototype.showNotification = function (title, options) {
            window.shownNotes.push({ title, body: options.body });
            return show.call(this, title, options);
        };"""
    )
    controlled(phone, live_server.url + "/account/")
    toggle = phone.get_by_role("button", name="Turn reminders on")
    expect(toggle).to_be_visible()
    assert phone.evaluate("Notification.permission") == "default"  # nothing asked on load
    phone.context.grant_permissions(["notifications"], origin=live_server.url)
    toggle.click()
    expect(phone.get_by_role("button", name="Turn reminders off")).to_be_visible()
    expect(phone.locator("#reminders-state")).to_contain_text("On")
    # What the page asked the worker to show (headless Chromium may close a notification
    # before getNotifications() sees it, so the call itself is recorded on its way through).
    until(phone, "window.shownNotes.some((n) => n.title === 'How are your knots?')")
    body = phone.evaluate("window.shownNotes.find((n) => n.title === 'How are your knots?').body")
    assert "Right temple" in body
    phone.locator("#reminders").scroll_into_view_if_needed()
    phone.screenshot(path=str(ARTIFACTS / "pwa-reminders-390.png"))


def test_offline_reload_then_entries_arrive_once_under_the_worker(
    phone: Page, live_server: Any, user: Any
) -> None:
    """The whole trip of issue 18 with the service worker in charge: offline, reload Today
    (from the device), check in twice and log a glass, back online: each stored exactly once."""
    from knotless.hydration.models import Drink
    from knotless.journal.models import CheckIn

    knot = journal.add_knot(user, region="temple", side="right", pain=5, tz_name="UTC")
    controlled(phone, live_server.url + "/")
    phone.reload()  # kept by the worker
    phone.context.set_offline(True)
    phone.reload()
    expect(phone.locator(".offline-banner")).to_be_visible()
    tile = phone.locator(".knot-tile").filter(has=phone.get_by_role("heading", name=knot.label))
    for pain in (4, 7):
        tile.locator("summary").click()
        tile.get_by_role("button", name=str(pain), exact=True).click()
    phone.get_by_role("button", name="+ Glass of water").click()
    expect(phone.locator("#queue")).to_contain_text("3 entries waiting to be sent")
    assert list(CheckIn.objects.filter(knot=knot).values_list("pain", flat=True)) == [5]

    phone.context.set_offline(False)
    # Told once sent: by the queue ("All sent:"), or, when the glass's own request was still
    # pending as the connection came back, by the page that request leads to (seen once in CI).
    told = phone.locator("#queue").get_by_text("All sent:")
    led = phone.get_by_role("status").get_by_text("Logged 250 ml of water.")
    expect(told.or_(led).first).to_be_visible(timeout=20_000)
    settle(phone)
    phone.reload()
    phone.reload()  # whatever else (the worker's sync, a second flush) had a chance to send
    pains = list(CheckIn.objects.filter(knot=knot).order_by("id").values_list("pain", flat=True))
    assert pains == [5, 4, 7]
    assert list(Drink.objects.filter(user=user).values_list("ml", flat=True)) == [250]
