from __future__ import annotations

from knotless.safety.checklist import AREAS, TIERS, areas_for, flags_for, load_flags, outcome


def test_it_loads_flags_in_all_three_tiers_for_every_area() -> None:
    flags = load_flags()
    assert {f.tier for f in flags} == set(TIERS)
    for area in AREAS:
        asked = flags_for([area])
        assert asked, area
        # The foot has no emergency question of its own; every other area starts with them.
        assert asked[0].tier == ("today" if area == "foot" else "emergency"), area
        assert [TIERS.index(f.tier) for f in asked] == sorted(TIERS.index(f.tier) for f in asked)


def test_it_asks_about_the_heart_for_chest_pain() -> None:
    assert any("chest" in f.question.lower() for f in flags_for(["chest"]) if f.tier == "emergency")


def test_it_maps_regions_to_screening_areas() -> None:
    assert areas_for(["temple", "back-of-neck"]) == {"head", "neck"}
    assert areas_for(["front-of-chest", "low-back", "between-shoulder-blades"]) == {"chest", "back"}
    assert areas_for(["palm", "lateral-elbow", "front-of-thigh"]) == frozenset()
    assert areas_for(["abdomen", "lower-abdomen", "groin"]) == {"abdomen", "pelvis"}
    assert areas_for(["calf", "shin", "back-of-knee", "heel", "big-toe"]) == {"leg", "foot"}


def test_it_takes_the_most_urgent_ticked_tier() -> None:
    by_tier = {f.tier: f.id for f in load_flags()}
    assert outcome([]) == "none"
    assert outcome([by_tier["soon"]]) == "soon"
    assert outcome([by_tier["soon"], by_tier["emergency"]]) == "emergency"
    assert outcome(["not-a-flag"]) == "none"
