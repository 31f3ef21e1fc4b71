"""Exercise figures: a posed body with its props, drawn as SVG, still or animated.

Each exercise has a figure spec (``figures/*.toml``, see the README there): a view (side or
front), a base posture, props, and two or more keyframes that change joint angles from the base.
:func:`render` draws one keyframe; :func:`render_animated` draws the movement looping through
every keyframe and back, as a CSS animation of the paths (``d: path(...)``), sampled in between
so that limbs swing through arcs instead of sliding. Both share one viewBox, so a still frame
and the animation line up. The target muscles glow in an accent colour; an arrow traces the
movement. Colours come from CSS variables with light and dark defaults inside the SVG, so a
figure works as an ``<img>``, inline, or as a file on its own.

Pure Python, no Django.
"""

from __future__ import annotations

import html
import itertools
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from knotless.library import skeleton
from knotless.library.skeleton import HEAD_RADIUS, Body, Pose, Vec

VIEWS = ("side", "front")
ANCHORS = ("pelvis", "feet", "hands")
PROP_KINDS = ("chair", "desk", "wall", "door", "mat", "ball", "roller", "band", "dumbbell")
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
# the side (+1 right, -1 left). Keys are atlas muscle slugs and the words of ``trains`` lists.
Zone = tuple[str, Vec, Vec, float]
ZONES: dict[str, tuple[Zone, ...]] = {
    "upper-trapezius": (("trunk", (-4, 53, 3), (-3, 47, 14), 7),),
    "middle-trapezius": (("trunk", (-9, 45, 3), (-9, 38, 11), 8),),
    "rhomboids": (("trunk", (-9, 44, 3), (-9, 34, 9), 8),),
    "lower-trapezius": (("trunk", (-9, 37, 4), (-9, 25, 8), 7),),
    "levator-scapulae": (("neck", (-3, 0, 6), (-3, 9, 3), 5),),
    "sternocleidomastoid-sternal": (("neck", (3, 0, 2), (0, 11, 5), 5),),
    "sternocleidomastoid-clavicular": (("neck", (2, 0, 5), (0, 11, 5), 5),),
    "scalenes": (("neck", (0, 0, 6), (0, 9, 4), 5),),
    "splenius-capitis": (("neck", (-4, 0, 2), (-5, 12, 4), 5),),
    "splenius-cervicis": (("neck", (-4, -2, 3), (-4, 8, 3), 5),),
    "suboccipitals": (("head", (-8, 3, 3), (-9, 6, 3), 5),),
    "posterior-neck-extensors": (("neck", (-4, 0, 2), (-4, 10, 2), 5),),
    "masseter-superficial": (("head", (5, 3, 8), (6, 9, 8), 4),),
    "masseter-deep": (("head", (4, 5, 8), (5, 10, 8), 4),),
    "temporalis": (("head", (3, 13, 9), (-3, 16, 9), 5),),
    "lateral-pterygoid": (("head", (5, 9, 8), (7, 9, 8), 4),),
    "supraspinatus": (("trunk", (-5, 49, 6), (-5, 47, 15), 6),),
    "infraspinatus": (("trunk", (-10, 42, 8), (-10, 34, 13), 9),),
    "subscapularis": (("trunk", (-7, 42, 10), (-7, 34, 13), 8),),
    "anterior-deltoid": (("upper_arm", (4, -1, 0), (4, -12, 0), 8),),
    "middle-deltoid": (("upper_arm", (0, -1, 4), (0, -12, 4), 8),),
    "posterior-deltoid": (("upper_arm", (-4, -1, 0), (-4, -12, 0), 8),),
    "latissimus-dorsi": (("trunk", (-9, 38, 13), (-7, 18, 11), 9),),
    "serratus-anterior": (("trunk", (2, 36, 14), (2, 26, 14), 8),),
    "pectoralis-major": (("trunk", (8, 44, 3), (8, 40, 13), 9),),
    "pectoralis-minor": (("trunk", (9, 44, 9), (9, 38, 9), 6),),
    "biceps-brachii": (("upper_arm", (3, -6, 0), (3, -22, 0), 7),),
    "triceps-brachii": (("upper_arm", (-3, -6, 0), (-3, -22, 0), 7),),
    "wrist-extensors": (("forearm", (-2, -3, 0), (-2, -16, 0), 6),),
    "finger-extensors": (("forearm", (-2, -5, 0), (-2, -18, 0), 6),),
    "brachioradialis": (("forearm", (0, -2, 2), (0, -13, 2), 6),),
    "supinator": (("forearm", (-1, -2, 1), (-1, -8, 1), 6),),
    "wrist-flexors": (("forearm", (2, -3, 0), (2, -16, 0), 6),),
    "finger-flexors": (("forearm", (2, -5, 0), (2, -18, 0), 6),),
    "thumb-muscles": (("hand", (1, -1, 0), (1, -6, 0), 5),),
    "iliocostalis-thoracis": (("trunk", (-10, 34, 6), (-10, 22, 6), 7),),
    "iliocostalis-lumborum": (("trunk", (-10, 20, 6), (-10, 6, 6), 7),),
    "longissimus": (("trunk", (-10, 30, 4), (-10, 8, 4), 7),),
    "lumbar-multifidi": (("trunk", (-10, 18, 2), (-10, 4, 2), 6),),
    "quadratus-lumborum": (("trunk", (-7, 18, 9), (-7, 6, 9), 7),),
    "iliopsoas": (("trunk", (7, 14, 5), (8, 2, 7), 7),),
    "gluteus-maximus": (("pelvis", (-8, 2, 7), (-9, -9, 7), 11),),
    "gluteus-medius": (("pelvis", (-3, 7, 12), (-3, -2, 12), 8),),
    "gluteus-minimus-anterior": (("pelvis", (1, 6, 12), (1, -2, 12), 7),),
    "gluteus-minimus-posterior": (("pelvis", (-5, 6, 12), (-5, -2, 12), 7),),
    "piriformis": (("pelvis", (-8, 0, 3), (-6, -3, 10), 6),),
    "tensor-fasciae-latae": (("thigh", (4, -2, 5), (3, -12, 5), 6),),
    "hamstrings": (("thigh", (-5, -8, 0), (-4, -36, 0), 9),),
    "rectus-femoris": (("thigh", (5, -6, 0), (5, -36, 0), 8),),
    "vastus-medialis": (("thigh", (3, -26, -4), (3, -38, -4), 7),),
    "vastus-lateralis": (("thigh", (0, -10, 5), (0, -36, 5), 7),),
    "gastrocnemius": (("shin", (-5, -4, 0), (-4, -20, 0), 8),),
    "soleus": (("shin", (-4, -16, 0), (-3, -32, 0), 7),),
    "tibialis-anterior": (("shin", (3, -4, 0), (2, -30, 0), 5),),
    "deep neck flexors": (("neck", (3, 1, 0), (3, 8, 0), 5),),
    "core": (("trunk", (8, 8, 0), (8, 28, 0), 10),),
    "obliques": (("trunk", (4, 10, 12), (4, 28, 12), 8),),
}
# Frames that belong to one side of the body (their name ends in _l or _r when posed).
SIDED = {"upper_arm", "forearm", "hand", "thigh", "shin", "foot"}
ARROW_POINTS = (
    "hand_l",
    "hand_r",
    "head",
    "toe_l",
    "toe_r",
    "knee_l",
    "knee_r",
    "elbow_l",
    "elbow_r",
    "neck_base",
    "pelvis",
)

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


