"""The muscle atlas: where each muscle's trigger points lie and where they send pain.

Data lives in ``muscles/*.toml`` beside this module, one file per body area, each a list of
``[[muscle]]`` tables (see ``muscles/README.md`` for the fields). Loading validates every entry
against the body-map regions and fails with a message naming the file and the muscle.

Standard library only: no Django here.
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from knotless.atlas.regions import AtlasDataError, load_regions
from knotless.atlas.tomldata import check_fields, collect, read_folder

MUSCLES_DIR = Path(__file__).with_name("muscles")
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

GROUPS = {
    "head-neck": "Head, jaw and neck",
    "shoulder": "Shoulder girdle",
    "chest": "Chest",
    "upper-back": "Upper and middle back",
    "lower-back": "Lower back and trunk",
    "abdomen": "Abdomen and breathing muscles",
    "pelvis": "Pelvic floor and groin",
    "hip": "Hip and buttock",
    "arm": "Upper arm",
    "forearm-hand": "Forearm and hand",
    "thigh": "Thigh",
    "leg-foot": "Lower leg and foot",
}
# How often knots in this muscle turn up, in words the data can use; the finder turns these
# into prior probabilities (see knotless.lib.finder).
PREVALENCE = ("very-common", "common", "occasional")
CONTEXTS = ("desk", "lifting", "running")

REQUIRED = {
    "slug": str,
    "name": str,
    "anatomical": str,
    "group": str,
    "prevalence": str,
    "trigger_points": str,
    "essential": list,
    "find_it": str,
    "release": str,
    "perpetuating": list,
    "sources": list,
}
OPTIONAL = {
    "aliases": list,
    "spillover": list,
    "contexts": list,
    "cautions": list,
    # A muscle that is not for self-treatment (the pelvic floor, the diaphragm and the rib
    # muscles, the medial pterygoid from inside the mouth): self_care = false, and who treats it.
    "self_care": bool,
    "treated_by": str,
}


@dataclass(frozen=True, slots=True)
class Muscle:
    slug: str
    name: str
    anatomical: str
    group: str
    prevalence: str
    aliases: tuple[str, ...]
    contexts: tuple[str, ...]
    trigger_points: str
    essential: tuple[str, ...]  # region slugs where its referred pain usually is
    spillover: tuple[str, ...]  # region slugs where it sometimes reaches
    find_it: str
    release: str
    cautions: tuple[str, ...]
    perpetuating: tuple[str, ...]
    sources: tuple[str, ...]
    self_care: bool = True  # False: knotless offers no exercise for it, only who treats it
    treated_by: str = ""
    # Its zones that are finer places, each with the broader regions it lies inside (from
    # regions.toml): the finder lets a mark on one of those stand for the finer zone.
    within: tuple[tuple[str, tuple[str, ...]], ...] = ()

    @property
    def zones(self) -> tuple[str, ...]:
        return self.essential + self.spillover


def _strings(
    value: list[Any], where: str, key: str, *, allow_empty: bool = False
) -> tuple[str, ...]:
    if not allow_empty and not value:
        raise AtlasDataError(f"{where}: {key!r} must not be empty.")
    items = tuple(value)
    for item in items:
        if not isinstance(item, str) or not item.strip():
            raise AtlasDataError(f"{where}: every entry of {key!r} must be non-empty text.")
    if len(set(items)) != len(items):
        raise AtlasDataError(f"{where}: {key!r} lists an entry twice.")
    return items


def validate_muscle(entry: Mapping[str, Any], *, where: str) -> Muscle:
    """One ``[[muscle]]`` table as a Muscle, or AtlasDataError saying what is wrong and where."""
    check_fields(entry, REQUIRED, OPTIONAL, where)
    for key, kind in REQUIRED.items():
        if kind is str and not entry[key].strip():
            raise AtlasDataError(f"{where}: {key!r} must not be empty.")
    slug = entry["slug"]
    if not SLUG.match(slug):
        raise AtlasDataError(f"{where}: slug {slug!r} must be lowercase words joined by '-'.")
    if entry["group"] not in GROUPS:
        raise AtlasDataError(
            f"{where}: group {entry['group']!r} is not one of {', '.join(GROUPS)}."
        )
    if entry["prevalence"] not in PREVALENCE:
        raise AtlasDataError(f"{where}: prevalence must be one of {', '.join(PREVALENCE)}.")
    contexts = _strings(entry.get("contexts", []), where, "contexts", allow_empty=True)
    for context in contexts:
        if context not in CONTEXTS:
            raise AtlasDataError(
                f"{where}: context {context!r} is not one of {', '.join(CONTEXTS)}."
            )
    regions = load_regions()
    essential = _strings(entry["essential"], where, "essential")
    spillover = _strings(entry.get("spillover", []), where, "spillover", allow_empty=True)
    for zone in essential + spillover:
        if zone not in regions:
            close = difflib.get_close_matches(zone, regions, n=3)
            hint = f" Did you mean {', '.join(close)}?" if close else ""
            raise AtlasDataError(f"{where}: {zone!r} is not a body-map region.{hint}")
    self_care = entry.get("self_care", True)
    treated_by = entry.get("treated_by", "").strip()
    if not self_care and not treated_by:
        raise AtlasDataError(f"{where}: a muscle without self-care names who treats it.")
    both = set(essential) & set(spillover)
    if both:
        raise AtlasDataError(f"{where}: {', '.join(sorted(both))} is both essential and spillover.")
    return Muscle(
        slug=slug,
        name=entry["name"].strip(),
        anatomical=entry["anatomical"].strip(),
        group=entry["group"],
        prevalence=entry["prevalence"],
        aliases=_strings(entry.get("aliases", []), where, "aliases", allow_empty=True),
        contexts=contexts,
        trigger_points=entry["trigger_points"].strip(),
        essential=essential,
        spillover=spillover,
        find_it=entry["find_it"].strip(),
        release=entry["release"].strip(),
        cautions=_strings(entry.get("cautions", []), where, "cautions", allow_empty=True),
        perpetuating=_strings(entry["perpetuating"], where, "perpetuating"),
        sources=_strings(entry["sources"], where, "sources"),
        self_care=self_care,
        treated_by=treated_by,
        within=tuple(
            (zone, regions[zone].within) for zone in essential + spillover if regions[zone].within
        ),
    )


def validate_muscles(files: Mapping[str, Mapping[str, Any]]) -> dict[str, Muscle]:
    """Parsed TOML documents by file name -> muscles by slug, checked across files too."""
    muscles = collect(files, "muscle", validate_muscle)
    if not muscles:
        raise AtlasDataError("the muscle atlas is empty.")
    return muscles


@functools.cache
def load_muscles() -> dict[str, Muscle]:
    """Every muscle of the atlas by slug, in file-name then file order. Cached."""
    return validate_muscles(read_folder(MUSCLES_DIR))


def get_muscle(slug: str) -> Muscle:
    muscles = load_muscles()
    if slug in muscles:
        return muscles[slug]
    close = difflib.get_close_matches(slug, muscles, n=5, cutoff=0.5)
    hint = f" Did you mean {', '.join(close)}?" if close else ""
    raise KeyError(f"Unknown muscle {slug!r}.{hint}")
