"""Page parts kept under their data (knotless/fragments.py): a kept part is the part drawn
afresh, a write shows at once, and data whose repr would not hold every value is refused."""

from __future__ import annotations

import dataclasses
import random
from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from knotless import fragments
from knotless.training import insights, services
from knotless.training.models import Workout


def _body(client: Client, n: int) -> str:
    """The load page's main part, drawn past the page cache (a query key no view reads)."""
    html = client.get(f"{reverse('training_load')}?n={n}").content.decode()
    return html[html.index("<h1>Training load") : html.index("</main>")]


def _train(user: Any, rng: random.Random, days: int) -> None:
    for day in range(days, 0, -1):
        if rng.random() < 0.5:
            when = timezone.now() - timedelta(days=day)
            services.log_lift(
                user, "goblet squat", f"3x{rng.randint(5, 12)}@{rng.randint(10, 30)}kg"
            )
            workout = Workout.objects.filter(user=user).order_by("-id").first()
            assert workout is not None
            Workout.objects.filter(pk=workout.pk).update(
                started_at=when,
                day=when.date(),
                minutes=rng.randint(20, 70),
                effort=rng.randint(3, 9),
            )


def test_the_kept_load_page_is_the_one_drawn_afresh(client_in: Client, user: Any) -> None:
    _train(user, random.Random(5), 90)
    first = _body(client_in, 1)
    assert "<svg" in first and "The last 28 days as a table" in first
    assert len(fragments.KEPT._items) == 1
    assert _body(client_in, 2) == first  # kept: drawn from the same data
    assert len(fragments.KEPT._items) == 1
    fragments.KEPT.clear()
    assert _body(client_in, 3) == first  # drawn afresh: the same


def test_a_write_shows_at_once(client_in: Client, user: Any) -> None:
    _train(user, random.Random(6), 40)
    before = _body(client_in, 1)
    services.log_session(user, "run", 95, effort=9)  # a hard run today: the load moves
    after = _body(client_in, 2)
    assert after != before
    today = insights.load_view(user).days[-1]
    assert today.load == 9 * 95
    assert f"<td>{9 * 95}</td>" in after
    assert len(fragments.KEPT._items) == 2


def test_an_account_that_never_trained_draws_its_empty_page(client_in: Client) -> None:
    assert "No rated sessions yet" in _body(client_in, 1)


@dataclasses.dataclass
class _Hidden:
    shown: int
    hidden: int = dataclasses.field(default=0, repr=False)


@pytest.mark.parametrize(
    "data",
    [
        (object(),),
        ([date(2026, 1, 1), {"a": _Hidden(1)}],),
        (insights.GroupWeek("arm", [1, 2], "Arms"), lambda: None),
    ],
    ids=["an object", "a field left out of the repr", "a function"],
)
def test_data_that_is_not_plain_is_refused(data: tuple[Any, ...], settings: Any) -> None:
    settings.DEBUG = False
    with pytest.raises(fragments.NotPlain):
        fragments.kept("training/_load_body.html", data, dict)
    assert not fragments.KEPT._items


def test_plain_data_is_kept(settings: Any) -> None:
    settings.DEBUG = False
    drawn = []

    def context() -> dict[str, Any]:
        drawn.append(1)
        return {"groups": [], "starts": []}

    data = (date(2026, 1, 1), [1.5, None, "x < y"], insights.GroupWeek("arm", [1, 2], "Arms"))
    one = fragments.kept("training/_load_body.html", data, context)
    two = fragments.kept("training/_load_body.html", data, context)
    assert one == two and len(drawn) == 1