class FigureError(ValueError):
    """A figure spec is malformed."""


@dataclass(frozen=True, slots=True)
class Prop:
    kind: str
    at: str = ""  # a segment frame (e.g. "trunk", "thigh_r") or a body point for band/dumbbell
    offset: Vec = (0.0, 0.0, 0.0)
    to: str = ""  # band: the other end, a body point ...
    anchor: tuple[float, float] | None = None  # ... or a fixed spot [x, y] in the room
    x: float = 0.0  # wall and door: where they stand


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


# --- geometry -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Shape:
    """One drawable: a capsule chain, a closed polygon, a circle (1 point) or a prop path."""

    key: str  # stable name, the same in every keyframe (used for animation)
    kind: str  # "line", "poly", "circle"
    points: tuple[tuple[float, float], ...]
    width: float  # stroke width, or radius for circles
    cls: str
    depth: float = 0.0


def _project(view: str, p: Vec) -> tuple[float, float]:
    return (p[0], -p[1]) if view == "side" else (-p[2], -p[1])


def _depth(view: str, p: Vec) -> float:
    return p[2] if view == "side" else p[0]


def _shift(p: Vec, dx: float, dy: float) -> Vec:
    return (p[0] + dx, p[1] + dy, p[2])


def _side_sign(side: str) -> float:
    return -1.0 if side == "l" else 1.0


