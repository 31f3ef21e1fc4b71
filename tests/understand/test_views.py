from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
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
    asked = re.search(r'name="areas" value="([^"]+)"', page)
    assert asked and {"head", "neck"} <= set(asked.group(1).split(","))
    client_in.post(
        reverse("safety_check"), {"areas": asked.group(1), "none": "1", "next": "/find/"}
    )
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
    page = client_in.get(reverse("learn_finder")).content.decode()
    assert "{{" not in page and "about 18.6 times" in page and "<td>0.4</td>" in page


def test_it_says_which_finer_place_a_broader_mark_stood_for(client_in: Client) -> None:
    client_in.post(reverse("safety_check"), {"areas": "foot", "none": "1"})
    page = client_in.get(reverse("finder"), {"m": "arch-sole:left:7"}).content.decode()
    assert "First, a quick safety check" not in page
    assert "Flexor digitorum brevis" in page
    fdb = page.split("Flexor digitorum brevis")[1].split("</p>")[0]
    assert "Its usual place is the ball of the foot, part of the arch and sole you marked." in fdb
    gastrocnemius = page.split(">Gastrocnemius<")[1].split("</p>")[0]
    assert "Its usual place is" not in gastrocnemius


def test_it_explains_how_a_broader_place_stands_for_the_finer_ones(client_in: Client) -> None:
    page = client_in.get(reverse("learn_finder")).content.decode()
    section = page.split('id="finer-title"')[1].split("</section>")[0]
    assert "the ball of the foot (under the arch and sole)" in section
    assert "the lesser toes (under the top of foot or the arch and sole)" in section
    assert "<strong>50 %</strong>" in section


def test_it_names_the_muscles_that_share_usual_zones_and_what_tells_them_apart(
    client_in: Client,
) -> None:
    page = client_in.get(reverse("learn_finder")).content.decode()
    shared = page.split('id="shared-title"')[1].split("</section>")[0]
    assert "alphabetical" not in page.split('id="shared-title"')[0]
    # Each pair, in the finder's order, with the place that brings the second one first.
    for first, other, own in [
        ("Popliteus", "Plantaris", "big toe"),
        ("Rear deltoid", "Teres minor", "ring and little fingers"),
        ("Intercostals", "Diaphragm", "top of shoulder"),
    ]:
        row = shared.split(f">{first}</a>")[1].split("</tr>")[0]
        assert f">{other}</a>" in row and own in row.lower(), row


def test_it_asks_the_chest_questions_when_arm_pain_points_to_a_chest_muscle(
    client_in: Client,
) -> None:
    query = {"m": ["inner-upper-arm:left:8", "medial-elbow:left:6"]}
    page = client_in.get(reverse("finder"), query).content.decode()
    # Nothing marked is in a screened area, so no questions up front and no chest warning...
    assert "First, a quick safety check" not in page and "needs emergency help first" not in page
    # ...but the chest muscle's release steps wait for the chest questions, said in words.
    pec = page[page.index("Pectoralis major") :]
    pec = pec[: pec.index("</li>")]
    assert "usually also send pain to the chest" in pec and "Release it:" not in pec
    asked = re.search(r'href="/safety/check/\?areas=([^&"]+)&amp;next=([^"]+)"', pec)
    assert asked and asked.group(1) == "chest" and asked.group(2).startswith("%2Ffind%2F")
    client_in.post(reverse("safety_check"), {"areas": "chest", "none": "1"})
    pec = client_in.get(reverse("finder"), query).content.decode().split("Pectoralis major")[1]
    assert "Release it:" in pec.split("</li>")[0]


def test_it_shows_only_the_warnings_of_the_areas_marked(client_in: Client) -> None:
    """Only the back marked: the scalenes (which also refer to the chest) may be found, but no
    chest warning shows and only the back questions are asked."""
    query = {"m": "between-shoulder-blades:center:8"}
    page = client_in.get(reverse("finder"), query).content.decode()
    assert re.search(r'name="areas" value="back"', page)
    client_in.post(reverse("safety_check"), {"areas": "back", "none": "1"})
    page = client_in.get(reverse("finder"), query).content.decode()
    assert "Scalenes" in page
    assert "needs emergency help first" not in page  # the chest notice is for chest marks
    assert "First, a quick safety check" not in page
    scalenes = page.split("Scalenes</a>")[1].split("</li>")[0]
    assert "Release it:" not in scalenes and "questions" in scalenes
    chest = client_in.get(reverse("finder"), {"m": "front-of-chest:left:7"}).content.decode()
    client_in.post(reverse("safety_check"), {"areas": "chest", "none": "1"})
    chest = client_in.get(reverse("finder"), {"m": "front-of-chest:left:7"}).content.decode()
    assert "needs emergency help first" in chest


