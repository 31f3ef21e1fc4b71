"""The red flags of the whole atlas (issue 16): the abdomen, the groin and pelvis, the lower leg
and the foot ask their own questions, and the gate treats them like the head, neck, chest and
back."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest

from knotless.atlas.regions import AtlasDataError, load_regions
from knotless.journal import services
from knotless.practice import planning
from knotless.safety import checklist
from knotless.safety.checklist import (
    AREAS,
    TIERS,
    UNSCREENED_GROUPS,
    area_of_region,
    areas_for,
    flags_for,
    load_flags,
)
from knotless.safety.policy import EMERGENCY, NEEDS_ANSWERS, OPEN, SEE_DOCTOR, Gates, knot_areas
from knotless.safety.screening import record

NEW_AREAS = ("abdomen", "pelvis", "leg", "foot")
TOML = Path(checklist.__file__).with_name("redflags.toml")


def _knot(user: Any, region: str, muscle: str = "", side: str = "left") -> Any:
    return services.add_knot(user, region=region, side=side, muscle=muscle, pain=5, tz_name="UTC")


# --- the questions ------------------------------------------------------------------------------


@pytest.mark.parametrize("area", NEW_AREAS)
def test_each_new_area_asks_urgent_questions_with_sources(area: str) -> None:
    asked = flags_for([area])
    own = [f for f in asked if set(f.areas) <= {*NEW_AREAS}]  # not only borrowed from the spine
    assert own, f"{area} has no questions of its own"
    assert {f.tier for f in asked} & {"emergency", "today"}, area
    assert [TIERS.index(f.tier) for f in asked] == sorted(TIERS.index(f.tier) for f in asked)
    for flag in asked:
        assert flag.question.endswith(".") and flag.why and flag.source, flag.id
    # What the reference names for these areas is asked somewhere among them.
    text = " ".join(f.question.lower() for f in asked)
    expected = {
        "abdomen": ("rigid", "fever", "pregnant", "bulge"),
        "pelvis": ("numbness between your legs", "testicle", "back passage", "pregnant"),
        "leg": ("swollen, warm", "have to stop", "pop"),
        "foot": ("sole", "red, hot and swollen", "pop", "tiptoe"),
    }[area]
    for words in expected:
        assert words in text, (area, words)


def test_the_new_flags_are_validated_like_the_old(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tomllib.loads(TOML.read_text(encoding="utf-8"))
    assert {a for entry in data["flag"] for a in entry["areas"]} == set(AREAS)
    bad = TOML.read_text(encoding="utf-8").replace('areas = ["leg"]', 'areas = ["shin"]', 1)
    assert bad != TOML.read_text(encoding="utf-8")
    (tmp_path / "redflags.toml").write_text(bad, encoding="utf-8")
    monkeypatch.setattr(checklist, "__file__", str(tmp_path / "checklist.py"))
    checklist.load_flags.cache_clear()
    try:
        with pytest.raises(AtlasDataError, match="areas must be some of"):
            checklist.load_flags()
    finally:
        monkeypatch.undo()
        checklist.load_flags.cache_clear()
    assert load_flags()  # the real file loads again


# --- the map from body-map regions to areas -----------------------------------------------------


@pytest.mark.parametrize("region", sorted(load_regions()))
def test_every_region_has_an_area_unless_its_group_is_deliberately_unscreened(
    region: str,
) -> None:
    group = load_regions()[region].group
    if group in UNSCREENED_GROUPS:
        assert region not in area_of_region()
    else:
        assert area_of_region().get(region) in AREAS, (
            f"{region} ({group}) asks no safety questions: give it an area in "
            "knotless/safety/checklist.py, or list its group as deliberately unscreened"
        )


def test_every_area_has_regions() -> None:
    assert set(area_of_region().values()) == set(AREAS)
    assert areas_for(["groin"]) == {"pelvis"}
    assert areas_for(["lower-abdomen"]) == {"abdomen"}
    assert areas_for(["front-of-knee", "outer-lower-leg"]) == {"leg"}
    assert areas_for(["arch-sole", "back-of-ankle"]) == {"foot"}
    assert areas_for(["coccyx", "low-back"]) == {"back"}  # unchanged


# --- the gate -----------------------------------------------------------------------------------


@pytest.mark.parametrize("area", ["abdomen", "pelvis", "leg"])
def test_an_emergency_answer_in_a_new_area_stops_every_exercise(user: Any, area: str) -> None:
    neck = _knot(user, "back-of-neck", "upper-trapezius")
    elbow = _knot(user, "lateral-elbow", "wrist-extensors")  # no questions of its own
    record(user, knot_areas(neck), [])
    assert Gates(user).for_knot(neck).state == OPEN
    emergency = next(f.id for f in flags_for([area]) if f.tier == "emergency")
    record(user, [area], [emergency])
    gates = Gates(user)
    assert gates.emergency is not None
    assert gates.for_knot(neck).state == EMERGENCY and gates.for_knot(elbow).state == EMERGENCY
    assert gates.for_areas(set()).state == EMERGENCY
    assert planning.todays_plan(user, minutes=10, place="floor").items == []


def test_a_today_answer_for_the_foot_holds_a_foot_knot_back(user: Any) -> None:
    heel = _knot(user, "heel", "soleus")
    record(user, knot_areas(heel), [next(f.id for f in flags_for(["foot"]) if f.tier == "today")])
    assert Gates(user).for_knot(heel).state == SEE_DOCTOR
    assert Gates(user).emergency is None


def test_a_calf_knot_gets_no_plan_until_its_questions_are_answered(user: Any) -> None:
    calf = _knot(user, "calf", "gastrocnemius")
    assert knot_areas(calf) == {"leg", "foot"}  # the calf, and the sole it sends pain to
    verdict = Gates(user).for_knot(calf)
    assert verdict.state == NEEDS_ANSWERS and verdict.areas == {"leg", "foot"}
    assert {f.id for f in Gates(user).questions(verdict)} >= {"B5", "B7", "C8"}
    dayplan = planning.todays_plan(user, minutes=10, place="floor")
    assert [calf.label, "answer the safety questions for this area first"] in dayplan.left_out
    assert not any(calf.pk in item["knots"] for item in dayplan.items)
    assert planning.pending_areas(user) == {"leg", "foot"}
    record(user, ["leg"], [])  # half the questions is not enough
    assert Gates(user).for_knot(calf).areas == {"foot"}
    record(user, ["foot"], [])
    dayplan = planning.todays_plan(user, minutes=10, place="floor", rebuild=True)
    assert not dayplan.left_out
    assert any(calf.pk in item["knots"] for item in dayplan.items)


def test_all_eight_areas_fit_in_one_stored_answer(user: Any) -> None:
    stored = record(user, AREAS, [])
    stored.refresh_from_db()
    assert stored.area_set == set(AREAS)
    limit = stored._meta.get_field("areas").max_length
    assert limit is not None and len(stored.areas) <= limit
    assert Gates(user).for_areas(AREAS).state == OPEN


def test_the_safety_page_asks_the_new_questions(client_in: Any) -> None:
    from django.urls import reverse
    from django.utils.html import escape

    page = client_in.get(reverse("safety_check"), {"areas": "abdomen,pelvis,leg,foot"})
    text = page.content.decode()
    asked = flags_for(NEW_AREAS)
    assert asked and all(escape(f.question) in text for f in asked)
    assert "Pain in the abdomen, foot, leg or pelvis is nearly always harmless" in text
