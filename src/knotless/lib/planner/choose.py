"""Which exercises are possible here and now, and which of them to prefer."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from datetime import date

from knotless.lib.planner.model import (
    GYM_ONLY,
    HURT_DROPS_FOR,
    PLACE_EQUIPMENT,
    PLACE_POSITIONS,
    ExerciseLike,
    Feedback,
    Request,
)

# Equipment that makes a plan use what the person brought (a band, dumbbells, a roller).
BROUGHT = frozenset({"band", "dumbbell", "foam-roller", "ball"})


def usable(exercise: ExerciseLike, request: Request) -> bool:
    """Possible in the place with the equipment, not ruled out by safety or by a recent hurt."""
    if exercise.position not in PLACE_POSITIONS[request.place]:
        return False
    if request.quick and not exercise.desk:
        return False
    if request.place == "desk" and set(exercise.equipment) & GYM_ONLY:
        return False
    have = request.equipment | PLACE_EQUIPMENT[request.place]
    if not set(exercise.equipment) <= have:
        return False
    if set(exercise.primary + exercise.secondary) & request.avoid_muscles:
        return False
    feedback = request.feedback.get(exercise.slug)
    return not (
        feedback
        and feedback.last_hurt is not None
        and request.today - feedback.last_hurt < HURT_DROPS_FOR
    )


def jitter(slug: str, today: date) -> int:
    """A stable daily shuffle among equally good choices: variety without randomness."""
    return int(
        hashlib.blake2s(f"{today.isoformat()}:{slug}".encode(), digest_size=4).hexdigest(), 16
    )


def rank(exercise: ExerciseLike, muscles: Iterable[str], request: Request) -> tuple[int, ...]:
    """Smaller is better: aimed at the muscle itself, helped before, uses what the person has,
    easier, then a daily shuffle."""
    wanted = set(muscles)
    feedback = request.feedback.get(exercise.slug, Feedback())
    brought = bool(set(exercise.equipment) & BROUGHT & request.equipment)
    return (
        0 if exercise.slug in request.programme else 1,  # the person's own programme first
        0 if wanted & set(exercise.primary + exercise.trains) else 1,
        -min(feedback.helped, 3),  # what helped comes back more often
        0 if brought else 1,
        exercise.difficulty,
        jitter(exercise.slug, request.today),
    )


def works_on(exercise: ExerciseLike) -> set[str]:
    return set(exercise.primary + exercise.secondary + exercise.trains)


def options(
    library: Iterable[ExerciseLike],
    kinds: Sequence[str],
    muscles: Sequence[str],
    request: Request,
) -> list[ExerciseLike]:
    """Usable exercises of these kinds for any of these muscles, best first."""
    wanted = set(muscles)
    found = [e for e in library if e.kind in kinds and wanted & works_on(e) and usable(e, request)]
    return sorted(found, key=lambda e: (kinds.index(e.kind), *rank(e, muscles, request)))