def _placed_body(spec: FigureSpec, pose: Pose, reference: Body | None) -> Body:
    """The body for ``pose``, moved so it rests on the floor (or the chair seat)."""
    body = skeleton.pose_body(pose)
    pts = body.points
    if any(prop.kind == "chair" for prop in spec.props):
        dy = SEAT_PELVIS - pts["pelvis"][1]
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


def _body_shapes(view: str, body: Body) -> list[Shape]:
    pts = body.points

    def pr(name: str) -> tuple[float, float]:
        return _project(view, pts[name])

    def dp(*names: str) -> float:
        return sum(_depth(view, pts[n]) for n in names) / len(names)

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
    head_depth = _depth(view, pts["head"]) + 1.0
    shapes.append(Shape("head", "circle", (pr("head"),), HEAD_RADIUS, trunk_cls, head_depth))
    # Eyes show which way the face points: an eye on the far half of the head shrinks away.
    for side, sign in (("l", -1.0), ("r", 1.0)):
        spot = body.local(
            "head", (HEAD_RADIUS * 0.72, HEAD_RADIUS + 0.5, sign * HEAD_RADIUS * 0.38)
        )
        visible = _depth(view, spot) - _depth(view, pts["head"]) > 0.5
        shapes.append(
            Shape(
                f"eye_{side}",
                "circle",
                (_project(view, spot),),
                1.3 if visible else 0.0,
                "kf-eye",
                head_depth + 0.1,
            )
        )
    for shape in list(shapes):
        if not shape.cls:
            far = shape.depth < -5.0 if view == "side" else shape.depth < -8.0
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


def _glow_shapes(spec: FigureSpec, view: str, body: Body) -> list[Shape]:
    shapes: list[Shape] = []
    for target in spec.targets:
        for index, (frame, start, end, width) in enumerate(ZONES.get(target, ())):
            for side in spec.sides:
                sign = _side_sign(side)
                name = f"{frame}_{side}" if frame in SIDED else frame
                a = body.local(name, (start[0], start[1], start[2] * sign))
                b = body.local(name, (end[0], end[1], end[2] * sign))
                depth = (_depth(view, a) + _depth(view, b)) / 2
                # A zone on the side of its segment facing away from us shows faintly.
                axis = body.local(name, (0.0, (start[1] + end[1]) / 2, 0.0))
                behind = depth - _depth(view, axis) < -2.0
                shapes.append(
                    Shape(
                        f"glow_{target}_{index}_{side}",
                        "line",
                        (_project(view, a), _project(view, b)),
                        width,
                        "kf-glow kf-behind" if behind else "kf-glow",
                        depth,
                    )
                )
    return shapes


def _moving_prop_shapes(spec: FigureSpec, view: str, body: Body) -> list[Shape]:
    shapes: list[Shape] = []
    for index, prop in enumerate(spec.props):
        key = f"prop{index}"
        if prop.kind in ("ball", "roller"):
            centre = body.local(prop.at, prop.offset)
            radius = BALL_RADIUS if prop.kind == "ball" else ROLLER_RADIUS
            if prop.kind == "roller" and view == "front":
                c = _project(view, centre)
                shapes.append(
                    Shape(
                        key,
                        "line",
                        ((c[0] - 20, c[1]), (c[0] + 20, c[1])),
                        2 * radius,
                        "kf-rollbar",
                        _depth(view, centre),
                    )
                )
            else:
                shapes.append(
                    Shape(
                        key,
                        "circle",
                        (_project(view, centre),),
                        radius,
                        "kf-ball",
                        _depth(view, centre) + 20,
                    )
                )
        elif prop.kind == "band":
            start = _project(view, body.points[prop.at])
            if prop.to:
                end = _project(view, body.points[prop.to])
            else:
                assert prop.anchor is not None
                end = (prop.anchor[0], -prop.anchor[1])
            shapes.append(Shape(key, "line", (start, end), 2.0, "kf-band", 50.0))
        elif prop.kind == "dumbbell":
            hand = body.points[prop.at]
            c = _project(view, hand)
            if view == "side":
                shapes.append(Shape(key, "circle", (c,), 5.0, "kf-weight", _depth(view, hand) + 1))
            else:
                shapes.append(
                    Shape(
                        key,
                        "line",
                        ((c[0] - 7, c[1]), (c[0] + 7, c[1])),
                        6.0,
                        "kf-bar",
                        _depth(view, hand) + 1,
                    )
                )
    return shapes


