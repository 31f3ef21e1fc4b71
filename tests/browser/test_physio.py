"""A programme from a physio, in a real browser: the physio, in a fresh browser with no account,
writes one and gets a link; the person, signed in, opens the link, reviews it, adds it, and the
plan shows it. Screenshots of every step at 1280 and 390 px go to test-artifacts/."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Browser, Page, expect

from knotless.journal import services as journal
from knotless.physio.plan import active
from knotless.safety import screening
from knotless.safety.policy import knot_areas
from tests.browser.conftest import ARTIFACTS, settle, sign_in
from tests.browser.test_csp import flush, watch


def _shots(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    for width, height in ((1280, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        for image in page.locator("img").all():  # lazy figures: load them before the picture
            image.scroll_into_view_if_needed()
        page.evaluate(
            "() => Promise.all([...document.images].map((i) => i.decode().catch(() => null)))"
        )
        page.screenshot(path=str(ARTIFACTS / f"physio-{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_a_physio_writes_and_the_person_adds_it_to_the_plan(
    page: Page, browser: Browser, live_server: Any, user: Any
) -> None:
    knot = journal.add_knot(
        user, region="back-of-neck", side="left", pain=5, tz_name="UTC", muscle="upper-trapezius"
    )
    screening.record(user, knot_areas(knot), [])

    physio = browser.new_context(viewport={"width": 1280, "height": 900})
    assert physio.cookies() == []
    refused = watch(physio)
    writer = physio.new_page()
    writer.goto(f"{live_server.url}/physio/write/")
    writer.get_by_label("Your name").fill("Sam Reyes")
    first = writer.locator("fieldset").nth(0)
    first.get_by_label("From the library").select_option("chin-tuck")
    first.get_by_label("Sets").fill("4")
    first.get_by_label("Reps").fill("12")
    second = writer.locator("fieldset").nth(1)
    second.get_by_label("Or its name").fill("Towel scrunches")
    second.get_by_label("How to do it").fill("Seated, scrunch a towel toward you with the toes.")
    second.get_by_label("Sets").fill("2")
    second.get_by_label("Reps").fill("15")
    _shots(writer, "write")
    writer.get_by_role("button", name="Make the link").click()
    link = writer.locator("#programme-link").input_value()
    expect(writer.get_by_role("button", name="Copy the link")).to_be_visible()
    assert "/physio/review/#programme=" in link
    _shots(writer, "written")
    flush(writer)
    assert refused == []
    settle(writer)
    physio.close()

    sign_in(page.context, live_server, user)
    page.goto(link)
    expect(page.get_by_role("heading", name="From Sam Reyes")).to_be_visible()
    assert "#" not in page.url  # the programme left the address bar
    expect(page.get_by_text("12 reps × 4 sets, every day")).to_be_visible()
    _shots(page, "review")
    page.get_by_role("button", name="Add to my plan").click()
    expect(page.get_by_text("your plan now follows the programme from Sam Reyes")).to_be_visible()
    expect(page.get_by_role("heading", name="From your physio (Sam Reyes)")).to_be_visible()
    expect(page.get_by_text("Why: From your physio (Sam Reyes)").first).to_be_visible()
    expect(page.get_by_text("Towel scrunches")).to_be_visible()
    _shots(page, "plan")
    programme = active(user)
    assert programme is not None and len(programme.items) == 2
    settle(page)
