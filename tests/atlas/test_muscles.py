from __future__ import annotations

from typing import Any

import pytest

from knotless.atlas.muscles import GROUPS, get_muscle, load_muscles, validate_muscles
from knotless.atlas.regions import AtlasDataError
from knotless.lib.finder import find, shared_patterns

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


#: Muscles whose usual zones the reference gives as identical and no body-map region separates,
#: in the order the finder ranks them on that bare pattern (the more specific first). A new pair
#: must be a decision written here, not an accident of the data.
SHARED_PATTERNS = [
    ("flexor-digitorum-brevis", "abductor-digiti-minimi-foot"),
    ("intercostals", "diaphragm"),
    ("popliteus", "plantaris"),
    ("posterior-deltoid", "teres-minor"),
    ("thumb-muscles", "brachialis"),
]
FIRST_OF_SHARED = {group[0] for group in SHARED_PATTERNS}
PARTNER = {slug: group for group in SHARED_PATTERNS for slug in group}


def test_it_gives_each_muscle_its_own_pattern_but_the_documented_pairs() -> None:
    patterns: dict[tuple[str, ...], list[str]] = {}
    for slug, muscle in load_muscles().items():
        patterns.setdefault(tuple(sorted(muscle.essential)), []).append(slug)
    shared = sorted(sorted(slugs) for slugs in patterns.values() if len(slugs) > 1)
    assert shared == sorted(sorted(group) for group in SHARED_PATTERNS)
    assert shared_patterns(load_muscles().values()) == sorted(SHARED_PATTERNS)


def _top(marks: dict[str, float]) -> list[tuple[str, float]]:
    return [(f.slug, round(f.score, 3)) for f in find(marks, load_muscles().values())[:3]]


@pytest.mark.parametrize("slug", sorted(set(load_muscles()) - set(PARTNER) | FIRST_OF_SHARED))
def test_it_ranks_a_muscle_first_when_exactly_its_usual_zones_are_marked(slug: str) -> None:
    muscle = load_muscles()[slug]
    ranked = _top(dict.fromkeys(muscle.essential, 1.0))
    assert ranked[0][0] == slug, ranked


@pytest.mark.parametrize("group", SHARED_PATTERNS, ids="/".join)
def test_a_shared_pattern_goes_to_the_more_specific_muscle_then_to_the_evidence(
    group: tuple[str, ...],
) -> None:
    muscles = load_muscles()
    first, *others = group
    pattern = dict.fromkeys(muscles[first].essential, 1.0)
    ranked = [slug for slug, _ in _top(pattern)]
    # On the bare pattern the partners are the first two: nothing wider crowds them out.
    assert ranked[: len(group)] == list(group)
    for slug in others:
        # Its own occasional zones (places the partner does not reach) bring it to the top, even
        # marked faintly.
        own = [z for z in muscles[slug].spillover if z not in muscles[first].zones]
        assert own, slug
        for zone in own:
            for intensity in (1.0, 0.3):
                top = _top({**pattern, zone: intensity})
                assert top[0][0] == slug, (zone, intensity, top)


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