Box = tuple[float, float, float, float]


def _still_props(
    spec: FigureSpec, view: str, body: Body, box: tuple[float, float, float, float]
) -> list[str]:
    """SVG for props that do not move: chair, desk, wall, door frame, mat."""
    out: list[str] = []
    pelvis = body.points["pelvis"]
    px = _project(view, pelvis)[0]
    for prop in spec.props:
        if prop.kind == "chair":
            seat = -(SEAT_PELVIS - 9)
            if view == "side":
                back = px - 21
                d = (
                    f"M{back:.1f} {seat:.1f}h40 M{back + 3:.1f} {seat:.1f}v{-seat:.1f} "
                    f"M{back + 37:.1f} {seat:.1f}v{-seat:.1f} M{back:.1f} {seat:.1f}l-3 -44"
                )
                out.append(f'<path class="kf-prop-line" d="{d}"/>')
            else:
                d = (
                    f"M{px - 23:.1f} {seat:.1f}h46 M{px - 20:.1f} {seat:.1f}v{-seat:.1f} "
                    f"M{px + 20:.1f} {seat:.1f}v{-seat:.1f}"
                )
                out.append(f'<path class="kf-prop-line" d="{d}"/>')
        elif prop.kind == "desk" and view == "side":
            edge = prop.x if prop.x else px + 30  # by default just in front of the knees
            d = f"M{edge:.1f} -73h{box[0] + box[2] - edge:.1f} M{edge + 4:.1f} -73v73"
            out.append(f'<path class="kf-prop-line" d="{d}"/>')
        elif prop.kind == "wall" and view == "side":
            away = -1 if prop.x < px else 1
            hatch = "".join(f"M{prop.x:.1f} {-y:.1f}l{away * 5} -5 " for y in range(0, 220, 12))
            out.append(f'<path class="kf-wall" d="M{prop.x:.1f} 0V-220"/>')
            out.append(f'<path class="kf-hatch" d="{hatch}"/>')
        elif prop.kind == "door":
            if view == "side":
                x = prop.x - 3
                out.append(f'<rect class="kf-prop" x="{x:.1f}" y="-205" width="6" height="205"/>')
            else:
                out.append(f'<path class="kf-door" d="M{px - 48:.1f} 0V-205H{px + 48:.1f}V0"/>')
        elif prop.kind == "mat":
            left, width = box[0] + 6, box[2] - 12
            size = f'x="{left:.1f}" y="-2" width="{width:.1f}" height="3"'
            out.append(f'<rect class="kf-mat" {size} rx="1"/>')
    return out


def _path(shape: Shape) -> str:
    pts = shape.points
    if shape.kind == "circle":
        (x, y), r = pts[0], shape.width
        arc = f"a{r:.1f} {r:.1f} 0 1 0"
        return f"M{x - r:.1f} {y:.1f}{arc} {2 * r:.1f} 0{arc} {-2 * r:.1f} 0"
    head = f"M{pts[0][0]:.1f} {pts[0][1]:.1f}"
    rest = "".join(f"L{x:.1f} {y:.1f}" for x, y in pts[1:])
    return head + rest + ("Z" if shape.kind == "poly" else "")


def _attrs(shape: Shape, extra: str = "") -> str:
    attrs = f'class="{_fill_class(shape)}{extra}"'
    if shape.kind == "circle":
        return attrs
    return attrs + f' stroke-width="{shape.width:.1f}"'


@dataclass(frozen=True, slots=True)
class Scene:
    shapes: list[Shape]
    body: Body


