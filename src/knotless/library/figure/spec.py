"""What a figure is made of: its view, base posture, props and keyframes, as validated data.

Pure Python, no Django.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from knotless.library.skeleton import Vec

INSETS = ("above",)
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
    "barbell",
    "trap-bar",
    "kettlebell",
)
WEIGHTS = ("barbell", "trap-bar", "kettlebell")  # held in both hands, or set on the body
HANDS = "hands"  # a weight's ``at``: held in both hands (the default)
BENCH_TOP = 45.0  # a bench or chair seat that the body leans on, not sits on (cm)
BENCH_LENGTH = 60.0
DOOR_WIDTH = 96.0  # a doorway seen from the front, post to post (cm)
SEAT_PELVIS = 48.0  # height of the hip joints above the floor when seated on a chair
BALL_RADIUS = 5.0
ROLLER_RADIUS = 7.5
PLATE_RADIUS = 22.5  # a full-size plate is 45 cm across, so a loaded bar on the floor is this high
BAR_LENGTH = 220.0  # an Olympic bar, seen from the front
TRAP_BAR_LENGTH = 64.0  # a hexagonal bar's frame, front to back, seen from the side
GOBLET_LENGTH = 28.0  # a dumbbell held upright by its top end, top head to bottom head (cm)
BELL_RADIUS = 9.5  # a 16 kg kettlebell's ball
HANDLE_RADIUS = 5.0  # and its handle, drawn as a ring
MAX_ELEVATION = 60.0  # degrees; higher, a standing body shrinks to a head and shoulders
# Props that can be seen from a raised camera: they are drawn from the posed body in 3D. A
# chair, desk, bench, wall or door frame, a barbell, trap bar or kettlebell, and a band tied to a
# spot in the room, are drawn flat.
ELEVATED_PROPS = ("mat", "ball", "roller", "band", "dumbbell")
MAT_HALF_WIDTH = 30.0  # seen from above, a mat is this far either side of the body's plane (cm)

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


class FigureError(ValueError):
    """A figure spec is malformed."""


@dataclass(frozen=True, slots=True)
class Prop:
    kind: str
    # A segment frame (e.g. "trunk", "thigh_r") with an offset, a body point for band/dumbbell,
    # or for a weight "hands" (held in both) or a segment frame with an offset (a bar on the back).
    at: str = ""
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
    # "above": a small view from directly above of the last keyframe, for a direction a level
    # view hides (arms raised in front of the side line, not out to the side).
    inset: str = ""
    # How far the camera is raised above level, looking down, in each keyframe (degrees);
    # () = level throughout, the drawing every figure had before cameras could rise.
    elevations: tuple[float, ...] = ()

    def elevation(self, frame: int) -> float:
        return self.elevations[frame] if self.elevations else 0.0


def check_elevation(value: object, where: str) -> float:
    """A camera elevation from a figure file, in degrees: 0 (level) up to MAX_ELEVATION."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise FigureError(f"{where}: elevation is a number of degrees, not {value!r}.")
    if not 0 <= value <= MAX_ELEVATION:
        raise FigureError(
            f"{where}: elevation is 0 (level) to {MAX_ELEVATION:g} degrees (looking down), "
            f"not {value}."
        )
    return float(value)


def check_elevated_props(props: Sequence[Prop], where: str) -> None:
    """A raised camera needs props that are drawn in 3D; the rest would float off the floor."""
    for prop in props:
        if prop.kind not in ELEVATED_PROPS or (prop.kind == "band" and prop.anchor is not None):
            what = "a band tied to a spot in the room" if prop.kind == "band" else f"a {prop.kind}"
            raise FigureError(
                f"{where}: {what} is drawn flat, so it cannot be seen from a raised camera "
                f"(elevation works with {', '.join(ELEVATED_PROPS)} and bands between body points)."
            )


def full_pose(base: str, change: Mapping[str, Sequence[float]]) -> dict[str, tuple[float, ...]]:
    """A keyframe's whole pose: the base posture with the keyframe's angles laid over it."""
    pose = {joint: tuple(float(v) for v in values) for joint, values in BASES[base].items()}
    for joint, values in change.items():
        current = list(pose.get(joint, ()))
        merged = [float(v) for v in values] + current[len(values) :]
        pose[joint] = tuple(merged)
    return pose
