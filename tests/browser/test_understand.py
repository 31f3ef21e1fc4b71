"""Issue 3's story in a real browser: it hurts here -> safety first -> ranked muscles -> a knot."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from knotless.journal.models import Knot
from knotless.safety.models import Screening
from tests.browser.conftest import sign_in
from tests.browser.test_journal import tap_region

pytestmark = pytest.mark.django_db(transaction=True)


def test_it_goes_from_where_it_hurts_to_a_tracked_knot(
    page: Page, live_server: Any, user: Any
) -> None:
    sign_in(page.context, live_server, user)
    page.goto(f"{live_server.url}/find/")
    for region in ("temple", "back-of-neck"):
        with page.expect_navigation():  # each tap is a plain link: it works without JavaScript
            tap_region(page, region, "left")
    expect(page.locator(".marks label")).to_have_text(["Left temple", "Left back of neck"])
    # Head and neck: the red-flag check comes before any advice.
    expect(page.get_by_role("heading", name="First, a quick safety check")).to_be_visible()
    expect(page.locator(".findings")).to_have_count(0)
    page.get_by_role("button", name="None of these apply").click()
    first = page.locator(".finding").first
    expect(first.get_by_role("heading")).to_have_text("Upper trapezius")
    expect(first).to_contain_text("send pain to back of neck and temple")
    first.get_by_text("Where to press").click()
    expect(first.get_by_text("Release it:")).to_be_visible()
    # One tap: the knot is saved with the area it explains most and the rating as marked;
    # the safety check was answered minutes ago, so it goes straight to the knot.
    first.get_by_role("button", name="Track a knot in the Upper trapezius").click()
    expect(page.get_by_role("heading", name="Left back of neck")).to_be_visible()
    knot = Knot.objects.get(user=user)
    assert (knot.muscle, knot.region, knot.side) == ("upper-trapezius", "back-of-neck", "left")
    assert list(knot.checkins.values_list("pain", flat=True)) == [6]
    assert Screening.objects.filter(user=user, outcome="none").count() == 1


def test_it_stops_everything_at_an_emergency_answer(
    page: Page, live_server: Any, user: Any
) -> None:
    sign_in(page.context, live_server, user)
    page.goto(f"{live_server.url}/find/?m=front-of-chest:left:8")
    page.locator(".flag--emergency input").first.check()
    page.get_by_role("button", name="Continue with what I ticked").click()
    expect(page.get_by_role("heading", name="Please get medical help now")).to_be_visible()
    expect(page.get_by_text("Call 112")).to_be_visible()
    page.goto(f"{live_server.url}/find/?m=front-of-chest:left:8")
    expect(page.get_by_role("heading", name="Please get medical help now")).to_be_visible()
    expect(page.locator(".findings")).to_have_count(0)


def test_it_searches_the_atlas_and_shows_a_muscle(page: Page, live_server: Any, user: Any) -> None:
    sign_in(page.context, live_server, user)
    page.goto(f"{live_server.url}/atlas/")
    page.get_by_label("Search muscles").fill("elbow")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="Wrist extensors").click()
    expect(page.get_by_role("heading", name="Wrist extensors")).to_be_visible()
    expect(page.locator(".zones .zone-essential").first).to_be_visible()
