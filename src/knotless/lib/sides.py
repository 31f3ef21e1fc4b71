"""Which side a per-side exercise works, and in what order, for a knot on one side.

A knot sits where it sits, so the pressure release works that side only. A stretch or mobility
move works the knot's side first and comes back to it once more at the end (about 60 s per
muscle over 2 to 4 holds is the stretching guidance, ACSM 2011), with the other side once in
between so both sides stay even. Strength work keeps both sides equal, the knot's side first: an
uneven programme would build the imbalance it is meant to fix. Knots on both sides, in the
centre, or none: left then right, as the exercise is written.

Pure; no Django. The planner (for timing) and the players (for the script) both use it.
"""

from __future__ import annotations

from collections.abc import Iterable

LEFT, RIGHT = "left", "right"
BOTH = (LEFT, RIGHT)


def knot_side(sides: Iterable[str]) -> str:
    """The one side all these knots are on ("left" or "right"), or "" when it is not one side."""
    found = set(sides)
    return found.pop() if len(found) == 1 and found <= {LEFT, RIGHT} else ""


def other(side: str) -> str:
    return RIGHT if side == LEFT else LEFT


def order(kind: str, side: str) -> tuple[str, ...]:
    """The sides worked in each set of a per-side exercise of ``kind`` for a knot on ``side``."""
    if side not in BOTH:
        return BOTH
    if kind == "release":
        return (side,)
    if kind in ("stretch", "mobility"):
        return (side, other(side), side)
    return (side, other(side))


def why(kind: str, side: str) -> str:
    """The rule in words for the player and the plan ("" when both sides run as written)."""
    if side not in BOTH:
        return ""
    if kind == "release":
        return f"{side} side only: that is where your knot is"
    if kind in ("stretch", "mobility"):
        return (
            f"{side} side first and once more at the end, {other(side)} side once between: "
            f"your knot is on the {side}"
        )
    return f"{side} side first, both sides the same so they stay even"
