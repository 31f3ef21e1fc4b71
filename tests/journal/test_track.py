"""`knot_track`: "Track as a knot" from the finder, offering the knot already at the place."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from knotless.journal import services
from knotless.journal.models import Knot

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
TZ = "Europe/Berlin"
URL = "/knots/track/"


@pytest.fixture(autouse=True)
def _frozen() -> Any:
    with time_machine.travel(NOW, tick=False):
        yield


def make_knot(user: Any, muscle: str = "", **overrides: Any) -> Knot:
    fields: dict[str, Any] = {
        "region": "between-shoulder-blades",
        "side": "left",
        "pain": 5,
        "tz_name": TZ,
        "muscle": muscle,
        "moment": NOW - timedelta(days=1),
        "first_felt": date(2026, 11, 20),
    }
    fields.update(overrides)
    return services.add_knot(user, **fields)


def post(client: Client, action: str, knot: Knot | None = None, **overrides: str) -> Any:
    data = {
        "region": "between-shoulder-blades",
        "side": "left",
        "muscle": "rhomboids",
        "pain": "6",
        "action": action,
        **overrides,
    }
    if knot is not None:
        data["knot"] = str(knot.pk)
    return client.post(URL, data)


def test_it_is_the_url_the_finder_posts_to() -> None:
    assert reverse("knot_track") == URL


def test_it_tracks_a_new_knot_when_asked(client_in: Client, user: Any) -> None:
    response = post(client_in, "new")
    assert response.status_code == 302
    knot = Knot.objects.get(user=user)
    assert (knot.region, knot.side, knot.muscle) == ("between-shoulder-blades", "left", "rhomboids")
    assert list(knot.checkins.values_list("pain", flat=True)) == [6]


def test_it_adds_the_muscle_to_the_knot_already_there(client_in: Client, user: Any) -> None:
    knot = make_knot(user)
    response = post(client_in, "add", knot)
    assert response.status_code == 302
    assert Knot.objects.filter(user=user).count() == 1
    knot.refresh_from_db()
    assert (knot.muscle, knot.version, knot.checkins.count()) == ("rhomboids", 2, 1)


def test_it_keeps_a_different_muscle_unless_told_to_change_it(client_in: Client, user: Any) -> None:
    knot = make_knot(user, muscle="middle-trapezius")
    refused = client_in.post(
        URL,
        {
            "region": "between-shoulder-blades",
            "side": "left",
            "muscle": "rhomboids",
            "pain": "6",
            "action": "add",
            "knot": knot.pk,
        },
        follow=True,
    )
    assert "already tracked as Middle trapezius" in refused.content.decode()
    knot.refresh_from_db()
    assert knot.muscle == "middle-trapezius"
    assert post(client_in, "replace", knot).status_code == 302
    knot.refresh_from_db()
    assert knot.muscle == "rhomboids"
    assert Knot.objects.filter(user=user).count() == 1


def test_it_can_still_track_a_separate_knot(client_in: Client, user: Any) -> None:
    knot = make_knot(user, muscle="middle-trapezius")
    assert post(client_in, "new", knot).status_code == 302
    assert Knot.objects.filter(user=user).count() == 2
    knot.refresh_from_db()
    assert knot.muscle == "middle-trapezius"


def test_it_gives_strangers_404(client: Client, user: Any, stranger: Any) -> None:
    knot = make_knot(user)
    client.force_login(stranger)
    for action in ("add", "replace"):
        assert post(client, action, knot).status_code == 404
    knot.refresh_from_db()
    assert (knot.muscle, knot.version) == ("", 1)
    assert not Knot.objects.filter(user=stranger).exists()


def test_it_will_not_name_the_muscle_of_an_untied_knot(client_in: Client, user: Any) -> None:
    knot = make_knot(user)
    services.untie(knot, pain=0, tz_name=TZ)
    response = post(client_in, "add", knot)
    assert response.status_code == 302
    knot.refresh_from_db()
    assert knot.muscle == ""


@pytest.mark.parametrize(
    "overrides",
    [
        {"region": "nowhere"},
        {"side": "up"},
        {"muscle": "no-such-muscle"},
        {"pain": "11"},
        {"action": "merge"},
        {"region": "temple", "side": "center"},  # a real region, a side it does not have
        {"action": "add"},  # which knot?
    ],
)
def test_it_rejects_bad_input(client_in: Client, user: Any, overrides: dict[str, str]) -> None:
    action = overrides.pop("action", "new")
    response = post(client_in, action, None, **overrides)
    assert response.status_code == 400
    assert "Could not track that" in response.content.decode()
    assert not Knot.objects.exists()


def test_it_only_accepts_post(client_in: Client) -> None:
    assert client_in.get(URL).status_code == 405
