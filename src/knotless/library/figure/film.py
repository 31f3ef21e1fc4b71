"""The film: scenes of the keyframes and of the moves between them, their frame, and the arrow.

Pure Python, no Django.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from knotless.library import skeleton
from knotless.library.figure.geometry import Camera, Shape, body_shapes, placed_body, project
from knotless.library.figure.glow import glow_shapes
from knotless.library.figure.props import moving_prop_shapes
from knotless.library.figure.spec import BENCH_LENGTH, FigureSpec
from knotless.library.skeleton import Body, Pose

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


@dataclass(frozen=True, slots=True)
class Scene:
    shapes: list[Shape]
    body: Body
    camera: Camera


def make_scene(
    spec: FigureSpec, pose: Pose, reference: Body | None, elevation: float = 0.0
) -> Scene:
    body = placed_body(spec, pose, reference)
    camera = Camera(spec.view, elevation)
    shapes = body_shapes(camera, body) + glow_shapes(spec, camera, body)
    shapes += moving_prop_shapes(spec, camera, body, reference)
    return Scene(shapes, body, camera)


def draw_order(shapes: Sequence[Shape]) -> list[Shape]:
    """Far to near, then the glows on top: a target shows even on the far side of the body."""
    return sorted(shapes, key=lambda s: (s.cls.startswith("kf-glow"), s.depth))


def ease(t: float) -> float:
    return 0.5 - math.cos(math.pi * t) / 2


# --- the film: keyframes and the samples between them -----------------------------------------

HOLD = 0.8  # seconds at each keyframe
MOVE = 1.4  # seconds between keyframes
SAMPLES = 6  # drawings per move


def timeline(spec: FigureSpec) -> list[tuple[float, dict[str, tuple[float, ...]]]]:
    """(seconds, pose) stops for one loop: every keyframe in turn, then back to the first."""
    keys = [*spec.frames, spec.frames[0]]
    stops: list[tuple[float, dict[str, tuple[float, ...]]]] = []
    now = 0.0
    for a, b in itertools.pairwise(keys):
        stops.append((now, dict(a)))
        now += HOLD
        for i in range(SAMPLES):
            t = i / SAMPLES
            stops.append((now + MOVE * t, skeleton.mix(a, b, ease(t))))
        now += MOVE
    stops.append((now, dict(keys[-1])))
    return stops


def camera_timeline(spec: FigureSpec) -> list[float]:
    """The camera's elevation at each stop of :func:`timeline`, eased the same way."""
    count = len(spec.frames)
    keys = [spec.elevation(n % count) for n in range(count + 1)]
    out: list[float] = []
    for a, b in itertools.pairwise(keys):
        out.append(a)
        out += [a + (b - a) * ease(i / SAMPLES) for i in range(SAMPLES)]
    out.append(keys[-1])
    return out


def film_scenes(spec: FigureSpec) -> tuple[list[Scene], list[Scene], list[float]]:
    """Scenes of the keyframes, and of the whole loop with each stop's time in seconds."""
    first = placed_body(spec, spec.frames[0], None)
    keys = [make_scene(spec, pose, first, spec.elevation(n)) for n, pose in enumerate(spec.frames)]
    stops = timeline(spec)
    cameras = camera_timeline(spec)
    loop = [
        make_scene(spec, pose, first, elevation)
        for (_, pose), elevation in zip(stops, cameras, strict=True)
    ]
    return keys, loop, [t for t, _ in stops]


def bounds(spec: FigureSpec, scenes: Iterable[Scene]) -> tuple[float, float, float, float]:
    xs: list[float] = []
    ys: list[float] = []
    for scene in scenes:
        for shape in scene.shapes:
            if spec.upper and shape.key.startswith(("thigh", "shin", "foot")):
                continue
            pad = shape.width if shape.kind == "circle" else shape.width / 2
            for x, y in shape.points:
                if spec.upper and y > project(scene.camera, scene.body.points["pelvis"])[1] + 12:
                    continue
                xs += [x - pad, x + pad]
                ys += [y - pad, y + pad]
    for prop in spec.props:
        if prop.kind == "wall" and spec.view == "side":
            xs.append(prop.x)
        if prop.kind == "bench" and spec.view == "side":
            xs += [prop.x - 2, prop.x + (prop.size or BENCH_LENGTH) + 2]
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


def arrow_paths(spec: FigureSpec, loop: Sequence[Scene], centre: tuple[float, float]) -> list[str]:
    if spec.no_arrow or len(spec.frames) < 2:
        return []
    # The first move of the loop: from keyframe 0 to keyframe 1.
    move = loop[: SAMPLES + 2]
    names = list(spec.arrows)
    if not names:
        best, far = "", 12.0
        for name in ARROW_POINTS:
            a, b = move[0].body.points[name], move[-1].body.points[name]
            length = math.dist(project(move[0].camera, a), project(move[-1].camera, b))
            if length > far:
                best, far = name, length
        names = [best] if best else []
    out = []
    for name in names:
        track = [project(scene.camera, scene.body.points[name]) for scene in move]
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


def middle(scene: Scene) -> tuple[float, float]:
    """The middle of the body on screen, which arrows bow away from."""
    projected = [project(scene.camera, p) for p in scene.body.points.values()]
    return (
        sum(x for x, _ in projected) / len(projected),
        sum(y for _, y in projected) / len(projected),
    )
