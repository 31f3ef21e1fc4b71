"""Muscle highlighting: where each target muscle glows on the posed body.

Pure Python, no Django.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from knotless.library.figure.geometry import Camera, Shape, depth_of, project
from knotless.library.figure.spec import FigureSpec
from knotless.library.figure.zones_lower import ZONES as ZONES_LOWER
from knotless.library.figure.zones_upper import ZONES as ZONES_UPPER
from knotless.library.skeleton import Body, Vec, apply

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
    # Deep on the front of the shoulder blade; the part a hand can reach is the back of the armpit.
    "subscapularis": (("trunk", (-3, 42, 14), (-3, 34, 15), 8),),
    "anterior-deltoid": (("upper_arm", (4, -1, 0), (4, -12, 0), 8),),
    "middle-deltoid": (("upper_arm", (0, -1, 4), (0, -12, 4), 8),),
    "posterior-deltoid": (("upper_arm", (-4, -1, 0), (-4, -12, 0), 8),),
    # Drawn along its outer edge, the flank below the armpit, which shows from the front and side.
    "latissimus-dorsi": (("trunk", (-4, 38, 15), (-4, 18, 13), 9),),
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
    # The whole atlas (issue 16): the second reference's muscles that allow self-care. Deep ones
    # (tibialis posterior, the long toe flexors, vastus intermedius) glow where they are reached.
    "teres-major": (("trunk", (-4, 36, 15), (-5, 31, 15.5), 6),),
    "teres-minor": (("trunk", (-9, 42, 13), (-9, 37, 15), 5),),
    "brachialis": (("upper_arm", (2, -17, 2), (2, -25, 2), 6),),
    "pronator-teres": (("forearm", (2, -2, -1), (1.5, -8, 1), 5),),
    "palmaris-longus": (("forearm", (2.5, -4, 0), (2.5, -12, 0), 4),),
    "anconeus": (("forearm", (-2, -1, 2), (-2, -4, 2), 4),),
    "flexor-pollicis-longus": (("forearm", (2, -14, 1.5), (2, -20, 1.5), 4),),
    # Between the long bones of the hand, drawn on its back; the little finger's pad on the palm.
    "hand-interossei": (("hand", (-1, -3, 0), (-1, -7, 0), 4),),
    "abductor-digiti-minimi-hand": (("hand", (1.5, -2, -0.8), (1.5, -7, -0.8), 4),),
    "subclavius": (("trunk", (9, 45, 3), (9, 45, 10), 4),),
    "coracobrachialis": (("upper_arm", (3, -2, -1), (3, -10, -1), 5),),
    "serratus-posterior-superior": (("trunk", (-10, 45, 4), (-10, 40, 8), 6),),
    "serratus-posterior-inferior": (("trunk", (-10, 20, 6), (-9, 14, 9), 6),),
    "rectus-abdominis": (("trunk", (10, 30, 3), (10, 4, 3), 7),),
    "abdominal-obliques": (("trunk", (1, 10, 14), (1, 27, 14), 8),),
    "adductor-longus": (("thigh", (2, -4, -5), (1, -16, -5), 6),),
    "adductor-brevis": (("thigh", (1, -3, -5), (0, -12, -5), 6),),
    "adductor-magnus": (("thigh", (-2, -8, -5), (-1, -30, -5), 7),),
    "gracilis": (("thigh", (0, -4, -6), (-1, -40, -5), 4),),
    "pectineus": (("thigh", (3, -1, -4), (3, -6, -4), 5),),
    "sartorius": (("thigh", (5, -3, 4), (0, -38, -5), 4),),
    "vastus-intermedius": (("thigh", (6, -12, 0), (6, -30, 0), 6),),
    "biceps-femoris": (("thigh", (-5, -18, 3), (-4, -36, 3), 7),),
    "medial-hamstrings": (("thigh", (-5, -10, -2), (-4, -34, -2), 7),),
    "short-hip-rotators": (("pelvis", (-8, -4, 5), (-6, -6, 11), 6),),
    "plantaris": (("shin", (-5, 1, 1), (-5, -4, 1), 4),),
    "popliteus": (("shin", (-4, -1, -1.5), (-4, -6, -2.5), 4),),
    "peroneus-longus": (("shin", (0, -5, 4), (0, -20, 4), 5),),
    "peroneus-brevis": (("shin", (0, -22, 3.5), (-1, -36, 3.5), 5),),
    "peroneus-tertius": (("shin", (2, -30, 3), (2, -38, 3), 4),),
    "tibialis-posterior": (("shin", (-3, -10, -1), (-3, -30, -1), 5),),
    "extensor-digitorum-longus": (("shin", (2, -8, 3), (2, -26, 3), 5),),
    "extensor-hallucis-longus": (("shin", (3, -24, 1), (3, -36, 1), 4),),
    "flexor-digitorum-longus": (("shin", (-3, -10, -1.5), (-3, -28, -1.5), 5),),
    "flexor-hallucis-longus": (("shin", (-3, -22, 2), (-2, -36, 2), 5),),
    "abductor-hallucis": (("foot", (-3, -5, -2), (10, -5, -2), 4),),
    "flexor-digitorum-brevis": (("foot", (0, -6, 0), (11, -6, 0), 4),),
    "quadratus-plantae": (("foot", (-3, -6, 0), (2, -6, 0), 4),),
    "flexor-hallucis-brevis": (("foot", (9, -6, -2), (13, -6, -2), 4),),
    "adductor-hallucis": (("foot", (10, -6, -1), (13, -6, 1), 4),),
    "abductor-digiti-minimi-foot": (("foot", (-2, -5, 3), (12, -5, 3), 4),),
    "foot-interossei": (("foot", (5, -2.5, 0.5), (12, -4, 0.5), 4),),
    "deep neck flexors": (("neck", (3, 1, 0), (3, 8, 0), 5),),
    "core": (("trunk", (8, 8, 0), (8, 28, 0), 10),),
    "obliques": (("trunk", (4, 10, 12), (4, 28, 12), 8),),
}
_TWICE = (set(ZONES_UPPER) | set(ZONES_LOWER)) & set(ZONES) | set(ZONES_UPPER) & set(ZONES_LOWER)
if _TWICE:
    raise RuntimeError(f"glow zones defined twice: {sorted(_TWICE)}")
ZONES |= ZONES_UPPER | ZONES_LOWER
# Frames that belong to one side of the body (their name ends in _l or _r when posed).
SIDED = {"upper_arm", "forearm", "hand", "thigh", "shin", "foot"}


def _side_sign(side: str) -> float:
    return -1.0 if side == "l" else 1.0


# The trunk and the pelvis are wider than deep: their surface faces (half depth, half width, cm).
OVALS = {"trunk": (11.0, 17.0), "pelvis": (11.0, 14.0)}
SHOULDER_LINE = 46.0  # height in the trunk frame above which a zone lies on top of the shoulders


def _normal(frame: str, start: Vec, end: Vec, sign: float) -> Vec:
    """Which way the skin over a zone faces, in its segment's frame (a unit vector)."""
    x, y, z = (start[0] + end[0]) / 2, (start[1] + end[1]) / 2, sign * (start[2] + end[2]) / 2
    if frame == "trunk" and y > SHOULDER_LINE:
        return (0.0, 1.0, 0.0)  # the top of the shoulder shows from the front, back and side
    if frame in OVALS:
        depth, width = OVALS[frame]
        x, z = x / depth**2, z / width**2
    length = math.hypot(x, z) or 1.0
    return (x / length, 0.0, z / length)


