from __future__ import annotations

from typing import Any

from django.test import Client
from django.urls import reverse

from knotless.journal import services
from knotless.safety.checklist import flags_for
from knotless.safety.models import Screening


def first_id(tier: str, area: str = "neck") -> str:
    return next(f.id for f in flags_for([area]) if f.tier == tier)


def test_it_asks_the_questions_for_the_areas(client_in: Client) -> None:
    page = client_in.get(reverse("safety_check"), {"areas": "neck", "next": "/"}).content.decode()
    for flag in flags_for(["neck"]):
        assert flag.question.split("(")[0][:40] in page
    assert "None of these apply" in page


def test_it_stores_a_clear_answer_and_continues(client_in: Client, user: Any) -> None:
    response = client_in.post(
        reverse("safety_check"), {"areas": "neck,back", "none": "1", "next": "/find/"}
    )
    assert response["Location"] == "/find/"
    screen = Screening.objects.get(user=user)
    assert screen.outcome == "none" and screen.area_set == {"back", "neck"} and not screen.ticked
    assert screen.asked == [f.id for f in flags_for(["back", "neck"])]


def test_it_stops_at_an_emergency_and_says_what_to_do(client_in: Client, user: Any) -> None:
    response = client_in.post(
        reverse("safety_check"),
        {"areas": "neck", "flag": [first_id("emergency")], "next": "/find/"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Please get medical help now" in page and "Call <strong>112</strong>" in page
    # Nothing on the page points back to self-care: no findings, no release steps, no knot form.
    for self_care in ("Track as a knot", "How to release it", "Release it:", "Save knot"):
        assert self_care not in page
    assert Screening.objects.get(user=user).outcome == "emergency"


def test_it_advises_a_doctor_today_and_goes_on(client_in: Client, user: Any) -> None:
    response = client_in.post(
        reverse("safety_check"),
        {"areas": "neck", "flag": [first_id("today")], "next": "/"},
        follow=True,
    )
    assert "look today. Please arrange that" in response.content.decode()


def test_it_wants_an_answer(client_in: Client, user: Any) -> None:
    response = client_in.post(reverse("safety_check"), {"areas": "neck", "next": "/"})
    assert response.status_code == 200
    assert "Tick what applies" in response.content.decode()
    assert not Screening.objects.exists()


def test_it_never_redirects_off_site(client_in: Client) -> None:
    response = client_in.post(
        reverse("safety_check"), {"areas": "neck", "none": "1", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"


def test_it_ignores_unknown_flags_and_areas(client_in: Client, user: Any) -> None:
    client_in.post(reverse("safety_check"), {"areas": "neck,toes", "flag": ["Z9"], "next": "/"})
    screen = Screening.objects.get(user=user)
    assert (screen.areas, screen.ticked, screen.outcome) == ("neck", [], "none")


def test_it_gives_404_for_another_users_knot(client_in: Client, user: Any, stranger: Any) -> None:
    theirs = services.add_knot(stranger, region="temple", side="left", pain=3, tz_name="UTC")
    for method in ("get", "post"):
        response = getattr(client_in, method)(
            reverse("safety_check"), {"areas": "head", "none": "1", "knot": str(theirs.pk)}
        )
        assert response.status_code == 404
    assert not Screening.objects.exists()


def test_it_links_answers_to_the_users_own_knot(client_in: Client, user: Any) -> None:
    mine = services.add_knot(user, region="temple", side="left", pain=3, tz_name="UTC")
    client_in.post(reverse("safety_check"), {"areas": "head", "none": "1", "knot": str(mine.pk)})
    assert Screening.objects.get(user=user).knot == mine
