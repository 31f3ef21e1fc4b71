"""Glow zones for the atlas muscles of the head, arm and trunk added with their releases and
stretches (issue 16), kept apart from glow.py so that work on the two halves of the body does not
touch one file. Same format as glow.ZONES: (segment frame, start, end, width)."""

from __future__ import annotations

from knotless.library.skeleton import Vec

ZONES: dict[str, tuple[tuple[str, Vec, Vec, float], ...]] = {
    # The head is a ball of radius 11 around (0, 10, 0) in its frame: x forward, y up, z out.
    "frontalis": (("head", (8.7, 15.5, 3), (5.6, 19.5, 3), 4),),
    "occipitalis": (("head", (-10.5, 11, 3), (-9.5, 15, 3.5), 4),),
    "orbicularis-oculi": (("head", (9, 12.8, 4.3), (9, 10.4, 4.3), 3),),
    # From the cheekbone down to the corner of the mouth.
    "zygomaticus-major": (("head", (8, 10, 6.5), (10, 6, 2.8), 2.5),),
    "buccinator": (("head", (7.5, 6.5, 7), (9.5, 5.5, 3.5), 3),),
    # Under the chin, back along the jaw to behind its angle.
    "digastric": (("head", (8, 0.5, 1.2), (2, 1.5, 6), 2.5),),
    # The skin-deep sheet on the front and side of the neck.
    "platysma": (("neck", (4, 0.5, 3), (3.5, 9, 3), 5),),
    # Beside the breastbone, over the upper chest.
    "sternalis": (("trunk", (10, 34, 1.5), (10, 46, 1.5), 3),),
    # Just above the pubic bone, beside the midline.
    "pyramidalis": (("trunk", (10, 1, 1.5), (10, 5, 1.2), 3),),
}
