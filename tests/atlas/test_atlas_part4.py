"""Atlas part 4 (pelvic floor to foot, issue 16): the safety promises its data makes."""

from __future__ import annotations

import pytest

from knotless.atlas.muscles import load_muscles

PELVIC_FLOOR = ("levator-ani", "anal-sphincter", "obturator-internus")


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


@pytest.mark.parametrize("slug", ["popliteus", "tibialis-posterior", "biceps-femoris"])
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
