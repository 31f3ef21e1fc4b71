from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from knotless.atlas.muscles import load_muscles
from knotless.safety.checklist import flags_for
from knotless.safety.models import Screening


def test_it_lists_and_searches_the_atlas(client_in: Client) -> None:
    page = client_in.get(reverse("atlas")).content.decode()
    assert all(m.name in page for m in load_muscles().values())
    found = client_in.get(reverse("atlas"), {"q": "temple"}).content.decode()
    assert "Upper trapezius" in found and "Gastrocnemius" not in found


def test_it_shows_a_muscle_with_its_zones_drawn(client_in: Client) -> None:
    page = client_in.get(reverse("muscle", args=["upper-trapezius"])).content.decode()
    assert "zone-essential" in page and "zone-spillover" in page
    assert "How to release it" in page and "Track a knot in this muscle" in page
    assert "muscle=upper-trapezius" in page
    assert "Rule out the serious first" in page  # neck and head zones


def test_it_404s_for_an_unknown_muscle(client_in: Client) -> None:
    assert client_in.get(reverse("muscle", args=["nope"])).status_code == 404


def test_it_invites_marking_before_anything_is_marked(client_in: Client) -> None:
    page = client_in.get(reverse("finder")).content.decode()
    assert "Nothing marked yet" in page and 'class="region-link"' in page


def test_it_ranks_muscles_for_limb_pain_without_a_safety_check(client_in: Client) -> None:
    page = client_in.get(
        reverse("finder"), {"m": ["lateral-elbow:right:8", "back-of-forearm:right:5"]}
    ).content.decode()
    assert "Wrist extensors" in page
    assert page.index("Wrist extensors") < page.index("Track as a knot")
    assert 'name="region" value="lateral-elbow"' in page and 'name="pain" value="8"' in page


def test_it_asks_the_safety_questions_first_for_the_neck(client_in: Client, user: Any) -> None:
    url = reverse("finder")
    query = {"m": ["back-of-neck:left:7", "temple:left:6"], "context": "desk"}
    page = client_in.get(url, query).content.decode()
    assert "First, a quick safety check" in page
    assert "Upper trapezius" not in page.split("First, a quick safety check")[1]
    client_in.post(reverse("safety_check"), {"areas": "head,neck", "none": "1", "next": "/find/"})
    page = client_in.get(url, query).content.decode()
    assert "First, a quick safety check" not in page
    assert "Track as a knot" in page


def test_it_stops_the_finder_after_an_emergency_answer(client_in: Client, user: Any) -> None:
    emergency = next(f.id for f in flags_for(["neck"]) if f.tier == "emergency")
    client_in.post(reverse("safety_check"), {"areas": "neck", "flag": [emergency], "next": "/"})
    page = client_in.get(reverse("finder"), {"m": "back-of-neck:left:7"}).content.decode()
    assert "Please get medical help now" in page
    assert "Track as a knot" not in page
    assert Screening.objects.filter(user=user, outcome="emergency").exists()


@pytest.mark.parametrize(
    "token", ["nowhere:left:5", "temple:middle:5", "temple:left:11", "temple:left:x"]
)
def test_it_explains_bad_marks(client_in: Client, token: str) -> None:
    response = client_in.get(reverse("finder"), {"m": token})
    assert response.status_code == 200
    assert "Ignored" in response.content.decode()


def test_it_explains_knots_and_the_finder(client_in: Client) -> None:
    assert "evidence" in client_in.get(reverse("learn_knots")).content.decode().lower()
    assert "0.9" in client_in.get(reverse("learn_finder")).content.decode()
