"""Figure specs for the exercises, read from ``figures/*.toml`` and validated on load.

One ``[[figure]]`` per exercise (same slug). See ``figures/README.md`` for the format; errors
name the file and the figure. Standard library only.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from knotless.atlas.regions import AtlasDataError
from knotless.atlas.tomldata import check_fields, collect, read_folder
from knotless.library import skeleton
from knotless.library.exercises import Exercise, load_exercises
from knotless.library.figure import (
    ANCHORS,
    ARROW_POINTS,
    BASES,
    HANDS,
    INSETS,
    PROP_KINDS,
    VIEWS,
    WEIGHTS,
    ZONES,
    FigureError,
    FigureSpec,
    Prop,
    check_elevated_props,
    check_elevation,
    full_pose,
)

FIGURES_DIR = Path(__file__).with_name("figures")
FRAME_JOINTS = set(skeleton.JOINTS)
BODY_POINTS = set(skeleton.pose_body({}).points)
SEGMENT_FRAMES = set(skeleton.ORIGINS)

REQUIRED: dict[str, type] = {"slug": str, "view": str, "base": str, "frames": list}
OPTIONAL: dict[str, type] = {
    "props": list,
    "targets": list,
    "side": str,
    "arrows": list,
    "anchor": str,
    "upper": bool,
    "arrow": bool,
    "elevation": object,  # a number, checked by check_elevation
    "inset": str,
}


def _prop(raw: Any, where: str) -> Prop:
    if isinstance(raw, str):
        raw = {"kind": raw}
    if not isinstance(raw, dict) or raw.get("kind") not in PROP_KINDS:
        raise AtlasDataError(f"{where}: a prop is one of {', '.join(PROP_KINDS)}.")
    kind = raw["kind"]
    extra = set(raw) - {"kind", "at", "offset", "to", "anchor", "x", "size"}
    if extra:
        raise AtlasDataError(f"{where}: prop {kind} has unknown key(s) {', '.join(sorted(extra))}.")
    at, to = raw.get("at", HANDS if kind in WEIGHTS else ""), raw.get("to", "")
    if kind in WEIGHTS and not (at == HANDS or (at in SEGMENT_FRAMES and "offset" in raw)):
        raise AtlasDataError(
            f"{where}: a {kind} is held in both hands (at = {HANDS!r}, the default) or set on "
            "the body: 'at' one of the body's segments with an 'offset'."
        )
    if kind in ("ball", "roller") and at not in SEGMENT_FRAMES:
        raise AtlasDataError(f"{where}: a {kind} needs 'at', one of the body's segments.")
    if (
        kind in ("band", "dumbbell")
        and at not in BODY_POINTS
        and not (kind == "dumbbell" and at == HANDS)
    ):
        raise AtlasDataError(
            f"{where}: a {kind} needs 'at', a body point such as hand_r"
            + (f" (or {HANDS!r}: held upright in both)." if kind == "dumbbell" else ".")
        )
    if kind == "band" and not (to in BODY_POINTS or "anchor" in raw):
        raise AtlasDataError(f"{where}: a band needs 'to' (a body point) or 'anchor' [x, y].")
    offset = raw.get("offset", [0, 0, 0])
    if len(offset) != 3 or not all(isinstance(v, int | float) for v in offset):
        raise AtlasDataError(f"{where}: a prop offset is [forward, up, right] in cm.")
    if not isinstance(raw.get("size", 0), int | float) or raw.get("size", 0) < 0:
        raise AtlasDataError(f"{where}: a prop size is a length in cm.")
    anchor = raw.get("anchor")
    if anchor is not None and (
        len(anchor) != 2 or not all(isinstance(v, int | float) for v in anchor)
    ):
        raise AtlasDataError(f"{where}: a band anchor is [x, height] in cm.")
    return Prop(
        kind=kind,
        at=at,
        offset=(float(offset[0]), float(offset[1]), float(offset[2])),
        to=to,
        anchor=(float(anchor[0]), float(anchor[1])) if anchor is not None else None,
        x=float(raw.get("x", 0.0)),
        size=float(raw.get("size", 0.0)),
    )


def validate_figure(
    entry: Mapping[str, Any], *, where: str, exercises: Mapping[str, Exercise] | None = None
) -> FigureSpec:
    check_fields(entry, REQUIRED, OPTIONAL, where)
    exercises = load_exercises() if exercises is None else exercises
    slug = entry["slug"]
    if slug not in exercises:
        raise AtlasDataError(f"{where}: there is no exercise {slug!r}.")
    exercise = exercises[slug]
    if entry["view"] not in VIEWS:
        raise AtlasDataError(f"{where}: view is {' or '.join(VIEWS)}.")
    if entry["base"] not in BASES:
        raise AtlasDataError(f"{where}: base is one of {', '.join(BASES)}.")
    raw_frames = entry["frames"]
    if not 2 <= len(raw_frames) <= 6:
        raise AtlasDataError(f"{where}: a figure has 2 to 6 keyframes (start, end, ...).")
    frames = []
    try:
        elevation = check_elevation(entry.get("elevation", 0), where)
    except FigureError as exc:
        raise AtlasDataError(str(exc)) from None
    elevations = []
    for number, change in enumerate(raw_frames, start=1):
        if not isinstance(change, dict):
            raise AtlasDataError(f"{where}: keyframe {number} must be a table of joint angles.")
        # A keyframe may raise or lower the camera; every other key is a joint.
        change = dict(change)
        try:
            elevations.append(
                check_elevation(change.pop("elevation", elevation), f"{where}: keyframe {number}")
            )
            skeleton.check_pose(change, f"{where}: keyframe {number}")
        except (skeleton.PoseError, FigureError) as exc:
            raise AtlasDataError(str(exc)) from None
        frames.append(full_pose(entry["base"], change))
    targets = tuple(entry.get("targets", exercise.primary + exercise.trains))
    for target in targets:
        if target not in ZONES:
            raise AtlasDataError(f"{where}: no glow zone is drawn for {target!r}.")
    side = entry.get("side", "r" if exercise.dose.per_side else "both")
    if side not in ("l", "r", "both"):
        raise AtlasDataError(f"{where}: side is l, r or both.")
    arrows = tuple(entry.get("arrows", ()))
    for name in arrows:
        if name not in ARROW_POINTS:
            raise AtlasDataError(f"{where}: arrows follow one of {', '.join(ARROW_POINTS)}.")
    anchor = entry.get("anchor", "pelvis")
    if anchor not in ANCHORS:
        raise AtlasDataError(f"{where}: anchor is one of {', '.join(ANCHORS)}.")
    props = tuple(_prop(raw, where) for raw in entry.get("props", []))
    inset = entry.get("inset", "")
    if inset and inset not in INSETS:
        raise AtlasDataError(f"{where}: inset is {' or '.join(INSETS)}, not {inset!r}.")
    if any(elevations):
        try:
            check_elevated_props(props, where)
        except FigureError as exc:
            raise AtlasDataError(str(exc)) from None
    return FigureSpec(
        slug=slug,
        view=entry["view"],
        base=entry["base"],
        frames=tuple(frames),
        props=props,
        targets=targets,
        sides=("l", "r") if side == "both" else (side,),
        arrows=arrows,
        anchor=anchor,
        upper=entry.get("upper", False),
        no_arrow=not entry.get("arrow", True),
        elevations=tuple(elevations) if any(elevations) else (),
        inset=inset,
    )


@functools.cache
def load_figures() -> dict[str, FigureSpec]:
    """Every figure spec by exercise slug. Cached."""
    return collect(read_folder(FIGURES_DIR), "figure", validate_figure)
