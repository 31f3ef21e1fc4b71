"""What keeps a muscle's knot going, as the planner uses it: the muscles whose tightness pulls on
it (release and stretch them too) and the muscles that have weakened and let it take the load
(strengthen them). Data in ``relations.toml`` beside this module, one ``[[relation]]`` per atlas
muscle, validated against the atlas on load.

Standard library only: no Django here.
"""

from __future__ import annotations

import functools
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from knotless.atlas.muscles import load_muscles
from knotless.atlas.regions import AtlasDataError
from knotless.atlas.tomldata import check_fields

PATH = Path(__file__).with_name("relations.toml")
# Groups the strength library trains that are not atlas muscles (see exercises' ``trains``).
TRAINED_GROUPS = ("core", "deep neck flexors", "obliques")

REQUIRED = {"slug": str, "tight": list, "weak": list, "why": str}
OPTIONAL = {"stretch_own": bool}


@dataclass(frozen=True, slots=True)
class Relation:
    slug: str
    tight: tuple[str, ...]  # atlas muscles whose tightness keeps the knot going
    weak: tuple[str, ...]  # atlas muscles or trained groups to strengthen
    why: str  # one sentence, in our words, shown in the plan's reasons
    # False for a muscle that is usually overstretched, not short (the rhomboids at a desk):
    # release it, but stretch what pulls on it instead of stretching it further.
    stretch_own: bool = True


def _list(entry: Mapping[str, Any], key: str, where: str, allowed: set[str]) -> tuple[str, ...]:
    values = tuple(entry[key])
    for value in values:
        if value not in allowed:
            raise AtlasDataError(f"{where}: {key} names {value!r}, which is not an atlas muscle.")
    if len(set(values)) != len(values):
        raise AtlasDataError(f"{where}: {key} lists an entry twice.")
    if entry["slug"] in values:
        raise AtlasDataError(f"{where}: {key} names the muscle itself.")
    return values


def validate_relations(data: Mapping[str, Any]) -> dict[str, Relation]:
    muscles = load_muscles()
    unknown = set(data) - {"relation"}
    if unknown:
        raise AtlasDataError(f"{PATH.name}: unknown top-level key(s) {', '.join(sorted(unknown))}.")
    found: dict[str, Relation] = {}
    for number, entry in enumerate(data.get("relation", []), start=1):
        where = f"{PATH.name}: relation #{number} ({entry.get('slug', '?')!r})"
        check_fields(entry, REQUIRED, OPTIONAL, where)
        slug = entry["slug"]
        if slug not in muscles:
            raise AtlasDataError(f"{where}: {slug!r} is not an atlas muscle.")
        if slug in found:
            raise AtlasDataError(f"{where}: {slug!r} is listed twice.")
        if not entry["why"].strip():
            raise AtlasDataError(f"{where}: 'why' must not be empty.")
        found[slug] = Relation(
            slug=slug,
            tight=_list(entry, "tight", where, set(muscles)),
            weak=_list(entry, "weak", where, set(muscles) | set(TRAINED_GROUPS)),
            why=entry["why"].strip(),
            stretch_own=entry.get("stretch_own", True),
        )
    missing = sorted(set(muscles) - set(found))
    if missing:
        raise AtlasDataError(f"{PATH.name}: no relation for {', '.join(missing)}.")
    return found


@functools.cache
def load_relations() -> dict[str, Relation]:
    """Every atlas muscle's relations by slug. Cached."""
    try:
        data = tomllib.loads(PATH.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise AtlasDataError(f"{PATH.name}: not valid TOML: {exc}") from None
    return validate_relations(data)
