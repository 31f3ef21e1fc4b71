"""The web player, driven in Chromium with a fake clock: every state change, pause, skip,
a tab that slept through several steps, and the stored session."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from knotless.practice.models import Session, SessionKnot
from knotless.practice.services import routine, script
from tests.browser.conftest import settle, sign_in
from tests.practice.conftest import add_knot

ROUTINE = ["seated-shoulder-rolls", "upper-trapezius-side-bend-stretch"]


@pytest.fixture
def opened(browser: Browser) -> Iterator[list[Page]]:
    pages: list[Page] = []
    yield pages
    for page in pages:
        settle(page)
        page.context.close()


def _open(
    browser: Browser, live_server: Any, user: Any, opened: list[Page], width: int = 1280
) -> Page:
    context = browser.new_context(viewport={"width": width, "height": 900})
    sign_in(context, live_server, user)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.clock.install()
    opened.append(page)
    return page


def test_it_plays_a_routine_step_by_step_and_stores_the_session(
    browser: Browser, live_server: Any, user: Any, opened: list[Page]
) -> None:
    knot = add_knot(user, "top-of-shoulder", "right", "upper-trapezius")
    steps = script(routine(ROUTINE))
    page = _open(browser, live_server, user, opened)
    page.goto(f"{live_server.url}/play/?" + "&".join(f"e={s}" for s in ROUTINE))
    page.locator(f"#before-{knot.pk} label", has_text="6").click()
    page.get_by_role("button", name="Start the player").click()
    player = page.locator("#player")
    expect(player).to_have_attribute("data-state", "get-ready")
    expect(page.locator("#player-finish")).to_be_hidden()

    page.get_by_role("button", name="▶ Start").click()
    started = page.evaluate("Date.now()")

    def run_to(seconds: float) -> None:
        """Move the page's clock to this many seconds after Start (real time flows too)."""
        page.clock.run_for(max(0, round(seconds * 1000 - (page.evaluate("Date.now()") - started))))

    # Walk the first steps one by one: each ends exactly when its seconds are up.
    boundary = 0
    for number in range(4):
        expect(player).to_have_attribute("data-index", str(number))
        expect(player).to_have_attribute("data-state", steps[number].state)
        boundary += steps[number].seconds
        run_to(boundary - 0.6)
        expect(player).to_have_attribute("data-index", str(number))  # not yet
        run_to(boundary + 0.3)
    expect(player).to_have_attribute("data-index", "4")

    # Space pauses: time passes, the step stays; space again resumes.
    page.keyboard.press(" ")
    expect(page.locator("#player-state")).to_contain_text("Paused")
    page.clock.run_for(60_000)
    expect(player).to_have_attribute("data-index", "4")
    page.keyboard.press(" ")
    expect(page.locator("#player-state")).not_to_contain_text("Paused")

    # → skips to the next step.
    page.keyboard.press("ArrowRight")
    expect(player).to_have_attribute("data-index", "5")
    expect(player).to_have_attribute("data-state", steps[5].state)

    # A tab that slept (no timers ran) lands on the right step when it wakes.
    later = sum(s.seconds for s in steps[5:7]) + 1
    page.clock.fast_forward(later * 1000)
    page.clock.run_for(300)
    expect(player).to_have_attribute("data-index", "7")

    # Play out the rest; the form for after-ratings and verdicts appears.
    page.clock.run_for(sum(s.seconds for s in steps) * 1000)
    expect(player).to_have_attribute("data-state", "done")
    finish = page.locator("#player-finish")
    expect(finish).to_be_visible()
    finish.locator(f"#after-{knot.pk} label", has_text="3").click()
    finish.locator("#verdict-0 label", has_text="Helped").click()
    finish.locator("#verdict-1 label", has_text="Neutral").click()
    finish.get_by_role("button", name="Save session").click()
    expect(page.get_by_role("heading", name="Session of")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Helped")

    session = Session.objects.get()
    assert session.status == Session.Status.FINISHED
    # Skipped and paused time is not played time.
    assert 0 < session.played_seconds < session.planned_seconds
    row = SessionKnot.objects.get()
    assert (row.pain_before, row.pain_after) == (6, 3)
    assert [e.verdict for e in session.exercises.all()] == ["helped", "neutral"]


def test_stop_saves_an_early_end_on_a_phone(
    browser: Browser, live_server: Any, user: Any, opened: list[Page]
) -> None:
    page = _open(browser, live_server, user, opened, width=390)
    page.goto(f"{live_server.url}/play/?e=chin-tuck")
    page.get_by_role("button", name="Start the player").click()
    # Before Start nothing has been played and the first step's time is shown in full.
    expect(page.locator("#player-elapsed")).to_have_text("0:00")
    expect(page.locator("#player-timer")).to_have_text("0:05")
    page.get_by_role("button", name="▶ Start").click()
    expect(page.get_by_role("button", name="❚❚ Pause")).to_be_focused()
    page.clock.run_for(20_000)
    page.get_by_role("button", name="■ Stop").click()
    expect(page.locator("#player")).to_have_attribute("data-state", "stopped")
    expect(page.locator("#finish-title")).to_be_focused()
    # A reload before saving comes back to the form, not to step one.
    page.reload()
    expect(page.locator("#player")).to_have_attribute("data-state", "stopped")
    expect(page.locator("#player-finish")).to_be_visible()
    # The big timer fits the phone screen.
    box = page.locator("#player-timer").bounding_box()
    assert box is not None and box["x"] + box["width"] <= 390
    page.get_by_role("button", name="Save session").click()
    expect(page.locator("main")).to_contain_text("Stopped early")
    session = Session.objects.get()
    assert session.status == Session.Status.STOPPED
    assert 18 <= session.played_seconds <= 21
