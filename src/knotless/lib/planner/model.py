"""The planner's vocabulary: what it is asked, what it answers, and the rules' numbers."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Protocol

from knotless.lib import sequence
from knotless.lib.sequence import BETWEEN_SECONDS, DoseLike

PLACES = ("desk", "floor", "gym")
TIMES_OF_DAY = ("morning", "day", "evening")
PLACE_POSITIONS = {
    "desk": frozenset({"seated", "standing", "wall"}),
    "floor": frozenset({"seated", "standing", "wall", "floor"}),
    "gym": frozenset({"seated", "standing", "wall", "floor"}),
}
# What every place has, whatever the user ticked: a chair and a door frame are in every home and
# office; a gym has the rest.
PLACE_EQUIPMENT = {
    "desk": frozenset({"none", "chair", "door-frame"}),
    "floor": frozenset({"none", "chair", "door-frame"}),
    "gym": frozenset({"none", "chair", "door-frame", "dumbbell", "band", "foam-roller", "ball"}),
}
# Gym equipment: offered where the person said they have it, but never at a desk, even for a
# standing exercise (a deadlift is no office break).
GYM_ONLY = frozenset({"barbell", "trap-bar", "rack", "bench", "kettlebell"})
GENTLE_FROM = 7  # pain at or above this: gentle work only
GENTLE_RELEASE_SECONDS = 30
HURT_DROPS_FOR = timedelta(days=28)
STRENGTH_GAP = timedelta(days=2)  # the same muscle at most every other day
REP_RANGE_WIDTH = 4  # double progression runs from (reps - 4) up to the listed reps
TOP_SESSIONS_TO_PROGRESS = 2
KIND_ORDER = ("release", "stretch", "mobility", "strength")
TIGHT_PER_KNOT = 2  # related tight muscles worked per knot before anything else
STRENGTH_PER_KNOT = 3  # strength exercises per knot in one plan at most
RECOVERY_ITEMS = 3  # stretch or mobility moves for muscles trained hard the day before, at most

# What an item is aimed at, for the reasons and for measuring how much of a plan is aimed.
OWN, TIGHT, WEAK, MORNING, FILLER = "own", "tight", "weak", "morning", "filler"
AIMED = frozenset({OWN, TIGHT, WEAK})


class ExerciseLike(Protocol):
    @property
    def slug(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def primary(self) -> tuple[str, ...]: ...
    @property
    def secondary(self) -> tuple[str, ...]: ...
    @property
    def trains(self) -> tuple[str, ...]: ...
    @property
    def position(self) -> str: ...
    @property
    def equipment(self) -> tuple[str, ...]: ...
    @property
    def difficulty(self) -> int: ...
    @property
    def desk(self) -> bool: ...
    @property
    def dose(self) -> DoseLike: ...
    @property
    def easier(self) -> str: ...
    @property
    def harder(self) -> str: ...
    @property
    def seconds_per_rep(self) -> int: ...


class RelationLike(Protocol):
    """What keeps a muscle's knot going (see ``knotless.atlas.relations``)."""

    @property
    def tight(self) -> tuple[str, ...]: ...
    @property
    def weak(self) -> tuple[str, ...]: ...
    @property
    def why(self) -> str: ...
    @property
    def stretch_own(self) -> bool: ...


@dataclass(frozen=True, slots=True)
class Dose:
    hold_seconds: int
    reps: int
    sets: int
    per_side: bool
    rest_seconds: int


def dose_of(dose: DoseLike) -> Dose:
    return Dose(dose.hold_seconds, dose.reps, dose.sets, dose.per_side, dose.rest_seconds)


@dataclass(frozen=True, slots=True)
class KnotNeed:
    knot_id: int
    label: str  # "Right top of shoulder"
    muscles: tuple[str, ...]  # its own muscle, or the finder's best guesses for where it sits
    pain: int | None  # latest rating
    rated_on: date | None = None
    guessed: bool = False  # muscles come from the finder, not from the user
    side: str = ""  # "left", "right" or "center"
    gentle_only: bool = False  # the safety answers allow gentle work only for now

    @property
    def gentle(self) -> bool:
        return self.gentle_only or (self.pain is not None and self.pain >= GENTLE_FROM)


@dataclass(frozen=True, slots=True)
class Feedback:
    """What the user said about one exercise, from their sessions."""

    helped: int = 0
    hurt: int = 0
    last_hurt: date | None = None


@dataclass(frozen=True, slots=True)
class Request:
    knots: tuple[KnotNeed, ...]
    minutes: int
    place: str
    equipment: frozenset[str]
    today: date
    time_of_day: str = "day"
    blocked: Mapping[int, str] = field(default_factory=dict)  # knot id -> why no self-care
    avoid_muscles: frozenset[str] = frozenset()
    feedback: Mapping[str, Feedback] = field(default_factory=dict)
    # Strength sessions per exercise slug, oldest first: (day, verdict) with verdict "" when
    # the user did not say. Drives progression and the every-other-day rule.
    strength_log: Mapping[str, Sequence[tuple[date, str]]] = field(default_factory=dict)
    # An emergency answer stands: no exercise at all, only this reason.
    stop: str = ""
    # A desk break between two stretches of work: only the library's desk moves (seated or
    # standing, two minutes or less), not everything one could do in an office.
    quick: bool = False
    # From the training log (issue 14): the load made an unusually large jump (today's plan
    # leaves strength out), and the muscles trained hard yesterday (they get recovery work).
    load_jump: bool = False
    recover: frozenset[str] = frozenset()
    # The strength exercises of the programme the person follows: chosen first.
    programme: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Item:
    slug: str
    name: str
    kind: str
    dose: Dose
    seconds: int  # playing time on its own, get-ready included, the pause after excluded
    reason: str
    knot_ids: tuple[int, ...] = ()
    aim: str = FILLER  # OWN, TIGHT, WEAK, MORNING or FILLER
    side: str = ""  # the one side its knots are on ("left"/"right"), else ""

    @property
    def aimed(self) -> bool:
        return self.aim in AIMED


@dataclass(frozen=True, slots=True)
class Plan:
    items: tuple[Item, ...]
    seconds: int  # playing time of the whole routine, pauses between items included
    budget_seconds: int
    left_out: tuple[tuple[str, str], ...]  # (knot label, why)
    notes: tuple[str, ...] = ()

    @property
    def slugs(self) -> list[str]:
        return [item.slug for item in self.items]

    @property
    def aimed_seconds(self) -> int:
        return sum(i.seconds for i in self.items if i.aimed)


def play_seconds(exercise: ExerciseLike, dose: DoseLike, side: str = "") -> int:
    """How long the player takes for this exercise with this dose, for a knot on ``side``
    (the player's own script, so plan and player agree to the second)."""
    item = sequence.Item(
        exercise.slug,
        exercise.name,
        dose,
        kind=exercise.kind,
        knot_sides=(side,) if side else (),
        seconds_per_rep=exercise.seconds_per_rep,
    )
    return sequence.total_seconds(sequence.build([item]))


def sides_why(exercise: ExerciseLike, dose: DoseLike, side: str) -> str:
    return sequence.sides_for(exercise.kind, dose.per_side, dose.sets, (side,) if side else ()).why


def seconds_for(dose: DoseLike) -> int:
    """Time an item takes in the player at the default tempo, the pause after included."""
    return sequence.item_seconds(dose) + BETWEEN_SECONDS


def routine_seconds(items: Sequence[Item]) -> int:
    """Playing time of items in a row: each item, and the pause between two."""
    return sum(i.seconds for i in items) + BETWEEN_SECONDS * max(0, len(items) - 1)
