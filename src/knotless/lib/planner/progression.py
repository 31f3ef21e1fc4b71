"""Double progression for strength work, and the every-other-day rule.

One more rep per set after each session that did not hurt, up to the top of the range; two
sessions at the top move on to the harder variant (at the bottom of its range); a "hurt" steps
back to the bottom, or to the easier variant.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date

from knotless.lib.planner.model import (
    REP_RANGE_WIDTH,
    STRENGTH_GAP,
    TOP_SESSIONS_TO_PROGRESS,
    Dose,
    ExerciseLike,
    Request,
    dose_of,
)


def progression(
    exercise: ExerciseLike,
    library: Mapping[str, ExerciseLike],
    log: Mapping[str, Sequence[tuple[date, str]]],
) -> tuple[ExerciseLike, Dose, str]:
    """Where double progression has got to for this strength exercise: the variant to do, its
    dose, and a few words on why. Follows the variant chain through the sessions' verdicts."""
    current = exercise
    history = sorted(
        (day, verdict, slug)
        for slug in chain(exercise, library)
        for day, verdict in log.get(slug, ())
    )
    if not history:
        dose = dose_of(current.dose)
        if dose.reps:
            dose = replace(dose, reps=max(1, dose.reps - REP_RANGE_WIDTH))
        return current, dose, "start at the bottom of the rep range"
    reps = max(1, current.dose.reps - REP_RANGE_WIDTH)
    at_top = 0
    note = ""
    for _, verdict, slug in history:
        if slug in library:
            current = library[slug]
        top = current.dose.reps
        low = max(1, top - REP_RANGE_WIDTH)
        reps = min(max(reps, low), top)
        if verdict == "hurt":
            if reps == low and current.easier and current.easier in library:
                current = library[current.easier]
                note = "stepped back to an easier variant after it hurt"
            else:
                note = "back to the bottom of the range after it hurt"
            reps = max(1, current.dose.reps - REP_RANGE_WIDTH)
            at_top = 0
            continue
        if reps >= top:
            at_top += 1
            if at_top >= TOP_SESSIONS_TO_PROGRESS and current.harder and current.harder in library:
                current = library[current.harder]
                reps = max(1, current.dose.reps - REP_RANGE_WIDTH)
                at_top = 0
                note = "moved on to a harder variant: the top of the range got easy"
            else:
                note = "at the top of the range"
        else:
            reps += 1
            note = "one more rep per set than last time"
    dose = dose_of(current.dose)
    if dose.reps:
        dose = replace(dose, reps=min(reps, dose.reps))
    return current, dose, note


def chain(exercise: ExerciseLike, library: Mapping[str, ExerciseLike]) -> list[str]:
    """Every variant linked to the exercise through easier/harder links, in either direction
    (the links are not always symmetric: a harder one's easier variant may be a third)."""
    seen = [exercise.slug]
    queue = [exercise.slug]
    while queue:
        slug = queue.pop()
        node = library.get(slug)
        linked = [node.easier, node.harder] if node is not None else []
        linked += [e.slug for e in library.values() if slug in (e.easier, e.harder)]
        for other in linked:
            if other and other in library and other not in seen:
                seen.append(other)
                queue.append(other)
    return seen


def recently_strengthened(library: Mapping[str, ExerciseLike], request: Request) -> set[str]:
    """Muscles (and trained groups such as "core") worked within the last STRENGTH_GAP."""
    recent: set[str] = set()
    for slug, entries in request.strength_log.items():
        if slug in library and any(request.today - day < STRENGTH_GAP for day, _ in entries):
            recent.update(library[slug].primary + library[slug].trains)
    return recent
