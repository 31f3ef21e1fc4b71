"""Glow zones for the atlas muscles of the pelvis, leg and foot added with their releases and
stretches (issue 16), kept apart from glow.py so that work on the two halves of the body does not
touch one file. Same format as glow.ZONES: (segment frame, start, end, width)."""

from __future__ import annotations

from knotless.library.skeleton import Vec

ZONES: dict[str, tuple[tuple[str, Vec, Vec, float], ...]] = {
    # The soft bump on the outer top of the foot, in front of and below the outer ankle bone.
    "extensor-digitorum-brevis": (("foot", (0, -1.5, 3), (5, -2, 3), 3.5),),
}
