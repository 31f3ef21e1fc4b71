"""Props: what the body uses (ball, roller, band, dumbbell) and what stands in the room.

Pure Python, no Django.
"""

from __future__ import annotations

from knotless.library.figure.geometry import Box, Shape, depth_of, project
from knotless.library.figure.spec import (
    BALL_RADIUS,
    BENCH_LENGTH,
    BENCH_TOP,
    DOOR_WIDTH,
    ROLLER_RADIUS,
    SEAT_PELVIS,
    FigureSpec,
)
from knotless.library.skeleton import Body


def moving_prop_shapes(spec: FigureSpec, view: str, body: Body) -> list[Shape]:
    shapes: list[Shape] = []
    for index, prop in enumerate(spec.props):
        key = f"prop{index}"
        if prop.kind in ("ball", "roller"):
            centre = body.local(prop.at, prop.offset)
            radius = BALL_RADIUS if prop.kind == "ball" else ROLLER_RADIUS
            if prop.kind == "roller" and view == "front":
                c = project(view, centre)
                shapes.append(
                    Shape(
                        key,
                        "line",
                        ((c[0] - 20, c[1]), (c[0] + 20, c[1])),
                        2 * radius,
                        "kf-rollbar",
                        depth_of(view, centre),
                    )
                )
            else:
                shapes.append(
                    Shape(
                        key,
                        "circle",
                        (project(view, centre),),
                        radius,
                        "kf-ball",
                        depth_of(view, centre) + 20,
                    )
                )
        elif prop.kind == "band":
            start = project(view, body.points[prop.at])
            if prop.to:
                end = project(view, body.points[prop.to])
            else:
                assert prop.anchor is not None
                end = (prop.anchor[0], -prop.anchor[1])
            shapes.append(Shape(key, "line", (start, end), 2.0, "kf-band", 50.0))
        elif prop.kind == "dumbbell":
            hand = body.points[prop.at]
            c = project(view, hand)
            if view == "side":
                shapes.append(
                    Shape(key, "circle", (c,), 5.0, "kf-weight", depth_of(view, hand) + 1)
                )
            else:
                shapes.append(
                    Shape(
                        key,
                        "line",
                        ((c[0] - 7, c[1]), (c[0] + 7, c[1])),
                        6.0,
                        "kf-bar",
                        depth_of(view, hand) + 1,
                    )
                )
    return shapes


def still_props(spec: FigureSpec, view: str, body: Body, box: Box) -> list[str]:
    """SVG for props that do not move: chair, bench, desk, wall, door frame, mat."""
    out: list[str] = []
    pelvis = body.points["pelvis"]
    px = project(view, pelvis)[0]
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
            # A flat seat to kneel or lean on: the top, and a leg under each end.
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
        elif prop.kind == "mat":
            left, width = box[0] + 6, box[2] - 12
            size = f'x="{left:.1f}" y="-2" width="{width:.1f}" height="3"'
            out.append(f'<rect class="kf-mat" {size} rx="1"/>')
    return out
