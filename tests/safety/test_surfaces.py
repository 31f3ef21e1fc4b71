"""The safety gate on each web surface that suggests exercise: Today, the knot page, the
library and its player, the finder and the atlas (the tester's findings of issue 11)."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from knotless.accounts.models import Profile
from knotless.journal import services
from knotless.journal.models import Knot
from knotless.library.exercises import load_exercises
from knotless.practice.models import Session
from knotless.safety.checklist import flags_for
from knotless.safety.policy import knot_areas
from knotless.safety.screening import record

# Discarding an unsaved session (a form under /play/) is not an offer to play.
PLAY = re.compile(r'href="/play/|action="/play/(?!\d+/discard/)|▶|>Play ')


def flag(tier: str, area: str = "neck") -> str:
    return next(f.id for f in flags_for([area]) if f.tier == tier)


def plays(page: str) -> list[str]:
    """Every offer to play on a page: links or forms to the player, play buttons."""
    return PLAY.findall(page)


@pytest.fixture
def neck_knot(user: Any) -> Knot:
    return services.add_knot(
        user, region="back-of-neck", side="left", muscle="upper-trapezius", pain=6, tz_name="UTC"
    )


@pytest.fixture
def emergency(client_in: Client, user: Any) -> None:
    Profile.objects.filter(user=user).update(emergency_number="999")
    client_in.post(
        reverse("safety_check"), {"areas": "chest", "flag": [flag("emergency", "chest")]}
    )


# --- Today ---------------------------------------------------------------------------------


def test_it_shows_the_emergency_banner_on_today_for_twelve_hours(
    client_in: Client, user: Any, neck_knot: Knot
) -> None:
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        Profile.objects.filter(user=user).update(emergency_number="999")
        client_in.post(reverse("safety_check"), {"areas": "neck", "flag": [flag("emergency")]})
        page = client_in.get(reverse("today")).content.decode()
        assert "Please get medical help now" in page and "Call <strong>999</strong>" in page
        assert reverse("safety_emergency") in page
        # No exercise suggestions anywhere on Today: no plan card, nothing to play.
        assert "Plan today" not in page and "today's plan" not in page and not plays(page)
    with time_machine.travel(start + timedelta(hours=13), tick=False):
        page = client_in.get(reverse("today")).content.decode()
        assert "Please get medical help now" not in page and "Plan today" in page


def test_it_shows_no_banner_for_another_users_emergency(client_in: Client, stranger: Any) -> None:
    record(stranger, ["chest"], [flag("emergency", "chest")])
    page = client_in.get(reverse("today")).content.decode()
    assert "Please get medical help now" not in page
    assert client_in.get(reverse("safety_emergency"))["Location"] == reverse("today")


# --- the knot page -------------------------------------------------------------------------


def test_it_asks_for_answers_before_offering_an_unscreened_knots_exercises(
    client_in: Client, neck_knot: Knot
) -> None:
    url = reverse("knot", args=[neck_knot.pk])
    page = client_in.get(url).content.decode()
    assert not plays(page)
    assert "Answer the safety questions first" in page
    link = re.search(r'href="(/safety/check/\?[^"]+)">Answer the safety questions first', page)
    assert link
    query = link.group(1).replace("&amp;", "&")
    assert "areas=head%2Cneck" in query and f"knot={neck_knot.pk}" in query
    assert "next=" + url.replace("/", "%2F") in query
    client_in.post(
        reverse("safety_check"),
        {"areas": "head,neck", "none": "1", "knot": neck_knot.pk, "next": url},
    )
    page = client_in.get(url).content.decode()
    assert "Play them as a routine" in page and "dumbbell-shrug" in page


def test_it_offers_only_gentle_work_when_answers_call_for_an_appointment(
    client_in: Client, user: Any, neck_knot: Knot
) -> None:
    record(user, knot_areas(neck_knot), [flag("soon")])
    page = client_in.get(reverse("knot", args=[neck_knot.pk])).content.decode()
    assert "Play them as a routine" in page and "only gentle work" in page
    offered = re.findall(r'href="/library/([a-z0-9-]+)/"', page)
    library = load_exercises()
    assert offered and {library[s].kind for s in offered} <= {"release", "stretch", "mobility"}
    assert "dumbbell" not in page


@pytest.mark.parametrize(("tier", "words"), [("today", "doctor's look"), ("emergency", "get")])
def test_it_offers_no_exercises_when_answers_call_for_a_doctor(
    client_in: Client, user: Any, neck_knot: Knot, tier: str, words: str
) -> None:
    record(user, knot_areas(neck_knot), [flag(tier)])
    page = client_in.get(reverse("knot", args=[neck_knot.pk])).content.decode()
    section = page[page.index('id="knot-exercises"') :]
    assert not plays(page) and "/library/" not in section.split("</section>")[0]
    assert words in section


def test_a_stranger_gets_404_for_the_knot_page(
    client: Client, stranger: Any, neck_knot: Knot
) -> None:
    client.force_login(stranger)
    assert client.get(reverse("knot", args=[neck_knot.pk])).status_code == 404


# --- the library and the player --------------------------------------------------------------


def test_it_offers_nothing_to_play_in_the_library_during_an_emergency(
    client_in: Client, emergency: None
) -> None:
    page = client_in.get(reverse("library")).content.decode()
    assert "No exercises for now" in page and not plays(page)
    assert 'name="e"' not in page  # nothing to tick either
    exercise = client_in.get(reverse("exercise", args=["chin-tuck"])).content.decode()
    assert not plays(exercise) and reverse("safety_emergency") in exercise


def test_a_crafted_play_url_gets_the_emergency_page(
    client_in: Client, emergency: None, user: Any
) -> None:
    response = client_in.get(reverse("play_new") + "?e=chin-tuck")
    assert (
        response.status_code == 403 and "Please get medical help now" in response.content.decode()
    )
    response = client_in.post(reverse("play_new"), {"e": ["chin-tuck"], "token": "t"})
    assert response.status_code == 403 and not Session.objects.exists()


def test_play_new_sends_an_unscreened_knots_exercises_to_the_questions(
    client_in: Client, neck_knot: Knot
) -> None:
    for response in (
        client_in.get(reverse("play_new") + "?e=dumbbell-shrug&e=chin-tuck"),
        client_in.post(reverse("play_new"), {"e": ["dumbbell-shrug", "chin-tuck"]}),
    ):
        assert response.status_code == 302
        target = response["Location"]
        assert target.startswith(reverse("safety_check") + "?areas=head%2Cneck")
        assert "next=%2Fplay%2F%3Fe%3Ddumbbell-shrug%26e%3Dchin-tuck" in target
    assert not Session.objects.exists()
    # The library marks them instead of offering a tick; other exercises stay playable.
    page = client_in.get(reverse("library")).content.decode()
    assert 'value="dumbbell-shrug"' not in page and 'value="straight-knee-calf-stretch"' in page
    exercise = client_in.get(reverse("exercise", args=["dumbbell-shrug"])).content.decode()
    assert not plays(exercise) and "Answer the safety questions first" in exercise


def test_play_new_refuses_with_the_reason(client_in: Client, user: Any, neck_knot: Knot) -> None:
    record(user, knot_areas(neck_knot), [flag("soon")])
    response = client_in.post(reverse("play_new"), {"e": ["dumbbell-shrug"], "token": "t"})
    page = response.content.decode()
    assert response.status_code == 403 and "Dumbbell shrug" in page and "gentle work only" in page
    assert not Session.objects.exists()
    # Gentle work for the same knot goes ahead.
    ok = client_in.post(reverse("play_new"), {"e": ["upper-trapezius-side-bend-stretch"]})
    assert ok.status_code == 302 and Session.objects.count() == 1
    record(user, knot_areas(neck_knot), [flag("today")])
    refused = client_in.get(reverse("play_new") + "?e=upper-trapezius-side-bend-stretch")
    assert refused.status_code == 403 and "doctor&#x27;s look first" in refused.content.decode()


def test_an_open_session_is_not_played_on_during_an_emergency(client_in: Client, user: Any) -> None:
    client_in.post(reverse("play_new"), {"e": ["chin-tuck"]})
    session = Session.objects.get()
    record(user, ["chest"], [flag("emergency", "chest")])
    assert client_in.get(reverse("play", args=[session.pk])).status_code == 403
    assert not plays(client_in.get(reverse("sessions")).content.decode())
    assert not plays(client_in.get(reverse("session", args=[session.pk])).content.decode())


# --- the finder and the atlas ---------------------------------------------------------------


def test_the_muscle_page_holds_back_exercises_for_an_unscreened_knot(
    client_in: Client, neck_knot: Knot
) -> None:
    page = client_in.get(reverse("muscle", args=["upper-trapezius"])).content.decode()
    assert "/library/dumbbell-shrug/" not in page and "Answer them first" in page
    assert (
        "/library/straight-knee-calf-stretch/"
        in client_in.get(reverse("muscle", args=["gastrocnemius"])).content.decode()
    )


# --- the emergency page ---------------------------------------------------------------------


def test_the_emergency_page_lists_what_was_ticked(client_in: Client, user: Any) -> None:
    ticked = [flag("emergency", "chest"), flag("today", "neck")]
    response = client_in.post(reverse("safety_check"), {"areas": "chest,neck", "flag": ticked})
    questions = {f.id: f.question for f in flags_for(["chest", "neck"])}
    asked_not_ticked = [q for i, q in questions.items() if i not in ticked]
    standing = client_in.get(reverse("safety_emergency")).content.decode()
    for page in (response.content.decode(), standing):
        assert "What you noticed" in page
        listed = page.split("What you noticed")[1].split("</ul>")[0]
        for flag_id in ticked:
            assert questions[flag_id].replace("'", "&#x27;") in listed
        assert not any(q.replace("'", "&#x27;") in listed for q in asked_not_ticked)
