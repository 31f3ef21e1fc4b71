"""The library pages, figures and the play flow over HTTP."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from knotless.journal.models import Knot
from knotless.library.exercises import load_exercises
from knotless.practice.models import Session, SessionKnot
from knotless.safety.policy import knot_areas
from knotless.safety.screening import record


@pytest.fixture
def shoulder_knot(shoulder_knot: Knot, user: Any) -> Knot:
    """The shoulder knot with its safety questions answered ("none apply"): a neck knot's
    exercises are not played before that (tests/safety/test_gate_everywhere.py)."""
    record(user, knot_areas(shoulder_knot), [])
    return shoulder_knot


def test_the_library_lists_everything_with_thumbnails(client_in: Client) -> None:
    page = client_in.get(reverse("library")).content.decode()
    assert page.count('class="card exercise-card"') == len(load_exercises())
    assert reverse("figure_still", args=["chin-tuck", 0]) in page


@pytest.mark.parametrize(
    ("query", "check"),
    [
        ("kind=strength", lambda e: e.kind == "strength"),
        ("position=floor", lambda e: e.position == "floor"),
        ("equipment=ball", lambda e: "ball" in e.equipment),
        ("muscle=gastrocnemius", lambda e: "gastrocnemius" in e.primary + e.secondary),
        ("time=2", lambda e: e.slug != "one-arm-dumbbell-row"),
    ],
)
def test_the_library_filters(client_in: Client, query: str, check: Any) -> None:
    page = client_in.get(reverse("library") + "?" + query).content.decode()
    shown = re.findall(r'name="e" value="([a-z0-9-]+)"', page)
    assert shown, query
    library = load_exercises()
    assert all(check(library[slug]) for slug in shown)
    assert len(shown) < len(library)


def test_a_region_filter_finds_exercises_for_muscles_that_hurt_there(client_in: Client) -> None:
    page = client_in.get(reverse("library") + "?region=calf").content.decode()
    shown = re.findall(r'name="e" value="([a-z0-9-]+)"', page)
    assert "straight-knee-calf-stretch" in shown
    assert "chin-tuck" not in shown


def test_a_bad_filter_is_explained_not_fatal(client_in: Client) -> None:
    response = client_in.get(reverse("library") + "?kind=yoga&muscle=spleen")
    assert response.status_code == 200
    assert "Ignored the kind &#x27;yoga&#x27;" in response.content.decode()


def test_every_exercise_page_shows_figure_steps_and_play(client_in: Client) -> None:
    for slug, exercise in load_exercises().items():
        page = client_in.get(reverse("exercise", args=[slug])).content.decode()
        assert reverse("figure_moving", args=[slug]) in page
        assert "Play this" in page
        assert exercise.steps[0].replace("'", "&#x27;") in page
        assert "Stop</strong>" in page  # the warning box


def test_figures_are_svg_files_cached_by_the_browser(client: Client, db: None) -> None:
    response = client.get(reverse("figure_still", args=["chin-tuck", 1]))  # no login needed
    assert response["Content-Type"] == "image/svg+xml"
    assert "max-age" in response["Cache-Control"]
    assert response.content.startswith(b"<svg")
    assert client.get(reverse("figure_moving", args=["chin-tuck"])).status_code == 200
    assert client.get(reverse("figure_still", args=["chin-tuck", 9])).status_code == 404
    assert client.get(reverse("figure_moving", args=["no-such"])).status_code == 404


def test_playing_from_rating_to_the_saved_session(
    client_in: Client, shoulder_knot: Knot, calf_knot: Knot
) -> None:
    url = reverse("play_new") + "?e=upper-trapezius-side-bend-stretch&e=chin-tuck"
    page = client_in.get(url).content.decode()
    assert shoulder_knot.label in page and calf_knot.label not in page
    response = client_in.post(
        reverse("play_new"),
        {
            "e": ["upper-trapezius-side-bend-stretch", "chin-tuck"],
            f"include-{shoulder_knot.pk}": "1",
            f"before-{shoulder_knot.pk}": "7",
        },
    )
    session = Session.objects.get()
    assert response["Location"] == reverse("play", args=[session.pk])
    player = client_in.get(response["Location"]).content.decode()
    assert 'id="player-script"' in player and '"state": "get-ready"' in player
    done = client_in.post(
        reverse("play_finish", args=[session.pk]),
        {
            f"after-{shoulder_knot.pk}": "4",
            "verdict-0": "helped",
            "verdict-1": "hurt",
            "played": "120",
            "stopped": "0",
            "note": "neck felt looser",
        },
    )
    assert done["Location"] == reverse("session", args=[session.pk])
    row = SessionKnot.objects.get()
    assert (row.pain_before, row.pain_after) == (7, 4)
    summary = client_in.get(done["Location"]).content.decode()
    assert "Helped" in summary and "Hurt" in summary and "-3" in summary
    # The knot's own page and the sessions list show it too.
    assert (
        reverse("session", args=[session.pk])
        in client_in.get(reverse("knot", args=[shoulder_knot.pk])).content.decode()
    )
    assert "neck felt looser" not in client_in.get(reverse("sessions")).content.decode()
    assert shoulder_knot.label in client_in.get(reverse("sessions")).content.decode()
    # A saved session opens as a summary, not as a player to replay into it.
    assert client_in.get(reverse("play", args=[session.pk]))["Location"] == done["Location"]


def test_an_unrated_knot_stays_out_of_the_session(client_in: Client, shoulder_knot: Knot) -> None:
    client_in.post(reverse("play_new"), {"e": ["chin-tuck", "upper-trapezius-side-bend-stretch"]})
    assert Session.objects.count() == 1
    assert not SessionKnot.objects.exists()


def test_bad_input_to_the_player_is_explained(client_in: Client, shoulder_knot: Knot) -> None:
    response = client_in.get(reverse("play_new") + "?e=no-such", follow=True)
    assert "No exercise called" in response.content.decode()
    response = client_in.post(
        reverse("play_new"),
        {
            "e": ["upper-trapezius-side-bend-stretch"],
            f"include-{shoulder_knot.pk}": "1",
            f"before-{shoulder_knot.pk}": "x",
        },
    )
    assert response.status_code == 400
    assert not Session.objects.exists()


def test_strangers_cannot_see_or_finish_a_session(
    client_in: Client, user: Any, stranger: Any
) -> None:
    client_in.post(reverse("play_new"), {"e": ["chin-tuck"]})
    session = Session.objects.get()
    other = Client()
    other.force_login(stranger)
    assert other.get(reverse("play", args=[session.pk])).status_code == 404
    assert other.post(reverse("play_finish", args=[session.pk]), {"played": "1"}).status_code == 404
    assert other.get(reverse("session", args=[session.pk])).status_code == 404


def test_atlas_and_finder_lead_to_exercises(client_in: Client) -> None:
    muscle = client_in.get(reverse("muscle", args=["gastrocnemius"])).content.decode()
    assert reverse("exercise", args=["straight-knee-calf-stretch"]) in muscle
    finder = client_in.get(reverse("finder"), {"m": "lateral-elbow:right:8"}).content.decode()
    assert reverse("library") + "?muscle=wrist-extensors" in finder


def test_a_refused_save_keeps_what_was_filled_in(client_in: Client, shoulder_knot: Knot) -> None:
    client_in.post(
        reverse("play_new"),
        {"e": ["upper-trapezius-side-bend-stretch"], f"include-{shoulder_knot.pk}": "1"},
    )
    session = Session.objects.get()
    response = client_in.post(
        reverse("play_finish", args=[session.pk]),
        {
            f"after-{shoulder_knot.pk}": "3",
            "verdict-0": "helped",
            "played": "40",
            "stopped": "1",
            "note": "y" * 2001,
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Notes can be up to 2000 characters" in page
    assert 'data-finishing="1"' in page and 'value="40"' in page
    assert re.search(rf'name="after-{shoulder_knot.pk}" value="3" checked', page)
    assert re.search(r'name="verdict-0" value="helped" checked', page)
    assert "y" * 2001 in page
    session.refresh_from_db()
    assert session.is_open


def test_an_unsaved_session_can_be_discarded(client_in: Client) -> None:
    client_in.post(reverse("play_new"), {"e": ["chin-tuck"], "token": "t1"})
    client_in.post(reverse("play_new"), {"e": ["chin-tuck"], "token": "t1"})  # back + resubmit
    session = Session.objects.get()
    assert "Discard" in client_in.get(reverse("sessions")).content.decode()
    response = client_in.post(reverse("play_discard", args=[session.pk]))
    assert response["Location"] == reverse("sessions")
    assert not Session.objects.exists()


def test_ticked_exercises_survive_a_filter(client_in: Client) -> None:
    page = client_in.get(reverse("library") + "?e=chin-tuck&kind=release").content.decode()
    assert '<input type="hidden" name="e" value="chin-tuck">' in page  # kept though not shown
    page = client_in.get(reverse("library") + "?e=chin-tuck&kind=strength").content.decode()
    assert 'value="chin-tuck" checked' in page


def test_too_long_a_routine_says_how_long_it_was(client_in: Client) -> None:
    url = reverse("play_new") + "?" + "&".join(["e=chin-tuck"] * 40)
    assert "this one has 40" in client_in.get(url, follow=True).content.decode()


def test_every_session_stays_reachable_page_by_page(client_in: Client, user: Any) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from knotless.practice.models import Session
    from knotless.practice.session_list import SESSIONS_PER_PAGE

    start = timezone.now() - timedelta(days=200)
    Session.objects.bulk_create(
        Session(
            user=user,
            started_at=start + timedelta(days=n),
            ended_at=start + timedelta(days=n, minutes=5),
            status=Session.Status.FINISHED,
            note=f"session number {n:03d}",
        )
        for n in range(SESSIONS_PER_PAGE + 7)
    )
    first = client_in.get(reverse("sessions")).content.decode()
    assert 'rel="next"' in first and 'rel="prev"' not in first
    second = client_in.get(reverse("sessions"), {"page": 2}).content.decode()
    assert 'rel="prev"' in second and 'rel="next"' not in second
    # The oldest seven are on the second page, and odd page numbers give a real page.
    assert second.count("<tr>") - 1 == 7
    for odd in ("abc", "0", "9" * 5000, "²"):
        assert client_in.get(reverse("sessions"), {"page": odd}).status_code == 200
