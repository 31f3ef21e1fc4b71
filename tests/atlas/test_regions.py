"""The region vocabulary: data integrity, lookups and loader validation."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

import pytest

from knotless.atlas.regions import (
    GROUPS,
    AtlasDataError,
    UnknownRegion,
    close_matches,
    get_region,
    load_regions,
    region_for_term,
    region_label,
    sides_for,
    validate_regions,
)

# The region vocabulary of the reference atlas (shared/reference/trigger-points-atlas.md, its
# "Controlled region vocabulary" list), copied here so the suite stands without that folder.
VOCABULARY_LISTS = (
    (
        "Head and face",
        "top of head, back of head, side of head, forehead, temple, eyebrow, behind the "
        "eye, cheek, jaw/TMJ, ear, upper teeth, lower teeth.",
    ),
    (
        "Neck",
        "throat/front of neck, side of neck, back of neck, base of neck (neck–shoulder angle).",
    ),
    (
        "Shoulder and arm",
        "top of shoulder, front of shoulder, side of shoulder, back of shoulder; front / "
        "back / inner / outer upper arm.",
    ),
    (
        "Elbow, forearm, hand",
        "lateral elbow, medial elbow, elbow tip; back of forearm, palm-side forearm, "
        "thumb-side forearm, little-finger-side forearm; back of wrist, palm-side wrist; "
        "back of hand, palm; thumb, web of thumb, index finger, middle finger, ring and "
        "little fingers.",
    ),
    (
        "Chest and upper back",
        "front of chest, side of chest, breast/nipple; medial border of scapula, between "
        "the shoulder blades, over the shoulder blade, lower tip of the shoulder blade, "
        "upper back, mid back.",
    ),
    (
        "Lower back, abdomen, pelvis",
        "low back, belt line, flank, abdomen, lower abdomen, groin, sacrum/SI joint, "
        "coccyx, buttock.",
    ),
    ("Hip and thigh", "outer hip, front of thigh, outer thigh, inner thigh, back of thigh."),
    (
        "Knee and lower leg",
        "front of knee/kneecap, inner knee, outer knee, back of knee; shin, outer lower leg, calf.",
    ),
    (
        "Ankle and foot",
        "front of ankle, back of ankle/Achilles, heel, arch/sole, top of foot, big toe.",
    ),
)
VOCABULARY = "**Controlled region vocabulary.** Terms:\n\n" + "\n".join(
    f"* **{group}:** {terms}" for group, terms in VOCABULARY_LISTS
)


def vocabulary_terms(text: str) -> list[str]:
    """The terms of the reference file's "Controlled region vocabulary" bullet list."""
    start = text.index("Controlled region vocabulary")
    block = text[start:].split("\n\n", 2)[1]
    terms: list[str] = []
    for line in block.splitlines():
        match = re.match(r"\*\s+\*\*[^*]+:\*\*\s*(.+?)\.?\s*$", line)
        if not match:
            continue
        for item in re.split(r"[;,]", match.group(1)):
            item = item.strip()
            if " / " in item:
                # "front / back / inner / outer upper arm" -> "front upper arm", ...
                *heads, last = [part.strip() for part in item.split(" / ")]
                first_word, _, tail = last.partition(" ")
                terms.extend(f"{head} {tail}" for head in heads)
                terms.append(f"{first_word} {tail}")
            elif item:
                terms.append(item)
    return terms


def term_regions(term: str) -> list[str]:
    """Regions a vocabulary term names: whole, or each '/' part, or minus '(...)'."""
    found = region_for_term(term)
    if found:
        return [found.slug]
    plain = re.sub(r"\s*\(.*?\)\s*", " ", term).strip()
    candidates = [plain, *re.findall(r"\((.*?)\)", term)]
    for candidate in candidates:
        found = region_for_term(candidate)
        if found:
            return [found.slug]
    parts = [region_for_term(part) for part in plain.split("/")]
    return [p.slug for p in parts if p] if all(parts) else []