def _scene(spec: FigureSpec, pose: Pose, reference: Body | None) -> Scene:
    body = _placed_body(spec, pose, reference)
    shapes = _body_shapes(spec.view, body) + _glow_shapes(spec, spec.view, body)
    shapes += _moving_prop_shapes(spec, spec.view, body)
    return Scene(shapes, body)


def _order(shapes: Sequence[Shape]) -> list[Shape]:
    """Far to near, then the glows on top: a target shows even on the far side of the body."""
    return sorted(shapes, key=lambda s: (s.cls.startswith("kf-glow"), s.depth))


def _ease(t: float) -> float:
    return 0.5 - math.cos(math.pi * t) / 2


# --- the film: keyframes and the samples between them -----------------------------------------

HOLD = 0.8  # seconds at each keyframe
MOVE = 1.4  # seconds between keyframes
SAMPLES = 6  # drawings per move


def _timeline(spec: FigureSpec) -> list[tuple[float, dict[str, tuple[float, ...]]]]:
    """(seconds, pose) stops for one loop: every keyframe in turn, then back to the first."""
    keys = [*spec.frames, spec.frames[0]]
    stops: list[tuple[float, dict[str, tuple[float, ...]]]] = []
    now = 0.0
    for a, b in itertools.pairwise(keys):
        stops.append((now, dict(a)))
        now += HOLD
        for i in range(SAMPLES):
            t = i / SAMPLES
            stops.append((now + MOVE * t, skeleton.mix(a, b, _ease(t))))
        now += MOVE
    stops.append((now, dict(keys[-1])))
    return stops


def _scenes(spec: FigureSpec) -> tuple[list[Scene], list[Scene], list[float]]:
    """Scenes of the keyframes, and of the whole loop with each stop's time in seconds."""
    first = _placed_body(spec, spec.frames[0], None)
    keys = [_scene(spec, pose, first) for pose in spec.frames]
    timeline = _timeline(spec)
    loop = [_scene(spec, pose, first) for _, pose in timeline]
    return keys, loop, [t for t, _ in timeline]


def _bounds(spec: FigureSpec, scenes: Iterable[Scene]) -> tuple[float, float, float, float]:
    xs: list[float] = []
    ys: list[float] = []
    for scene in scenes:
        for shape in scene.shapes:
            if spec.upper and shape.key.startswith(("thigh", "shin", "foot")):
                continue
            pad = shape.width if shape.kind == "circle" else shape.width / 2
            for x, y in shape.points:
                if spec.upper and y > -scene.body.points["pelvis"][1] + 12:
                    continue
                xs += [x - pad, x + pad]
                ys += [y - pad, y + pad]
    for prop in spec.props:
        if prop.kind == "wall" and spec.view == "side":
            xs.append(prop.x)
        if prop.kind == "band" and prop.anchor is not None:
            xs.append(prop.anchor[0])
            ys.append(-prop.anchor[1])
    if not spec.upper:
        ys.append(1.0)
    left, right, top, bottom = min(xs), max(xs), min(ys), max(ys)
    least = 60.0 if spec.upper else 100.0
    # Between 3:4 (standing) and 2:1 (lying down), so nobody is drawn tiny in a square.
    width = max(right - left, 0.75 * (bottom - top), least) + 16
    height = max(bottom - top, width / 2, least * 0.75) + 16
    cx, cy = (left + right) / 2, (top + bottom) / 2
    top_edge = cy - height / 2
    if not spec.upper:  # keep the floor a little above the bottom edge
        top_edge = max(min(top_edge, 6 - height), bottom + 6 - height)
    return (cx - width / 2, top_edge, width, height)


