"""Props: what the body uses (ball, roller, band, weights) and what stands in the room.

Pure Python, no Django.
"""

from __future__ import annotations

import math

from knotless.library.figure.geometry import Box, Camera, Shape, depth_of, project
from knotless.library.figure.spec import (
    BALL_RADIUS,
    BAR_LENGTH,
    BELL_RADIUS,
    BENCH_LENGTH,
    BENCH_TOP,
    DOOR_WIDTH,
    GOBLET_LENGTH,
    HANDLE_RADIUS,
    HANDS,
    MAT_HALF_WIDTH,
    PLATE_RADIUS,
    ROLLER_RADIUS,
    SEAT_PELVIS,
    TRAP_BAR_LENGTH,
    WEIGHTS,
    FigureSpec,
    Prop,
)
from knotless.library.figure.weights import bell_centre, hang, weight_centre
from knotless.library.skeleton import Body, Vec


def moving_prop_shapes(
    spec: FigureSpec, camera: Camera, body: Body, first: Body | None = None
) -> list[Shape]:
    """Props that move with the body (or, for a raised mat, with the camera).

    ``first`` is the body in the first keyframe, which a mat is laid out under once.
    """
    view = camera.view
    shapes: list[Shape] = []
    for index, prop in enumerate(spec.props):
        key = f"prop{index}"
        if prop.kind == "mat" and spec.elevations:
            shapes.append(_raised_mat(key, camera, first or body))
        if prop.kind in ("ball", "roller"):
            centre = body.local(prop.at, prop.offset)
            radius = BALL_RADIUS if prop.kind == "ball" else ROLLER_RADIUS
            if prop.kind == "roller" and spec.elevations:
                # Seen from above, a roller lies across the segment it is under (along the
                # segment's own right-left axis), 40 cm long, drawn as a thick rounded bar.
                axis = body.local(prop.at, (prop.offset[0], prop.offset[1], prop.offset[2] + 20))
                far_end = _mirror(centre, axis)
                shapes.append(
                    Shape(
                        key,
                        "line",
                        (project(camera, far_end), project(camera, axis)),
                        2 * radius,
                        "kf-rollbar",
                        depth_of(camera, centre),
                    )
                )
            elif prop.kind == "roller" and view == "front":
                c = project(camera, centre)
                shapes.append(
                    Shape(
                        key,
                        "line",
                        ((c[0] - 20, c[1]), (c[0] + 20, c[1])),
                        2 * radius,
                        "kf-rollbar",
                        depth_of(camera, centre),
                    )
                )
            else:
                shapes.append(
                    Shape(
                        key,
                        "circle",
                        (project(camera, centre),),
                        radius,
                        "kf-ball",
                        depth_of(camera, centre) + 20,
                    )
                )
        elif prop.kind == "band":
            start = project(camera, body.points[prop.at])
            if prop.to:
                end = project(camera, body.points[prop.to])
            else:
                assert prop.anchor is not None
                end = (prop.anchor[0], -prop.anchor[1])
            shapes.append(Shape(key, "line", (start, end), 2.0, "kf-band", 50.0))
        elif prop.kind in WEIGHTS:
            shapes += weight_shapes(key, prop, camera, body)
        elif prop.kind == "dumbbell" and prop.at == HANDS:
            shapes += _goblet_shapes(key, prop, camera, body)
        elif prop.kind == "dumbbell":
            hand = body.points[prop.at]
            c = project(camera, hand)
            if view == "side":
                shapes.append(
                    Shape(key, "circle", (c,), 5.0, "kf-weight", depth_of(camera, hand) + 1)
                )
            else:
                shapes.append(
                    Shape(
                        key,
                        "line",
                        ((c[0] - 7, c[1]), (c[0] + 7, c[1])),
                        6.0,
                        "kf-bar",
                        depth_of(camera, hand) + 1,
                    )
                )
    return shapes


NEAR = 30.0  # a plate sits outside the body, nearer than any limb


def weight_shapes(key: str, prop: Prop, camera: Camera, body: Body) -> list[Shape]:
    """The shapes of one weight, each keyed so that it animates between keyframes."""
    centre = weight_centre(body, prop)
    c = project(camera, centre)
    depth = depth_of(camera, centre)
    if prop.kind == "kettlebell":
        hold, d = centre, hang(body, prop)
        ring = (
            hold[0] + d[0] * HANDLE_RADIUS * 0.6,
            hold[1] + d[1] * HANDLE_RADIUS * 0.6,
            hold[2] + d[2] * HANDLE_RADIUS * 0.6,
        )
        bell = bell_centre(body, prop)
        return [
            Shape(key, "circle", (project(camera, ring),), HANDLE_RADIUS, "kf-ring", depth + 1),
            Shape(key + "b", "circle", (project(camera, bell),), BELL_RADIUS, "kf-weight", depth),
        ]
    shapes: list[Shape] = []
    if camera.view == "side":
        if prop.kind == "trap-bar":
            half = TRAP_BAR_LENGTH / 2
            ends = ((c[0] - half, c[1]), (c[0] + half, c[1]))
            shapes.append(Shape(key + "f", "line", ends, 3.5, "kf-bar", depth + NEAR - 1))
        shapes.append(Shape(key, "circle", (c,), PLATE_RADIUS, "kf-plate", depth + NEAR))
        shapes.append(Shape(key + "h", "circle", (c,), 3.0, "kf-weight", depth + NEAR + 0.1))
        return shapes
    half = BAR_LENGTH / 2 if prop.kind == "barbell" else TRAP_BAR_LENGTH
    ends = ((c[0] - half, c[1]), (c[0] + half, c[1]))
    shapes.append(Shape(key, "line", ends, 3.0, "kf-bar", depth + NEAR))
    for n, sign in enumerate((-1.0, 1.0)):
        x = c[0] + sign * (half - 25)
        plate = ((x, c[1] - PLATE_RADIUS), (x, c[1] + PLATE_RADIUS))
        shapes.append(Shape(f"{key}p{n}", "line", plate, 6.0, "kf-bar", depth + NEAR + 0.1))
    return shapes


