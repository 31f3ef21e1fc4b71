"""The exercise library: releases, stretches, mobility moves and strengthening exercises.

Data lives in ``exercises/*.toml`` beside this module (see ``exercises/README.md``), validated on
load against the muscle atlas and against the dose ranges of the reference
(``guidelines-facts.md``): pressure releases hold 30-90 s, static stretches 10-60 s, strength
work 5-25 reps in 1-5 sets. Errors name the file and the exercise.

Standard library only: no Django here.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from knotless.atlas.muscles import load_muscles
from knotless.atlas.regions import AtlasDataError
from knotless.atlas.tomldata import check_fields, collect, read_folder
from knotless.library.technique import Technique, name_key, validate_coaching

EXERCISES_DIR = Path(__file__).with_name("exercises")
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

KINDS = ("release", "stretch", "mobility", "strength")
POSITIONS = ("seated", "standing", "floor", "wall")
# The barbell and what goes with it, and kettlebells (issue 14): the planner offers the lifts that
# need them only to people who said they have them. A rack (with safety bars) is listed on its own
# because a back squat or a bench press alone needs one; a trap bar is not a barbell.
EQUIPMENT = (
    "none",
    "ball",
    "foam-roller",
    "band",
    "dumbbell",
    "door-frame",
    "chair",
    "barbell",
    "trap-bar",
    "rack",
    "bench",
    "kettlebell",
)
# Dose limits per kind: (hold seconds, reps) allowed ranges. None = not used by this kind.
HOLD_RANGE = {"release": (30, 90), "stretch": (10, 60), "mobility": (0, 30), "strength": (0, 45)}
REPS_RANGE = (1, 25)
SETS_RANGE = (1, 5)
REST_RANGE = (0, 180)
# The tempo of one rep when an exercise names none: moderate speed (ACSM 2009: 1-2 s lifting,
# 1-2 s lowering) is 2-4 s, and 3 s is its middle. It matches the player's own fallback, so the
# planner's estimates and the player agree. Holds ignore it.
SECONDS_PER_REP = 3
TEMPO_RANGE = (2, 10)

REQUIRED: dict[str, type] = {
    "slug": str,
    "name": str,
    "kind": str,
    "primary": list,
    "position": str,
    "equipment": list,
    "difficulty": int,
    "dose": dict,
    "steps": list,
    "cues": list,
    "feel": str,
    "mistakes": list,
    "cautions": list,
    "sources": list,
}
OPTIONAL: dict[str, type] = {
    "secondary": list,
    "trains": list,
    "desk": bool,
    "easier": str,
    "harder": str,
    "seconds_per_rep": int,
    "aliases": list,  # names other training apps give it, for import matching
    "size": str,  # strength only: "large" or "small", the size of a load step
    "technique": dict,  # required for strength: setup, faults, stop, first_time
}
DOSE_KEYS = {"hold_seconds", "reps", "sets", "per_side", "rest_seconds"}


@dataclass(frozen=True, slots=True)
class Dose:
    hold_seconds: int  # 0 when the exercise is counted in reps
    reps: int  # 0 when the exercise is a hold
    sets: int
    per_side: bool
    rest_seconds: int

    @property
    def is_hold(self) -> bool:
        return self.reps == 0

    def describe(self) -> str:
        """The dose in words: "10 reps, hold 5 s each x 3 sets, ..."."""
        if self.reps:
            amount = f"{self.reps} reps" + (
                f", hold {self.hold_seconds} s each" if self.hold_seconds else ""
            )
        else:
            amount = f"hold {self.hold_seconds} s"
        return (
            f"{amount} × {self.sets} set{'s' * (self.sets != 1)}"
            + (", each side" if self.per_side else "")
            + (
                f", rest {self.rest_seconds} s between sets"
                if self.rest_seconds and self.sets > 1
                else ""
            )
        )


@dataclass(frozen=True, slots=True)
class Exercise:
    slug: str
    name: str
    kind: str
    primary: tuple[str, ...]  # atlas muscle slugs the exercise is for
    secondary: tuple[str, ...]
    trains: tuple[str, ...]  # muscles outside the atlas, in words ("deep neck flexors", "core")
    position: str
    equipment: tuple[str, ...]
    difficulty: int  # 1 easy .. 3 hard
    desk: bool  # can be done seated at a desk in under 2 minutes
    dose: Dose
    steps: tuple[str, ...]
    cues: tuple[str, ...]
    feel: str
    mistakes: tuple[str, ...]
    cautions: tuple[str, ...]
    easier: str
    harder: str
    sources: tuple[str, ...]
    seconds_per_rep: int = SECONDS_PER_REP  # one rep's tempo: the player's guide for a set
    aliases: tuple[str, ...] = ()  # names in other apps (Strong, Hevy, wger), for imports
    size: str = ""  # strength: "large" (5-10 % load steps) or "small" (2-5 %)
    technique: Technique | None = None  # required for strength work


def _texts(value: list[Any], where: str, key: str, *, allow_empty: bool = False) -> tuple[str, ...]:
    if not value and not allow_empty:
        raise AtlasDataError(f"{where}: {key!r} must not be empty.")
    for item in value:
        if not isinstance(item, str) or not item.strip():
            raise AtlasDataError(f"{where}: every entry of {key!r} must be non-empty text.")
    return tuple(item.strip() for item in value)


def _int(dose: Mapping[str, Any], key: str, where: str, low: int, high: int) -> int:
    value = dose.get(key, 0)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise AtlasDataError(f"{where}: dose.{key} must be a whole number from {low} to {high}.")
    return value


def validate_dose(kind: str, dose: Mapping[str, Any], where: str) -> Dose:
    unknown = set(dose) - DOSE_KEYS
    if unknown:
        raise AtlasDataError(f"{where}: unknown dose key(s) {', '.join(sorted(unknown))}.")
    low, high = HOLD_RANGE[kind]
    hold = _int(dose, "hold_seconds", where, 0, high)
    reps = _int(dose, "reps", where, 0, REPS_RANGE[1])
    if (hold == 0) == (reps == 0) and kind != "strength":
        raise AtlasDataError(f"{where}: a {kind} is dosed by hold_seconds or by reps, not both.")
    if kind in ("release", "stretch") and not low <= hold <= high:
        raise AtlasDataError(f"{where}: a {kind} holds {low}-{high} s (the reference's range).")
    if kind == "strength" and not REPS_RANGE[0] <= reps <= REPS_RANGE[1] and hold == 0:
        raise AtlasDataError(f"{where}: strength work needs reps (or a timed hold).")
    per_side = dose.get("per_side", False)
    if not isinstance(per_side, bool):
        raise AtlasDataError(f"{where}: dose.per_side must be true or false.")
    return Dose(
        hold_seconds=hold,
        reps=reps,
        sets=_int(dose, "sets", where, *SETS_RANGE),
        per_side=per_side,
        rest_seconds=_int(dose, "rest_seconds", where, *REST_RANGE),
    )


def validate_exercise(entry: Mapping[str, Any], *, where: str) -> Exercise:
    check_fields(entry, REQUIRED, OPTIONAL, where)
    if not SLUG.match(entry["slug"]):
        raise AtlasDataError(
            f"{where}: slug {entry['slug']!r} must be lowercase words joined by '-'."
        )
    if entry["kind"] not in KINDS:
        raise AtlasDataError(f"{where}: kind must be one of {', '.join(KINDS)}.")
    if entry["position"] not in POSITIONS:
        raise AtlasDataError(f"{where}: position must be one of {', '.join(POSITIONS)}.")
    equipment = _texts(entry["equipment"], where, "equipment")
    for item in equipment:
        if item not in EQUIPMENT:
            raise AtlasDataError(
                f"{where}: equipment {item!r} is not one of {', '.join(EQUIPMENT)}."
            )
    if not 1 <= entry["difficulty"] <= 3:
        raise AtlasDataError(f"{where}: difficulty runs from 1 (easy) to 3 (hard).")
    muscles = load_muscles()
    trains = _texts(entry.get("trains", []), where, "trains", allow_empty=True)
    primary = _texts(entry["primary"], where, "primary", allow_empty=bool(trains))
    secondary = _texts(entry.get("secondary", []), where, "secondary", allow_empty=True)
    for slug in primary + secondary:
        if slug not in muscles:
            raise AtlasDataError(f"{where}: {slug!r} is not a muscle in the atlas.")
    tempo = entry.get("seconds_per_rep", SECONDS_PER_REP)
    if isinstance(tempo, bool) or not TEMPO_RANGE[0] <= tempo <= TEMPO_RANGE[1]:
        raise AtlasDataError(
            f"{where}: seconds_per_rep must be a whole number from {TEMPO_RANGE[0]} to "
            f"{TEMPO_RANGE[1]}."
        )
    for key in ("name", "feel"):
        if not entry[key].strip():
            raise AtlasDataError(f"{where}: {key!r} must not be empty.")
    aliases, size, technique = validate_coaching(entry, where)
    return Exercise(
        slug=entry["slug"],
        name=entry["name"].strip(),
        kind=entry["kind"],
        primary=primary,
        secondary=secondary,
        trains=trains,
        position=entry["position"],
        equipment=equipment,
        difficulty=entry["difficulty"],
        desk=entry.get("desk", False),
        dose=validate_dose(entry["kind"], entry["dose"], where),
        steps=_texts(entry["steps"], where, "steps"),
        cues=_texts(entry["cues"], where, "cues"),
        feel=entry["feel"].strip(),
        mistakes=_texts(entry["mistakes"], where, "mistakes"),
        cautions=_texts(entry["cautions"], where, "cautions"),
        easier=entry.get("easier", ""),
        harder=entry.get("harder", ""),
        sources=_texts(entry["sources"], where, "sources"),
        seconds_per_rep=tempo,
        aliases=aliases,
        size=size,
        technique=technique,
    )


def validate_exercises(files: Mapping[str, Mapping[str, Any]]) -> dict[str, Exercise]:
    """Parsed TOML documents by file name -> exercises by slug; variants must exist, and no
    name, slug or alias may stand for two exercises as the importers compare names."""
    taken: dict[frozenset[str], str] = {}  # the words of a name, slug or alias -> its exercise

    def validate(entry: Mapping[str, Any], *, where: str) -> Exercise:
        exercise = validate_exercise(entry, where=where)
        for text in (exercise.name, exercise.slug, *exercise.aliases):
            owner = taken.setdefault(name_key(text), exercise.slug)
            if owner != exercise.slug:
                raise AtlasDataError(
                    f"{where}: {text!r} reads the same as a name or alias of {owner!r}, so an "
                    "imported set could not tell them apart."
                )
        return exercise

    exercises = collect(files, "exercise", validate)
    for exercise in exercises.values():
        for key in ("easier", "harder"):
            variant = getattr(exercise, key)
            if variant and variant not in exercises:
                raise AtlasDataError(
                    f"exercise {exercise.slug!r}: {key} {variant!r} does not exist."
                )
    return exercises


@functools.cache
def load_exercises() -> dict[str, Exercise]:
    """Every exercise by slug, in file-name then file order. Cached."""
    return validate_exercises(read_folder(EXERCISES_DIR))


KIND_ORDER = {kind: n for n, kind in enumerate(KINDS)}


def exercises_for(muscles: Iterable[str], *, limit: int | None = None) -> list[Exercise]:
    """Exercises aimed at any of these atlas muscles: releases and stretches first, then
    mobility and strength; primary targets before secondary ones."""
    wanted = set(muscles)
    found = [e for e in load_exercises().values() if wanted & set(e.primary + e.secondary)]
    found.sort(key=lambda e: (not wanted & set(e.primary), KIND_ORDER[e.kind]))
    return found[:limit] if limit is not None else found
