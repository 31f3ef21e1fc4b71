"""Logging a gym session on a phone-sized screen (390 px), as a person would."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from knotless.training.models import Entry
from tests.browser.conftest import settle, sign_in


@pytest.fixture
def phone(browser: Browser, live_server: Any, user: Any) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    sign_in(context, live_server, user)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.clock.install()
    yield page
    settle(page)
    context.close()


def _fits(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page is {width} px wide on a 390 px screen"


def test_log_a_gym_session_on_a_phone(phone: Page, live_server: Any) -> None:
    phone.goto(f"{live_server.url}/training/")
    _fits(phone)
    phone.get_by_role("combobox", name="Exercise").fill("Goblet squat")
    phone.get_by_role("textbox", name="Sets").fill("3x8@16kg rir2")
    phone.get_by_label("Pain during it (0-10)").select_option("1")
    phone.get_by_role("button", name="Log sets").click()
    # A lift never logged before: the first-time checklist comes first.
    expect(phone.get_by_text("First time logging goblet squat?")).to_be_visible()
    phone.get_by_role("button", name="I've read it: log the sets").click()
    expect(phone.get_by_text("Logged Goblet squat: 3x8@16kg rir2.")).to_be_visible()

    # The rest timer counts down between sets.
    phone.get_by_role("button", name="1½ min").click()
    expect(phone.locator("[data-rest-left]")).to_have_text("Rest 1:30")
    phone.clock.run_for(31_000)
    expect(phone.locator("[data-rest-left]")).to_have_text("Rest 0:59")
    phone.clock.run_for(60_000)
    expect(phone.locator("[data-rest-left]")).to_have_text("Rest over: next set.")

    # A typo gets the grammar's hint, and nothing is stored.
    phone.get_by_role("combobox", name="Exercise").fill("One-arm dumbbell row")
    phone.get_by_role("textbox", name="Sets").fill("3x10@20")
    phone.get_by_role("button", name="Log sets").click()
    expect(phone.locator(".errorlist")).to_contain_text("kg")
    phone.get_by_role("textbox", name="Sets").fill("3x10@20kg")
    phone.get_by_role("button", name="Log sets").click()
    phone.get_by_role("button", name="I've read it: log the sets").click()
    expect(phone.get_by_text("Logged One-arm dumbbell row: 3x10@20kg.")).to_be_visible()

    # The same again with one tap.
    phone.get_by_role("button", name="Same as last time: Goblet squat").click()
    expect(phone.get_by_text("Logged Goblet squat as last time: 3x8@16kg rir2.")).to_be_visible()
    _fits(phone)
    assert sorted(Entry.objects.values_list("sets_text", flat=True)) == [
        "3x10@20kg",
        "3x8@16kg rir2",
        "3x8@16kg rir2",
    ]
    assert len({e.workout_id for e in Entry.objects.all()}) == 1

    # The lift's own page: the history table and the technique.
    phone.get_by_role("link", name="Goblet squat").first.click()
    expect(phone.get_by_role("heading", name="Goblet squat", level=1)).to_be_visible()
    expect(phone.get_by_role("heading", name="Usual mistakes")).to_be_visible()
    _fits(phone)


def test_the_training_load_fits_a_phone(phone: Page, live_server: Any, user: Any) -> None:
    """Twelve weeks of rated sessions and lifts: the charts, the weeks and the 28 days as a
    table all stay within a 390 px screen (wide tables scroll on their own)."""
    from datetime import timedelta

    from django.utils import timezone

    from knotless.training import services

    now = timezone.now()
    for day in range(84, 0, -2):
        when = now - timedelta(days=day)
        services.log_session(user, "run", 30 + day % 40, effort=4 + day % 5, when=when)
        services.log_lift(user, "Goblet squat", "3x8@16kg", when=when)
    phone.goto(f"{live_server.url}/training/load/")
    expect(phone.get_by_role("heading", name="Weeks", exact=True)).to_be_visible()
    phone.get_by_text("The last 28 days as a table").click()
    expect(phone.get_by_role("columnheader", name="28-day avg")).to_be_visible()
    _fits(phone)
