"""Exercise figures: a posed body with its props, drawn as SVG, still or animated.

Each exercise has a figure spec (``figures/*.toml``, see the README there): a view (side or
front), a base posture, props, and two or more keyframes that change joint angles from the base.
:func:`render` draws one keyframe; :func:`render_animated` draws the movement looping through
every keyframe and back, as a CSS animation of the paths (``d: path(...)``), sampled in between
so that limbs swing through arcs instead of sliding. Both share one viewBox, so a still frame
and the animation line up. The target muscles glow in an accent colour; an arrow traces the
movement.

The parts, each with one job: ``spec`` (what a figure is), ``geometry`` (posing the body and
flattening it into shapes), ``glow`` (muscle highlighting), ``weights`` (where a barbell or a
kettlebell sits), ``props`` (drawing balls, bands, weights, chairs, doors), ``film`` (keyframes,
the moves between them, framing and the arrow) and ``svg`` (the output). Pure Python, no Django.
"""

from knotless.library.figure.film import ARROW_POINTS
from knotless.library.figure.geometry import W_TRUNK_SIDE
from knotless.library.figure.glow import ZONES
from knotless.library.figure.spec import (
    ANCHORS,
    BASES,
    HANDS,
    INSETS,
    PROP_KINDS,
    SEAT_PELVIS,
    VIEWS,
    WEIGHTS,
    FigureError,
    FigureSpec,
    Prop,
    check_elevated_props,
    check_elevation,
    full_pose,
)
from knotless.library.figure.svg import render, render_animated

__all__ = [
    "ANCHORS",
    "ARROW_POINTS",
    "BASES",
    "HANDS",
    "INSETS",
    "PROP_KINDS",
    "SEAT_PELVIS",
    "VIEWS",
    "WEIGHTS",
    "W_TRUNK_SIDE",
    "ZONES",
    "FigureError",
    "FigureSpec",
    "Prop",
    "check_elevated_props",
    "check_elevation",
    "full_pose",
    "render",
    "render_animated",
]
