"""Desk mode in Chromium: with the server's clock and the page's clock both moved along,
twenty active minutes bring one break offer; postponing and taking it work."""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import time_machine
from playwright.sync_api import Page, expect

from knotless.desk.models import DeskEvent
from knotless.practice import planning
from knotless.safety import screening
from tests.browser.conftest import sign_in
from tests.practice.conftest import add_knot

MONDAY = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)  # 09:00 in Berlin


def test_desk_mode_offers_a_break_after_twenty_minutes(
    page: Page, live_server: Any, user: Any
) -> None:
    knot = add_knot(user, "top-of-shoulder", "right", "upper-trapezius")
    screening.record(user, planning.pending_areas(user), [])
    sign_in(page.context, live_server, user)
    with time_machine.travel(MONDAY, tick=False) as server_clock:
        page.clock.install(time=MONDAY)
        page.goto(f"{live_server.url}/desk/")
        desk = page.locator("#desk")
        expect(desk).to_have_attribute("data-state", "watching")

        def minutes(count: int) -> None:
            """Every 15 s the page ticks: move both clocks a tick at a time."""
            for _ in range(count * 4):
                server_clock.shift(timedelta(seconds=15))
                with page.expect_response("**/desk/tick/"):
                    page.clock.run_for(15_000)

        minutes(19)
        expect(desk).to_have_attribute("data-state", "watching")
        minutes(2)
        expect(desk).to_have_attribute("data-state", "offer")
        expect(page.locator("#desk-offer-title")).to_have_text("Time for a micro-break")
        routine = page.locator("#desk-routine")
        expect(routine).to_contain_text(f"for your {knot.label.lower()} knot")
        expect(page.locator("#desk-sip")).to_be_visible()  # 09:21 and nothing drunk yet
        if screenshots := os.environ.get("KNOTLESS_SCREENSHOTS"):
            page.screenshot(path=f"{screenshots}/desk-offer.png", full_page=True)
        page.get_by_role("button", name="In 5 minutes").click()
        expect(desk).to_have_attribute("data-state", "watching")
        minutes(6)
        expect(desk).to_have_attribute("data-state", "offer")
        names = routine.inner_text().split(": ", 1)[1].rstrip(".")
        page.get_by_role("button", name="Start the break").click()
        expect(page).to_have_url(re.compile(r"/play/\?e="))  # today's desk routine
        for name in names.split(", "):
            expect(page.get_by_role("main")).to_contain_text(name.removesuffix(" and more"))
    outcomes = list(DeskEvent.objects.filter(kind="micro").values_list("outcome", flat=True))
    assert outcomes == ["postponed", "taken"]