STYLE = """
svg{--kf-ink:#33434a;
--kf-far:#9aa9ae;--kf-glow:#e4692f;--kf-prop:#b9a47e;--kf-ball:#4f86b5;--kf-weight:#5d5a55;
--kf-line:#8b8471;--kf-bg:#fff;--kf-band:#3d8a7f;--kf-arrow:#2f6f68}

@media (prefers-color-scheme:dark){svg{--kf-ink:#d5dfdc;--kf-far:#6d7c7f;--kf-glow:#ff9a5c;
--kf-prop:#7d7360;--kf-ball:#6fa6d6;--kf-weight:#b4aea2;--kf-line:#8d9a97;--kf-bg:#1c2425;
--kf-band:#7cc2b6;--kf-arrow:#7cc2b6}
}

.kf-body,.kf-far,.kf-glow,.kf-band{fill:none;stroke-linecap:round;stroke-linejoin:round}

.kf-body{stroke:var(--kf-ink)}

.kf-body.kf-fill,.kf-far.kf-fill{fill:var(--kf-ink)}

.kf-far{stroke:var(--kf-far)}
.kf-far.kf-fill{fill:var(--kf-far)}

.kf-glow{stroke:var(--kf-glow)}
.kf-behind{opacity:.5;stroke-dasharray:2 2.5}

.kf-eye{fill:var(--kf-bg)}
.kf-edge{fill:none;stroke:var(--kf-bg);stroke-linecap:round;stroke-linejoin:round}

.kf-prop{fill:var(--kf-prop);stroke:none}
.kf-ball{fill:var(--kf-ball)}
.kf-weight{fill:var(--kf-weight)}
.kf-rollbar{fill:none;stroke:var(--kf-ball);stroke-linecap:round}
.kf-bar{fill:none;stroke:var(--kf-weight);stroke-linecap:butt}

.kf-prop-line,.kf-door{fill:none;stroke:var(--kf-prop);stroke-width:4;stroke-linecap:round;
stroke-linejoin:round}

.kf-wall{stroke:var(--kf-line);stroke-width:2.5}
.kf-hatch{stroke:var(--kf-line);stroke-width:1;opacity:.6}

.kf-floor{stroke:var(--kf-line);stroke-width:1.5}

.kf-mat{fill:var(--kf-prop);opacity:.7}

.kf-band{stroke:var(--kf-band);stroke-dasharray:3 2}

.kf-arrow{fill:none;stroke:var(--kf-arrow);stroke-width:2.2;stroke-linecap:round;
stroke-linejoin:round}

.kf-head{fill:var(--kf-arrow)}

@media (prefers-reduced-motion:reduce){.kf-move{animation:none!important}
}

"""


def _fill_class(shape: Shape) -> str:
    if shape.kind == "poly" or (shape.kind == "circle" and shape.cls in ("kf-body", "kf-far")):
        return shape.cls + " kf-fill"
    return shape.cls


