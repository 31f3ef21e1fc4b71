"""The player pages over HTTP: sides that follow a knot, reps at one's own pace, early stops,
and the before/after marks on the knot's chart."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from knotless.journal.models import Knot
from knotless.practice.models import Session, SessionExercise, SessionKnot
from tests.practice.conftest import add_knot

ROUTINE = ["wrist-extensor-stretch", "seated-wrist-circles", "side-lying-external-rotation"]


@pytest.fixture
def elbow_knot(user: Any) -> Knot:
    return add_knot(user, "lateral-elbow", "right", "wrist-extensors")


def _start(client: Client, knot: Knot | None = None, slugs: list[str] = ROUTINE) -> Session:
    data: dict[str, Any] = {"e": slugs}
    if knot is not None:
        data |= {f"include-{knot.pk}": "1", f"before-{knot.pk}": "6"}
    response = client.post(reverse("play_new"), data)
    assert response.status_code == 302, response.content.decode()[:500]
    return Session.objects.latest("id")


def _script(page: str) -> dict[str, Any]:
    found = re.search(r'<script id="player-script" type="application/json">(.*?)</script>', page)
    assert found is not None
    data: dict[str, Any] = json.loads(found.group(1))
    return data


def test_it_plays_a_right_knot_on_the_right_first_and_says_why(
    client_in: Client, elbow_knot: Knot
) -> None:
    before = client_in.get(reverse("play_new"), {"e": ROUTINE}).content.decode()
    assert "Right side first and twice: your knot is on the right." in before
    session = _start(client_in, elbow_knot)
    page = client_in.get(reverse("play", args=[session.pk])).content.decode()
    steps = _script(page)["steps"]
    stretch = [s["side"] for s in steps if s["item"] == 0 and s["state"] == "hold"]
    assert stretch == ["right", "right", "left"]
    assert steps[0]["why"] in page  # shown from the first step
    assert session.planned_seconds == sum(s["seconds"] for s in steps)


def test_a_reps_step_has_a_done_button_and_asks_how_many(
    client_in: Client, elbow_knot: Knot
) -> None:
    session = _start(client_in, elbow_knot)
    page = client_in.get(reverse("play", args=[session.pk])).content.decode()
    assert 'id="player-done"' in page and "Enter ends a set of reps" in page
    reps = [s for s in _script(page)["steps"] if s["state"] == "reps"]
    assert reps and all(s["grace"] >= 10 for s in reps)
    # Rep exercises ask "how many", with the plan filled in; the stretch does not.
    assert 'id="sets-done-0"' not in page
    assert re.search(r'name="sets-done-1" id="sets-done-1" value="1"', page)
    assert re.search(r'name="reps-done-1" id="reps-done-1" value="8"', page)
    assert re.search(r'name="reps-done-2" id="reps-done-2" value="12"', page)
    assert "reps each side" in page


def test_an_early_stop_stores_only_what_was_reached(client_in: Client, elbow_knot: Knot) -> None:
    session = _start(client_in, elbow_knot)
    done = client_in.post(
        reverse("play_finish", args=[session.pk]),
        {
            f"after-{elbow_knot.pk}": "4",
            "verdict-0": "helped",
            "verdict-1": "neutral",
            "verdict-2": "hurt",  # a stale field for an exercise never reached: not stored
            "sets-done-1": "1",
            "reps-done-1": "6",
            "sets-done-2": "3",
            "played": "70",
            "stopped": "1",
            "reached": "2",
        },
    )
    assert done["Location"] == reverse("session", args=[session.pk])
    rows = SessionExercise.objects.filter(session=session).order_by("position")
    assert [(r.reached, r.verdict, r.sets_done, r.reps_done) for r in rows] == [
        (True, "helped", None, None),
        (True, "neutral", 1, 6),
        (False, "", None, None),
    ]
    summary = client_in.get(done["Location"]).content.decode()
    assert "not reached" in summary and "done: 1 × 6 reps" in summary
    assert "does not count toward your day" in summary
    assert "too short to count" in client_in.get(reverse("sessions")).content.decode()


def test_a_session_played_through_counts(client_in: Client) -> None:
    session = _start(client_in, slugs=["seated-wrist-circles"])
    client_in.post(
        reverse("play_finish", args=[session.pk]),
        {
            "played": str(session.planned_seconds),
            "stopped": "0",
            "verdict-0": "helped",
            "sets-done-0": "1",
            "reps-done-0": "10",  # two more than planned: progression will see it
        },
    )
    page = client_in.get(reverse("session", args=[session.pk])).content.decode()
    assert "Counts toward your day and week." in page
    [row] = SessionExercise.objects.filter(session=session)
    assert (row.reached, row.sets_done, row.reps_done) == (True, 1, 10)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("reps-done-1", "many", "Reps done is a whole number."),
        ("sets-done-1", "99", "Sets done are a whole number from 0 to 20."),
        ("reached", "-1", "The number of exercises reached is a whole number."),
        ("played", "1.5", "Played time is a whole number."),
    ],
)
def test_bad_counts_come_back_with_the_form_as_filled(
    client_in: Client, elbow_knot: Knot, field: str, value: str, message: str
) -> None:
    session = _start(client_in, elbow_knot)
    posted = {"played": "30", "stopped": "1", "reached": "2", "verdict-0": "helped"}
    response = client_in.post(reverse("play_finish", args=[session.pk]), posted | {field: value})
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    if field != "reached":
        # The exercise not reached stays out of the form that comes back.
        assert re.search(r'data-position="2" hidden disabled', page)
        assert 'name="verdict-0" value="helped" checked' in page
    session.refresh_from_db()
    assert session.is_open


def test_strangers_cannot_finish_or_see_a_session(
    client: Client, user: Any, stranger: Any, elbow_knot: Knot
) -> None:
    client.force_login(user)
    session = _start(client, elbow_knot)
    client.force_login(stranger)
    finish = client.post(reverse("play_finish", args=[session.pk]), {"reached": "1"})
    assert finish.status_code == 404
    assert client.get(reverse("session", args=[session.pk])).status_code == 404
    assert client.get(reverse("knot", args=[elbow_knot.pk])).status_code == 404


def test_the_knot_chart_shows_ratings_around_a_session(client_in: Client, elbow_knot: Knot) -> None:
    cache.clear()
    url = reverse("knot", args=[elbow_knot.pk])
    first = client_in.get(url).content.decode()
    assert "around a session" not in first  # and now cached
    session = _start(client_in, elbow_knot)
    client_in.post(
        reverse("play_finish", args=[session.pk]),
        {f"after-{elbow_knot.pk}": "3", "played": "500", "stopped": "0"},
    )
    page = client_in.get(url).content.decode()
    # The chart's legend, its text equivalent, and the table row, linked to the session.
    charts = re.findall(r'class="chart card".*?</ul>', page, flags=re.S)
    assert len(charts) == 1 and "around a session (before → after)" in charts[0]
    assert 'class="chart-arrow"' in charts[0]
    assert "goes from the rating just before a session to the one just after it" in page
    assert re.search(r"around a session</a>: <strong>6 → 3</strong>", page)
    assert reverse("session", args=[session.pk]) in page
    assert SessionKnot.objects.get().change == -3
