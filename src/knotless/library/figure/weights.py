"""Gym weights: a barbell, a trap bar and a kettlebell, held in both hands or set on the body.

A weight's ``at`` is ``"hands"`` (held in both: its middle is halfway between the two grips) or
a segment frame with an offset, like a ball (a bar across the upper back). Seen from the side a
bar points straight at us, so a barbell is its near plate, a disc 45 cm across, drawn see-through
so the hands and shins behind it still show; a trap bar adds its frame running front to back.
Seen from the front a bar runs across the body with a plate near each end. A kettlebell hangs
from the grip along straight arms (swung, or just held), or straight down when the elbows bend
(held at the chest by the horns). A dumbbell in both hands is held upright by its top end
against the chest (a goblet hold). Where weights are, not how they are drawn (``props``).
Pure Python, no Django.
"""

from __future__ import annotations

import math

from knotless.library.figure.spec import (
    BELL_RADIUS,
    GOBLET_LENGTH,
    HANDLE_RADIUS,
    HANDS,
    PLATE_RADIUS,
    Prop,
)
from knotless.library.skeleton import HAND, Body, Vec

GRIP: Vec = (0.0, -HAND * 0.6, 0.0)  # where a handle sits in the hand: across the palm
STRAIGHT_ELBOW = 45.0  # degrees; below this the arms count as straight for a kettlebell


def grip(body: Body, side: str) -> Vec:
    """Where a handle sits in one hand: across the palm, not at the fingertips."""
    return body.local(f"hand_{side}", GRIP)


def weight_centre(body: Body, prop: Prop) -> Vec:
    """The middle of a weight: between the two grips, or a point in a segment's frame."""
    if prop.at == HANDS:
        left, right = grip(body, "l"), grip(body, "r")
        return ((left[0] + right[0]) / 2, (left[1] + right[1]) / 2, (left[2] + right[2]) / 2)
    return body.local(prop.at, prop.offset)


def lowest_point(body: Body, prop: Prop) -> float:
    """The height of a weight's lowest edge, which must not go under the floor."""
    if prop.kind == "kettlebell":
        return bell_centre(body, prop)[1] - BELL_RADIUS
    if prop.kind == "dumbbell":  # held upright by its top end (a goblet hold)
        return weight_centre(body, prop)[1] - GOBLET_LENGTH - 4
    return weight_centre(body, prop)[1] - PLATE_RADIUS


def hang(body: Body, prop: Prop) -> Vec:
    """Which way a kettlebell hangs from the grip: along straight arms, else straight down."""
    if prop.at != HANDS:
        return (0.0, -1.0, 0.0)
    pts = body.points
    bends = []
    for side in ("l", "r"):
        upper = _minus(pts[f"elbow_{side}"], pts[f"shoulder_{side}"])
        fore = _minus(pts[f"wrist_{side}"], pts[f"elbow_{side}"])
        cos = _dot(upper, fore) / (_norm(upper) * _norm(fore))
        bends.append(math.degrees(math.acos(max(-1.0, min(1.0, cos)))))
    if sum(bends) / 2 >= STRAIGHT_ELBOW:
        return (0.0, -1.0, 0.0)
    shoulders = _mid(pts["shoulder_l"], pts["shoulder_r"])
    line = _minus(weight_centre(body, prop), shoulders)
    length = _norm(line) or 1.0
    return (line[0] / length, line[1] / length, line[2] / length)


def bell_centre(body: Body, prop: Prop) -> Vec:
    hold, d = weight_centre(body, prop), hang(body, prop)
    reach = 2 * HANDLE_RADIUS + BELL_RADIUS - 2
    return (hold[0] + d[0] * reach, hold[1] + d[1] * reach, hold[2] + d[2] * reach)


def _minus(a: Vec, b: Vec) -> Vec:
    return (a[0] - b[0], a[1] - b[1], a[2] - b[2])


def _dot(a: Vec, b: Vec) -> float:
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]


def _norm(a: Vec) -> float:
    return math.sqrt(_dot(a, a))


def _mid(a: Vec, b: Vec) -> Vec:
    return ((a[0] + b[0]) / 2, (a[1] + b[1]) / 2, (a[2] + b[2]) / 2)
