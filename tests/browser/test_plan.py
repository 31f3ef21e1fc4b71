"""Today's plan in Chromium: build it, swap an item, play it, and see the day counted."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Page, expect

from knotless.practice.models import DayPlan, Session
from tests.practice.conftest import add_knot


def test_build_swap_play_and_count_it_done(page_in: Page, live_server: Any, user: Any) -> None:
    page = page_in
    # A knot with more than one way to work on it here, so a swap has somewhere to go.
    add_knot(user, "back-of-shoulder", "right", "infraspinatus")
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="Plan today's routine").click()
    page.get_by_label("Time I have").select_option("5")
    page.get_by_role("button", name="Plan it").click()
    items = page.locator(".plan-item")
    expect(items.first).to_contain_text("Why: right back of shoulder knot, 6/10")
    first = items.first.locator("strong").first.inner_text()

    items.first.get_by_role("button", name="Swap").click()
    expect(page.locator(".plan-item").first).not_to_contain_text(first)
    expect(page.get_by_text("edited by you")).to_be_visible()
    plan = DayPlan.objects.get()
    assert plan.edited

    page.get_by_role("link", name="▶ Play this plan").click()
    page.get_by_role("button", name="Start the player").click()
    # The player's script is a module: click only once it has taken over the page.
    expect(page.locator("#player")).to_have_attribute("data-state", "get-ready")
    page.get_by_role("button", name="▶ Start").click()
    page.clock.run_for(20 * 60 * 1000)  # the whole routine
    expect(page.locator("#player")).to_have_attribute("data-state", "done")
    page.get_by_role("button", name="Save session").click()
    expect(page.get_by_role("heading", name="Session of")).to_be_visible()
    session = Session.objects.get()
    assert [e.slug for e in session.exercises.all()] == [i["slug"] for i in plan.items]

    page.goto(f"{live_server.url}/plan/week/")
    today = page.locator("tr.is-today")
    expect(today).to_contain_text("✓ 1 session")