def _arrow_paths(spec: FigureSpec, loop: Sequence[Scene], centre: tuple[float, float]) -> list[str]:
    if spec.no_arrow or len(spec.frames) < 2:
        return []
    # The first move of the loop: from keyframe 0 to keyframe 1.
    move = loop[: SAMPLES + 2]
    names = list(spec.arrows)
    if not names:
        best, far = "", 12.0
        for name in ARROW_POINTS:
            a, b = move[0].body.points[name], move[-1].body.points[name]
            length = math.dist(_project(spec.view, a), _project(spec.view, b))
            if length > far:
                best, far = name, length
        names = [best] if best else []
    out = []
    for name in names:
        track = [_project(spec.view, scene.body.points[name]) for scene in move]
        cut = max(1, len(track) // 6)
        track = track[cut : len(track) - cut] if len(track) > 4 else track
        if math.dist(track[0], track[-1]) < 4:
            continue
        # Run the arrow alongside the path, on the side away from the body's middle, so it
        # does not sit on the limb: a parallel curve keeps the path's shape.
        normals = []
        for i in range(len(track)):
            (ax, ay), (bx, by) = track[max(0, i - 1)], track[min(len(track) - 1, i + 1)]
            length = math.hypot(bx - ax, by - ay) or 1.0
            normals.append((-(by - ay) / length, (bx - ax) / length))
        mx, my = track[len(track) // 2]
        nx, ny = normals[len(track) // 2]
        sign = 1.0 if (mx - centre[0]) * nx + (my - centre[1]) * ny >= 0 else -1.0
        bent = [
            (x + sign * n[0] * 9, y + sign * n[1] * 9)
            for (x, y), n in zip(track, normals, strict=True)
        ]
        d = "M" + "L".join(f"{x:.1f} {y:.1f}" for x, y in bent)
        (x1, y1), (x2, y2) = bent[-2], bent[-1]
        angle = math.atan2(y2 - y1, x2 - x1)
        tip = (x2 + math.cos(angle) * 3, y2 + math.sin(angle) * 3)
        left = (tip[0] - 7 * math.cos(angle - 0.5), tip[1] - 7 * math.sin(angle - 0.5))
        right = (tip[0] - 7 * math.cos(angle + 0.5), tip[1] - 7 * math.sin(angle + 0.5))
        out.append(f'<path class="kf-arrow" d="{d}"/>')
        head = "M" + "L".join(f"{x:.1f} {y:.1f}" for x, y in (tip, left, right)) + "Z"
        out.append(f'<path class="kf-head" d="{head}"/>')
    return out


def _svg(spec: FigureSpec, box: Box, inner: list[str], title: str) -> str:
    x, y, w, h = box
    floor = ""
    if not spec.upper:
        floor = f'<path class="kf-floor" d="M{x:.1f} 0H{x + w:.1f}"/>'
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{x:.1f} {y:.1f} {w:.1f} {h:.1f}" '
        f'role="img" aria-label="{_escape(title)}"><title>{_escape(title)}</title>'
        f"<style>{STYLE}</style>{floor}{''.join(inner)}</svg>\n"
    )


def _escape(text: str) -> str:
    return html.escape(text, quote=True)


def render(spec: FigureSpec, frame: int = 0, *, title: str = "") -> str:
    """One keyframe as a still SVG."""
    if not 0 <= frame < len(spec.frames):
        raise FigureError(f"{spec.slug} has keyframes 0 to {len(spec.frames) - 1}, not {frame}.")
    keys, loop, _ = _scenes(spec)
    box = _bounds(spec, loop)
    scene = keys[frame]
    inner = _still_props(spec, spec.view, keys[0].body, box)
    for shape in _order(scene.shapes):
        inner.append(f'<path {_attrs(shape)} d="{_path(shape)}"/>')
    if frame == 0:
        inner += _arrow_paths(spec, loop, _mid(keys[0], spec.view))
    return _svg(spec, box, inner, title or f"{spec.slug}, position {frame + 1}")


def _mid(scene: Scene, view: str) -> tuple[float, float]:
    """The middle of the body on screen, which arrows bow away from."""
    projected = [_project(view, p) for p in scene.body.points.values()]
    return (
        sum(x for x, _ in projected) / len(projected),
        sum(y for _, y in projected) / len(projected),
    )


def render_animated(spec: FigureSpec, *, title: str = "") -> str:
    """The movement as one looping SVG, CSS-animated from keyframe to keyframe and back."""
    keys, loop, times = _scenes(spec)
    box = _bounds(spec, loop)
    total = times[-1]
    inner = _still_props(spec, spec.view, keys[0].body, box)
    order = [shape.key for shape in _order(keys[0].shapes)]
    by_key = [{shape.key: shape for shape in scene.shapes} for scene in loop]
    prefix = "kf" + spec.slug.replace("-", "")[:24]
    css: list[str] = []
    for n, key in enumerate(order):
        first = by_key[0][key]
        paths = [_path(shapes[key]) for shapes in by_key]
        extra = ""
        if len(set(paths)) > 1:
            # Keep both ends of every unchanged run, or CSS would start moving during a hold.
            stops = [
                f'{100 * t / total:.2f}%{{d:path("{d}")}}'
                for i, (t, d) in enumerate(zip(times, paths, strict=True))
                if i in (0, len(paths) - 1) or d != paths[i - 1] or d != paths[i + 1]
            ]
            name = f"{prefix}{n}"
            css.append(f"@keyframes {name}{{{''.join(stops)}}}")
            css.append(f".{name}{{animation:{name} {total:.1f}s linear infinite}}")
            extra = f" kf-move {name}"
        inner.append(f'<path {_attrs(first, extra)} d="{paths[0]}"/>')
    inner += _arrow_paths(spec, loop, _mid(keys[0], spec.view))
    svg = _svg(spec, box, inner, title or spec.slug)
    return svg.replace("</style>", "".join(css) + "</style>", 1)


# --- specs ----------------------------------------------------------------------------------


def full_pose(base: str, change: Mapping[str, Sequence[float]]) -> dict[str, tuple[float, ...]]:
    pose = {joint: tuple(float(v) for v in values) for joint, values in BASES[base].items()}
    for joint, values in change.items():
        current = list(pose.get(joint, ()))
        merged = [float(v) for v in values] + current[len(values) :]
        pose[joint] = tuple(merged)
    return pose