def valid_entry(**overrides: Any) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "slug": "temple",
        "name": "Temple",
        "group": "head-face",
        "sided": True,
        "aliases": ["side of the forehead"],
    }
    entry.update(overrides)
    return entry


def test_it_maps_every_reference_vocabulary_term_to_a_region() -> None:
    terms = vocabulary_terms(VOCABULARY)
    assert len(terms) >= 70, terms
    unmapped = [term for term in terms if not term_regions(term)]
    assert unmapped == []


def test_it_parses_the_vocabulary_list_shape() -> None:
    sample = (
        "**Controlled region vocabulary.** Terms:\n\n"
        "* **Neck:** throat/front of neck, base of neck (neck\u2013shoulder angle).\n"
        "* **Shoulder and arm:** top of shoulder; front / back / inner / outer upper arm.\n\n"
        "Next paragraph."
    )
    assert vocabulary_terms(sample) == [
        "throat/front of neck",
        "base of neck (neck\u2013shoulder angle)",
        "top of shoulder",
        "front upper arm",
        "back upper arm",
        "inner upper arm",
        "outer upper arm",
    ]
    assert term_regions("base of neck (neck\u2013shoulder angle)") == ["base-of-neck"]
    assert term_regions("sacrum/SI joint") == ["sacrum"]


def test_it_has_enough_unique_regions_in_known_groups() -> None:
    regions = load_regions()
    assert len(regions) >= 40
    assert list(regions) == [r.slug for r in regions.values()]
    assert {r.group for r in regions.values()} == set(GROUPS)
    assert next(iter(GROUPS)) == "head-face"
    assert GROUPS["head-face"] == "Head and face"


def test_it_keeps_file_order_roughly_head_to_foot() -> None:
    slugs = list(load_regions())
    assert slugs.index("top-of-head") < slugs.index("throat") < slugs.index("buttock")
    assert slugs.index("buttock") < slugs.index("calf") < slugs.index("big-toe")


def test_it_gives_sides_and_labels() -> None:
    temple = get_region("temple")
    assert sides_for(temple) == ("left", "right")
    assert sides_for(get_region("sacrum")) == ("center",)
    # The middle of the upper back is a place, and so is either side of the spine there.
    assert sides_for(get_region("between-shoulder-blades")) == ("center", "left", "right")
    assert region_label("temple", "left") == "Left temple"
    assert region_label("between-shoulder-blades", "center") == "Between the shoulder blades"
    assert (
        region_label("between-shoulder-blades", "left") == "Between the shoulder blades, left side"
    )
    assert region_label("si-joint", "right") == "Right sacroiliac (SI) joint"
    with pytest.raises(ValueError, match="left or right"):
        region_label("temple", "center")


def test_it_suggests_close_matches_for_unknown_slugs() -> None:
    with pytest.raises(UnknownRegion) as caught:
        get_region("shoulderblade")
    assert isinstance(caught.value, KeyError)
    assert isinstance(caught.value, ValueError)
    assert "Did you mean" in str(caught.value)
    assert "shoulderblade" in str(caught.value)


def test_it_finds_scapula_regions_from_misspellings() -> None:
    scapula = {
        "over-shoulder-blade",
        "medial-border-of-scapula",
        "lower-tip-of-shoulder-blade",
        "between-shoulder-blades",
    }
    assert scapula & set(close_matches("shoulderblade"))
    assert "medial-border-of-scapula" in close_matches("medial boarder of scapula")
    assert close_matches("templ")[0] == "temple"
    assert close_matches("") == []


def test_it_looks_up_aliases_case_and_dash_insensitively() -> None:
    assert region_for_term("Mastoid") == get_region("ear")
    assert region_for_term("neck\u2013shoulder angle") == get_region("base-of-neck")
    assert region_for_term("SI joint") == get_region("si-joint")
    assert region_for_term("no such place") is None


