from __future__ import annotations

from knotless.safety.checklist import TIERS, areas_for, flags_for, load_flags, outcome


def test_it_loads_flags_in_all_three_tiers_for_every_area() -> None:
    flags = load_flags()
    assert {f.tier for f in flags} == set(TIERS)
    for area in ("head", "neck", "chest", "back"):
        asked = flags_for([area])
        assert asked and asked[0].tier == "emergency", area
        assert [TIERS.index(f.tier) for f in asked] == sorted(TIERS.index(f.tier) for f in asked)


def test_it_asks_about_the_heart_for_chest_pain() -> None:
    assert any("chest" in f.question.lower() for f in flags_for(["chest"]) if f.tier == "emergency")


def test_it_maps_regions_to_screening_areas() -> None:
    assert areas_for(["temple", "back-of-neck"]) == {"head", "neck"}
    assert areas_for(["front-of-chest", "low-back", "between-shoulder-blades"]) == {"chest", "back"}
    assert areas_for(["calf", "palm", "lateral-elbow"]) == frozenset()


def test_it_takes_the_most_urgent_ticked_tier() -> None:
    by_tier = {f.tier: f.id for f in load_flags()}
    assert outcome([]) == "none"
    assert outcome([by_tier["soon"]]) == "soon"
    assert outcome([by_tier["soon"], by_tier["emergency"]]) == "emergency"
    assert outcome(["not-a-flag"]) == "none"
