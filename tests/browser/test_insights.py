"""What helped in Chromium: eight weeks of history show a pattern; an experiment starts in one
tap and Today gives the day's instruction."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from playwright.sync_api import Page, expect

from knotless.accounts.services import local_today
from knotless.insights.models import Experiment, ExperimentDay
from tests.browser.conftest import sign_in
from tests.insights.test_insights import _history, _knot


def test_a_pattern_then_an_experiment(page: Page, live_server: Any, user: Any) -> None:
    knot = _knot(user, days_ago=57)
    _history(user, knot, 56, effect=2.0)
    sign_in(page.context, live_server, user)
    page.goto(f"{live_server.url}/insights/")
    expect(page.get_by_text("drank your water target").first).to_be_visible()
    expect(page.get_by_text("this is a pattern, not proof").first).to_be_visible()
    page.get_by_text("Try it").first.click()
    page.get_by_label("Days you played a release for your knots").check()
    page.get_by_role("button", name="Start the experiment").click()
    expect(page.get_by_text("it starts tomorrow")).to_be_visible()
    experiment = Experiment.objects.get()
    assert experiment.habit == "release"
    # A day later: Today says what to do, and takes the answer.
    experiment.started_on = local_today(user) - timedelta(days=1)
    experiment.save()
    page.goto(f"{live_server.url}/")
    expect(page.get_by_text("day 2 of 28")).to_be_visible()
    page.get_by_role("button", name="Followed it").click()
    expect(page.get_by_text("Noted for the experiment.")).to_be_visible()
    assert ExperimentDay.objects.get().followed is True