def _goblet_shapes(key: str, prop: Prop, camera: Camera, body: Body) -> list[Shape]:
    """A dumbbell held upright in both hands by its top end: the handle and a head at each end.

    It hangs straight down from the hands in any view, so its heads are drawn level. It is drawn
    in front of the body, as a held weight is what the figure is about: between the knees at
    the bottom of a squat it would otherwise vanish behind the near thigh.
    """
    top = weight_centre(body, prop)
    depth = depth_of(camera, top) + NEAR
    t = project(camera, top)
    b = project(camera, (top[0], top[1] - GOBLET_LENGTH, top[2]))
    return [
        Shape(key, "line", (t, b), 3.0, "kf-bar", depth),
        Shape(key + "t", "line", ((t[0] - 7, t[1]), (t[0] + 7, t[1])), 8.0, "kf-bar", depth),
        Shape(key + "b", "line", ((b[0] - 7, b[1]), (b[0] + 7, b[1])), 8.0, "kf-bar", depth),
    ]


def _mirror(centre: Vec, p: Vec) -> Vec:
    """``p`` reflected through ``centre``."""
    return (2 * centre[0] - p[0], 2 * centre[1] - p[1], 2 * centre[2] - p[2])


def _raised_mat(key: str, camera: Camera, body: Body) -> Shape:
    """A mat on the floor seen from above, lying along the body, under every part of it.

    It is laid out under the first keyframe's ``body`` and stays there. It is a shape of the
    scene, not a still prop, so it follows a camera that rises between keyframes; a level
    camera draws the usual thin strip instead.
    """
    pts = body.points
    # The mat runs from the feet to the head as seen on the floor (x, z); a body standing
    # upright has no such line, so its mat runs across the screen.
    ankles = [(pts[f"ankle_{s}"][0], pts[f"ankle_{s}"][2]) for s in ("l", "r")]
    lx = pts["head"][0] - (ankles[0][0] + ankles[1][0]) / 2
    lz = pts["head"][2] - (ankles[0][1] + ankles[1][1]) / 2
    length = math.hypot(lx, lz)
    if length < 20:
        lx, lz = (1.0, 0.0) if camera.view == "side" else (0.0, -1.0)
    else:
        lx, lz = lx / length, lz / length
    along = [p[0] * lx + p[2] * lz for p in pts.values()]
    across = [p[0] * -lz + p[2] * lx for p in pts.values()]
    a0, a1 = min(along) - 14, max(along) + 14
    middle = (min(across) + max(across)) / 2
    half = max(MAT_HALF_WIDTH, (max(across) - min(across)) / 2 + 8)
    corners = []
    for a, c in (
        (a0, middle - half),
        (a1, middle - half),
        (a1, middle + half),
        (a0, middle + half),
    ):
        corners.append(project(camera, (a * lx - c * lz, 0.0, a * lz + c * lx)))
    return Shape(key, "poly", tuple(corners), 0.0, "kf-mat", -1000.0)


def still_props(spec: FigureSpec, camera: Camera, body: Body, box: Box) -> list[str]:
    """SVG for props that do not move: chair, bench, desk, wall, door frame, mat."""
    view = camera.view
    out: list[str] = []
    pelvis = body.points["pelvis"]
    px = project(camera, pelvis)[0]
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
        elif prop.kind == "bench" and view == "side":
            # A flat seat to kneel, lean or lie on: the top, and a leg under each end.
            length, top = prop.size or BENCH_LENGTH, -BENCH_TOP
            d = (
                f"M{prop.x:.1f} {top:.1f}h{length:.1f} M{prop.x + 4:.1f} {top:.1f}v{BENCH_TOP:.1f} "
                f"M{prop.x + length - 4:.1f} {top:.1f}v{BENCH_TOP:.1f}"
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
                half = (prop.size or DOOR_WIDTH) / 2
                d = f"M{px - half:.1f} 0V-205H{px + half:.1f}V0"
                out.append(f'<path class="kf-door" d="{d}"/>')
        elif prop.kind == "mat" and not spec.elevations:
            left, width = box[0] + 6, box[2] - 12
            size = f'x="{left:.1f}" y="-2" width="{width:.1f}" height="3"'
            out.append(f'<rect class="kf-mat" {size} rx="1"/>')
    return out
