"""Desk breaks aimed at the knots: short moves at the desk, or a reason to get up.

A micro-break is one or two seated or standing desk moves for the active knots' muscles and the
muscles that keep them going; each break of the day starts at a different place in that list
(``turn``), so the day brings different moves and every knot gets its turn. A movement break
gets the person up: a short walk first (said in the note, not timed), then standing and wall
moves for the same muscles. Pure and deterministic, like the planner.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from knotless.lib.planner.choose import jitter, options, usable, works_on
from knotless.lib.planner.model import (
    FILLER,
    KIND_ORDER,
    OWN,
    TIGHT,
    WEAK,
    ExerciseLike,
    Item,
    KnotNeed,
    Plan,
    RelationLike,
    Request,
    dose_of,
    play_seconds,
    routine_seconds,
    sides_why,
)
from knotless.lib.planner.progression import progression, recently_strengthened
from knotless.lib.planner.words import pain_words
from knotless.lib.sequence import BETWEEN_SECONDS

MICRO, MOVEMENT = "micro", "movement"
KINDS = (MICRO, MOVEMENT)
MOVEMENT_POSITIONS = frozenset({"standing", "wall"})  # up from the chair
MICRO_POSITIONS = frozenset({"seated", "standing"})  # at the desk
WALK_NOTE = "Stand up and walk for a minute first: fetch some water, or look out of a window."


def _candidates(
    request: Request,
    library: Mapping[str, ExerciseLike],
    names: Mapping[str, str],
    relations: Mapping[str, RelationLike],
    kind: str,
) -> list[tuple[ExerciseLike, KnotNeed, str, str]]:
    """(exercise, knot, aim, reason) for every aimed move possible in this break, interleaved
    across knots so a rotation reaches each knot in turn."""
    exercises = [
        e
        for e in library.values()
        if e.position in (MOVEMENT_POSITIONS if kind == MOVEMENT else MICRO_POSITIONS)
        and (kind == MOVEMENT or e.desk)
    ]
    knots = sorted(
        (k for k in request.knots if k.knot_id not in request.blocked),
        key=lambda k: (-(k.pain or 0), k.knot_id),
    )
    per_knot: list[list[tuple[ExerciseLike, KnotNeed, str, str]]] = []
    for knot in knots:
        own = [m for m in knot.muscles if m not in request.avoid_muscles]
        tight = [
            m
            for o in own
            for m in (relations[o].tight if o in relations else ())
            if m not in request.avoid_muscles
        ]
        weak = [
            m
            for o in own
            for m in (relations[o].weak if o in relations else ())
            if m not in request.avoid_muscles
        ]
        found: list[tuple[ExerciseLike, KnotNeed, str, str]] = []
        gentle_kinds: tuple[str, ...] = ("release", "stretch", "mobility")
        groups: list[tuple[list[str], str, tuple[str, ...]]] = [
            (own, OWN, gentle_kinds),
            (tight, TIGHT, gentle_kinds),
        ]
        if not knot.gentle:
            groups.append((weak, WEAK, ("strength",)))
        for muscles, aim, kinds in groups:
            if not muscles:
                continue
            for exercise in options(exercises, kinds, muscles, request):
                muscle = next(m for m in muscles if m in works_on(exercise))
                what = names.get(muscle, muscle)
                if aim == TIGHT:
                    what += ", which keeps it going"
                elif aim == WEAK:
                    what += ", which takes load off it"
                reason = f"{pain_words(knot, request.today)}: {exercise.kind} for {what}"
                found.append((exercise, knot, aim, reason))
        per_knot.append(found)
    # Interleave: the first move of each knot, then the second of each, ...
    out: list[tuple[ExerciseLike, KnotNeed, str, str]] = []
    for index in range(max((len(f) for f in per_knot), default=0)):
        out.extend(f[index] for f in per_knot if index < len(f))
    return out


def desk_break(
    request: Request,
    library: Mapping[str, ExerciseLike],
    names: Mapping[str, str],
    relations: Mapping[str, RelationLike] | None = None,
    *,
    kind: str = MICRO,
    turn: int = 0,
) -> Plan:
    """The moves for the ``turn``-th break of the day (0 for the first)."""
    if kind not in KINDS:
        raise ValueError(f"a break is one of {', '.join(KINDS)}")
    if request.minutes < 1:
        raise ValueError("a break needs at least one minute")
    budget = request.minutes * 60
    notes = [WALK_NOTE] if kind == MOVEMENT else []
    if request.stop:
        return Plan(
            (), 0, budget, tuple((k.label, request.stop) for k in request.knots), (request.stop,)
        )
    desk = replace(request, place="desk" if kind == MICRO else "floor", quick=kind == MICRO)
    positions = MOVEMENT_POSITIONS if kind == MOVEMENT else MICRO_POSITIONS
    candidates: list[tuple[ExerciseLike, KnotNeed | None, str, str]] = [
        c for c in _candidates(desk, library, names, relations or {}, kind) if usable(c[0], desk)
    ]
    if not any(k.knot_id not in request.blocked for k in request.knots):
        # No knot to aim at: easy all-round moves, said to be that.
        why = (
            "while your knots wait (see below): an easy all-round move"
            if request.knots
            else "no active knots: an easy move to keep it that way"
        )
        candidates = [
            (e, None, FILLER, why)
            for e in sorted(library.values(), key=lambda e: jitter(e.slug, request.today))
            if e.kind in ("mobility", "stretch")
            and e.position in positions
            and (kind == MOVEMENT or e.desk)
            and usable(e, desk)
        ]
    strengthened = recently_strengthened(library, request)
    items: list[Item] = []
    used = 0
    if candidates:
        start = turn % len(candidates)
        for exercise, knot, aim, reason in candidates[start:] + candidates[:start]:
            dose = dose_of(exercise.dose)
            if exercise.kind == "strength":
                exercise, dose, note = progression(exercise, library, request.strength_log)
                reason += f"; {note}"
                fresh = not set(exercise.primary + exercise.trains) & strengthened
                if not (fresh and exercise.position in positions and usable(exercise, desk)):
                    continue
            if any(i.slug == exercise.slug for i in items):
                continue
            side = (
                knot.side
                if knot is not None
                and aim == OWN
                and dose.per_side
                and knot.side in ("left", "right")
                else ""
            )
            seconds = play_seconds(exercise, dose, side)
            cost = seconds + (BETWEEN_SECONDS if items else 0)
            if used + cost > budget:
                continue
            why = sides_why(exercise, dose, side)
            if why:
                reason += f". {why}"
            used += cost
            items.append(
                Item(
                    exercise.slug,
                    exercise.name,
                    exercise.kind,
                    dose,
                    seconds,
                    reason,
                    (knot.knot_id,) if knot is not None else (),
                    aim,
                    side,
                )
            )
    left_out = [
        (k.label, request.blocked[k.knot_id]) for k in request.knots if k.knot_id in request.blocked
    ]
    if not items:
        notes.append(
            "No move aimed at your knots fits this break: "
            + (
                "walk, roll your shoulders and breathe."
                if kind == MOVEMENT
                else "stand up, breathe and look into the distance."
            )
        )
    items.sort(key=lambda i: KIND_ORDER.index(i.kind))
    return Plan(tuple(items), routine_seconds(items), budget, tuple(left_out), tuple(notes))
