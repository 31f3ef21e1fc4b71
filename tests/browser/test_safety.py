"""Issue 11's safety stories in a real browser: an emergency answer stops every exercise
suggestion, and an unscreened knot's page asks the questions before it offers anything."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import FloatRect, Page, expect

from knotless.accounts.models import Profile
from knotless.journal import services
from knotless.safety.checklist import flags_for
from knotless.safety.screening import record
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.django_db(transaction=True)

# Screenshots for a person to look at (set KNOTLESS_SHOTS to a folder); none by default.
SHOTS = os.environ.get("KNOTLESS_SHOTS", "")


def shoot(page: Page, name: str) -> None:
    if not SHOTS:
        return
    folder = Path(SHOTS)
    folder.mkdir(parents=True, exist_ok=True)
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        # Full pages, cut at 2400 px: the library's list goes on for metres on a phone.
        height = min(2400, page.evaluate("document.documentElement.scrollHeight"))
        clip: FloatRect = {"x": 0, "y": 0, "width": width, "height": height}
        page.screenshot(path=str(folder / f"{name}-{width}.png"), full_page=True, clip=clip)
    page.set_viewport_size({"width": 1280, "height": 900})


def no_play(page: Page) -> None:
    """Nothing on the page offers to play: no player links or forms, no play buttons."""
    expect(page.locator('a[href^="/play/"], form[action="/play/"]')).to_have_count(0)
    expect(page.get_by_role("button", name="Play")).to_have_count(0)
    expect(page.get_by_role("link", name="Play")).to_have_count(0)


def test_an_emergency_answer_stops_every_exercise_suggestion(
    page: Page, live_server: Any, user: Any
) -> None:
    Profile.objects.filter(user=user).update(emergency_number="999")
    knot = services.add_knot(
        user, region="front-of-chest", side="left", muscle="pectoralis-major", pain=7, tz_name="UTC"
    )
    sign_in(page.context, live_server, user)
    page.goto(f"{live_server.url}/knots/{knot.pk}/")
    page.get_by_role("link", name="Answer the safety questions first").click()
    chest_pain = next(f for f in flags_for(["chest"]) if f.tier == "emergency")
    page.get_by_label(chest_pain.question).check()
    page.get_by_role("button", name="Continue with what I ticked").click()
    expect(page.get_by_role("heading", name="Please get medical help now")).to_be_visible()
    expect(page.locator(".noticed-list li")).to_have_text([chest_pain.question])
    shoot(page, "emergency-page")

    page.goto(f"{live_server.url}/")
    banner = page.locator(".emergency-banner")
    expect(banner).to_contain_text("Call 999")
    expect(page.locator(".plan-card")).to_have_count(0)
    no_play(page)
    shoot(page, "today-emergency")
    banner.get_by_role("link", name="What to do now").click()
    expect(page.locator(".noticed-list li")).to_have_text([chest_pain.question])

    page.goto(f"{live_server.url}/knots/{knot.pk}/")
    expect(page.get_by_role("heading", name="No exercises: get medical help")).to_be_visible()
    no_play(page)
    shoot(page, "knot-emergency")
    page.goto(f"{live_server.url}/library/")
    expect(page.get_by_role("heading", name="No exercises for now")).to_be_visible()
    expect(page.get_by_role("checkbox")).to_have_count(0)
    no_play(page)
    shoot(page, "library-emergency")
    page.goto(f"{live_server.url}/library/chin-tuck/")
    no_play(page)
    page.goto(f"{live_server.url}/find/?m=low-back:left:5")
    expect(page.get_by_role("heading", name="Please get medical help now")).to_be_visible()
    no_play(page)
    # A hand-made link to the player gets the emergency page, not the player.
    page.goto(f"{live_server.url}/play/?e=chin-tuck")
    expect(page.get_by_role("heading", name="Please get medical help now")).to_be_visible()
    expect(page.get_by_role("button", name="Start the player")).to_have_count(0)


def test_an_unscreened_knot_asks_the_questions_before_offering_exercises(
    page: Page, live_server: Any, user: Any
) -> None:
    knot = services.add_knot(
        user, region="back-of-neck", side="left", muscle="upper-trapezius", pain=6, tz_name="UTC"
    )
    sign_in(page.context, live_server, user)
    page.goto(f"{live_server.url}/knots/{knot.pk}/")
    no_play(page)
    expect(page.locator("#knot-exercises .exercise-links")).to_have_count(0)
    shoot(page, "knot-unscreened")
    page.get_by_role("link", name="Answer the safety questions first").click()
    expect(page.get_by_role("heading", name="First, a quick safety check")).to_be_visible()
    shoot(page, "check-for-knot")
    page.get_by_role("button", name="None of these apply").click()
    expect(page.get_by_role("heading", name=knot.label)).to_be_visible()
    exercises = page.locator("#knot-exercises .exercise-links li")
    expect(exercises.first).to_be_visible()
    expect(page.get_by_role("link", name="Play them as a routine")).to_be_visible()
    shoot(page, "knot-answered")
    # The answers went with the knot, and the library now lets its exercises be ticked.
    expect(page.get_by_text("No red flags ticked")).to_be_visible()
    page.goto(f"{live_server.url}/library/?muscle=upper-trapezius")
    expect(page.locator('input[name="e"][value="dumbbell-shrug"]')).to_be_visible()


def test_the_plan_page_offers_nothing_during_an_emergency(
    page: Page, live_server: Any, user: Any
) -> None:
    services.add_knot(
        user, region="calf", side="left", muscle="gastrocnemius", pain=5, tz_name="UTC"
    )
    chest_pain = next(f.id for f in flags_for(["chest"]) if f.tier == "emergency")
    record(user, ["chest"], [chest_pain])
    sign_in(page.context, live_server, user)
    page.goto(f"{live_server.url}/plan/")
    expect(page.get_by_role("heading", name="Something went wrong")).to_have_count(0)
    no_play(page)
    shoot(page, "plan-emergency")


def test_the_finder_warns_about_the_areas_marked_only(
    page: Page, live_server: Any, user: Any
) -> None:
    sign_in(page.context, live_server, user)
    page.goto(f"{live_server.url}/find/?m=between-shoulder-blades:center:8")
    expect(page.get_by_text("Pain in the back is nearly always harmless")).to_be_visible()
    page.get_by_role("button", name="None of these apply").click()
    scalenes = page.locator(".finding").filter(has=page.get_by_role("heading", name="Scalenes"))
    expect(scalenes).to_contain_text("wait for the chest safety questions")
    expect(scalenes.get_by_text("Release it:")).to_have_count(0)
    expect(page.get_by_text("needs emergency help first")).to_have_count(0)
    shoot(page, "finder-back-only")
    scalenes.get_by_role("link", name="Answer the chest questions").click()
    expect(page.get_by_text("Pain in the chest is nearly always harmless")).to_be_visible()
    page.get_by_role("button", name="None of these apply").click()
    scalenes = page.locator(".finding").filter(has=page.get_by_role("heading", name="Scalenes"))
    scalenes.get_by_text("Where to press").click()
    expect(scalenes.get_by_text("Release it:")).to_be_visible()
