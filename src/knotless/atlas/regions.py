"""The controlled vocabulary of body regions a user can tap on the body map.

The data lives in ``regions.toml`` beside this module. It is loaded once, validated,
and exposed as frozen :class:`Region` records keyed by their stable slug.
Standard library only: no Django here.
"""

from __future__ import annotations

import difflib
import functools
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any

__all__ = [
    "GROUPS",
    "SIDES",
    "AtlasDataError",
    "Region",
    "UnknownRegion",
    "close_matches",
    "get_region",
    "load_regions",
    "normalize_term",
    "region_for_term",
    "region_label",
    "sides_for",
    "sides_text",
    "validate_regions",
]

#: Group slug -> display name, in display order (head to foot).
GROUPS: dict[str, str] = {
    "head-face": "Head and face",
    "neck": "Neck",
    "shoulder-arm": "Shoulder and arm",
    "elbow-forearm-hand": "Elbow, forearm and hand",
    "chest-upper-back": "Chest and upper back",
    "lower-back-pelvis": "Lower back, abdomen and pelvis",
    "hip-thigh": "Hip and thigh",
    "knee-lower-leg": "Knee and lower leg",
    "ankle-foot": "Ankle and foot",
}

#: Every side value a place can have. Sided regions take left/right, midline ones center, and a
#: midline region that is also sided (between the shoulder blades) takes all three.
SIDES: tuple[str, ...] = ("left", "right", "center")

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
REGION_KEYS = frozenset({"slug", "name", "group", "sided", "aliases"})
OPTIONAL_KEYS = frozenset({"midline", "within"})
REGIONS_FILE = "regions.toml"


class AtlasDataError(ValueError):
    """The atlas data files are malformed. The message names the file and the entry."""


class UnknownRegion(KeyError, ValueError):
    """No region has this slug. The message suggests close matches."""

    def __str__(self) -> str:
        # KeyError's str() wraps the message in quotes; show it plainly.
        return str(self.args[0]) if self.args else "Unknown region."


@dataclass(frozen=True, slots=True)
class Region:
    slug: str
    name: str
    group: str
    sided: bool
    aliases: tuple[str, ...]
    # A sided region whose middle is a place of its own too (the spine between the shoulder
    # blades): a knot there is on the left, on the right, or in the centre.
    midline: bool = False
    # The broader regions this finer place lies inside (the ball of the foot in the sole): a
    # mark on one of those can stand for it in the finder (see knotless.lib.finder).
    within: tuple[str, ...] = ()


def normalize_term(text: str) -> str:
    """Lower-case, unify dashes and apostrophes, collapse spaces: for matching words."""
    text = text.strip().lower()
    text = re.sub(r"[\u2010-\u2015\u2212]", "-", text)
    text = text.replace("\u2019", "'")
    return re.sub(r"\s+", " ", text)


def _entry_name(index: int, entry: Any) -> str:
    if isinstance(entry, Mapping) and isinstance(entry.get("slug"), str):
        return f"region #{index + 1} ({entry['slug']!r})"
    return f"region #{index + 1}"


def validate_regions(data: Mapping[str, Any], *, source: str = REGIONS_FILE) -> dict[str, Region]:
    """Check parsed ``regions.toml`` data and build the regions, in file order.

    Raises :class:`AtlasDataError` naming ``source`` and the offending entry.
    """
    extra_top = set(data) - {"region"}
    if extra_top:
        raise AtlasDataError(f"{source}: unexpected top-level keys {sorted(extra_top)}.")
    entries = data.get("region")
    if not isinstance(entries, list) or not entries:
        raise AtlasDataError(f"{source}: expected a non-empty list of [[region]] tables.")

    regions: dict[str, Region] = {}
    # normalised word -> slug that owns it (names and aliases), to catch duplicates.
    owners: dict[str, str] = {}
    for index, entry in enumerate(entries):
        where = f"{source}: {_entry_name(index, entry)}"
        if not isinstance(entry, Mapping):
            raise AtlasDataError(f"{where}: expected a table.")
        missing = REGION_KEYS - set(entry)
        if missing:
            raise AtlasDataError(f"{where}: missing keys {sorted(missing)}.")
        extra = set(entry) - REGION_KEYS - OPTIONAL_KEYS
        if extra:
            raise AtlasDataError(f"{where}: unexpected keys {sorted(extra)}.")
        slug, name, group = entry["slug"], entry["name"], entry["group"]
        sided, aliases = entry["sided"], entry["aliases"]
        if not isinstance(slug, str) or not SLUG_RE.match(slug):
            raise AtlasDataError(
                f"{where}: slug {slug!r} must be lowercase words joined by hyphens."
            )
        if slug in regions:
            raise AtlasDataError(f"{where}: duplicate slug {slug!r}.")
        if not isinstance(name, str) or not name.strip() or name != name.strip():
            raise AtlasDataError(f"{where}: name must be a non-empty, trimmed string.")
        if group not in GROUPS:
            raise AtlasDataError(
                f"{where}: unknown group {group!r}; expected one of {', '.join(GROUPS)}."
            )
        if not isinstance(sided, bool):
            raise AtlasDataError(f"{where}: sided must be true or false.")
        midline = entry.get("midline", False)
        if not isinstance(midline, bool):
            raise AtlasDataError(f"{where}: midline must be true or false.")
        if midline and not sided:
            raise AtlasDataError(
                f"{where}: midline = true is for sided regions that also have a centre; "
                "a region that is not sided is on the midline already."
            )
        if not isinstance(aliases, list) or not all(
            isinstance(a, str) and a.strip() for a in aliases
        ):
            raise AtlasDataError(f"{where}: aliases must be a list of non-empty strings.")

        within = entry.get("within", [])
        if not isinstance(within, list) or not all(
            isinstance(w, str) and SLUG_RE.match(w) for w in within
        ):
            raise AtlasDataError(f"{where}: within must be a list of region slugs.")
        if slug in within or len(set(within)) != len(within):
            raise AtlasDataError(f"{where}: within must name other regions, each once.")

        words = [normalize_term(name), *(normalize_term(a) for a in aliases)]
        seen_here: set[str] = set()
        for word in words:
            if word in seen_here:
                raise AtlasDataError(f"{where}: alias {word!r} is listed twice.")
            seen_here.add(word)
            owner = owners.get(word)
            if owner is not None:
                raise AtlasDataError(
                    f"{where}: alias {word!r} is already used by region {owner!r}."
                )
        for word in words:
            owners[word] = slug
        regions[slug] = Region(
            slug=slug,
            name=name,
            group=group,
            sided=sided,
            aliases=tuple(a.strip() for a in aliases),
            midline=midline,
            within=tuple(within),
        )
    for slug, region in regions.items():
        for broader in region.within:
            if broader not in regions:
                raise AtlasDataError(
                    f"{source}: region {slug!r}: within names {broader!r}, which is not a region."
                )
            if regions[broader].within:
                raise AtlasDataError(
                    f"{source}: region {slug!r}: {broader!r} lies within another region itself; "
                    "keep it one level deep."
                )
    return regions


