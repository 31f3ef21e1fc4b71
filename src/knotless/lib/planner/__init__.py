"""Today's routine and the desk breaks, aimed at the person's own knots.

Pure logic, no Django: ``knotless.practice.planning`` gathers what a plan needs once (knots,
safety verdicts, settings, history) into a :class:`Request` and hands it here.
"""

from knotless.lib.planner.breaks import KINDS as BREAK_KINDS
from knotless.lib.planner.breaks import MICRO, MOVEMENT, desk_break
from knotless.lib.planner.choose import rank, usable
from knotless.lib.planner.compose import gentle_release, plan
from knotless.lib.planner.model import (
    AIMED,
    GENTLE_FROM,
    HURT_DROPS_FOR,
    KIND_ORDER,
    PLACE_EQUIPMENT,
    PLACE_POSITIONS,
    PLACES,
    STRENGTH_GAP,
    TIMES_OF_DAY,
    Dose,
    ExerciseLike,
    Feedback,
    Item,
    KnotNeed,
    Plan,
    RelationLike,
    Request,
    play_seconds,
    routine_seconds,
    seconds_for,
)
from knotless.lib.planner.progression import progression

__all__ = [
    "AIMED",
    "BREAK_KINDS",
    "GENTLE_FROM",
    "HURT_DROPS_FOR",
    "KIND_ORDER",
    "MICRO",
    "MOVEMENT",
    "PLACES",
    "PLACE_EQUIPMENT",
    "PLACE_POSITIONS",
    "STRENGTH_GAP",
    "TIMES_OF_DAY",
    "Dose",
    "ExerciseLike",
    "Feedback",
    "Item",
    "KnotNeed",
    "Plan",
    "RelationLike",
    "Request",
    "desk_break",
    "gentle_release",
    "plan",
    "play_seconds",
    "progression",
    "rank",
    "routine_seconds",
    "seconds_for",
    "usable",
]
