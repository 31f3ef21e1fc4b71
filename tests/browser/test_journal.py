"""The user story of the foundation issue, in a real browser."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import FloatRect, Page, expect

from knotless.journal.models import Knot
from tests.atlas.test_hit_size import DESKTOP_FIGURE_PX, PHONE_FIGURE_PX
from tests.browser.conftest import settle, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


FIND_POINT = """async ([region, side]) => {
  // A point inside the shape's own fill that no other shape covers: where a finger would land.
  const links = document.querySelectorAll(
    `a.region-link[data-region="${region}"][data-side="${side}"]`);
  for (const link of links) {
    const shape = link.querySelector(".region");
    link.scrollIntoView({block: "center", inline: "center"});
    // Let scroll snapping settle before measuring.
    await new Promise((done) => setTimeout(done, 400));
    const box = shape.getBoundingClientRect();
    for (let fy = 0.5, i = 0; i < 20; i++, fy = (fy + 0.382) % 1) {
      for (let fx = 0.5, j = 0; j < 20; j++, fx = (fx + 0.618) % 1) {
        const x = box.left + box.width * fx, y = box.top + box.height * fy;
        if (x < 0 || y < 0 || x > innerWidth || y > innerHeight) continue;
        if (document.elementFromPoint(x, y) === shape) return [x, y];
      }
    }
  }
  return null;
}"""


def tap_region(page: Page, region: str, side: str) -> None:
    point = page.evaluate(FIND_POINT, [region, side])
    assert point, f"no visible point inside {side} {region}"
    page.mouse.click(*point)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, str]]:
    """`knotless serve` as a user runs it, on a fresh SQLite data dir; yields (base URL, output)."""
    port = free_port()
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("KNOTLESS_DATABASE_URL", "KNOTLESS_SECRET_KEY")
    }
    env["KNOTLESS_DATA_DIR"] = str(tmp_path)
    proc = subprocess.Popen(
        [sys.executable, "-m", "knotless", "serve", "--no-browser", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    assert proc.stdout is not None
    lines: list[str] = []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        lines.append(line)
        if "is running at" in line:
            break
    base = f"http://127.0.0.1:{port}"
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                raise AssertionError(
                    f"knotless serve did not start on port {port}:\n{''.join(lines)}"
                ) from None
            time.sleep(0.1)
    try:
        yield base, "".join(lines)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def test_it_goes_from_the_printed_link_to_a_charted_knot(
    page: Page, served: tuple[str, str]
) -> None:
    _, output = served
    link = re.search(r"(http://\S+/setup/\S+/)", output)
    assert link, output
    page.goto(link.group(1))
    page.get_by_label("Name to sign in with").fill("robin")
    page.get_by_label("Password", exact=True).fill("knots-be-gone-2026")
    page.get_by_label("Password again").fill("knots-be-gone-2026")
    page.get_by_role("button", name="Create my account").click()

    # Straight to the body map: tap the left medial border of the shoulder blade on the back view.
    expect(page.get_by_role("heading", name="Where does it hurt?")).to_be_visible()
    tap_region(page, "medial-border-of-scapula", "left")
    expect(page.locator("[data-chosen]")).to_have_text(
        "Selected: Left inner edge of shoulder blade"
    )
    page.get_by_role("radio", name="6", exact=True).check()
    page.get_by_role("button", name="Save knot").click()

    # A back knot: saved, then the red-flag questions come before anything else.
    expect(page.get_by_role("heading", name="First, a quick safety check")).to_be_visible()
    page.get_by_role("button", name="None of these apply").click()
    expect(page.get_by_role("heading", name="Left inner edge of shoulder blade")).to_be_visible()
    for pain in ("5", "3"):
        page.get_by_role("radio", name=pain, exact=True).check()
        page.get_by_role("button", name="Check in").click()
        expect(page.get_by_text(f"Checked in: {pain}/10.")).to_be_visible()
    expect(page.locator(".chart .chart-plot")).to_be_visible()
    expect(page.locator(".chart .narrow-only").first).to_be_hidden()  # the desktop's dates
    ratings = page.locator("table .ratings strong").all_inner_texts()
    assert sorted(ratings) == ["3", "5", "6"]

    # Untying asks for one last rating, and the page then reads as how the knot ended.
    page.get_by_role("link", name="Mark as untied…").click()
    page.get_by_role("radio", name="1", exact=True).check()
    page.get_by_role("button", name="Mark as untied").click()
    expect(page.get_by_text("as untied at 1/10. Well done.")).to_be_visible()
    expect(page.locator(".knot-overview")).to_contain_text("1/10 when untied")
    expect(page.locator(".knot-overview")).not_to_contain_text("over 7 days")
    page.get_by_role("link", name="Today").click()
    expect(page.get_by_text("No active knots.")).to_be_visible()


def test_it_picks_a_place_with_the_keyboard_and_without_javascript(
    browser: Any, live_server: Any, user: Any
) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    sign_in(context, live_server, user)
    page.goto(f"{live_server.url}/knots/new/")
    target = page.locator('a.region-link[data-region="calf"][data-side="right"]').first
    target.focus()
    page.keyboard.press("Enter")
    expect(page.locator("[data-chosen]")).to_have_text("Selected: Right calf")
    page.get_by_role("radio", name="4", exact=True).check()
    page.get_by_role("button", name="Save knot").click()
    # A calf knot asks the leg's questions first (a swollen, warm calf; a sudden pop).
    expect(page.get_by_text("Pain in the leg is nearly always harmless")).to_be_visible()
    page.get_by_role("button", name="None of these apply").click()
    expect(page.get_by_role("heading", name="Right calf")).to_be_visible()
    assert Knot.objects.get(user=user).region == "calf"
    settle(page)
    context.close()


def test_it_adds_a_knot_on_a_phone(browser: Any, live_server: Any, user: Any) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True)
    sign_in(context, live_server, user)
    page = context.new_page()
    page.goto(f"{live_server.url}/knots/new/")
    picker = page.locator("[data-picker]")
    # The figures sit side by side in a row that scrolls sideways, each nearly screen-wide.
    assert picker.evaluate("el => el.scrollWidth > el.clientWidth * 3")
    front = page.locator("[data-picker] figure").first.bounding_box()
    assert front is not None and front["width"] > 0.7 * 390
    tap_region(page, "calf", "left")  # on the back view, scrolled into reach
    expect(page.locator("[data-chosen]")).to_have_text("Selected: Left calf")
    expect(page.locator("#knot-form")).to_be_in_viewport()
    page.get_by_role("radio", name="5", exact=True).check()
    page.get_by_role("button", name="Save knot").click()
    # The calf's safety questions come first, on the phone too.
    expect(page.get_by_role("heading", name="First, a quick safety check")).to_be_visible()
    page.get_by_role("button", name="None of these apply").click()
    expect(page.get_by_role("heading", name="Left calf")).to_be_visible()
    # One chart for both screens: it fits the phone, with the phone's fewer dates.
    plot = page.locator(".chart .chart-plot")
    expect(plot).to_be_visible()
    box = plot.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
    assert box["height"] >= 150  # still tall enough to read ten points of pain
    expect(page.locator(".chart .wide-only").first).to_be_hidden()
    dates = page.locator(".chart-x g").filter(visible=True)
    assert 2 <= dates.count() <= 4
    settle(page)
    context.close()


def test_it_syncs_the_list_and_the_map(page: Page, live_server: Any, user: Any) -> None:
    sign_in(page.context, live_server, user)
    page.goto(f"{live_server.url}/knots/new/")
    page.get_by_label("Where").select_option("sacrum")
    # A midline region takes only "Centre": the other sides are disabled, centre is chosen.
    expect(page.get_by_role("radio", name="Left")).to_be_disabled()
    expect(page.get_by_role("radio", name="Centre")).to_be_checked()
    expect(page.locator('a[data-region="sacrum"][aria-current="true"]')).to_have_count(1)
    expect(page.locator("[data-chosen]")).to_have_text("Selected: Sacrum")


SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts"
BETWEEN = "between-shoulder-blades"


def _shape_box(page: Page, region: str, side: str) -> FloatRect:
    box = page.locator(
        f'[data-picker] a.region-link[data-region="{region}"][data-side="{side}"] .region'
    ).bounding_box()
    assert box is not None
    return box


@pytest.mark.parametrize(
    ("width", "figure_px"), [(390, PHONE_FIGURE_PX), (1280, DESKTOP_FIGURE_PX)]
)
def test_it_makes_both_sides_between_the_shoulder_blades_easy_to_tap(
    browser: Any, live_server: Any, user: Any, width: int, figure_px: float
) -> None:
    phone = width < 600
    context = browser.new_context(viewport={"width": width, "height": 844}, has_touch=phone)
    sign_in(context, live_server, user)
    page = context.new_page()
    page.goto(f"{live_server.url}/knots/new/")
    # The sizes tests/atlas/test_hit_size.py assumes are the ones Chromium draws.
    back = page.locator("[data-picker] svg.bodymap--back").bounding_box()
    assert back is not None and back["width"] >= figure_px
    for side, label in (("left", "left side"), ("right", "right side")):
        tap_region(page, BETWEEN, side)
        expect(page.locator("[data-chosen]")).to_have_text(
            f"Selected: Between the shoulder blades, {label}"
        )
        expect(page.get_by_role("radio", name=side.capitalize())).to_be_checked()
        box = _shape_box(page, BETWEEN, side)
        assert min(box["width"], box["height"]) >= 12, box  # room for a fingertip
    # Neighbours on the map: the inner edge of the shoulder blade is no sliver any more.
    assert _shape_box(page, "medial-border-of-scapula", "left")["width"] >= 10
    page.locator("[data-picker] svg.bodymap--back").scroll_into_view_if_needed()
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"between-shoulder-blades-{width}.png"))
    page.get_by_role("radio", name="4", exact=True).check()
    page.get_by_role("button", name="Save knot").click()
    page.get_by_role("button", name="None of these apply").click()
    expect(
        page.get_by_role("heading", name="Between the shoulder blades, right side")
    ).to_be_visible()
    assert Knot.objects.get(user=user).side == "right"
    settle(page)
    context.close()


def test_it_picks_a_side_between_the_shoulder_blades_by_keyboard(
    page: Page, live_server: Any, user: Any
) -> None:
    sign_in(page.context, live_server, user)
    page.goto(f"{live_server.url}/knots/new/")
    # On the map: the link of each side is a stop of its own, named for screen readers.
    page.get_by_role("link", name="Between the shoulder blades, left side").focus()
    page.keyboard.press("Enter")
    expect(page.locator("[data-chosen]")).to_have_text(
        "Selected: Between the shoulder blades, left side"
    )
    # From the list: the region takes all three sides; arrow keys move between them.
    page.get_by_label("Where").select_option(BETWEEN)
    for side in ("Left", "Right", "Centre"):
        expect(page.get_by_role("radio", name=side)).to_be_enabled()
    page.get_by_role("radio", name="Left").focus()
    page.keyboard.press("ArrowRight")
    expect(page.get_by_role("radio", name="Right")).to_be_checked()
    expect(page.locator("[data-chosen]")).to_have_text(
        "Selected: Between the shoulder blades, right side"
    )


def test_it_adds_the_muscle_to_the_knot_already_there(
    page: Page, live_server: Any, user: Any
) -> None:
    from knotless.journal import services

    knot = services.add_knot(
        user, region="lateral-elbow", side="right", pain=5, tz_name="Europe/Berlin"
    )
    sign_in(page.context, live_server, user)
    page.goto(f"{live_server.url}/find/?m=lateral-elbow:right:8")
    finding = page.locator(".finding").filter(
        has=page.get_by_role("heading", name="Wrist extensors")
    )
    expect(finding).to_contain_text("You already track a knot here")
    expect(page.get_by_role("button", name="Track as a knot")).to_have_count(0)
    finding.get_by_role("button", name="Add the wrist extensors to it").click()
    expect(page.get_by_role("heading", name="Right outer elbow")).to_be_visible()
    expect(page.get_by_text("Wrist extensors noted")).to_be_visible()
    knot.refresh_from_db()
    assert knot.muscle == "wrist-extensors"
    assert Knot.objects.filter(user=user).count() == 1
