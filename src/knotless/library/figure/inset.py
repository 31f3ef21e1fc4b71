"""A small view from directly above, for a movement whose direction a level view hides.

Seen from the front, arms raised 30 degrees in front of the body's side line (scaption) look
exactly like a lateral raise; seen from above, the V is plain. The inset draws the shoulders,
the head (with the nose showing which way the person faces), a dashed line along the shoulders
and each arm of the last keyframe as it really points in the horizontal plane, with the angle
it makes with that line. Everything is taken from the posed body, nothing is drawn by hand.
Pure Python, no Django.
"""

from __future__ import annotations

import math

from knotless.library.figure.geometry import Box
from knotless.library.skeleton import Body, Vec

SIZE = 0.34  # the inset's width, as a share of the figure's


def _plan(p: Vec, origin: Vec) -> tuple[float, float]:
    """A room point seen from above: right is screen right, forward is screen down."""
    return (p[2] - origin[2], p[0] - origin[0])


def arm_angle(body: Body, side: str) -> float:
    """Degrees between the arm (shoulder to wrist, seen from above) and the shoulder line,
    measured forward from the side: 0 is straight out to the side, 90 straight ahead."""
    shoulder, wrist = body.points[f"shoulder_{side}"], body.points[f"wrist_{side}"]
    forward, out = wrist[0] - shoulder[0], abs(wrist[2] - shoulder[2])
    return math.degrees(math.atan2(forward, out))


def above_inset(body: Body, box: Box) -> tuple[Box, list[str]]:
    """Grow ``box`` upwards by a strip holding the view from above; returns it and the SVG."""
    x, y, w, h = box
    size = SIZE * w
    strip = 1.16 * size
    new_box = (x, y - strip, w, h + strip)
    mid = body.points["neck_base"]
    pts = {
        name: _plan(body.points[name], mid)
        for name in ("shoulder_l", "shoulder_r", "wrist_l", "wrist_r")
    }
    reach = max(math.hypot(*pts[n]) for n in pts) or 1.0
    scale = 0.4 * size / reach
    top = y - strip + 0.02 * size
    cx, cy = x + w - size / 2 - 4, top + 0.5 * size

    def at(p: tuple[float, float]) -> str:
        return f"{cx + p[0] * scale:.1f} {cy + p[1] * scale:.1f}"

    sl, sr = pts["shoulder_l"], pts["shoulder_r"]
    line_half = reach * 1.05
    head_r = 0.1 * size
    parts = [
        f'<rect class="kf-inset" x="{cx - size / 2:.1f}" y="{top:.1f}" '
        f'width="{size:.1f}" height="{size * 1.12:.1f}" rx="3"/>',
        f'<path class="kf-plane" d="M{at((-line_half, 0))}L{at((line_half, 0))}"/>',
        f'<path class="kf-body" stroke-width="{0.09 * size:.1f}" d="M{at(sl)}L{at(sr)}"/>',
    ]
    for side in ("l", "r"):
        parts.append(
            f'<path class="kf-body" stroke-width="{0.05 * size:.1f}" '
            f'd="M{at(pts["shoulder_" + side])}L{at(pts["wrist_" + side])}"/>'
        )
    parts.append(
        f'<circle class="kf-body kf-fill" cx="{cx:.1f}" cy="{cy:.1f}" r="{head_r:.1f}"/>'
        f'<path class="kf-body" stroke-width="{0.035 * size:.1f}" '
        f'd="M{cx:.1f} {cy + head_r:.1f}l0 {0.05 * size:.1f}"/>'
    )
    angle = arm_angle(body, "r")
    if abs(angle) >= 5:
        arc_r = 0.55 * reach * scale
        sx, sy = cx + sr[0] * scale, cy + sr[1] * scale
        end = math.radians(angle)
        ex, ey = sx + arc_r * math.cos(end), sy + arc_r * math.sin(end)
        parts.append(
            f'<path class="kf-arc" d="M{sx + arc_r:.1f} {sy:.1f}'
            f'A{arc_r:.1f} {arc_r:.1f} 0 0 {1 if angle > 0 else 0} {ex:.1f} {ey:.1f}"/>'
        )
        parts.append(
            f'<text class="kf-label" x="{sx + arc_r * 0.6:.1f}" y="{sy - 0.05 * size:.1f}" '
            f'text-anchor="middle" font-size="{0.13 * size:.1f}">{5 * round(angle / 5):.0f}°</text>'
        )
    parts.append(
        f'<text class="kf-label" x="{cx:.1f}" y="{top + 1.06 * size:.1f}" text-anchor="middle" '
        f'font-size="{0.12 * size:.1f}">from above</text>'
    )
    return new_box, parts