def test_it_holds_back_release_steps_when_answers_call_for_a_doctor(client_in: Client) -> None:
    today = next(f.id for f in flags_for(["back"]) if f.tier == "today")
    client_in.post(reverse("safety_check"), {"areas": "back", "flag": [today]})
    page = client_in.get(reverse("finder"), {"m": "low-back:left:6"}).content.decode()
    assert "See a doctor today" in page
    assert "Release it:" not in page and "Exercises for it" not in page
    assert "Release steps held back" in page


def test_it_shows_arm_findings_without_questions(client_in: Client) -> None:
    page = client_in.get(reverse("finder"), {"m": "lateral-elbow:right:7"}).content.decode()
    assert "First, a quick safety check" not in page and "Wrist extensors" in page


def test_it_asks_the_leg_questions_for_knee_pain(client_in: Client) -> None:
    page = client_in.get(reverse("finder"), {"m": "front-of-knee:right:7"}).content.decode()
    assert "First, a quick safety check" in page and "Rectus femoris" not in page
    asked = re.search(r'name="areas" value="([^"]+)"', page)
    assert asked and "leg" in asked.group(1).split(",")
    client_in.post(reverse("safety_check"), {"areas": asked.group(1), "none": "1"})
    page = client_in.get(reverse("finder"), {"m": "front-of-knee:right:7"}).content.decode()
    assert "First, a quick safety check" not in page and "Rectus femoris" in page


def test_it_keeps_answers_for_twelve_hours_only(client_in: Client, user: Any) -> None:
    import time_machine
    from django.utils import timezone

    query = {"m": "back-of-neck:left:7"}
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        page = client_in.get(reverse("finder"), query).content.decode()
        asked = re.search(r'name="areas" value="([^"]+)"', page)
        assert asked
        client_in.post(reverse("safety_check"), {"areas": asked.group(1), "none": "1"})
    with time_machine.travel(start + timedelta(hours=11), tick=False):
        assert (
            "First, a quick safety check"
            not in client_in.get(reverse("finder"), query).content.decode()
        )
    with time_machine.travel(start + timedelta(hours=13), tick=False):
        assert (
            "First, a quick safety check"
            in client_in.get(reverse("finder"), query).content.decode()
        )


def test_it_does_not_let_head_answers_cover_the_chest(client_in: Client) -> None:
    client_in.post(reverse("safety_check"), {"areas": "head", "none": "1"})
    page = client_in.get(reverse("finder"), {"m": "front-of-chest:left:7"}).content.decode()
    assert "First, a quick safety check" in page


def test_it_stops_all_self_care_after_an_emergency_answer(client_in: Client, user: Any) -> None:
    from knotless.accounts.models import Profile

    Profile.objects.filter(user=user).update(emergency_number="911")
    emergency = next(f.id for f in flags_for(["chest"]) if f.tier == "emergency")
    client_in.post(reverse("safety_check"), {"areas": "chest", "flag": [emergency]})
    # Other areas, limbs and the atlas's release steps are all held back, with the user's number.
    for url, query in [
        (reverse("finder"), {"m": "front-of-knee:right:7"}),
        (reverse("finder"), {"m": "low-back:left:5"}),
        (reverse("muscle", args=["pectoralis-major"]), {}),
    ]:
        page = client_in.get(url, query).content.decode()
        assert "Please get medical help now" in page and "Call <strong>911</strong>" in page
        assert "How to release it" not in page and "Track as a knot" not in page


def test_it_lifts_an_emergency_only_when_the_same_questions_are_answered_again(
    client_in: Client, user: Any
) -> None:
    emergency = next(f.id for f in flags_for(["chest"]) if f.tier == "emergency")
    client_in.post(reverse("safety_check"), {"areas": "chest", "flag": [emergency]})
    for _ in range(25):  # many answers about other areas do not wear it out
        client_in.post(reverse("safety_check"), {"areas": "neck", "none": "1"})
    assert (
        "Please get medical help now"
        in client_in.get(reverse("muscle", args=["soleus"])).content.decode()
    )
    client_in.post(reverse("safety_check"), {"areas": "chest", "none": "1"})  # "ticked by mistake"
    assert "How to release it" in client_in.get(reverse("muscle", args=["soleus"])).content.decode()


