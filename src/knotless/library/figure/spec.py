"""What a figure is made of: its view, base posture, props and keyframes, as validated data.

Pure Python, no Django.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from knotless.library.skeleton import Vec

VIEWS = ("side", "front")
ANCHORS = ("pelvis", "feet", "hands")
PROP_KINDS = (
    "chair",
    "bench",
    "desk",
    "wall",
    "door",
    "mat",
    "ball",
    "roller",
    "band",
    "dumbbell",
)
BENCH_TOP = 45.0  # a bench or chair seat that the body leans on, not sits on (cm)
BENCH_LENGTH = 60.0
DOOR_WIDTH = 96.0  # a doorway seen from the front, post to post (cm)
SEAT_PELVIS = 48.0  # height of the hip joints above the floor when seated on a chair
BALL_RADIUS = 5.0
ROLLER_RADIUS = 7.5

# Base postures; keyframes change joint angles from one of these.
BASES: dict[str, dict[str, tuple[float, ...]]] = {
    "stand": {},
    "sit": {"hip_l": (90,), "hip_r": (90,), "knee_l": (90,), "knee_r": (90,)},
    "long-sit": {"hip_l": (90,), "hip_r": (90,), "shoulder_l": (20,), "shoulder_r": (20,)},
    "supine": {"root": (-90,)},
    "hook-lying": {
        "root": (-90,),
        "hip_l": (50,),
        "hip_r": (50,),
        "knee_l": (100,),
        "knee_r": (100,),
        "ankle_l": (-10,),
        "ankle_r": (-10,),
    },
    "prone": {"root": (90,), "ankle_l": (-60,), "ankle_r": (-60,)},
    "side-lying": {"root": (0, -90), "shoulder_l": (90,), "elbow_l": (0,)},
    "four-point": {
        "root": (90,),
        "hip_l": (90,),
        "hip_r": (90,),
        "knee_l": (90,),
        "knee_r": (90,),
        "shoulder_l": (90,),
        "shoulder_r": (90,),
        "neck": (-10,),
        "ankle_l": (-60,),
        "ankle_r": (-60,),
    },
    "half-kneel": {
        "hip_l": (90,),
        "knee_l": (90,),
        "hip_r": (-10,),
        "knee_r": (90,),
        "ankle_r": (-60,),
    },
}

# Where each target glows: (segment frame, start, end, width) with points in the segment's own
# frame (the head's starts at the top of the neck; its centre is 10 cm up). z is multiplied by


class FigureError(ValueError):
    """A figure spec is malformed."""


@dataclass(frozen=True, slots=True)
class Prop:
    kind: str
    at: str = ""  # a segment frame (e.g. "trunk", "thigh_r") or a body point for band/dumbbell
    offset: Vec = (0.0, 0.0, 0.0)
    to: str = ""  # band: the other end, a body point ...
    anchor: tuple[float, float] | None = None  # ... or a fixed spot [x, y] in the room
    x: float = 0.0  # wall, door, desk and bench: where they stand (a bench: its near end)
    size: float = 0.0  # a bench's length; a doorway's width in the front view (0 = usual)


@dataclass(frozen=True, slots=True)
class FigureSpec:
    slug: str
    view: str
    base: str
    frames: tuple[dict[str, tuple[float, ...]], ...]  # full poses (base + changes)
    props: tuple[Prop, ...] = ()
    targets: tuple[str, ...] = ()  # zone keys to glow
    sides: tuple[str, ...] = ("l", "r")  # which side(s) the glow goes on
    arrows: tuple[str, ...] = ()  # body points whose path gets an arrow; () = pick one
    anchor: str = "pelvis"  # what stays put between keyframes
    upper: bool = False  # frame only the body from the hips up (neck, jaw, arm work)
    no_arrow: bool = False


def full_pose(base: str, change: Mapping[str, Sequence[float]]) -> dict[str, tuple[float, ...]]:
    """A keyframe's whole pose: the base posture with the keyframe's angles laid over it."""
    pose = {joint: tuple(float(v) for v in values) for joint, values in BASES[base].items()}
    for joint, values in change.items():
        current = list(pose.get(joint, ()))
        merged = [float(v) for v in values] + current[len(values) :]
        pose[joint] = tuple(merged)
    return pose
