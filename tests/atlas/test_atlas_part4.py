"""Atlas part 4 (pelvic floor to foot, issue 16): the safety promises its data makes."""

from __future__ import annotations

import pytest

from knotless.atlas.muscles import load_muscles

PELVIC_FLOOR = ("levator-ani", "anal-sphincter", "obturator-internus", "superficial-perineal")


@pytest.mark.parametrize("slug", PELVIC_FLOOR)
def test_the_pelvic_floor_is_left_to_a_pelvic_health_physiotherapist(slug: str) -> None:
    muscle = load_muscles()[slug]
    assert not muscle.self_care
    assert "pelvic-health physiotherapist" in muscle.treated_by
    # The release text says plainly that the hands-on part is for a professional.
    assert "professional" in muscle.release.lower()
    cautions = " ".join(muscle.cautions).lower()
    # Saddle numbness with bladder or bowel loss comes first, as an emergency.
    assert "saddle" in cautions and "emergency" in cautions
    assert "bleeding" in cautions


@pytest.mark.parametrize(
    "slug", ["popliteus", "tibialis-posterior", "biceps-femoris", "plantaris", "medial-hamstrings"]
)
def test_the_back_of_the_knee_and_calf_warn_of_a_clot(slug: str) -> None:
    cautions = " ".join(load_muscles()[slug].cautions).lower()
    assert "clot" in cautions and "urgent" in cautions


@pytest.mark.parametrize(
    ("slug", "other"),
    [
        ("levator-ani", "coccygeus"),
        ("adductor-longus", "adductor brevis"),
        ("peroneus-longus", "peroneus brevis"),
    ],
)
def test_a_shared_row_names_its_second_muscle(slug: str, other: str) -> None:
    # One entry for two muscles the body map cannot tell apart: the second is findable by name.
    muscle = load_muscles()[slug]
    assert other in muscle.aliases
    assert other.split()[-1] in muscle.name.lower()


def test_the_diaphragm_is_left_to_a_professional_and_puts_the_heart_first() -> None:
    muscle = load_muscles()["diaphragm"]
    assert not muscle.self_care
    assert "physiotherapist" in muscle.treated_by
    cautions = " ".join(muscle.cautions).lower()
    assert "chest pain" in cautions and "emergency" in cautions


@pytest.mark.parametrize(
    ("slug", "zone"),
    [
        # The reference's parentheses, now places of their own on the body map.
        ("superficial-perineal", "perineum"),
        ("levator-ani", "perineum"),
        ("short-hip-rotators", "lower-buttock"),
        ("medial-hamstrings", "lower-buttock"),
        ("extensor-digitorum-brevis", "outer-ankle"),
        ("peroneus-longus", "outer-ankle"),
        ("abductor-hallucis", "inner-ankle"),
        ("flexor-digitorum-brevis", "ball-of-foot"),
        ("flexor-digitorum-longus", "lesser-toes"),
        ("adductor-hallucis", "ball-of-big-toe"),
        ("flexor-hallucis-brevis", "ball-of-big-toe"),
        ("flexor-hallucis-longus", "ball-of-big-toe"),
    ],
)
def test_a_finer_place_is_a_usual_zone_where_the_reference_named_it(slug: str, zone: str) -> None:
    assert zone in load_muscles()[slug].essential