def glow_shapes(spec: FigureSpec, camera: Camera, body: Body) -> list[Shape]:
    shapes: list[Shape] = []
    for target in spec.targets:
        for index, (frame, start, end, width) in enumerate(ZONES.get(target, ())):
            for side in spec.sides:
                sign = _side_sign(side)
                name = f"{frame}_{side}" if frame in SIDED else frame
                a = body.local(name, (start[0], start[1], start[2] * sign))
                b = body.local(name, (end[0], end[1], end[2] * sign))
                depth = (depth_of(camera, a) + depth_of(camera, b)) / 2
                # A zone on the side of its segment facing away from us shows faintly.
                normal = apply(body.frames[name], _normal(frame, start, end, sign))
                behind = depth_of(camera, normal) < -0.6
                shapes.append(
                    Shape(
                        f"glow_{target}_{index}_{side}",
                        "line",
                        (project(camera, a), project(camera, b)),
                        width,
                        "kf-glow kf-behind" if behind else "kf-glow",
                        depth,
                    )
                )
    return shapes


def facing_targets(shapes: Iterable[Shape]) -> set[str]:
    """The targets of a drawing that glow on the side of the body turned towards us.

    A glow on the far face of its segment (drawn faint), or on a limb drawn as the far one,
    reads as a muscle on the other side of the body: a back muscle seen through the chest.
    """
    shapes = list(shapes)
    far_limbs = {shape.key for shape in shapes if shape.cls == "kf-far"}
    facing = set()
    for shape in shapes:
        if not shape.key.startswith("glow_") or "kf-behind" in shape.cls:
            continue
        _, target, index, side = shape.key.split("_")
        frame = ZONES[target][int(index)][0]
        if frame in SIDED and f"{frame}_{side}" in far_limbs:
            continue
        facing.add(target)
    return facing
