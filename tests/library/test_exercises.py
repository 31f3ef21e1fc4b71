from __future__ import annotations

from typing import Any

import pytest

from knotless.atlas.muscles import load_muscles
from knotless.atlas.regions import AtlasDataError
from knotless.lib.sequence import item_seconds
from knotless.library.exercises import load_exercises, validate_exercises
from tests.library.awaiting import AWAITING_EXERCISES

GOOD: dict[str, Any] = {
    "slug": "test-stretch",
    "name": "Test stretch",
    "kind": "stretch",
    "primary": ["upper-trapezius"],
    "position": "seated",
    "equipment": ["none"],
    "difficulty": 1,
    "dose": {"hold_seconds": 30, "sets": 2, "per_side": True, "rest_seconds": 10},
    "steps": ["Sit tall."],
    "cues": ["Breathe out"],
    "feel": "A gentle stretch.",
    "mistakes": ["Shrugging."],
    "cautions": ["Stop if it tingles."],
    "sources": ["ACSM 2011"],
}


def test_it_has_at_least_seventy_exercises_of_every_kind() -> None:
    library = load_exercises()
    assert len(library) >= 70
    assert {e.kind for e in library.values()} == {"release", "stretch", "mobility", "strength"}


def test_it_gives_every_atlas_muscle_a_release_or_stretch() -> None:
    covered = {
        m for e in load_exercises().values() if e.kind in ("release", "stretch") for m in e.primary
    }
    # A muscle that is not for self-treatment gets no exercise: knotless names who treats it.
    self_care = {slug for slug, muscle in load_muscles().items() if muscle.self_care}
    assert sorted(self_care - covered - AWAITING_EXERCISES) == []
    # The waiting list is exact: only self-care muscles that really have nothing yet.
    done = sorted(AWAITING_EXERCISES - (self_care - covered))
    assert done == [], f"take these off tests/library/awaiting.py: {done}"


@pytest.mark.parametrize(
    "target",
    [
        "middle-trapezius",
        "lower-trapezius",
        "rhomboids",
        "infraspinatus",
        "supraspinatus",
        "subscapularis",
        "gluteus-medius",
        "gluteus-maximus",
        "deep neck flexors",
        "core",
    ],
)
def test_it_strengthens_what_weakens_at_a_desk(target: str) -> None:
    assert any(
        e.kind == "strength" and (target in e.primary or target in e.trains)
        for e in load_exercises().values()
    ), target


def test_it_doses_stretches_to_about_a_minute_per_muscle() -> None:
    for e in load_exercises().values():
        if e.kind == "stretch":
            assert 15 <= e.dose.hold_seconds <= 60, e.slug
            assert 30 <= e.dose.hold_seconds * e.dose.sets <= 120, e.slug
        if e.kind == "release":
            assert 30 <= e.dose.hold_seconds <= 90, e.slug


def test_it_offers_desk_exercises_under_two_minutes() -> None:
    desk = [e for e in load_exercises().values() if e.desk]
    assert len(desk) >= 8
    for e in desk:
        assert e.position == "seated", e.slug
        assert item_seconds(e.dose) <= 120, (e.slug, item_seconds(e.dose))


def test_it_links_variants_in_the_right_direction() -> None:
    library = load_exercises()
    for e in library.values():
        if e.easier:
            assert library[e.easier].difficulty <= e.difficulty, e.slug
        if e.harder:
            assert library[e.harder].difficulty >= e.difficulty, e.slug


def test_it_has_short_spoken_cues() -> None:
    for e in load_exercises().values():
        assert all(len(c.split()) <= 10 for c in e.cues), e.slug


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"kind": "yoga"}, "kind must be one of"),
        ({"primary": ["upper-traps"]}, "not a muscle in the atlas"),
        ({"equipment": ["sandbag"]}, "equipment 'sandbag'"),
        (
            {"dose": {"hold_seconds": 120, "sets": 1}},
            "dose.hold_seconds must be a whole number from 0 to 60",
        ),
        ({"kind": "release", "dose": {"hold_seconds": 10, "sets": 1}}, "holds 30-90 s"),
        ({"dose": {"hold_seconds": 30, "reps": 5, "sets": 1}}, "not both"),
        ({"difficulty": 5}, "difficulty"),
        ({"harder": "nope"}, "harder 'nope' does not exist"),
        ({"primary": []}, "'primary' must not be empty"),
    ],
)
def test_it_names_the_exercise_in_data_errors(change: dict[str, Any], message: str) -> None:
    with pytest.raises(AtlasDataError, match=message):
        validate_exercises({"a.toml": {"exercise": [{**GOOD, **change}]}})


def test_it_accepts_muscles_outside_the_atlas_in_words() -> None:
    entry = {
        **GOOD,
        "kind": "strength",
        "primary": [],
        "trains": ["deep neck flexors"],
        "dose": {"reps": 10, "sets": 2, "rest_seconds": 30},
        "size": "small",
        "technique": {
            "setup": ["Sit tall.", "Eyes level."],
            "faults": [
                {"fault": "Nodding.", "loads": "The neck bending forward."},
                {"fault": "Straining.", "loads": "The big neck muscles."},
            ],
            "stop": ["Tingling: stop.", "Dizziness: stop."],
            "first_time": ["Against a wall.", "Small motion.", "Breathe."],
        },
    }
    assert validate_exercises({"a.toml": {"exercise": [entry]}})["test-stretch"].trains == (
        "deep neck flexors",
    )