@pytest.mark.parametrize(
    ("marks", "expected_first"),
    [
        # Chest and inner arm alone is the sternalis's whole pattern; the pectoralis major's
        # textbook pattern also takes in the front of the shoulder.
        (
            ["front-of-chest:left:8", "front-of-shoulder:left:8", "inner-upper-arm:left:8"],
            "Pectoralis major",
        ),
        (["between-shoulder-blades:center:8", "front-of-chest:left:8"], "Scalenes"),
        (["base-of-neck:left:7", "medial-border-of-scapula:left:7"], "Levator scapulae"),
        (["front-of-knee:right:7"], "Rectus femoris"),
        # Heel alone is the quadratus plantae's whole usual pattern (second reference); the
        # soleus's textbook heel pain reaches up into the Achilles.
        (["heel:left:6", "back-of-ankle:left:6"], "Soleus"),
    ],
)
def test_it_ranks_textbook_patterns_first(
    client_in: Client, marks: list[str], expected_first: str
) -> None:
    # Regression queries from the reference's referral patterns, marked firmly (10/10).
    from knotless.lib.finder import find, marks_from

    atlas = load_muscles()
    plain = marks_from([m.split(":")[0] for m in marks])
    assert atlas[find(plain, atlas.values())[0].slug].name == expected_first


def test_it_tracks_a_finding_on_the_users_own_day(client: Client, make_user: Any) -> None:
    import time_machine

    from knotless.journal.models import Knot

    owner = make_user("lee", time_zone="America/Los_Angeles")
    client.force_login(owner)
    # 03:00 UTC on the 24th is still the evening of the 23rd in Los Angeles.
    moment = datetime(2026, 11, 24, 3, 0, tzinfo=UTC)
    with time_machine.travel(moment, tick=False):
        page = client.get(reverse("finder"), {"m": "lateral-elbow:right:7"}).content.decode()
        # The form names no day: the server takes the user's own, not the server's.
        assert 'name="first_felt"' not in page
        form = dict(re.findall(r'name="(region|side|muscle|pain)" value="([^"]+)"', page))
        response = client.post(reverse("knot_track"), {**form, "action": "new"})
        assert response.status_code == 302
    assert Knot.objects.get(user=owner).first_felt.isoformat() == "2026-11-23"


def _track_forms(page: str) -> list[str]:
    return re.findall(r'<form method="post" action="/knots/track/">.*?</form>', page, re.S)


def test_it_offers_the_knot_already_tracked_at_the_place(client_in: Client, user: Any) -> None:
    from knotless.journal import services

    query = {"m": "lateral-elbow:right:8"}
    first = _track_forms(client_in.get(reverse("finder"), query).content.decode())
    assert first and all('value="new"' in f and 'name="knot"' not in f for f in first)
    knot = services.add_knot(
        user, region="lateral-elbow", side="right", pain=5, tz_name="Europe/Berlin"
    )
    page = client_in.get(reverse("finder"), query).content.decode()
    assert "You already track a knot here" in page
    forms = _track_forms(page)
    assert forms and all(f'name="knot" value="{knot.pk}"' in f for f in forms)
    assert "Add the wrist extensors to it" in page
    assert "Track as a knot" not in page and "Track a separate knot" in page
    # Once it is noted, the same finding just points to the knot; others offer a change.
    services.set_muscle(knot, "wrist-extensors")
    page = client_in.get(reverse("finder"), query).content.decode()
    assert "You already track this as" in page
    assert "Change its muscle to the" in page and "noted as the wrist extensors" in page


def test_it_offers_no_one_elses_and_no_untied_knot(
    client_in: Client, user: Any, stranger: Any
) -> None:
    from knotless.journal import services

    tz = "Europe/Berlin"
    services.add_knot(stranger, region="lateral-elbow", side="right", pain=5, tz_name=tz)
    mine = services.add_knot(user, region="lateral-elbow", side="right", pain=5, tz_name=tz)
    services.untie(mine, pain=0, tz_name=tz)
    services.add_knot(user, region="lateral-elbow", side="left", pain=5, tz_name=tz)
    page = client_in.get(reverse("finder"), {"m": "lateral-elbow:right:8"}).content.decode()
    assert "You already track" not in page and "Track as a knot" in page


def test_it_takes_a_sided_knot_between_the_shoulder_blades_for_a_centre_mark(
    client_in: Client, user: Any
) -> None:
    from knotless.journal import services

    client_in.post(reverse("safety_check"), {"areas": "back", "none": "1", "next": "/find/"})
    knot = services.add_knot(
        user, region="between-shoulder-blades", side="left", pain=5, tz_name="Europe/Berlin"
    )
    page = client_in.get(
        reverse("finder"), {"m": "between-shoulder-blades:center:7"}
    ).content.decode()
    assert "You already track a knot here" in page
    assert f'name="knot" value="{knot.pk}"' in page
