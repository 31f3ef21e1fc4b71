"""A small articulated body, posed by joint angles, for the exercise figures.

The body lives in 3D so that one pose can be drawn from the side or from the front; the
figures project it orthographically. Axes: x points where the body faces at rest (forward),
y up, z to the body's right. Lengths are centimetres of an adult about 172 cm tall.

A pose is a mapping of joint name to angles in degrees. Every joint is optional (missing = 0 =
the anatomical rest: standing tall, arms hanging, palms forward). What each number means:

========== ============================================================================
root       [pitch, roll, yaw] of the pelvis in the room: pitch + leans forward (90 = face
           down, -90 = lying on the back), roll + falls to the right, yaw + turns right
trunk      [flexion, side bend, rotation]: + bends forward / to the right / turns right
neck, head as trunk, relative to the segment below (head flexion + nods the chin down)
scapula_*  [elevation, retraction] in centimetres: shrugs up / squeezes back
shoulder_* [flexion, abduction, external rotation]: + raises the arm forward / out / turns out
elbow_*    [flexion, twist]: + bends the forearm up from a straight arm; twist turns the
           forearm about its length, thumb inward (pronation), 0 to 180: 0 is the rest (palm
           forward when the arm hangs, up when it is held forward), 90 thumb first, 180 palm
           back (down when held forward). The hand turns all of it, the forearm's own frame
           (its muscles and props) half, as the radius rolls over the ulna
wrist_*    [flexion]: + bends the palm forward
hip_*      [flexion, abduction, external rotation]: + brings the thigh forward / out / turns out
knee_*     [flexion]: + folds the shin back
ankle_*    [dorsiflexion]: + lifts the toes toward the shin
========== ============================================================================

``*`` is ``l`` or ``r``. Pure Python, no Django.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

Vec = tuple[float, float, float]
Mat = tuple[Vec, Vec, Vec]  # rows

# Segment lengths (cm) and fixed offsets.
HIP_HALF = 9.0
TRUNK = 50.0
SHOULDER_HALF = 17.0
SHOULDER_DROP = 4.0
NECK = 10.0
HEAD_RADIUS = 11.0
UPPER_ARM = 29.0
FOREARM = 25.0
HAND = 9.0
THIGH = 43.0
SHIN = 42.0
HEEL: Vec = (-4.0, -6.0, 0.0)  # from the ankle, in the foot's frame
TOE: Vec = (15.0, -6.0, 0.0)

# Joint name -> how many angles it takes.
JOINTS: dict[str, int] = {
    "root": 3,
    "trunk": 3,
    "neck": 3,
    "head": 3,
    "scapula_l": 2,
    "scapula_r": 2,
    "shoulder_l": 3,
    "shoulder_r": 3,
    "elbow_l": 2,
    "elbow_r": 2,
    "wrist_l": 1,
    "wrist_r": 1,
    "hip_l": 3,
    "hip_r": 3,
    "knee_l": 1,
    "knee_r": 1,
    "ankle_l": 1,
    "ankle_r": 1,
}

# Bones whose lengths never change: (from point, to point, length).
BONES: tuple[tuple[str, str, float], ...] = (
    ("pelvis", "neck_base", TRUNK),
    ("neck_base", "neck_top", NECK),
    ("neck_top", "head", HEAD_RADIUS - 1.0),
    ("shoulder_l", "elbow_l", UPPER_ARM),
    ("elbow_l", "wrist_l", FOREARM),
    ("wrist_l", "hand_l", HAND),
    ("shoulder_r", "elbow_r", UPPER_ARM),
    ("elbow_r", "wrist_r", FOREARM),
    ("wrist_r", "hand_r", HAND),
    ("hip_l", "knee_l", THIGH),
    ("knee_l", "ankle_l", SHIN),
    ("hip_r", "knee_r", THIGH),
    ("knee_r", "ankle_r", SHIN),
    ("hip_l", "hip_r", 2 * HIP_HALF),
)

Pose = Mapping[str, Sequence[float]]

# Each segment's frame starts at this point.
ORIGINS: dict[str, str] = {
    "pelvis": "pelvis",
    "trunk": "pelvis",
    "neck": "neck_base",
    "head": "neck_top",
}
for _side in ("l", "r"):
    ORIGINS |= {
        f"upper_arm_{_side}": f"shoulder_{_side}",
        f"forearm_{_side}": f"elbow_{_side}",
        f"hand_{_side}": f"wrist_{_side}",
        f"thigh_{_side}": f"hip_{_side}",
        f"shin_{_side}": f"knee_{_side}",
        f"foot_{_side}": f"ankle_{_side}",
    }


# Angles with a narrower range than a full turn: (joint, index) -> (least, most, what it is).
LIMITS: dict[tuple[str, int], tuple[float, float, str]] = {
    (f"elbow_{side}", 1): (0.0, 180.0, "forearm twist (0 palm forward to 180 palm back)")
    for side in ("l", "r")
}


class PoseError(ValueError):
    """A pose names an unknown joint or gives the wrong number of angles."""


def _rx(deg: float) -> Mat:
    c, s = math.cos(math.radians(deg)), math.sin(math.radians(deg))
    return ((1.0, 0.0, 0.0), (0.0, c, -s), (0.0, s, c))


def _ry(deg: float) -> Mat:
    c, s = math.cos(math.radians(deg)), math.sin(math.radians(deg))
    return ((c, 0.0, s), (0.0, 1.0, 0.0), (-s, 0.0, c))


def _rz(deg: float) -> Mat:
    c, s = math.cos(math.radians(deg)), math.sin(math.radians(deg))
    return ((c, -s, 0.0), (s, c, 0.0), (0.0, 0.0, 1.0))


def _mul(a: Mat, b: Mat) -> Mat:
    rows = []
    for i in range(3):
        rows.append(
            (
                a[i][0] * b[0][0] + a[i][1] * b[1][0] + a[i][2] * b[2][0],
                a[i][0] * b[0][1] + a[i][1] * b[1][1] + a[i][2] * b[2][1],
                a[i][0] * b[0][2] + a[i][1] * b[1][2] + a[i][2] * b[2][2],
            )
        )
    return (rows[0], rows[1], rows[2])


def apply(m: Mat, v: Vec) -> Vec:
    return (
        m[0][0] * v[0] + m[0][1] * v[1] + m[0][2] * v[2],
        m[1][0] * v[0] + m[1][1] * v[1] + m[1][2] * v[2],
        m[2][0] * v[0] + m[2][1] * v[1] + m[2][2] * v[2],
    )


def _add(a: Vec, b: Vec) -> Vec:
    return (a[0] + b[0], a[1] + b[1], a[2] + b[2])


IDENTITY: Mat = ((1.0, 0.0, 0.0), (0.0, 1.0, 0.0), (0.0, 0.0, 1.0))


def check_pose(pose: Pose, where: str = "pose") -> None:
    for joint, angles in pose.items():
        if joint not in JOINTS:
            raise PoseError(f"{where}: unknown joint {joint!r}.")
        if len(angles) > JOINTS[joint]:
            raise PoseError(f"{where}: {joint} takes at most {JOINTS[joint]} angle(s).")
        for value in angles:
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise PoseError(f"{where}: {joint} angles must be numbers.")
            if not -360 <= value <= 360:
                raise PoseError(f"{where}: {joint} angle {value} is out of range.")
        for index, value in enumerate(angles):
            if (joint, index) in LIMITS:
                least, most, what = LIMITS[(joint, index)]
                if not least <= value <= most:
                    raise PoseError(
                        f"{where}: {joint} {what} is {least:g} to {most:g}, not {value}."
                    )


def _angles(pose: Pose, joint: str) -> tuple[float, float, float]:
    values = [*pose.get(joint, ()), 0.0, 0.0, 0.0]
    return (float(values[0]), float(values[1]), float(values[2]))


def _spine(flex: float, side: float, turn: float) -> Mat:
    """Rotation of an upward segment: + flexes forward, bends right, turns right."""
    return _mul(_mul(_rz(-flex), _rx(side)), _ry(-turn))


def mix(a: Pose, b: Pose, t: float) -> dict[str, tuple[float, ...]]:
    """The pose a fraction ``t`` of the way from ``a`` to ``b``, joint angle by joint angle."""
    mixed: dict[str, tuple[float, ...]] = {}
    for joint in set(a) | set(b):
        size = JOINTS[joint]
        va = (list(a.get(joint, ())) + [0.0] * size)[:size]
        vb = (list(b.get(joint, ())) + [0.0] * size)[:size]
        mixed[joint] = tuple(x + (y - x) * t for x, y in zip(va, vb, strict=True))
    return mixed


@dataclass(frozen=True, slots=True)
class Body:
    """A posed body: named points and the frames of the segments that start at them."""

    points: dict[str, Vec]
    frames: dict[str, Mat]

    def local(self, frame: str, offset: Vec) -> Vec:
        """A point given in a segment's own frame, e.g. the front of the chest."""
        origin = ORIGINS[frame]
        return _add(self.points[origin], apply(self.frames[frame], offset))


