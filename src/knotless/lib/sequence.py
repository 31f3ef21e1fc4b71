"""The player's script: an exercise list with doses turned into timed steps.

Computed once in Python and handed to every player (the web page as JSON, the terminal as is),
so a dose means the same everywhere. The states follow one another like this, for each exercise:

    get-ready -> (hold | reps) [-> switch-side -> (hold | reps)] [-> rest -> ...] -> next

A hold lasts its seconds. Reps are timed at the exercise's tempo (``seconds_per_rep``), or by
their hold plus a second when each rep is held; that time is a guide, not a cutoff: a person
ends a set with "Done" at their own pace, and when the guide runs out the player waits a grace
period (``Step.grace``) before it moves on by itself. Which sides an exercise works, and in
what order, follows the user's knots (:func:`sides_for`). Rest comes between sets, never after
the last one; "next" comes between exercises, never after the last.

Pure and deterministic; no Django.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import asdict, dataclass, replace
from typing import Protocol

GET_READY_SECONDS = 5
SWITCH_SECONDS = 5
BETWEEN_SECONDS = 10
# A dose given whole (a physio's) with both reps and a hold holds that long for each rep, so a
# set lasts reps x hold. Past ten minutes it is a slip of the keyboard (50 reps of 3 minutes),
# not a dose: the programme reader and the player both refuse it.
SET_SECONDS_MAX = 10 * 60
# Moderate speed for rep work (ACSM 2009: 1-2 s lifting, 1-2 s lowering) is 2-4 s a rep; the
# fallback is 3 s for callers that know no exercise's own tempo (the library sets one for each).
SECONDS_PER_REP = 3
# After a set's guide time, the player waits this share of it (and at least the minimum) for
# "Done" before moving on: slow enough for someone a half slower than the guide, and still
# hands-free for someone on the floor who cannot reach the screen.
GRACE_SHARE = 0.5
GRACE_MIN_SECONDS = 10
STATES = ("get-ready", "hold", "reps", "switch-side", "rest", "next")
LEFT, RIGHT = "left", "right"


class DoseLike(Protocol):
    @property
    def hold_seconds(self) -> int: ...
    @property
    def reps(self) -> int: ...
    @property
    def sets(self) -> int: ...
    @property
    def per_side(self) -> bool: ...
    @property
    def rest_seconds(self) -> int: ...


@dataclass(frozen=True, slots=True)
class Sides:
    """Which sides one exercise works, set by set, and why in words ("" when nothing special).

    ``rounds`` holds one tuple of sides per round: the player rests between rounds and says
    "switch sides" within one. ("",) is a round of an exercise done with both sides at once."""

    rounds: tuple[tuple[str, ...], ...]
    why: str = ""


def sides_for(kind: str, per_side: bool, sets: int, knot_sides: Collection[str]) -> Sides:
    """The sides for an exercise, given the sides of the user's active knots it aims at.

    When every such knot sits on one side: a release works that side only (a knot is released
    where it sits); a stretch or mobility move starts on the knot's side and does it at least
    twice (ACSM: about 60 s per muscle in 2-4 holds), then the other side once so both stay
    even; strength starts on the knot's side and does both sides the same, for even strength.
    Knots on both sides, in the middle, or none: left then right in every set.
    """
    if not per_side:
        return Sides((("",),) * sets)
    found = set(knot_sides)
    if found not in ({LEFT}, {RIGHT}):
        why = ""
        if "center" in found:
            why = "Left, then right: a knot of yours sits in the middle."
        elif found:
            why = "Left, then right: you have knots on both sides."
        return Sides(((LEFT, RIGHT),) * sets, why)
    side = found.pop()
    other = RIGHT if side == LEFT else LEFT
    this, that = side.capitalize(), other.capitalize()
    if kind == "release":
        return Sides(
            ((side,),) * sets,
            f"{this} side only: your knot is on the {side}, and a knot is released where it sits.",
        )
    if kind in ("stretch", "mobility"):
        holds = max(sets, 2)
        times = "twice" if holds == 2 else f"{holds} times"
        return Sides(
            ((side,),) * (holds - 1) + ((side, other),),
            f"{this} side first and {times}: your knot is on the {side}. "
            f"{that} side once, to keep both sides moving evenly.",
        )
    return Sides(
        ((side, other),) * sets,
        f"{this} side first: your knot is on the {side}. "
        "Both sides get the same work, so they stay equally strong.",
    )


@dataclass(frozen=True, slots=True)
class Item:
    slug: str
    name: str
    dose: DoseLike
    cue: str = ""  # a first spoken cue for the working steps
    kind: str = ""  # release, stretch, mobility or strength: how sides are shared out
    knot_sides: tuple[str, ...] = ()  # sides of the user's active knots this exercise aims at
    seconds_per_rep: int = 0  # the exercise's tempo; 0 = the script's default


@dataclass(frozen=True, slots=True)
class Step:
    state: str  # one of STATES
    seconds: int  # for "reps", the guide time at the exercise's tempo
    slug: str
    name: str
    text: str  # what the player shows and says
    side: str = ""  # "left" / "right" for per-side work
    set: int = 0  # 1-based during working, rest and switch steps (counted per side)
    sets: int = 0  # how many sets this side gets
    reps: int = 0  # for "reps" steps: how many to count
    item: int = 0  # which exercise of the list (0-based), for per-exercise answers
    why: str = ""  # why these sides, in this order (get-ready and working steps)
    grace: int = 0  # for "reps" steps: how long to wait for "Done" after the guide time

    def as_json(self) -> dict[str, object]:
        return asdict(self)


def grace_for(seconds: int) -> int:
    return max(GRACE_MIN_SECONDS, round(seconds * GRACE_SHARE))


def _work(item: Item, index: int, side: str, number: int, of: int, per_rep: int) -> Step:
    dose = item.dose
    where = f" ({side} side)" if side else ""
    set_text = f"set {number} of {of}" if of > 1 else ""
    if dose.reps:
        # Reps held for a few seconds each (chin tucks) last their hold plus a second to move.
        per_rep = max(per_rep, dose.hold_seconds + 1) if dose.hold_seconds else per_rep
        count = f"{dose.reps} reps" + (
            f", hold {dose.hold_seconds} s each" if dose.hold_seconds else ""
        )
        text = f"{item.name}{where}: {count}" + (f", {set_text}" if set_text else "")
        seconds = dose.reps * per_rep
        return Step(
            "reps",
            seconds,
            item.slug,
            item.name,
            text,
            side,
            number,
            of,
            dose.reps,
            index,
            grace=grace_for(seconds),
        )
    text = f"{item.name}{where}: hold {dose.hold_seconds} s" + (f", {set_text}" if set_text else "")
    return Step("hold", dose.hold_seconds, item.slug, item.name, text, side, number, of, 0, index)


def build(
    items: Sequence[Item],
    *,
    get_ready: int = GET_READY_SECONDS,
    switch: int = SWITCH_SECONDS,
    between: int = BETWEEN_SECONDS,
    seconds_per_rep: int = SECONDS_PER_REP,
) -> list[Step]:
    """The timed steps for playing ``items`` in order."""
    steps: list[Step] = []
    for index, item in enumerate(items):
        dose = item.dose
        if dose.sets < 1 or (dose.reps <= 0 and dose.hold_seconds <= 0):
            raise ValueError(f"{item.slug}: a dose needs at least one set of reps or a hold.")
        sides = sides_for(item.kind, dose.per_side, dose.sets, item.knot_sides)
        per_rep = item.seconds_per_rep or seconds_per_rep
        first = f"Get ready: {item.name}" + (f". {item.cue}" if item.cue else "")
        start = len(steps)
        steps.append(Step("get-ready", get_ready, item.slug, item.name, first, item=index))
        of = {s: sum(r.count(s) for r in sides.rounds) for r in sides.rounds for s in r}
        done: dict[str, int] = {}
        for round_index, round_ in enumerate(sides.rounds):
            if round_index and dose.rest_seconds:
                steps.append(
                    Step(
                        "rest",
                        dose.rest_seconds,
                        item.slug,
                        item.name,
                        f"Rest {dose.rest_seconds} s",
                        "",
                        round_index,
                        dose.sets,
                        item=index,
                    )
                )
            for side_index, side in enumerate(round_):
                done[side] = done.get(side, 0) + 1
                last = steps[-1]
                # Within a round, and between rounds with no rest, a change of side is announced.
                changed = last.state in ("hold", "reps") and last.side != side
                if side_index or changed:
                    steps.append(
                        Step(
                            "switch-side",
                            switch,
                            item.slug,
                            item.name,
                            f"Switch to the {side} side",
                            side,
                            done[side],
                            of[side],
                            item=index,
                        )
                    )
                steps.append(_work(item, index, side, done[side], of[side], per_rep))
        if sides.why:
            # The why rides on every step of its exercise, so a player joining mid-way shows it.
            steps[start:] = [replace(step, why=sides.why) for step in steps[start:]]
        if index + 1 < len(items):
            following = items[index + 1]
            steps.append(
                Step(
                    "next",
                    between,
                    following.slug,
                    following.name,
                    f"Next: {following.name}",
                    item=index + 1,
                )
            )
    return steps


def dose_as_played(words: str, steps: Sequence[Step]) -> str:
    """An exercise's dose in words (``Dose.describe``) as its steps play it: a one-sided knot
    changes "each side" into the side, or sides, actually worked."""
    work = [s.side for s in steps if s.state in ("hold", "reps") and s.side]
    if not work or (work.count("left") == work.count("right") and work[0] == "left"):
        return words  # left then right, as written
    words = words.replace(", each side", "")
    first, counts = work[0], {side: work.count(side) for side in ("left", "right")}
    other = "right" if first == "left" else "left"
    if not counts[other]:
        return f"{words}, {first} side only"
    if counts[first] > counts[other]:
        times = "twice" if counts[first] == 2 else f"{counts[first]} times"
        return f"{words}, {first} side first and {times}, the {other} side once"
    return f"{words}, each side, {first} side first"


def total_seconds(steps: Sequence[Step]) -> int:
    return sum(step.seconds for step in steps)


def item_seconds(dose: DoseLike, *, seconds_per_rep: int = SECONDS_PER_REP) -> int:
    """How long one exercise takes on its own (get-ready included), for planners and lists."""
    return total_seconds(build([Item("x", "x", dose)], seconds_per_rep=seconds_per_rep))