def test_it_loads_the_shipped_file_as_valid_toml() -> None:
    path = Path(__file__).parents[2] / "src" / "knotless" / "atlas" / "regions.toml"
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    assert validate_regions(data, source="regions.toml") == load_regions()


@pytest.mark.parametrize(
    ("entries", "message"),
    [
        (
            [valid_entry(colour="red")],
            r"x.toml: region #1 \('temple'\): "
            r"unexpected keys \['colour'\]",
        ),
        ([{"slug": "temple", "name": "Temple"}], r"region #1 \('temple'\): missing keys"),
        ([valid_entry(slug="Temple Area")], r"slug 'Temple Area' must be lowercase"),
        ([valid_entry(), valid_entry(aliases=[])], r"region #2 \('temple'\): duplicate slug"),
        ([valid_entry(group="face")], r"unknown group 'face'"),
        ([valid_entry(sided="yes")], r"sided must be true or false"),
        ([valid_entry(aliases="temple")], r"aliases must be a list"),
        (
            [
                valid_entry(),
                valid_entry(slug="forehead", name="Forehead", aliases=["Side of the forehead"]),
            ],
            r"region #2 \('forehead'\): alias 'side of the forehead' "
            r"is already used by region 'temple'",
        ),
        ([valid_entry(aliases=["temple"])], r"alias 'temple' is listed twice"),
        ([], r"non-empty list"),
        ([valid_entry(within="forehead")], r"within must be a list of region slugs"),
        ([valid_entry(within=["temple"])], r"within must name other regions, each once"),
        ([valid_entry(within=["forehead"])], r"within names 'forehead', which is not a region"),
        (
            [
                valid_entry(within=["forehead"]),
                valid_entry(slug="forehead", name="Forehead", aliases=[], within=["cheek"]),
                valid_entry(slug="cheek", name="Cheek", aliases=[]),
            ],
            r"region 'temple': 'forehead' lies within another region itself",
        ),
    ],
)
def test_it_rejects_broken_region_data(entries: list[dict[str, Any]], message: str) -> None:
    with pytest.raises(AtlasDataError, match=message):
        validate_regions({"region": entries}, source="x.toml")


def test_it_rejects_unexpected_top_level_tables() -> None:
    with pytest.raises(AtlasDataError, match=r"x.toml: unexpected top-level keys \['regions'\]"):
        validate_regions({"region": [valid_entry()], "regions": []}, source="x.toml")


def test_it_validates_text_parsed_from_toml() -> None:
    text = '[[region]]\nslug = "temple"\nname = "Temple"\ngroup = "head-face"\nsided = true\n'
    with pytest.raises(AtlasDataError, match=r"region #1 \('temple'\): missing keys \['aliases'\]"):
        validate_regions(tomllib.loads(text), source="x.toml")


def test_it_takes_midline_only_on_sided_regions() -> None:
    with pytest.raises(AtlasDataError, match="midline = true is for sided regions"):
        validate_regions({"region": [valid_entry(sided=False, midline=True)]})
    with pytest.raises(AtlasDataError, match="midline must be true or false"):
        validate_regions({"region": [valid_entry(midline="yes")]})
    three = validate_regions({"region": [valid_entry(midline=True)]})["temple"]
    assert sides_for(three) == ("center", "left", "right")
    assert sides_for(validate_regions({"region": [valid_entry()]})["temple"]) == ("left", "right")


def test_it_nests_each_finer_place_in_the_coarser_term_the_reference_used() -> None:
    regions = load_regions()
    within = {slug: region.within for slug, region in regions.items() if region.within}
    assert within == {
        "chin": ("jaw-tmj",),
        "perineum": ("groin",),
        "lower-buttock": ("buttock",),
        "outer-ankle": ("outer-lower-leg",),
        "inner-ankle": ("heel",),
        "ball-of-foot": ("arch-sole",),
        "ball-of-big-toe": ("arch-sole",),
        "lesser-toes": ("top-of-foot", "arch-sole"),
    }
