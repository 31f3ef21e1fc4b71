"""The web player, driven in Chromium with a fake clock: every state change, pause, skip,
a tab that slept through several steps, sides that follow a knot, Done for a set of reps, an
early stop, and the stored session on the knot's chart."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from knotless.practice.models import Session, SessionExercise, SessionKnot
from knotless.practice.services import routine, script
from knotless.safety import screening
from knotless.safety.checklist import AREAS
from tests.browser.conftest import settle, sign_in
from tests.practice.conftest import add_knot

ROUTINE = ["seated-shoulder-rolls", "upper-trapezius-side-bend-stretch"]
# Screenshots for a person to look at, when asked for (KNOTLESS_SCREENSHOTS=folder).
SHOTS = os.environ.get("KNOTLESS_SCREENSHOTS", "")


def _shot(page: Page, name: str, **options: Any) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), **options)


@pytest.fixture(autouse=True)
def answered(user: Any) -> None:
    """The safety questions answered with nothing ticked, so the gate lets the player open."""
    screening.record(user, AREAS, [])


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
    steps = script(routine(ROUTINE), [knot])
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

    # Walk the first steps one by one: each ends exactly when its seconds are up (a set of
    # reps nobody marked Done, after its grace).
    boundary = 0
    for number in range(4):
        expect(player).to_have_attribute("data-index", str(number))
        expect(player).to_have_attribute("data-state", steps[number].state)
        boundary += steps[number].seconds + steps[number].grace
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
    later = sum(s.seconds + s.grace for s in steps[5:7]) + 1
    page.clock.fast_forward(later * 1000)
    page.clock.run_for(300)
    expect(player).to_have_attribute("data-index", "7")

    # Play out the rest; the form for after-ratings and verdicts appears.
    page.clock.run_for(sum(s.seconds + s.grace for s in steps) * 1000)
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
    # The save goes through the offline queue (a fetch), then on to the session's page.
    expect(page.get_by_text("Session saved.")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Stopped early")
    session = Session.objects.get()
    assert session.status == Session.Status.STOPPED
    assert 18 <= session.played_seconds <= 21


RHOMBOID_ROUTINE = ["one-arm-dumbbell-row", "upper-back-wall-ball-release", "band-pull-apart"]


def test_a_right_knot_plays_right_first_done_ends_a_set_and_a_stop_asks_little(
    browser: Browser, live_server: Any, user: Any, opened: list[Page]
) -> None:
    knot = add_knot(user, "medial-border-of-scapula", "right", "rhomboids")
    steps = script(routine(RHOMBOID_ROUTINE), [knot])
    page = _open(browser, live_server, user, opened)
    page.goto(f"{live_server.url}/play/?" + "&".join(f"e={s}" for s in RHOMBOID_ROUTINE))
    expect(page.locator("main")).to_contain_text("Right side only: your knot is on the right")
    page.locator(f"#before-{knot.pk} label", has_text="6").click()
    page.get_by_role("button", name="Start the player").click()
    player = page.locator("#player")
    why = page.locator("#player-why")
    expect(why).to_have_text(steps[0].why)
    expect(page.locator("#player-done")).to_be_hidden()
    expect(player).to_have_attribute("data-state", "get-ready")  # the script has run
    page.get_by_role("button", name="▶ Start").click()

    # Get ready, then the first set of rows: on the right, the knot's side, with a Done button.
    page.clock.run_for((steps[0].seconds + 1) * 1000)
    expect(player).to_have_attribute("data-state", "reps")
    expect(page.locator("#player-name")).to_contain_text("right side")
    expect(why).to_contain_text("Right side first: your knot is on the right.")
    done = page.get_by_role("button", name="✓ Done")
    expect(done).to_be_visible()
    _shot(page, "player-1280-reps")
    # Enter ends the set long before its guide time (focus is on Pause: Enter must not pause).
    page.clock.run_for(4_000)
    page.keyboard.press("Enter")
    expect(player).to_have_attribute("data-state", "switch-side")
    expect(page.locator("#player-state")).not_to_contain_text("Paused")
    expect(done).to_be_hidden()
    page.clock.run_for((steps[2].seconds + 1) * 1000)
    expect(player).to_have_attribute("data-state", "reps")
    expect(page.locator("#player-name")).to_contain_text("left side")
    done.click()  # the left side too, at its own pace
    expect(player).to_have_attribute("data-state", "rest")

    # Past the guide time a set waits for Done (a grace), then moves on by itself.
    page.clock.run_for((steps[4].seconds + steps[5].seconds + 1) * 1000)
    expect(page.locator("#player-detail")).to_contain_text("Take your time")
    expect(player).to_have_attribute("data-index", "5")

    # Stop a few seconds later: only the first exercise was reached.
    page.get_by_role("button", name="■ Stop").click()
    expect(player).to_have_attribute("data-state", "stopped")
    finish = page.locator("#player-finish")
    expect(finish.locator(".verdict-row:visible")).to_have_count(1)
    expect(finish.locator("#not-reached")).to_be_visible()
    expect(page.locator("#sets-done-0")).to_have_value("1")
    expect(page.locator("#reps-done-0")).to_have_value("12")
    page.locator("#reps-done-0").fill("10")
    finish.locator(f"#after-{knot.pk} label", has_text="3").click()
    finish.locator("#verdict-0 label", has_text="Helped").click()
    finish.get_by_role("button", name="Save session").click()
    expect(page.locator("main")).to_contain_text("does not count toward your day")

    session = Session.objects.get()
    assert session.status == Session.Status.STOPPED
    rows = list(SessionExercise.objects.filter(session=session).order_by("position"))
    assert [(r.reached, r.verdict, r.sets_done, r.reps_done) for r in rows] == [
        (True, "helped", 1, 10),
        (False, "", None, None),
        (False, "", None, None),
    ]
    # Two sets done with Done count in full, far more than the seconds they took.
    assert session.played_seconds >= steps[1].seconds + steps[3].seconds

    # The knot's chart marks the session: before -> after, in the legend and in the table.
    page.goto(f"{live_server.url}/knots/{knot.pk}/")
    chart = page.locator(".chart")
    expect(chart).to_contain_text("around a session (before → after)")
    expect(page.locator("li.around-session")).to_contain_text("around a session: 6 → 3")
    page.locator("#history-title").scroll_into_view_if_needed()
    _shot(page, "knot-chart-1280", full_page=True)


def test_the_player_fits_a_phone_with_the_done_button_in_reach(
    browser: Browser, live_server: Any, user: Any, opened: list[Page]
) -> None:
    knot = add_knot(user, "medial-border-of-scapula", "right", "rhomboids")
    page = _open(browser, live_server, user, opened, width=390)
    page.goto(f"{live_server.url}/play/?e=one-arm-dumbbell-row")
    page.get_by_role("button", name="Start the player").click()
    expect(page.locator("#player")).to_have_attribute("data-state", "get-ready")  # script ran
    page.get_by_role("button", name="▶ Start").click()
    steps = script(routine(["one-arm-dumbbell-row"]), [knot])
    page.clock.run_for((steps[0].seconds + 2) * 1000)
    done = page.get_by_role("button", name="✓ Done")
    expect(done).to_be_visible()
    box = done.bounding_box()
    assert box is not None and box["x"] + box["width"] <= 390 and box["height"] >= 44
    expect(page.locator("#player-why")).to_be_visible()
    _shot(page, "player-390-reps", full_page=True)
    page.get_by_role("button", name="■ Stop").click()
    expect(page.locator("#player-finish")).to_be_visible()
    page.locator("#finish-title").scroll_into_view_if_needed()
    _shot(page, "player-390-stopped", full_page=True)
