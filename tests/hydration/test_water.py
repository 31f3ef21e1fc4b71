"""Water in the app and the terminal: one-tap logging, undo, the day, the page, settings."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import time_machine
from click.testing import CliRunner
from django.core.exceptions import ValidationError
from django.db.models import F
from django.http import Http404
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from knotless.accounts.services import local_today
from knotless.cli import main
from knotless.hydration import services
from knotless.hydration.models import Drink, Vessel
from knotless.lib.days import local_date, zone
from knotless.practice import services as practice
from knotless.practice.models import Session

NOW = datetime(2026, 11, 24, 14, 0, tzinfo=UTC)  # 15:00 in Berlin


@pytest.fixture(autouse=True)
def _frozen() -> Any:
    with time_machine.travel(NOW, tick=False):
        yield


def test_a_new_user_has_cups_to_tap(user: Any) -> None:
    names = [(v.name, v.ml) for v in services.vessels(user)]
    assert names == [("Glass", 250), ("Mug", 300), ("Bottle", 500)]


def test_logging_and_undo(user: Any, stranger: Any) -> None:
    glass = services.vessels(user)[0]
    services.log_vessel(user, glass.pk)
    services.log_drink(user, 330, kind="tea")
    assert services.today(user).intake == 580
    services.undo(user)
    assert services.today(user).intake == 250
    with pytest.raises(Http404):  # another user's cup does not exist for them
        services.log_vessel(stranger, glass.pk)
    with pytest.raises(ValidationError, match="1 ml to 3000 ml"):
        services.log_drink(user, 0)
    with pytest.raises(ValidationError, match="future"):
        services.log_drink(user, 200, moment=NOW + timedelta(hours=1))


def test_days_are_the_users_local_days(user: Any) -> None:
    # 23:30 UTC on the 23rd is already the 24th in Berlin.
    services.log_drink(user, 400, moment=datetime(2026, 11, 23, 23, 30, tzinfo=UTC))
    services.log_drink(user, 100, moment=datetime(2026, 11, 23, 22, 30, tzinfo=UTC))
    today = services.today(user)
    assert today.intake == 400
    days = {d.day.isoformat(): d.ml for d in services.history(user)}
    assert days["2026-11-24"] == 400 and days["2026-11-23"] == 100


def test_the_target_follows_the_day(user: Any) -> None:
    base = services.today(user).target.ml
    services.set_day(user, local_today(user), hot=True, exercise_minutes=30)
    assert services.today(user).target.ml == base + 500 + 250
    session = practice.start(user, ["chin-tuck"], before={})
    practice.finish(user, session.pk, after={}, verdicts={}, played_seconds=session.planned_seconds)
    played = round(session.planned_seconds / 60)
    today = services.today(user)
    assert today.played_minutes == played > 0
    assert today.target.ml == base + 500 + round(500 * (30 + played) / 60)
    # The history agrees with today, and a session played yesterday raised yesterday's target.
    earlier = practice.start(user, ["chin-tuck"], before={})
    practice.finish(user, earlier.pk, after={}, verdicts={}, played_seconds=played * 60)
    Session.objects.filter(pk=earlier.pk).update(started_at=F("started_at") - timedelta(days=1))
    *_, yesterday, last = services.history(user, days=3)
    assert last.target == today.target.ml
    assert yesterday.target == base + round(500 * played / 60) > base


def test_pace_and_warning(user: Any) -> None:
    today = services.today(user)
    assert today.pace == round(today.target.ml * (8 * 60) / (16 * 60))  # 15:00 of 07-23
    services.log_drink(user, 800, moment=NOW - timedelta(minutes=30))
    services.log_drink(user, 700)
    warning = services.today(user).warning
    assert warning is not None and warning.level == "firm"


def test_the_page_logs_with_one_tap_and_undoes(client_in: Client, user: Any) -> None:
    page = client_in.get(reverse("water")).content.decode()
    assert "How we got this number" in page and "EFSA" in page
    mug = Vessel.objects.get(user=user, name="Mug")
    response = client_in.post(reverse("water_log"), {"vessel": mug.pk}, follow=True)
    assert "Logged 300 ml of water." in response.content.decode()
    assert Drink.objects.get().ml == 300
    client_in.post(reverse("water_log"), {"amount": "0.5l", "kind": "coffee"})
    assert Drink.objects.filter(kind="coffee", ml=500).exists()
    bad = client_in.post(reverse("water_log"), {"amount": "lots"}, follow=True)
    assert "not an amount" in bad.content.decode()
    client_in.post(reverse("water_undo"))
    assert list(Drink.objects.values_list("ml", flat=True)) == [300]
    page = client_in.get(reverse("water")).content.decode()
    assert "300 ml" in page and "stroke-dasharray" in page


def test_imperial_users_log_in_ounces(client_in: Client, user: Any) -> None:
    user.profile.units = "imperial"
    user.profile.save()
    client_in.post(reverse("water_log"), {"amount": "12"})
    assert Drink.objects.get().ml == 355


def test_settings_choose_the_standard_and_cups(client_in: Client, user: Any) -> None:
    response = client_in.post(
        reverse("water_settings"),
        {
            "action": "settings",
            "standard": "iom",
            "sex": "male",
            "birth_year": "1990",
            "wake": "06:30",
            "sleep": "22:30",
        },
    )
    assert response.status_code == 302
    assert services.today(user).target.ml == 3000
    bad = client_in.post(
        reverse("water_settings"),
        {
            "action": "settings",
            "standard": "iom",
            "sex": "male",
            "override_ml": "9000",
            "wake": "06:30",
            "sleep": "22:30",
        },
    )
    assert bad.status_code == 400 and "500 ml to 6000 ml" in bad.content.decode()
    client_in.post(
        reverse("water_settings"),
        {"action": "add-vessel", "name": "Flask", "ml": "750", "kind": "water"},
    )
    flask = Vessel.objects.get(user=user, name="Flask")
    client_in.post(reverse("water_settings"), {"action": "remove-vessel", "vessel": flask.pk})
    assert not Vessel.objects.filter(name="Flask").exists()


def test_the_terminal_logs_and_reports(db: None, user: Any) -> None:
    runner = CliRunner()
    result = runner.invoke(main, ["drink", "250"], catch_exceptions=False)
    assert "Logged 250 ml of water. Today: 250 ml of 1.8 L." in result.output
    runner.invoke(main, ["drink", "12oz", "--kind", "tea"], catch_exceptions=False)
    data = json.loads(runner.invoke(main, ["water", "--json"]).output)
    assert data["intake_ml"] == 605 and data["target_ml"] == 1800
    assert data["parts"][0]["source"].startswith("EFSA")
    undone = runner.invoke(main, ["drink", "--undo"])
    assert "Removed 355 ml of tea." in undone.output
    assert runner.invoke(main, ["drink", "lots"]).exit_code == 2
    assert runner.invoke(main, ["drink"]).exit_code == 2
    shown = runner.invoke(main, ["water"]).output
    assert "How the target was reached" in shown


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    name=st.sampled_from(
        ["UTC", "Europe/Berlin", "America/New_York", "Asia/Kathmandu", "Pacific/Chatham"]
    ),
    minutes=st.lists(st.integers(0, 36 * 24 * 60), min_size=1, max_size=15),
)
def test_each_drink_counts_on_its_local_day_across_dst(
    user: Any, name: str, minutes: list[int]
) -> None:
    """The 40 days before NOW hold Europe's (25 Oct) and America's (1 Nov) clock changes;
    the database groups drinks by local day (SQLite and PostgreSQL alike)."""
    Drink.objects.filter(user=user).delete()
    user.profile.time_zone = name
    user.profile.save()
    tz = zone(name)
    first = datetime(2026, 10, 19, tzinfo=UTC)
    expected: dict[date, int] = {}
    for n, minute in enumerate(minutes):
        moment = min(first + timedelta(minutes=minute), NOW)
        services.log_drink(user, 100 + n, moment=moment)
        day = local_date(moment, tz)
        expected[day] = expected.get(day, 0) + 100 + n
    days = services.history(user, days=40)
    assert {d.day: d.ml for d in days if d.ml} == {
        day: ml for day, ml in expected.items() if day >= days[0].day
    }
    assert days[-1].day == local_date(NOW, tz)
    assert services.today(user).intake == expected.get(local_date(NOW, tz), 0)
