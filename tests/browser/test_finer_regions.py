"""The finer body-map places (issue 16) in a real browser: the feet close-up, the perineum and the
lower buttock can be picked by finger and by keyboard, and the finder draws them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from knotless.journal.models import Knot
from tests.atlas.test_hit_size import DESKTOP_FIGURE_PX, PHONE_FIGURE_PX
from tests.browser.conftest import settle, sign_in
from tests.browser.test_journal import tap_region

pytestmark = pytest.mark.django_db(transaction=True)

SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts"
MARKS = [
    "ball-of-foot:left:8",
    "ball-of-big-toe:left:6",
    "outer-ankle:right:5",
    "lower-buttock:right:6",
    "perineum:center:4",
]


def test_it_picks_the_ball_of_the_foot_on_a_phone(
    browser: Any, live_server: Any, user: Any
) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True)
    sign_in(context, live_server, user)
    page = context.new_page()
    page.goto(f"{live_server.url}/knots/new/")
    feet = page.locator("[data-picker] svg.bodymap--foot").bounding_box()
    # The sizes tests/atlas/test_hit_size.py assumes are the ones Chromium draws.
    assert feet is not None and feet["width"] >= PHONE_FIGURE_PX
    tap_region(page, "ball-of-foot", "left")
    expect(page.locator("[data-chosen]")).to_have_text("Selected: Left ball of the foot")
    page.get_by_role("radio", name="5", exact=True).check()
    page.get_by_role("button", name="Save knot").click()
    # A foot knot asks the foot's questions first.
    expect(page.get_by_role("heading", name="First, a quick safety check")).to_be_visible()
    page.get_by_role("button", name="None of these apply").click()
    expect(page.get_by_role("heading", name="Left ball of the foot")).to_be_visible()
    assert Knot.objects.get(user=user).region == "ball-of-foot"
    settle(page)
    context.close()


@pytest.mark.parametrize(
    ("region", "side", "label"),
    [
        ("perineum", "center", "Perineum and pelvic floor"),
        ("lower-buttock", "left", "Left lower buttock and buttock crease"),
        ("outer-ankle", "right", "Right outer ankle"),
        ("chin", "left", "Left chin and lower lip"),
    ],
)
def test_it_picks_a_finer_place_by_keyboard_without_javascript(
    browser: Any, live_server: Any, user: Any, region: str, side: str, label: str
) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    sign_in(context, live_server, user)
    page.goto(f"{live_server.url}/knots/new/")
    page.get_by_role("link", name=label).first.focus()
    page.keyboard.press("Enter")
    expect(page.locator("[data-chosen]")).to_have_text(f"Selected: {label}")
    settle(page)
    context.close()


@pytest.mark.parametrize(
    ("width", "figure_px"), [(1280, DESKTOP_FIGURE_PX), (390, PHONE_FIGURE_PX)]
)
def test_the_finder_draws_the_finer_places_it_was_given(
    browser: Any, live_server: Any, user: Any, width: int, figure_px: float
) -> None:
    context = browser.new_context(viewport={"width": width, "height": 900}, has_touch=width < 600)
    sign_in(context, live_server, user)
    page = context.new_page()
    page.goto(f"{live_server.url}/find/?" + "&".join(f"m={m}" for m in MARKS))
    SHOTS.mkdir(exist_ok=True)
    for view in ("front", "back", "foot"):
        figure = page.locator(f"svg.bodymap--{view}").first
        figure.scroll_into_view_if_needed()
        box = figure.bounding_box()
        assert box is not None and box["width"] >= figure_px * 0.98, (view, box)
        figure.screenshot(path=str(SHOTS / f"finer-regions-{view}-{width}.png"))
    for mark in MARKS:
        region, side, _ = mark.split(":")
        marked = page.locator(f'svg [data-region="{region}"][data-side="{side}"][aria-current]')
        expect(marked.first).to_be_attached()
    page.screenshot(path=str(SHOTS / f"finer-regions-finder-{width}.png"), full_page=True)
    settle(page)
    context.close()
