"""The red-flag checklist (``redflags.toml``): questions asked before self-care for the head,
neck, chest, back, abdomen, pelvis, lower leg or foot, in three tiers. Pure data and logic; no
Django."""

from __future__ import annotations

import functools
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from knotless.atlas.regions import AtlasDataError, load_regions

TIERS = ("emergency", "today", "soon")  # most urgent first
AREAS = ("head", "neck", "chest", "back", "abdomen", "pelvis", "leg", "foot")  # leg: knee to ankle

# Which screening area a body-map region belongs to. Every region of a screened group gets an
# area; the arm and the hip and thigh deliberately ask no questions of their own (a knot there
# still asks them when its muscle sends pain into a screened area).
_AREA_OF_GROUP = {
    "head-face": "head",
    "neck": "neck",
    "chest-upper-back": "back",
    "knee-lower-leg": "leg",
    "ankle-foot": "foot",
}
_CHEST = {"front-of-chest", "side-of-chest", "breast-nipple"}
# The lower back, abdomen and pelvis group mixes three areas, so each of its regions is named:
# a new region there has no area until someone decides which questions it should ask.
_LOWER_TRUNK = {
    "low-back": "back",
    "belt-line": "back",
    "flank": "back",
    "sacrum": "back",
    "si-joint": "back",
    "coccyx": "back",
    "buttock": "back",
    "lower-buttock": "back",
    "abdomen": "abdomen",
    "lower-abdomen": "abdomen",
    "groin": "pelvis",
    "perineum": "pelvis",
    "pelvic-floor": "pelvis",
}
UNSCREENED_GROUPS = frozenset({"shoulder-arm", "elbow-forearm-hand", "hip-thigh"})


@dataclass(frozen=True, slots=True)
class Flag:
    id: str
    tier: str
    areas: tuple[str, ...]
    question: str
    why: str
    source: str


@functools.cache
def area_of_region() -> dict[str, str]:
    mapping = {}
    for region in load_regions().values():
        if region.slug in _CHEST:
            mapping[region.slug] = "chest"
        elif region.group == "lower-back-pelvis":
            if region.slug in _LOWER_TRUNK:
                mapping[region.slug] = _LOWER_TRUNK[region.slug]
        elif region.group in _AREA_OF_GROUP:
            mapping[region.slug] = _AREA_OF_GROUP[region.group]
    return mapping


def areas_for(regions: Iterable[str]) -> frozenset[str]:
    """The screening areas (head, neck, chest, back, abdomen, pelvis, leg, foot) that these
    regions touch."""
    mapping = area_of_region()
    return frozenset(mapping[r] for r in regions if r in mapping)


@functools.cache
def load_flags() -> tuple[Flag, ...]:
    path = Path(__file__).with_name("redflags.toml")
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    flags = []
    seen = set()
    for number, entry in enumerate(data.get("flag", []), start=1):
        where = f"{path.name}: flag #{number} ({entry.get('id', '?')!r})"
        missing = {"id", "tier", "areas", "question", "why", "source"} - set(entry)
        if missing:
            raise AtlasDataError(f"{where}: missing {', '.join(sorted(missing))}.")
        if entry["tier"] not in TIERS:
            raise AtlasDataError(f"{where}: tier must be one of {', '.join(TIERS)}.")
        if not entry["areas"] or set(entry["areas"]) - set(AREAS):
            raise AtlasDataError(f"{where}: areas must be some of {', '.join(AREAS)}.")
        if entry["id"] in seen:
            raise AtlasDataError(f"{where}: id used twice.")
        seen.add(entry["id"])
        flags.append(
            Flag(
                entry["id"],
                entry["tier"],
                tuple(entry["areas"]),
                entry["question"].strip(),
                entry["why"].strip(),
                entry["source"].strip(),
            )
        )
    if not flags:
        raise AtlasDataError(f"{path.name}: no flags.")
    return tuple(flags)


def flags_for(areas: Iterable[str]) -> list[Flag]:
    """The questions to ask for these areas, most urgent tier first."""
    wanted = set(areas)
    chosen = [f for f in load_flags() if wanted & set(f.areas)]
    return sorted(chosen, key=lambda f: TIERS.index(f.tier))


def outcome(ticked: Iterable[str]) -> str:
    """The most urgent tier among the ticked flag ids, or "none"."""
    by_id = {f.id: f for f in load_flags()}
    tiers = {by_id[i].tier for i in ticked if i in by_id}
    return next((t for t in TIERS if t in tiers), "none")
