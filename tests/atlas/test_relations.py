from __future__ import annotations

import copy
import tomllib
from typing import Any

import pytest

from knotless.atlas.muscles import load_muscles
from knotless.atlas.regions import AtlasDataError
from knotless.atlas.relations import PATH, TRAINED_GROUPS, load_relations, validate_relations
from knotless.library.exercises import load_exercises

MUSCLES = list(load_muscles())


def _trained_by(kinds: tuple[str, ...]) -> dict[str, set[str]]:
    """Muscle or group -> slugs of the library exercises of ``kinds`` that work it (primary,
    secondary or trains), the same test the planner uses to pick exercises."""
    found: dict[str, set[str]] = {}
    for exercise in load_exercises().values():
        if exercise.kind in kinds:
            for target in (*exercise.primary, *exercise.secondary, *exercise.trains):
                found.setdefault(target, set()).add(exercise.slug)
    return found


STRENGTH = _trained_by(("strength",))
EASING = _trained_by(("release", "stretch"))


def _data() -> dict[str, Any]:
    """The real data, freshly parsed, for a test to break in one place."""
    return copy.deepcopy(tomllib.loads(PATH.read_text(encoding="utf-8")))


def _entry(data: dict[str, Any], slug: str) -> dict[str, Any]:
    return next(e for e in data["relation"] if e["slug"] == slug)


def test_it_loads_one_relation_per_atlas_muscle_in_atlas_order() -> None:
    relations = load_relations()
    assert list(relations) == MUSCLES
    for slug, relation in relations.items():
        assert relation.slug == slug
        assert len(relation.tight) <= 3 and len(relation.weak) <= 3, slug
        assert relation.why.endswith(".") and len(relation.why) < 160, slug


def test_it_keeps_the_rhomboids_as_the_overstretched_muscle() -> None:
    relations = load_relations()
    rhomboids = relations["rhomboids"]
    assert not rhomboids.stretch_own
    assert rhomboids.tight[:2] == ("pectoralis-major", "pectoralis-minor")
    assert {"middle-trapezius", "lower-trapezius"} <= set(rhomboids.weak)
    # Only the rhomboids: the atlas gives every other muscle, the middle and lower trapezius
    # included, a stretch of its own.
    assert [s for s, r in relations.items() if not r.stretch_own] == ["rhomboids"]


def test_it_follows_the_desk_posture_picture() -> None:
    relations = load_relations()
    upper = relations["upper-trapezius"]
    assert set(upper.tight) == {"levator-scapulae", "scalenes", "pectoralis-minor"}
    assert set(upper.weak) == {"lower-trapezius", "middle-trapezius", "deep neck flexors"}
    assert {"gluteus-medius", "core"} <= set(relations["quadratus-lumborum"].weak)
    for back in ("iliocostalis-lumborum", "longissimus", "lumbar-multifidi"):
        assert set(relations[back].tight) == {"iliopsoas", "hamstrings", "quadratus-lumborum"}
        assert {"gluteus-maximus", "core"} <= set(relations[back].weak)


@pytest.mark.parametrize("slug", MUSCLES)
def test_it_only_asks_to_strengthen_what_the_library_trains(slug: str) -> None:
    for target in load_relations()[slug].weak:
        assert STRENGTH.get(target), f"{slug}: no strength exercise trains {target!r}"


@pytest.mark.parametrize("slug", MUSCLES)
def test_it_only_asks_to_ease_what_the_library_releases_or_stretches(slug: str) -> None:
    for target in load_relations()[slug].tight:
        assert EASING.get(target), f"{slug}: no release or stretch works on {target!r}"


def test_it_checks_against_every_trained_group_the_library_uses() -> None:
    # A group the loader accepts but no exercise trains could never be acted on.
    for group in TRAINED_GROUPS:
        assert STRENGTH.get(group), group


def test_it_accepts_its_own_data_through_the_validator() -> None:
    assert validate_relations(_data()) == load_relations()


def test_it_names_the_file_and_entry_for_a_bad_slug() -> None:
    data = _data()
    _entry(data, "rhomboids")["slug"] = "Rhomboids Major"
    with pytest.raises(
        AtlasDataError, match=r"relations\.toml: relation #\d+ \('Rhomboids Major'\)"
    ):
        validate_relations(data)


@pytest.mark.parametrize("key", ["tight", "weak"])
def test_it_names_the_file_and_entry_for_an_unknown_muscle(key: str) -> None:
    data = _data()
    _entry(data, "levator-scapulae")[key] = ["upper-trapezius", "trapezoid"]
    with pytest.raises(AtlasDataError) as caught:
        validate_relations(data)
    message = str(caught.value)
    assert message.startswith("relations.toml: relation #")
    assert "('levator-scapulae')" in message
    assert f"{key} names 'trapezoid'" in message


@pytest.mark.parametrize("key", ["tight", "weak"])
def test_it_names_the_file_and_entry_for_a_self_reference(key: str) -> None:
    data = _data()
    _entry(data, "soleus")[key] = ["soleus"]
    with pytest.raises(
        AtlasDataError,
        match=rf"relations\.toml: relation #\d+ \('soleus'\): {key} names the muscle itself",
    ):
        validate_relations(data)


def test_it_names_the_file_and_the_missing_muscle() -> None:
    data = _data()
    data["relation"] = [e for e in data["relation"] if e["slug"] != "piriformis"]
    with pytest.raises(AtlasDataError, match=r"relations\.toml: no relation for piriformis\.$"):
        validate_relations(data)


def test_it_refuses_a_group_the_library_does_not_train() -> None:
    data = _data()
    _entry(data, "hamstrings")["weak"] = ["glutes"]
    with pytest.raises(AtlasDataError, match=r"\('hamstrings'\): weak names 'glutes'"):
        validate_relations(data)


def test_it_refuses_a_group_in_tight() -> None:
    data = _data()
    _entry(data, "hamstrings")["tight"] = ["core"]
    with pytest.raises(AtlasDataError, match=r"\('hamstrings'\): tight names 'core'"):
        validate_relations(data)
