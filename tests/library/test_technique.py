"""Technique coaching for strength work (issue 14): the schema's checks and the library's data."""

from __future__ import annotations

from typing import Any

import pytest

from knotless.atlas.regions import AtlasDataError
from knotless.lib.importers import match_exercise
from knotless.library.exercises import EQUIPMENT, load_exercises, validate_exercises
from knotless.library.technique import TECHNIQUE_COUNTS, Fault, name_key

TECHNIQUE: dict[str, Any] = {
    "setup": ["Feet hip-width.", "Brace the belly."],
    "faults": [
        {"fault": "Rounding the low back.", "loads": "The spinal discs instead of the hips."},
        {"fault": "Shrugging.", "loads": "The upper trapezius."},
    ],
    "stop": ["Sharp pain: stop.", "Form breaks down: end the set."],
    "first_time": ["Empty bar first.", "Film a set from the side.", "Stop well short of failure."],
}
STRENGTH: dict[str, Any] = {
    "slug": "test-lift",
    "name": "Test lift",
    "kind": "strength",
    "primary": ["gluteus-maximus"],
    "position": "standing",
    "equipment": ["barbell"],
    "difficulty": 2,
    "dose": {"reps": 8, "sets": 3, "rest_seconds": 120},
    "steps": ["Lift it."],
    "cues": ["Brace"],
    "feel": "Work in the hips.",
    "mistakes": ["Rounding."],
    "cautions": ["Stop if it tingles."],
    "sources": ["ACSM 2009 progression"],
    "size": "large",
    "aliases": ["Test Lift (Barbell)"],
    "technique": TECHNIQUE,
}


def _load(*entries: dict[str, Any]) -> dict[str, Any]:
    return validate_exercises({"30-test.toml": {"exercise": list(entries)}})


def test_it_reads_the_technique_into_typed_objects() -> None:
    lift = _load(STRENGTH)["test-lift"]
    assert lift.size == "large"
    assert lift.aliases == ("Test Lift (Barbell)",)
    assert lift.technique is not None
    assert lift.technique.faults[0] == Fault(
        fault="Rounding the low back.", loads="The spinal discs instead of the hips."
    )
    assert lift.technique.first_time[1] == "Film a set from the side."


def _without(key: str) -> dict[str, Any]:
    return {k: v for k, v in STRENGTH.items() if k != key}


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        (_without("technique"), r"strength work needs a \[exercise.technique\] table"),
        (_without("size"), "strength work needs size"),
        ({**STRENGTH, "size": "huge"}, "strength work needs size"),
        ({**STRENGTH, "technique": {**TECHNIQUE, "setup": ["One step."]}}, "setup must be"),
        ({**STRENGTH, "technique": {**TECHNIQUE, "first_time": ["a", "b"]}}, "first_time must"),
        ({**STRENGTH, "technique": {**TECHNIQUE, "stop": ["  ", "x"]}}, "non-empty text"),
        (
            {**STRENGTH, "technique": {**TECHNIQUE, "faults": [{"fault": "x"}, {"fault": "y"}]}},
            "exactly 'fault'",
        ),
        (
            {**STRENGTH, "technique": {k: v for k, v in TECHNIQUE.items() if k != "stop"}},
            "missing stop",
        ),
        ({**STRENGTH, "technique": {**TECHNIQUE, "cues": ["x"]}}, "unknown cues"),
        ({**STRENGTH, "kind": "mobility", "dose": {"reps": 8, "sets": 2}}, "only strength work"),
    ],
)
def test_it_names_file_and_exercise_in_technique_errors(
    entry: dict[str, Any], message: str
) -> None:
    with pytest.raises(AtlasDataError, match=message) as caught:
        _load(entry)
    assert str(caught.value).startswith("30-test.toml: exercise #1 ('test-lift')")


def test_it_refuses_an_alias_that_another_exercise_uses() -> None:
    other = {**STRENGTH, "slug": "other-lift", "name": "Other lift"}
    taken = {**other, "aliases": ["(Barbell) test-lifts"]}
    with pytest.raises(AtlasDataError, match=r"exercise #2 \('other-lift'\).*of 'test-lift'"):
        _load(STRENGTH, taken)
    with pytest.raises(AtlasDataError, match="of 'test-lift'"):
        _load(STRENGTH, {**other, "aliases": ["LIFT TEST"]})


