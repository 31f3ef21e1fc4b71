"""Technique coaching for strength exercises (issue 14): how to set up, the usual faults and what
each one loads instead, when to stop, and a checklist for the first time with a new lift. Also the
lift's size (how big a load step suits it) and the names other training apps give it.

Read and checked by ``knotless.library.exercises``; errors name the file and the exercise.
Standard library only: no Django here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from knotless.atlas.regions import AtlasDataError
from knotless.lib.importers.matching import normal_words

# Large lifts (big lower-body or multi-joint ones) move up in steps of about 5-10 %; small or
# upper-body ones in steps of about 2-5 % (guidelines-facts.md §4.1, after ACSM 2009).
SIZES = ("large", "small")
STEP_PERCENT = {"large": (5, 10), "small": (2, 5)}
# How many items each part of the technique table holds: enough to teach, few enough to read.
TECHNIQUE_COUNTS = {"setup": (2, 6), "faults": (2, 6), "stop": (2, 6), "first_time": (3, 6)}
FAULT_KEYS = ("fault", "loads")


@dataclass(frozen=True, slots=True)
class Fault:
    fault: str  # the mistake, as a person would notice it
    loads: str  # what takes the load instead of the muscles the lift is for


@dataclass(frozen=True, slots=True)
class Technique:
    setup: tuple[str, ...]  # getting into position, before the first rep
    faults: tuple[Fault, ...]
    stop: tuple[str, ...]  # when to end the set or the session
    first_time: tuple[str, ...]  # a checklist shown before the first logged set of a new lift


def name_key(name: str) -> frozenset[str]:
    """What import matching sees in a name: its words in the importers' normal form (lower case,
    punctuation read as spaces, a plural s dropped), in any order. Two names with the same key
    would make an imported set ambiguous, so no two exercises may share one."""
    return frozenset(normal_words(name))


def _items(value: Any, where: str, key: str) -> list[Any]:
    low, high = TECHNIQUE_COUNTS[key]
    if not isinstance(value, list) or not low <= len(value) <= high:
        raise AtlasDataError(f"{where}: technique.{key} must be a list of {low} to {high} items.")
    return value


def _text(value: Any, where: str, what: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise AtlasDataError(f"{where}: every {what} must be non-empty text.")
    return value.strip()


def _texts(value: Any, where: str, key: str) -> tuple[str, ...]:
    return tuple(
        _text(item, where, f"entry of technique.{key}") for item in _items(value, where, key)
    )


def _fault(raw: Any, where: str) -> Fault:
    if not isinstance(raw, Mapping) or set(raw) != set(FAULT_KEYS):
        raise AtlasDataError(
            f"{where}: every technique fault is a table with exactly 'fault' (the mistake) and "
            "'loads' (what it loads instead)."
        )
    return Fault(
        fault=_text(raw["fault"], where, "technique fault"),
        loads=_text(raw["loads"], where, "technique 'loads'"),
    )


def validate_technique(raw: Any, where: str) -> Technique:
    if not isinstance(raw, Mapping):
        raise AtlasDataError(f"{where}: technique must be a table.")
    missing = sorted(set(TECHNIQUE_COUNTS) - set(raw))
    extra = sorted(set(raw) - set(TECHNIQUE_COUNTS))
    if missing or extra:
        problems = [
            f"missing {', '.join(missing)}" if missing else "",
            f"unknown {', '.join(extra)}" if extra else "",
        ]
        raise AtlasDataError(f"{where}: technique has {'; '.join(p for p in problems if p)}.")
    return Technique(
        setup=_texts(raw["setup"], where, "setup"),
        faults=tuple(_fault(item, where) for item in _items(raw["faults"], where, "faults")),
        stop=_texts(raw["stop"], where, "stop"),
        first_time=_texts(raw["first_time"], where, "first_time"),
    )


def validate_coaching(
    entry: Mapping[str, Any], where: str
) -> tuple[tuple[str, ...], str, Technique | None]:
    """The entry's aliases, size and technique. Strength work must have a size and a technique;
    other kinds may carry a technique but have no load to step up, so no size."""
    aliases = entry.get("aliases", [])
    names = tuple(_text(a, where, "alias") for a in aliases)
    said: dict[frozenset[str], str] = {name_key(entry["slug"]): entry["slug"]}
    said[name_key(entry["name"])] = entry["name"]
    for name in names:
        same = said.setdefault(name_key(name), name)
        if same != name:
            raise AtlasDataError(
                f"{where}: alias {name!r} says the same as {same!r} to import matching."
            )
    strength = entry["kind"] == "strength"
    size = entry.get("size", "")
    if strength and size not in SIZES:
        raise AtlasDataError(
            f"{where}: strength work needs size = {' or '.join(repr(s) for s in SIZES)} "
            "(large: big lower-body or multi-joint lifts; small: small or upper-body ones)."
        )
    if not strength and size:
        raise AtlasDataError(f"{where}: only strength work has a size.")
    raw = entry.get("technique")
    if strength and raw is None:
        raise AtlasDataError(
            f"{where}: strength work needs a [exercise.technique] table "
            "(setup, faults, stop, first_time)."
        )
    technique = validate_technique(raw, where) if raw is not None else None
    return names, size, technique
