"""Posing and flattening: the body placed in the room and turned into drawable shapes.

Pure Python, no Django.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from knotless.library import skeleton
from knotless.library.figure.spec import (
    BALL_RADIUS,
    BENCH_TOP,
    HANDS,
    ROLLER_RADIUS,
    SEAT_PELVIS,
    WEIGHTS,
    FigureSpec,
)
from knotless.library.figure.weights import lowest_point
from knotless.library.skeleton import HEAD_RADIUS, Body, Pose, Vec

# Drawing widths (cm).
W_TRUNK_SIDE = 22.0
W_TRUNK_FRONT = 14.0
W_NECK = 9.0
W_UPPER_ARM = 9.0
W_FOREARM = 8.0
W_HAND = 6.5
W_THIGH = 14.0
W_SHIN = 11.0
W_FOOT = 6.0
W_HIPS = 18.0


LYING_ON_THE_BACK = ("supine", "hook-lying")  # bases that lie on a bench, if there is one

Box = tuple[float, float, float, float]  # x, y, width, height of a viewBox


@dataclass(frozen=True, slots=True)
class Shape:
    """One drawable: a capsule chain, a closed polygon, a circle (1 point) or a prop path."""

    key: str  # stable name, the same in every keyframe (used for animation)
    kind: str  # "line", "poly", "circle"
    points: tuple[tuple[float, float], ...]
    width: float  # stroke width, or radius for circles
    cls: str
    depth: float = 0.0


@dataclass(frozen=True, slots=True)
class Camera:
    """Where we look from: the body's right side or its front, raised ``elevation`` degrees.

    A raised camera tips the room towards us about the screen's horizontal axis: near things
    sink on the screen and the tops of things turn to face us, as when looking down at a mat.
    """

    view: str
    elevation: float = 0.0


def project(camera: Camera, p: Vec) -> tuple[float, float]:
    # Depth (z from the side, x from the front) is the axis that tips; screen x never changes.
    near = p[2] if camera.view == "side" else p[0]
    across = p[0] if camera.view == "side" else -p[2]
    if not camera.elevation:
        return (across, -p[1])  # level: exactly the drawing every figure had before
    rise = math.radians(camera.elevation)
    return (across, near * math.sin(rise) - p[1] * math.cos(rise))


def depth_of(camera: Camera, p: Vec) -> float:
    """How near a point (or a direction) is to us; more is nearer."""
    near = p[2] if camera.view == "side" else p[0]
    if not camera.elevation:
        return near
    rise = math.radians(camera.elevation)
    return near * math.cos(rise) + p[1] * math.sin(rise)


def _shift(p: Vec, dx: float, dy: float) -> Vec:
    return (p[0] + dx, p[1] + dy, p[2])


def _side_sign(side: str) -> float:
    return -1.0 if side == "l" else 1.0


def placed_body(spec: FigureSpec, pose: Pose, reference: Body | None) -> Body:
    """The body for ``pose``, moved so it rests on the floor (or the chair seat)."""
    body = skeleton.pose_body(pose)
    pts = body.points
    if any(prop.kind == "chair" for prop in spec.props):
        dy = SEAT_PELVIS - pts["pelvis"][1]
    elif spec.base in LYING_ON_THE_BACK and any(prop.kind == "bench" for prop in spec.props):
        # Lying on a bench: the back rests on its top and the feet reach down to the floor.
        dy = BENCH_TOP + W_TRUNK_SIDE / 2 - min(pts["pelvis"][1], pts["neck_base"][1])
    else:
        lows = [pts["head"][1] - HEAD_RADIUS, pts["pelvis"][1] - W_HIPS / 2]
        for name in ("hand", "wrist", "elbow", "knee", "heel", "toe", "shoulder"):
            for side in ("l", "r"):
                lows.append(pts[f"{name}_{side}"][1] - 4.0)
        lows.append(pts["neck_base"][1] - W_TRUNK_SIDE / 2)
        for prop in spec.props:
            if prop.kind in ("ball", "roller") and prop.at:
                radius = BALL_RADIUS if prop.kind == "ball" else ROLLER_RADIUS
                lows.append(body.local(prop.at, prop.offset)[1] - radius)
            if prop.kind in WEIGHTS or prop.at == HANDS:  # a weight rests on the floor at lowest
                lows.append(lowest_point(body, prop))
        dy = -min(lows)
    dx = 0.0
    if reference is not None and spec.anchor != "pelvis":
        names = (
            ("heel_l", "heel_r", "toe_l", "toe_r")
            if spec.anchor == "feet"
            else ("hand_l", "hand_r")
        )
        now = sum(pts[n][0] for n in names) / len(names)
        then = sum(reference.points[n][0] for n in names) / len(names)
        dx = then - now
    moved = {name: _shift(p, dx, dy) for name, p in pts.items()}
    return Body(moved, body.frames)


# The body points each limb's depth is the mean of (hands and feet sit 0.1 nearer).
LIMB_POINTS = {
    part: (f"{a}_{{}}", f"{b}_{{}}", f"{c}_{{}}")
    for parts, (a, b, c) in (
        (("upper_arm", "forearm", "hand"), ("shoulder", "elbow", "wrist")),
        (("thigh", "shin", "foot"), ("hip", "knee", "ankle")),
    )
    for part in parts
}


def _level_depth(key: str, level: Camera, pts: dict[str, Vec]) -> float:
    part, side = key.rsplit("_", 1)
    names = [name.format(side) for name in LIMB_POINTS[part]]
    extra = 0.1 if part in ("hand", "foot") else 0.0
    return sum(depth_of(level, pts[n]) for n in names) / len(names) + extra


def body_shapes(camera: Camera, body: Body) -> list[Shape]:
    pts = body.points

    def pr(name: str) -> tuple[float, float]:
        return project(camera, pts[name])

    def dp(*names: str) -> float:
        return sum(depth_of(camera, pts[n]) for n in names) / len(names)

    shapes: list[Shape] = []
    trunk_cls = "kf-body"
    shapes.append(
        Shape(
            "torso",
            "poly",
            (pr("shoulder_l"), pr("shoulder_r"), pr("hip_r"), pr("hip_l")),
            W_TRUNK_FRONT,
            trunk_cls,
            dp("pelvis") - 0.5,
        )
    )
    shapes.append(
        Shape("trunk", "line", (pr("pelvis"), pr("neck_base")), W_TRUNK_SIDE, trunk_cls, -0.4)
    )
    shapes.append(Shape("hips", "line", (pr("hip_l"), pr("hip_r")), W_HIPS, trunk_cls, -0.3))
    shapes.append(Shape("neck", "line", (pr("neck_base"), pr("neck_top")), W_NECK, trunk_cls, -0.2))
    for side in ("l", "r"):
        arm = (f"shoulder_{side}", f"elbow_{side}", f"wrist_{side}")
        shapes.append(
            Shape(f"upper_arm_{side}", "line", (pr(arm[0]), pr(arm[1])), W_UPPER_ARM, "", dp(*arm))
        )
        shapes.append(
            Shape(f"forearm_{side}", "line", (pr(arm[1]), pr(arm[2])), W_FOREARM, "", dp(*arm))
        )
        shapes.append(
            Shape(
                f"hand_{side}",
                "line",
                (pr(f"wrist_{side}"), pr(f"hand_{side}")),
                W_HAND,
                "",
                dp(*arm) + 0.1,
            )
        )
        leg = (f"hip_{side}", f"knee_{side}", f"ankle_{side}")
        shapes.append(
            Shape(f"thigh_{side}", "line", (pr(leg[0]), pr(leg[1])), W_THIGH, "", dp(*leg))
        )
        shapes.append(Shape(f"shin_{side}", "line", (pr(leg[1]), pr(leg[2])), W_SHIN, "", dp(*leg)))
        shapes.append(
            Shape(
                f"foot_{side}",
                "poly",
                (pr(f"ankle_{side}"), pr(f"heel_{side}"), pr(f"toe_{side}")),
                W_FOOT,
                "",
                dp(*leg) + 0.1,
            )
        )
    head_depth = depth_of(camera, pts["head"]) + 1.0
    shapes.append(Shape("head", "circle", (pr("head"),), HEAD_RADIUS, trunk_cls, head_depth))
    # Eyes show which way the face points: an eye on the far half of the head shrinks away.
    for side, sign in (("l", -1.0), ("r", 1.0)):
        spot = body.local(
            "head", (HEAD_RADIUS * 0.72, HEAD_RADIUS + 0.5, sign * HEAD_RADIUS * 0.38)
        )
        visible = depth_of(camera, spot) - depth_of(camera, pts["head"]) > 0.5
        shapes.append(
            Shape(
                f"eye_{side}",
                "circle",
                (project(camera, spot),),
                1.3 if visible else 0.0,
                "kf-eye",
                head_depth + 0.1,
            )
        )
    # Whether a limb is behind the body is judged from eye level: a raised camera sees the
    # legs further away than the chest only because they are lower, not because they are behind.
    level = Camera(camera.view)
    for shape in list(shapes):
        if not shape.cls:
            # Far from the body's own middle, not from the room's, so a body turned with root
            # yaw still shows its near limbs dark.
            middle = sum(depth_of(level, pts[n]) for n in ("pelvis", "neck_base")) / 2
            near = _level_depth(shape.key, level, pts) - middle
            far = near < -5.0 if camera.view == "side" else near < -8.0
            shapes[shapes.index(shape)] = Shape(
                shape.key,
                shape.kind,
                shape.points,
                shape.width,
                "kf-far" if far else "kf-body",
                shape.depth,
            )
            # A thin edge in the background colour keeps an arm in front of the chest (or a
            # leg in front of the other) from melting into it. A chain's edges all go below
            # its segments, so elbows and knees show no seam. Far limbs get an empty edge:
            # every drawing needs the same parts for the animation.
            chain = shape.depth - (0.11 if shape.key.startswith(("hand", "foot")) else 0.01)
            shapes.append(
                Shape(
                    shape.key + "_edge",
                    shape.kind,
                    shape.points,
                    0.0 if far else shape.width + 3.0,
                    "kf-edge",
                    chain,
                )
            )
    return shapes