def test_it_refuses_an_alias_that_only_repeats_the_name() -> None:
    with pytest.raises(AtlasDataError, match="says the same as 'Test lift'"):
        _load({**STRENGTH, "aliases": ["Test Lifts"]})
    with pytest.raises(AtlasDataError, match="says the same as 'Lift A'"):
        _load({**STRENGTH, "aliases": ["Lift A", "lift-a"]})


def _known() -> dict[str, list[str]]:
    """What the importers are given: every strength exercise's names."""
    return {
        slug: [e.name, slug.replace("-", " "), *e.aliases]
        for slug, e in load_exercises().items()
        if e.kind == "strength"
    }


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Deadlift (Barbell)", "deadlift"),
        ("Romanian Deadlift (Barbell)", "romanian-deadlift"),
        ("RDL", "romanian-deadlift"),
        ("Squat (Barbell)", "back-squat"),
        ("Bent Over Row (Barbell)", "barbell-row"),
        ("Bench Press (Barbell)", "bench-press"),
        ("Overhead Press (Barbell)", "overhead-press"),
        ("Hex Bar Deadlift", "trap-bar-deadlift"),
        ("Goblet Squat (Kettlebell)", "goblet-squat"),
        ("Dumbbell Row", "one-arm-dumbbell-row"),
        ("Lateral Raise (Dumbbell)", "dumbbell-lateral-raise"),
        ("Push Ups", "push-up"),
    ],
)
def test_other_apps_names_find_the_lift(name: str, slug: str) -> None:
    assert match_exercise(name, _known()) == slug


def test_every_alias_finds_its_own_exercise_and_no_other() -> None:
    known = _known()
    for slug, names in known.items():
        for name in names:
            assert match_exercise(name, known) == slug, (name, slug)


def test_every_strength_exercise_is_coached() -> None:
    strength = [e for e in load_exercises().values() if e.kind == "strength"]
    assert len(strength) >= 26
    for e in strength:
        assert e.size in ("large", "small"), e.slug
        assert e.technique is not None, e.slug
        for key, (low, high) in TECHNIQUE_COUNTS.items():
            assert low <= len(getattr(e.technique, key)) <= high, (e.slug, key)


def test_aliases_are_unique_across_the_library() -> None:
    seen: dict[frozenset[str], str] = {}
    for e in load_exercises().values():
        for name in (e.name, *e.aliases):
            owner = seen.setdefault(name_key(name), e.slug)
            assert owner == e.slug, (name, owner, e.slug)


def test_it_knows_gym_equipment() -> None:
    assert {"barbell", "kettlebell", "bench"} <= set(EQUIPMENT)


GYM_LIFTS = (
    "deadlift",
    "romanian-deadlift",
    "trap-bar-deadlift",
    "back-squat",
    "goblet-squat",
    "barbell-row",
    "bench-press",
    "overhead-press",
    "kettlebell-swing",
)
GYM_ONLY = frozenset({"barbell", "trap-bar", "rack", "bench", "kettlebell"})


def test_the_gym_lifts_are_there_with_an_easier_variant_to_learn_on() -> None:
    library = load_exercises()
    for slug in GYM_LIFTS:
        lift = library[slug]
        assert lift.kind == "strength", slug
        assert lift.easier in library, slug
        assert library[lift.easier].difficulty <= lift.difficulty, slug
    assert library["back-squat"].easier == "goblet-squat"
    assert library["barbell-row"].easier == "one-arm-dumbbell-row"


def test_the_big_lifts_step_up_in_large_steps_and_the_presses_in_small_ones() -> None:
    library = load_exercises()
    for slug in ("deadlift", "romanian-deadlift", "back-squat", "kettlebell-swing"):
        assert library[slug].size == "large", slug
    for slug in ("bench-press", "overhead-press", "one-arm-dumbbell-row", "push-up"):
        assert library[slug].size == "small", slug


def test_a_barbell_squat_or_bench_needs_a_rack_with_safety_bars() -> None:
    library = load_exercises()
    for slug in ("back-squat", "bench-press"):
        assert "rack" in library[slug].equipment, slug


def test_no_place_assumes_gym_equipment_nobody_ticked() -> None:
    from knotless.lib.planner import PLACE_EQUIPMENT

    for place, have in PLACE_EQUIPMENT.items():
        assert not have & GYM_ONLY, place
