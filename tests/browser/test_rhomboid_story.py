"""The tester's story, end to end in Chromium: a desk worker with a right rhomboid knot for over
a month, who also lifts. The plan, a desk break and the player are about that knot."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from knotless.atlas.relations import load_relations
from knotless.journal.models import CheckIn, Knot
from knotless.library.exercises import load_exercises
from knotless.practice.models import PlanSettings, Session
from knotless.safety import screening

LIBRARY = load_exercises()
RELATED = {"rhomboids", *load_relations()["rhomboids"].tight, *load_relations()["rhomboids"].weak}


@pytest.fixture
def knot(user: Any) -> Knot:
    from django.utils import timezone

    knot = Knot.objects.create(
        user=user,
        region="medial-border-of-scapula",
        side="right",
        muscle="rhomboids",
        first_felt=date.today() - timedelta(days=40),
    )
    CheckIn.objects.create(knot=knot, moment=timezone.now() - timedelta(hours=1), pain=6)
    screening.record(user, ["back"], [])  # the back's red-flag questions: none apply
    PlanSettings.objects.create(user=user, equipment=["ball", "band", "dumbbell"], place="floor")
    return knot


def aimed(slug: str) -> bool:
    e = LIBRARY[slug]
    return bool(RELATED & set(e.primary + e.secondary + e.trains))


def test_the_plan_spends_its_minutes_on_the_knot(
    page_in: Page, live_server: Any, knot: Knot
) -> None:
    page = page_in
    page.goto(f"{live_server.url}/plan/?minutes=15&place=floor")
    items = page.locator(".plan-item")
    expect(items.first).to_contain_text("right inner edge of shoulder blade knot, 6/10")
    names = items.locator("strong").all_inner_texts()
    by_name = {e.name: e.slug for e in LIBRARY.values()}
    slugs = [by_name[n] for n in names if n in by_name]
    assert slugs and all(aimed(s) for s in slugs), slugs
    assert "doorway-chest-stretch" in slugs  # the tight chest that keeps it going
    # Never over the minutes given.
    total = page.locator(".routine-bar strong").nth(1).inner_text()
    minutes, seconds = (int(x) for x in total.split(":"))
    assert minutes * 60 + seconds <= 15 * 60
    release = page.locator(".plan-item", has_text="Between-the-shoulder-blades ball release")
    expect(release).to_contain_text("right side only")
    page.screenshot(path="/tmp/rhomboid-plan-1280.png", full_page=True)


def test_a_break_and_the_player_follow_the_knot(
    page_in: Page, live_server: Any, knot: Knot, user: Any
) -> None:
    page = page_in
    page.goto(f"{live_server.url}/desk/break/?kind=micro")
    expect(page).to_have_url(re.compile(r"/play/"))
    listed = page.locator("main li").all_inner_texts()
    assert listed
    # The desk break's moves are seated desk moves for the knot or what keeps it going.
    page.get_by_role("button", name="Start the player").click()
    expect(page.locator("#player")).to_have_attribute("data-state", "get-ready")
    page.get_by_role("button", name="▶ Start").click()
    page.clock.run_for(8_000)
    page.get_by_role("button", name="■ Stop").click()
    finish = page.locator("#player-finish")
    expect(finish).to_be_visible()
    # Stopped in the first exercise: one verdict is asked, not one per exercise.
    expect(finish.locator(".verdict-row:visible")).to_have_count(1)
    finish.get_by_role("button", name="Save session").click()
    expect(page.locator("main")).to_contain_text("does not count toward your day")
    session = Session.objects.get(user=user)
    played = [e.slug for e in session.exercises.all()]
    assert played and all(LIBRARY[s].desk and aimed(s) for s in played), played


def test_playing_the_plan_works_the_right_side_and_marks_the_chart(
    page_in: Page, live_server: Any, knot: Knot, user: Any
) -> None:
    page = page_in
    page.goto(f"{live_server.url}/plan/?minutes=15&place=floor")
    page.get_by_role("link", name="▶ Play this plan").click()
    page.locator(f"#before-{knot.pk} label", has_text="6").click()
    page.get_by_role("button", name="Start the player").click()
    player = page.locator("#player")
    expect(player).to_have_attribute("data-state", "get-ready")
    # The plan's first item is the knot's own release: its side only.
    expect(page.locator("#player-why")).to_contain_text("Right side only")
    page.get_by_role("button", name="▶ Start").click()
    page.clock.run_for(6_000)
    expect(player).to_have_attribute("data-state", "hold")
    expect(page.locator("#player-name")).to_contain_text("right side")
    page.clock.run_for(10_000)
    page.get_by_role("button", name="■ Stop").click()
    finish = page.locator("#player-finish")
    finish.locator(f"#after-{knot.pk} label", has_text="4").click()
    finish.get_by_role("button", name="Save session").click()
    expect(page.locator("main")).to_contain_text("does not count toward your day")
    page.goto(f"{live_server.url}/knots/{knot.pk}/")
    expect(page.locator(".chart")).to_contain_text("around a session (before → after)")
    expect(page.locator("li.around-session")).to_contain_text("around a session: 6 → 4")
