"""Water in Chromium: one tap logs, one tap undoes, the ring and the chart follow."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Page, expect

from knotless.hydration.models import Drink
from tests.browser.conftest import sign_in


def test_one_tap_logs_and_one_tap_undoes(page: Page, live_server: Any, user: Any) -> None:
    sign_in(page.context, live_server, user)
    page.goto(f"{live_server.url}/water/")
    ring = page.locator(".ring-fill")
    empty = ring.get_attribute("stroke-dasharray")
    assert empty is not None and empty.startswith("0.0 ")
    page.get_by_role("button", name="+ Bottle").click()
    expect(page.get_by_text("Logged 500 ml of water.")).to_be_visible()
    expect(page.locator(".ring-big")).to_have_text("500 ml")
    filled = ring.get_attribute("stroke-dasharray")
    assert filled is not None and float(filled.split()[0]) > 0
    bar = page.locator(".bar").last
    # The bar's height is a class (pct-h-N), as the Content-Security-Policy refuses style="…";
    # the stylesheet turns it into that share of the chart's height.
    share = bar.evaluate(
        "e => e.getBoundingClientRect().height / e.parentElement.getBoundingClientRect().height"
    )
    percent = int((bar.get_attribute("class") or "").rpartition("pct-h-")[2])
    assert percent > 0 and abs(share - percent / 100) < 0.01
    page.get_by_role("button", name="+ Glass").click()
    expect(page.locator(".ring-big")).to_have_text("750 ml")
    page.get_by_role("button", name="Undo").click()
    expect(page.get_by_text("Removed 250 ml.")).to_be_visible()
    expect(page.locator(".ring-big")).to_have_text("500 ml")
    assert list(Drink.objects.values_list("ml", flat=True)) == [500]
