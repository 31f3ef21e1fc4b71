"""A programme from a physio: the document is checked strictly, the physio writes it without an
account, the person reviews and adds it, and the plan follows it with the physio's doses and
under the safety gate."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.urls import reverse

from knotless.journal import services as journal
from knotless.physio import doc
from knotless.physio.models import Programme
from knotless.physio.plan import active
from knotless.practice import planning
from knotless.practice.services import routine, token_for
from knotless.safety import screening
from knotless.safety.checklist import flags_for
from knotless.safety.policy import knot_areas

GOOD = {
    "format": "knotless-programme",
    "version": 1,
    "from": "Sam Reyes, physio",
    "written": "2026-12-04",
    "note": "Three weeks, then we look again.",
    "items": [
        {
            "slug": "chin-tuck",
            "dose": {"sets": 4, "reps": 12},
            "days_per_week": 7,
            "note": "Slowly.",
        },
        {
            "slug": "upper-trapezius-side-bend-stretch",
            "dose": {"sets": 2, "hold_seconds": 45, "per_side": True},
            "days_per_week": 7,
        },
        {
            "name": "Towel scrunches",
            "description": "Seated, scrunch a towel toward you with the toes.",
            "dose": {"sets": 2, "reps": 15},
            "days_per_week": 7,
        },
    ],
}


def _text(**changes: Any) -> str:
    return json.dumps(GOOD | changes)


def test_a_good_programme_reads_and_survives_the_link() -> None:
    made = doc.read(_text())
    assert [i.name for i in made.items][2] == "Towel scrunches"
    assert made.items[0].dose_words == "12 reps × 4 sets, every day"
    assert made.items[1].dose_words == "hold 45 s × 2 sets, each side, every day"
    link = "https://knots.example/physio/review/#" + made.fragment()
    assert doc.read(link) == made
    assert doc.read(made.to_json()) == made


LONG = {"sets": 1, "reps": 50, "hold_seconds": 180}
OVER = {"sets": 1, "reps": 11, "hold_seconds": 60}


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"format": "other"}, "not a knotless programme"),
        ({"version": 2}, "version 2"),
        ({"from": ""}, "Who it is from is missing"),
        ({"items": []}, "no exercises"),
        ({"items": [{"slug": "no-such", "dose": {"sets": 1, "reps": 5}}]}, "not in knotless's"),
        ({"items": [{"slug": "chin-tuck", "dose": {"sets": 11, "reps": 5}}]}, "from 1 to 10"),
        ({"items": [{"slug": "chin-tuck", "dose": {"sets": 2}}]}, "needs reps or a hold"),
        (
            {"items": [{"slug": "chin-tuck", "dose": LONG}]},
            "150 minutes a set",
        ),
        (
            {"items": [{"slug": "chin-tuck", "dose": OVER}]},
            "at most 10 minutes",
        ),
        ({"items": [{"slug": "chin-tuck", "dose": {"sets": True, "reps": 5}}]}, "whole number"),
        ({"items": [{"name": "X", "dose": {"sets": 1, "reps": 5}}]}, "description is missing"),
        (
            {"items": [{"slug": "chin-tuck", "dose": {"sets": 1, "reps": 5}, "days_per_week": 8}]},
            "days a week",
        ),
        ({"written": "yesterday"}, "not a date"),
        ({"note": "x" * 1001}, "longer than 1000"),
        ({"version": True}, "version True"),
        ({"written": 20261204}, "not a date"),
        ({"from": "Sam\ud800"}, "not text"),  # a lone surrogate: no page or database holds it
        ({"from": "Sam\u0007\u001b[31m"}, "not text"),  # a bell and a terminal colour
        (
            {"items": [{"slug": "chin-tuck", "dose": {"sets": 1, "reps": 5}}] * 2},
            "Seated chin tuck is in the programme twice",
        ),
    ],
)
def test_a_bad_programme_is_refused_in_words(changes: dict[str, Any], words: str) -> None:
    with pytest.raises(doc.ProgrammeError, match=words):
        doc.read(_text(**changes))


def test_a_file_with_a_byte_order_mark_reads() -> None:
    assert doc.read("\ufeff" + _text()).source == "Sam Reyes, physio"


def test_a_lone_surrogate_in_a_link_is_refused_in_words_not_a_server_error(
    client: Any, user: Any
) -> None:
    import base64

    raw = _text(**{"from": "Sam\ud800"}).encode()
    fragment = "#programme=" + base64.urlsafe_b64encode(raw).decode().rstrip("=")
    client.force_login(user)
    review = client.post(reverse("physio_review"), {"text": fragment})
    assert review.status_code == 400 and "not text" in review.content.decode()
    added = client.post(reverse("physio_add"), {"programme": raw.decode()})
    assert added.status_code == 302 and active(user) is None


def test_foreign_and_broken_input_is_refused() -> None:
    for text, words in [
        ("not json", "not JSON"),
        ("9" * 5000, "not JSON"),
        ("[" * 60_000, "not JSON"),
        ("[1, 2]", "not a knotless programme"),
        ("#programme=%%%", "cut short"),
        ("x" * (doc.MAX_BYTES + 1), "64 KB"),
    ]:
        with pytest.raises(doc.ProgrammeError, match=words):
            doc.read(text)


def test_the_days_spread_over_the_week() -> None:
    assert doc.days_of(7) == frozenset(range(7))
    assert doc.days_of(3) == {0, 2, 5}
    assert len(doc.days_of(5)) == 5 and doc.days_of(1) == {0}


def test_a_physio_writes_one_without_an_account(client: Any, db: Any) -> None:
    page = client.get(reverse("physio_write"))
    assert page.status_code == 200
    form = {
        "source": "Sam Reyes",
        "note": "Gently.",
        "item-TOTAL_FORMS": "6",
        "item-INITIAL_FORMS": "0",
        "item-0-slug": "chin-tuck",
        "item-0-sets": "3",
        "item-0-reps": "10",
        "item-0-days_per_week": "5",
        "item-1-name": "Towel scrunches",
        "item-1-description": "Scrunch a towel with the toes.",
        "item-1-sets": "2",
        "item-1-reps": "15",
    }
    made = client.post(reverse("physio_write"), form | {"as": "link"})
    assert made.status_code == 200
    html = made.content.decode()
    fragment = html.split("/physio/review/#", 1)[1].split("<", 1)[0]
    read = doc.read(fragment)
    assert [i.name for i in read.items] == ["Seated chin tuck", "Towel scrunches"]
    assert read.items[0].days_per_week == 5 and read.source == "Sam Reyes"
    file = client.post(reverse("physio_write"), form | {"as": "file"})
    assert file["Content-Disposition"].startswith("attachment")
    assert doc.read(file.content.decode()) == read
    assert not Programme.objects.exists()  # nothing stored
    bad = client.post(reverse("physio_write"), form | {"item-0-sets": "", "as": "link"})
    assert bad.status_code == 400 and "Exercise 1" in bad.content.decode()


def _knot(user: Any, answers: list[str] | None = None) -> Any:
    knot = journal.add_knot(
        user, region="back-of-neck", side="left", pain=5, tz_name="UTC", muscle="upper-trapezius"
    )
    screening.record(user, knot_areas(knot), answers or [])
    return knot


def test_the_person_reviews_adds_and_the_plan_follows_the_physio(client: Any, user: Any) -> None:
    _knot(user)
    client.force_login(user)
    fragment = doc.read(_text()).fragment()
    review = client.post(reverse("physio_review"), {"text": fragment})
    assert review.status_code == 200
    html = review.content.decode()
    assert "From Sam Reyes, physio" in html and "Towel scrunches" in html
    assert "12 reps × 4 sets, every day" in html
    payload = html.split('name="programme" value="', 1)[1].split('"', 1)[0]
    added = client.post(reverse("physio_add"), {"programme": _unescape(payload)})
    assert added.status_code == 302
    programme = active(user)
    assert programme is not None and programme.source == "Sam Reyes, physio"
    plan = planning.todays_plan(user, minutes=20)
    first, second = plan.items[0], plan.items[1]
    assert (
        first["slug"] == "chin-tuck"
        and first["physio"]
        and first["reason"].startswith("From your physio (Sam Reyes, physio)")
    )
    played = {p.exercise.slug: p.exercise for p in planning.planned(plan)}
    assert played["chin-tuck"].dose.reps == 12 and played["chin-tuck"].dose.sets == 4
    stretch = played["upper-trapezius-side-bend-stretch"]
    assert (stretch.dose.hold_seconds, stretch.dose.sets, stretch.dose.per_side) == (45, 2, True)
    # Once only, whatever the planner wanted: its own progression never replaces the dose.
    assert [i["slug"] for i in plan.items].count("upper-trapezius-side-bend-stretch") == 1
    # The player plays the physio's dose.
    [tucked] = routine([token_for(played["chin-tuck"])])
    assert (tucked.dose.reps, tucked.dose.sets) == (12, 4)
    page = client.get(reverse("plan")).content.decode()
    assert "From your physio (Sam Reyes, physio)" in page and "Towel scrunches" in page
    assert second["physio"]
    client.post(reverse("physio_stop"))
    assert active(user) is None
    # The plan page seen a moment ago is not served again from the page cache.
    assert "From your physio" not in client.get(reverse("plan")).content.decode()
    again = planning.todays_plan(user, minutes=20)
    assert not any(i.get("physio") for i in again.items)


def _unescape(text: str) -> str:
    import html

    return html.unescape(text)


def test_the_safety_gate_holds_a_physio_item_back(client: Any, user: Any) -> None:
    knot = journal.add_knot(
        user, region="back-of-neck", side="left", pain=5, tz_name="UTC", muscle="upper-trapezius"
    )
    urgent = [f.id for f in flags_for(knot_areas(knot)) if f.tier == "today"][:1]
    screening.record(user, knot_areas(knot), urgent)
    made = doc.read(_text())
    Programme.objects.create(user=user, source=made.source, items=[i.as_dict() for i in made.items])
    plan = planning.todays_plan(user, minutes=20)
    assert "upper-trapezius-side-bend-stretch" not in [i["slug"] for i in plan.items]
    reasons = dict(plan.left_out)
    assert any("physio" in label for label in reasons), reasons
    client.force_login(user)
    review = client.post(reverse("physio_review"), {"text": made.fragment()}).content.decode()
    assert "Not today" in review
    # An exercise described in words works muscles no gate can name: the plan says to ask first.
    page = client.get(reverse("plan")).content.decode()
    assert "Towel scrunches" in page and "Ask your physio before you do them." in page


def test_described_exercises_carry_no_caution_while_nothing_is_held_back(
    client: Any, user: Any
) -> None:
    _knot(user)
    made = doc.read(_text())
    Programme.objects.create(user=user, source=made.source, items=[i.as_dict() for i in made.items])
    client.force_login(user)
    page = client.get(reverse("plan")).content.decode()
    assert "Towel scrunches" in page and "Ask your physio before you do them." not in page


def test_a_bad_upload_changes_nothing(client: Any, user: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(user)
    answer = client.post(
        reverse("physio_review"), {"file": SimpleUploadedFile("p.json", b"{not json")}
    )
    assert answer.status_code == 400 and "not JSON" in answer.content.decode()
    refused = client.post(reverse("physio_add"), {"programme": "{}"}, follow=True)
    assert "Nothing was added" in refused.content.decode()
    assert not Programme.objects.exists()


@pytest.mark.parametrize(
    "token",
    ["chin-tuck~0.10.0.0", "chin-tuck~3.0.0.0", "chin-tuck~3.10.0", "chin-tuck~3.10.0.2",
     "chin-tuck~11.10.0.0", "chin-tuck~3.51.0.0", "chin-tuck~3.10.181.0", "chin-tuck~3.1e1.0.0",
     "chin-tuck~3.10.0.0000", "chin-tuck~٣.10.0.0", "chin-tuck~1.11.60.0"],
)  # fmt: skip
def test_a_whole_dose_token_out_of_range_is_refused(token: str) -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="dose for"):
        routine([token])


@pytest.mark.parametrize(("reps", "hold"), [(10, 60), (3, 30), (50, 12), (1, 180)])
def test_reps_with_a_hold_each_are_read_up_to_ten_minutes_a_set(reps: int, hold: int) -> None:
    dose = {"sets": 2, "reps": reps, "hold_seconds": hold}
    made = doc.read(json.dumps(GOOD | {"items": [{"slug": "chin-tuck", "dose": dose}]}))
    assert (made.items[0].reps, made.items[0].hold_seconds) == (reps, hold)
    [played] = routine([f"chin-tuck~2.{reps}.{hold}.0"])
    assert (played.dose.reps, played.dose.hold_seconds) == (reps, hold)


def test_a_whole_dose_token_plays_that_dose() -> None:
    [hold] = routine(["upper-trapezius-side-bend-stretch~2.0.45.1"])
    assert (hold.dose.sets, hold.dose.reps, hold.dose.hold_seconds, hold.dose.per_side) == (
        2,
        0,
        45,
        True,
    )


def _follow(user: Any, *slugs: str) -> None:
    items = [{"slug": s, "dose": {"sets": 3, "reps": 10}, "days_per_week": 7} for s in slugs]
    made = doc.read(json.dumps(GOOD | {"items": items}))
    Programme.objects.create(user=user, source=made.source, items=[i.as_dict() for i in made.items])


@pytest.mark.parametrize("tier", ["today", "soon", None])
def test_an_exercise_naming_no_muscle_is_held_back_with_any_knot_held(user: Any, tier: Any) -> None:
    from knotless.library.exercises import load_exercises
    from knotless.safety.guard import offers

    lift = load_exercises()["chin-tuck-head-lift"]
    assert not lift.primary and not lift.secondary and lift.kind == "strength"
    knot = journal.add_knot(
        user, region="back-of-neck", side="left", pain=5, tz_name="UTC", muscle="upper-trapezius"
    )
    if tier:  # None: the safety questions are not answered yet
        ticked = [f.id for f in flags_for(knot_areas(knot)) if f.tier == tier][:1]
        screening.record(user, knot_areas(knot), ticked)
    _follow(user, "chin-tuck-head-lift")
    plan = planning.todays_plan(user, minutes=20)
    assert "chin-tuck-head-lift" not in [i["slug"] for i in plan.items]
    assert "chin-tuck-head-lift" in offers(user, [lift]).held  # the player agrees


def test_the_plan_offers_nothing_the_player_would_refuse(user: Any) -> None:
    from knotless.library.exercises import load_exercises
    from knotless.safety.guard import offers

    # A gentle-only knot without a muscle: the plan guesses two muscles, the player reads zones.
    knot = journal.add_knot(user, region="back-of-neck", side="left", pain=5, tz_name="UTC")
    soon = [f.id for f in flags_for(knot_areas(knot)) if f.tier == "soon"][:1]
    screening.record(user, knot_areas(knot), soon)
    _follow(user, "seated-band-external-rotation")
    plan = planning.todays_plan(user, minutes=20)
    band = load_exercises()["seated-band-external-rotation"]
    assert "seated-band-external-rotation" in offers(user, [band]).held
    assert "seated-band-external-rotation" not in [i["slug"] for i in plan.items]


def test_stopping_takes_the_physios_exercises_out_of_an_edited_plan(client: Any, user: Any) -> None:
    from knotless.practice import plan_edits

    _knot(user)
    _follow(user, "dumbbell-shrug")
    plan = planning.todays_plan(user, minutes=20)
    assert "dumbbell-shrug" in [i["slug"] for i in plan.items]
    plan_edits.remove(plan, len(plan.items) - 1)
    plan.refresh_from_db()
    assert plan.edited
    client.force_login(user)
    client.post(reverse("physio_stop"))
    after = planning.todays_plan(user, minutes=20)
    assert not any(i.get("physio") for i in after.items)
    assert any("no longer follow" in note for note in after.notes)
    assert "From your physio" not in client.get(reverse("plan")).content.decode()
