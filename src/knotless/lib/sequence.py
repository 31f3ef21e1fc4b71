"""The player's script: an exercise list with doses turned into timed steps.

Computed once in Python and handed to every player (the web page as JSON, the terminal as is),
so a dose means the same everywhere. The states follow one another like this, for each exercise:

    get-ready -> (hold | reps) [-> switch-side -> (hold | reps)] [-> rest -> ...] -> next

A hold lasts its seconds; reps are timed at ``seconds_per_rep`` as a guide (the player counts
them out loud), or by their hold plus a second when each rep is held. Per-side exercises do the
left side, then the right, in every set. Rest comes between sets, never after the last one;
"next" comes between exercises, never after the last.

Pure and deterministic; no Django.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Protocol

GET_READY_SECONDS = 5
SWITCH_SECONDS = 5
BETWEEN_SECONDS = 10
SECONDS_PER_REP = 3
STATES = ("get-ready", "hold", "reps", "switch-side", "rest", "next")


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
class Item:
    slug: str
    name: str
    dose: DoseLike
    cue: str = ""  # a first spoken cue for the working steps
    # For per-side work: the sides of each set in order (see knotless.lib.sides); empty means
    # left then right, as the exercise is written.
    sides: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Step:
    state: str  # one of STATES
    seconds: int
    slug: str
    name: str
    text: str  # what the player shows and says
    side: str = ""  # "left" / "right" for per-side work
    set: int = 0  # 1-based during working, rest and switch steps
    sets: int = 0
    reps: int = 0  # for "reps" steps: how many to count

    def as_json(self) -> dict[str, object]:
        return asdict(self)


def _work(item: Item, side: str, number: int, seconds_per_rep: int) -> Step:
    dose = item.dose
    where = f" ({side} side)" if side else ""
    set_text = f"set {number} of {dose.sets}" if dose.sets > 1 else ""
    if dose.reps:
        # Reps held for a few seconds each (chin tucks) last as long as their holds.
        per_rep = (
            max(seconds_per_rep, dose.hold_seconds + 1) if dose.hold_seconds else seconds_per_rep
        )
        count = f"{dose.reps} reps" + (
            f", hold {dose.hold_seconds} s each" if dose.hold_seconds else ""
        )
        text = f"{item.name}{where}: {count}" + (f", {set_text}" if set_text else "")
        return Step(
            "reps",
            dose.reps * per_rep,
            item.slug,
            item.name,
            text,
            side,
            number,
            dose.sets,
            dose.reps,
        )
    text = f"{item.name}{where}: hold {dose.hold_seconds} s" + (f", {set_text}" if set_text else "")
    return Step("hold", dose.hold_seconds, item.slug, item.name, text, side, number, dose.sets)


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
        first = f"Get ready: {item.name}" + (f". {item.cue}" if item.cue else "")
        steps.append(Step("get-ready", get_ready, item.slug, item.name, first))
        sides = (item.sides or ("left", "right")) if dose.per_side else ("",)
        for number in range(1, dose.sets + 1):
            for side_index, side in enumerate(sides):
                if side_index:
                    steps.append(
                        Step(
                            "switch-side",
                            switch,
                            item.slug,
                            item.name,
                            f"Switch to the {side} side",
                            side,
                            number,
                            dose.sets,
                        )
                    )
                steps.append(_work(item, side, number, seconds_per_rep))
            if number < dose.sets and dose.rest_seconds:
                steps.append(
                    Step(
                        "rest",
                        dose.rest_seconds,
                        item.slug,
                        item.name,
                        f"Rest {dose.rest_seconds} s",
                        "",
                        number,
                        dose.sets,
                    )
                )
        if index + 1 < len(items):
            following = items[index + 1]
            steps.append(
                Step("next", between, following.slug, following.name, f"Next: {following.name}")
            )
    return steps


def total_seconds(steps: Sequence[Step]) -> int:
    return sum(step.seconds for step in steps)


def item_seconds(
    dose: DoseLike, *, seconds_per_rep: int = SECONDS_PER_REP, sides: tuple[str, ...] = ()
) -> int:
    """How long one exercise takes on its own (get-ready included), for planners and lists."""
    return total_seconds(
        build([Item("x", "x", dose, sides=sides)], seconds_per_rep=seconds_per_rep)
    )
