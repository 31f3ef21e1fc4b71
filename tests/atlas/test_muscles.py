from __future__ import annotations

from typing import Any

import pytest

from knotless.atlas.muscles import GROUPS, get_muscle, load_muscles, validate_muscles
from knotless.atlas.regions import AtlasDataError
from knotless.lib.finder import find

GOOD: dict[str, Any] = {
    "slug": "test-muscle",
    "name": "Test muscle",
    "anatomical": "Musculus testus",
    "group": "shoulder",
    "prevalence": "common",
    "trigger_points": "Somewhere.",
    "essential": ["temple"],
    "find_it": "Press.",
    "release": "Hold.",
    "perpetuating": ["Typing."],
    "sources": ["KEY"],
}


def test_it_has_at_least_forty_muscles_across_the_body() -> None:
    muscles = load_muscles()
    assert len(muscles) >= 40
    covered = {m.group for m in muscles.values()}
    for group in (
        "head-neck",
        "arm",
        "shoulder",
        "chest",
        "upper-back",
        "lower-back",
        "hip",
        "forearm-hand",
        "thigh",
        "leg-foot",
    ):
        assert group in covered, group
    assert covered <= set(GROUPS)


def test_it_describes_every_muscle_fully() -> None:
    for muscle in load_muscles().values():
        assert muscle.essential and muscle.perpetuating and muscle.sources, muscle.slug
        assert len(muscle.release) > 40 and len(muscle.find_it) > 20, muscle.slug
        assert not set(muscle.essential) & set(muscle.spillover), muscle.slug
        assert muscle.cautions, muscle.slug
        assert any("sharp" in c.lower() or "tingl" in c.lower() for c in muscle.cautions), (
            muscle.slug
        )


def test_it_warns_about_the_chest_and_the_front_of_the_neck() -> None:
    muscles = load_muscles()
    for slug, muscle in muscles.items():
        if "front-of-chest" in muscle.zones:
            text = " ".join(muscle.cautions).lower()
            assert "chest" in text and ("heart" in text or "medical" in text), slug


def test_it_gives_each_muscle_its_own_pattern() -> None:
    patterns: dict[tuple[str, ...], str] = {}
    for slug, muscle in load_muscles().items():
        key = tuple(sorted(muscle.essential))
        assert key not in patterns, f"{slug} and {patterns.get(key)} share essential zones {key}"
        patterns[key] = slug


@pytest.mark.parametrize("slug", sorted(load_muscles()))
def test_it_ranks_a_muscle_first_when_exactly_its_usual_zones_are_marked(slug: str) -> None:
    muscle = load_muscles()[slug]
    ranked = find(dict.fromkeys(muscle.essential, 1.0), load_muscles().values())
    assert ranked[0].slug == slug, [(f.slug, round(f.score, 3)) for f in ranked[:3]]


def test_it_finds_a_muscle_by_slug_and_suggests_on_a_typo() -> None:
    assert get_muscle("upper-trapezius").name
    with pytest.raises(KeyError, match="Did you mean"):
        get_muscle("upper-trapezus")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"essential": ["tempel"]}, "not a body-map region. Did you mean temple"),
        ({"group": "toes"}, "group 'toes'"),
        ({"prevalence": "always"}, "prevalence"),
        ({"slug": "Bad Slug"}, "lowercase"),
        ({"contexts": ["golf"]}, "context 'golf'"),
        ({"spillover": ["temple"]}, "both essential and spillover"),
        ({"essential": []}, "must not be empty"),
        ({"colour": "red"}, "unknown colour"),
    ],
)
def test_it_names_the_file_and_muscle_in_data_errors(change: dict[str, Any], message: str) -> None:
    with pytest.raises(AtlasDataError, match=message) as caught:
        validate_muscles({"neck.toml": {"muscle": [{**GOOD, **change}]}})
    assert "neck.toml: muscle #1" in str(caught.value)


def test_it_refuses_a_slug_used_twice() -> None:
    with pytest.raises(AtlasDataError, match="used twice"):
        validate_muscles({"a.toml": {"muscle": [GOOD]}, "b.toml": {"muscle": [GOOD]}})


def test_a_muscle_without_self_care_names_who_treats_it_and_is_never_planned() -> None:
    from knotless.atlas.muscles import validate_muscle
    from knotless.atlas.regions import AtlasDataError

    entry = {
        "slug": "test-muscle",
        "name": "Test muscle",
        "anatomical": "Test",
        "group": "pelvis",
        "prevalence": "occasional",
        "trigger_points": "Somewhere.",
        "essential": ["groin"],
        "find_it": "By a professional.",
        "release": "Relaxed breathing; the rest is for a professional.",
        "perpetuating": ["Sitting."],
        "sources": ["X"],
        "self_care": False,
    }
    with pytest.raises(AtlasDataError, match="who treats it"):
        validate_muscle(entry, where="test")
    muscle = validate_muscle({**entry, "treated_by": "a pelvic-health physiotherapist"}, where="t")
    assert not muscle.self_care
    assert muscle.treated_by == "a pelvic-health physiotherapist"