def _read_toml(filename: str) -> tuple[dict[str, Any], str]:
    ref = resources.files("knotless.atlas").joinpath(filename)
    text = ref.read_text(encoding="utf-8")
    try:
        return tomllib.loads(text), str(ref)
    except tomllib.TOMLDecodeError as exc:
        raise AtlasDataError(f"{ref}: not valid TOML: {exc}") from exc


@functools.cache
def load_regions() -> dict[str, Region]:
    """All regions keyed by slug, in file order (head to foot). Cached; treat as read-only."""
    data, source = _read_toml(REGIONS_FILE)
    return validate_regions(data, source=source)


@functools.cache
def _term_index() -> dict[str, str]:
    """Normalised slug, name and aliases -> slug."""
    index: dict[str, str] = {}
    for region in load_regions().values():
        index[region.slug] = region.slug
        index[normalize_term(region.slug.replace("-", " "))] = region.slug
        for word in (region.name, *region.aliases):
            index.setdefault(normalize_term(word), region.slug)
    return index


def region_for_term(text: str) -> Region | None:
    """The region whose slug, name or alias is exactly ``text`` (case-insensitive), if any."""
    slug = _term_index().get(normalize_term(text))
    return load_regions()[slug] if slug else None


def close_matches(text: str, n: int = 5) -> list[str]:
    """Slugs of the regions whose slug, name or an alias resemble ``text``, best first."""
    query = normalize_term(text)
    if not query:
        return []
    index = _term_index()
    squeezed_query = re.sub(r"[\s-]+", "", query)
    # A ratio is at most 2·len(word) / (len(query) + len(word)): a query over 7/3 times the
    # longest term reaches 0.6 with none, so it is not matched at all (100 kB took a minute).
    longest = 3 * max(map(len, index), default=0)
    if not squeezed_query or len(squeezed_query) > longest:
        return []
    if len(query) > longest:
        query = squeezed_query  # only its spaces and hyphens were long
    squeezed = {re.sub(r"[\s-]+", "", word): slug for word, slug in index.items()}
    scored: dict[str, float] = {}
    for word, slug in (*index.items(), *squeezed.items()):
        score = difflib.SequenceMatcher(None, query, word).ratio()
        score = max(score, difflib.SequenceMatcher(None, squeezed_query, word).ratio())
        if query in word or squeezed_query in word:
            score = max(score, 0.8)
        if score > scored.get(slug, 0.0):
            scored[slug] = score
    ranked = sorted((item for item in scored.items() if item[1] >= 0.6), key=lambda item: -item[1])
    return [slug for slug, _ in ranked[:n]]


def get_region(slug: str) -> Region:
    """The region with this slug; raises :class:`UnknownRegion` suggesting close matches."""
    try:
        return load_regions()[slug]
    except (KeyError, TypeError):
        pass
    suggestions = close_matches(slug, 3) if isinstance(slug, str) else []
    hint = f" Did you mean {', '.join(suggestions)}?" if suggestions else ""
    raise UnknownRegion(f"Unknown body region {slug!r}.{hint}")


def sides_for(region: Region) -> tuple[str, ...]:
    """The sides a place in this region can have, the one to assume when unsure first."""
    if region.midline:
        return ("center", "left", "right")
    return ("left", "right") if region.sided else ("center",)


def sides_text(region: Region) -> str:
    """The sides a region takes, in words: "left or right", "center, left or right"."""
    sides = sides_for(region)
    return sides[0] if len(sides) == 1 else f"{', '.join(sides[:-1])} or {sides[-1]}"


def region_label(slug: str, side: str) -> str:
    """A display label such as "Left temple", "Between the shoulder blades" or, for a midline
    region's sides, "Between the shoulder blades, left side"."""
    region = get_region(slug)
    if side not in sides_for(region):
        raise ValueError(f"{region.name} takes the side {sides_text(region)}, not {side!r}.")
    if side == "center":
        return region.name
    if region.midline:
        return f"{region.name}, {side} side"
    return f"{side.capitalize()} {region.name[:1].lower()}{region.name[1:]}"