def pose_body(pose: Pose) -> Body:
    """Forward kinematics: every point of the body for ``pose``, pelvis at the origin."""
    points: dict[str, Vec] = {}
    frames: dict[str, Mat] = {}
    pitch, roll, yaw = _angles(pose, "root")
    pelvis = _mul(_mul(_rz(-pitch), _rx(roll)), _ry(-yaw))
    frames["pelvis"] = pelvis
    points["pelvis"] = (0.0, 0.0, 0.0)
    trunk = _mul(pelvis, _spine(*_angles(pose, "trunk")))
    frames["trunk"] = trunk
    neck_base = apply(trunk, (0.0, TRUNK, 0.0))
    points["neck_base"] = neck_base
    neck = _mul(trunk, _spine(*_angles(pose, "neck")))
    frames["neck"] = neck
    points["neck_top"] = _add(neck_base, apply(neck, (0.0, NECK, 0.0)))
    head = _mul(neck, _spine(*_angles(pose, "head")))
    frames["head"] = head
    points["head"] = _add(points["neck_top"], apply(head, (0.0, HEAD_RADIUS - 1.0, 0.0)))

    for side, sign in (("l", -1.0), ("r", 1.0)):
        elevate, retract = _angles(pose, f"scapula_{side}")[:2]
        shoulder = _add(
            neck_base,
            apply(trunk, (-retract, -SHOULDER_DROP + elevate, sign * SHOULDER_HALF)),
        )
        points[f"shoulder_{side}"] = shoulder
        flex, abd, rot = _angles(pose, f"shoulder_{side}")
        arm = _mul(_mul(_mul(trunk, _rz(flex)), _rx(-sign * abd)), _ry(-sign * rot))
        frames[f"upper_arm_{side}"] = arm
        elbow = _add(shoulder, apply(arm, (0.0, -UPPER_ARM, 0.0)))
        points[f"elbow_{side}"] = elbow
        bend, twist = _angles(pose, f"elbow_{side}")[:2]
        fore = _mul(arm, _rz(bend))
        # The twist turns about the forearm's own length, so the wrist stays put; the hand
        # turns all of it and the forearm's frame half (its muscles near the elbow hardly move).
        wrist = _add(elbow, apply(fore, (0.0, -FOREARM, 0.0)))
        points[f"wrist_{side}"] = wrist
        turned = _mul(fore, _ry(sign * twist)) if twist else fore
        if twist:
            fore = _mul(fore, _ry(sign * twist / 2))
        frames[f"forearm_{side}"] = fore
        hand = _mul(turned, _rz(_angles(pose, f"wrist_{side}")[0]))
        frames[f"hand_{side}"] = hand
        points[f"hand_{side}"] = _add(wrist, apply(hand, (0.0, -HAND, 0.0)))

        hip = apply(pelvis, (0.0, 0.0, sign * HIP_HALF))
        points[f"hip_{side}"] = hip
        flex, abd, rot = _angles(pose, f"hip_{side}")
        thigh = _mul(_mul(_mul(pelvis, _rz(flex)), _rx(-sign * abd)), _ry(-sign * rot))
        frames[f"thigh_{side}"] = thigh
        knee = _add(hip, apply(thigh, (0.0, -THIGH, 0.0)))
        points[f"knee_{side}"] = knee
        shin = _mul(thigh, _rz(-_angles(pose, f"knee_{side}")[0]))
        frames[f"shin_{side}"] = shin
        ankle = _add(knee, apply(shin, (0.0, -SHIN, 0.0)))
        points[f"ankle_{side}"] = ankle
        foot = _mul(shin, _rz(_angles(pose, f"ankle_{side}")[0]))
        frames[f"foot_{side}"] = foot
        points[f"heel_{side}"] = _add(ankle, apply(foot, HEEL))
        points[f"toe_{side}"] = _add(ankle, apply(foot, TOE))
    return Body(points, frames)


def distance(a: Vec, b: Vec) -> float:
    return math.dist(a, b)
