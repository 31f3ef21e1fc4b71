"""Pain-aware strength progression: what to do next time on one exercise.

Pure: no Django, no clock, no storage. ``decide`` takes the current target for one exercise
and that exercise's outings (oldest first) and returns the next target with a plain reason.
The facts behind it (shared/reference/guidelines-facts.md section 4.1 and anchors-turn2.md
section 3):

* ACSM (Ratamess et al. 2009): add 2-10 % load once the current load can be done for 1-2 reps
  more than the target; the smaller end (about 2-5 %) for small or upper-body lifts, the
  larger end (5-10 %) for large or lower-body lifts.
* Double progression (as in Liftosaur's ``dp`` and wger): reps climb within a range such as
  8-12; once every set reaches the top, the load goes up and the reps start again from the
  bottom of the range.
* Pain-aware rule: progress only if pain during the exercise stayed at or below the person's
  acceptable level (3/10 unless they changed it) and the familiar knot was not worse the next
  morning. Otherwise hold or step back this one exercise, never the whole programme, and say
  why. A step back is a deload: it lowers the dose and keeps the rep range, so the history and
  the way back up stay as they were.

How the last outing is judged, first match wins
------------------------------------------------

Only the most recent outing is judged; the one before it matters only for two misses in a
row. Older outings are never read.

1. No outings: ``start`` with the target as it is.
2. Pain during above ``Rules.acceptable_pain`` (whether or not it was the familiar knot), or a
   next morning answered "worse": ``step_back`` with ``held_by_pain``. A load goes down by
   ``Rules.step_back`` (10 %) and is rounded DOWN to ``Rules.increment_kg``, so a small load may
   drop by more than 10 %; it never goes below 0. Without a load (bodyweight or band), or at
   0 kg, both ends of the rep range drop by 2 (not below 1), or a set is dropped once the range
   is already 1 rep. At one set of one rep nothing is lighter: the answer is ``hold`` (still
   ``held_by_pain``) and the reason suggests an easier version.
3. Next morning "pending" (asked, not yet answered): ``hold`` until the answer comes.
4. Any planned set below the bottom of the range, or fewer sets done than planned: ``hold``.
   If the outing before also fell short at the same load, ``step_back`` as above, but not
   ``held_by_pain``.
5. Every planned set at the top of the range: with a load, ``add_load``; without one,
   ``harder_variant`` with the target unchanged (a harder version or a stronger band, starting
   again at the bottom of the range).
6. Otherwise (every set within the range, not all at the top): ``add_reps``, the same numbers
   again, aiming for one more rep on the sets below the top.

The planned sets are the first ``Target.sets`` sets of the outing; extra sets are shown in
the reason but not judged. The top of the range stands in for ACSM's "1-2 reps more than the
target". Reps in reserve appear in the reason but do not change the step (kept simple on
purpose): the step is ``Rules.small_step`` (2.5 %) for a small or upper-body lift and
``Rules.large_step`` (5 %) for a large lower-body one.

Adding load: the step is rounded to the nearest whole number of increments, at least one
increment and at most 10 % of the load (or one increment when 10 % is less than that), then
added to the load. 20 kg at 2.5 % with 1 kg plates is 21 kg; 100 kg at 5 % is 105 kg. A load
that is a multiple of the increment stays one.

Which load counts: the one actually lifted in the last outing, since people do change the
plan; the target's load when the outing did not record one. A target without a load stays
without one. A step back starts from the lighter of the planned and the lifted load, so it
never ends above either.

Impossible input raises ``ValueError`` with a short plain message: sets outside 1-10, reps
outside 1-100 or a range upside down, a negative load, pain outside 0-10, reps in reserve
outside 0-10, an outing without sets, outings out of date order (two on one day are fine).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal
from itertools import pairwise
from typing import Literal, get_args

Action = Literal["start", "add_reps", "add_load", "harder_variant", "hold", "step_back"]
Morning = Literal["better", "same", "worse", "pending"]
MORNINGS: frozenset[str] = frozenset(get_args(Morning))

MAX_SETS = 10
MAX_REPS = 100
MAX_RIR = 10
MAX_PAIN = 10
# The largest single load increase ACSM describes; Rules may not ask for more.
MAX_STEP = Decimal("0.10")

ONLY_THIS = "Only this exercise changes, and your progress so far still counts."


def _check_load(load: Decimal | None) -> None:
    if load is None:
        return
    if not isinstance(load, Decimal) or not load.is_finite():
        raise ValueError("The load must be a number of kilograms.")
    if load < 0:
        raise ValueError("The load cannot be negative.")


@dataclass(frozen=True, slots=True)
class Target:
    """What to do next time: sets of reps_low to reps_high reps, at a load or without one."""

    sets: int
    reps_low: int
    reps_high: int
    load_kg: Decimal | None  # None: bodyweight or band, progressed by reps then a harder variant

    def __post_init__(self) -> None:
        if not 1 <= self.sets <= MAX_SETS:
            raise ValueError(f"Sets must be between 1 and {MAX_SETS}.")
        if not (1 <= self.reps_low <= MAX_REPS and 1 <= self.reps_high <= MAX_REPS):
            raise ValueError(f"Reps must be between 1 and {MAX_REPS}.")
        if self.reps_low > self.reps_high:
            raise ValueError("The lowest reps cannot be above the highest.")
        _check_load(self.load_kg)


@dataclass(frozen=True, slots=True)
class Outing:
    """One day's work on this exercise."""

    day: date
    reps: tuple[int, ...]  # reps done in each work set; 0 is a failed set
    load_kg: Decimal | None
    rir: int | None  # reps in reserve on the hardest set; None: not said
    pain_during: int | None  # 0-10, asked after the exercise; None: not asked
    familiar_knot: bool | None  # "was it the familiar knot?"
    # None: nothing to ask (no knot near these muscles); "pending": asked, not answered yet.
    next_morning: Morning | None

    def __post_init__(self) -> None:
        if not self.reps:
            raise ValueError("An outing needs at least one set.")
        if any(not 0 <= r <= MAX_REPS for r in self.reps):
            raise ValueError(f"Reps in a set must be between 0 and {MAX_REPS}.")
        _check_load(self.load_kg)
        if self.rir is not None and not 0 <= self.rir <= MAX_RIR:
            raise ValueError(f"Reps in reserve must be between 0 and {MAX_RIR}.")
        if self.pain_during is not None and not 0 <= self.pain_during <= MAX_PAIN:
            raise ValueError(f"Pain must be between 0 and {MAX_PAIN}.")
        if self.next_morning is not None and self.next_morning not in MORNINGS:
            raise ValueError("The next morning must be better, same, worse or pending.")


@dataclass(frozen=True, slots=True)
class Rules:
    """The person's own settings; the defaults follow the module docstring."""

    acceptable_pain: int = 3
    small_step: Decimal = Decimal("0.025")  # upper-body or small lifts
    large_step: Decimal = Decimal("0.05")  # large lower-body lifts
    increment_kg: Decimal = Decimal("1")  # smallest load change the person can make
    step_back: Decimal = Decimal("0.10")

    def __post_init__(self) -> None:
        if not 0 <= self.acceptable_pain <= MAX_PAIN:
            raise ValueError(f"The acceptable pain must be between 0 and {MAX_PAIN}.")
        for step in (self.small_step, self.large_step):
            if not 0 < step <= MAX_STEP:
                raise ValueError("A load step must be above 0 % and at most 10 %.")
        if not (self.increment_kg.is_finite() and self.increment_kg > 0):
            raise ValueError("The smallest load change must be above 0 kg.")
        if not 0 < self.step_back < 1:
            raise ValueError("A step back must be above 0 % and below 100 %.")


@dataclass(frozen=True, slots=True)
class Decision:
    action: Action
    next: Target
    reason: str  # one or two plain sentences
    held_by_pain: bool  # True when pain or a worse morning stopped progress


def _kg(load: Decimal) -> str:
    return f"{format(load.normalize(), 'f')} kg"


def _count(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _dose(target: Target) -> str:
    if target.reps_low == target.reps_high:
        reps = str(target.reps_low)
    else:
        reps = f"{target.reps_low}–{target.reps_high}"
    text = f"{target.sets} × {reps}"
    return text if target.load_kg is None else f"{text} at {_kg(target.load_kg)}"


def _did(target: Target, last: Outing) -> str:
    """'You did 12, 12, 12 at 20 kg with 2 in reserve'."""
    text = "You did " + ", ".join(str(r) for r in last.reps)
    if target.load_kg is not None and last.load_kg is not None:
        text += f" at {_kg(last.load_kg)}"
        if last.load_kg != target.load_kg:
            text += f" (planned {_kg(target.load_kg)})"
    if last.rir == 0:
        text += " with nothing in reserve"
    elif last.rir is not None:
        text += f" with {last.rir} in reserve"
    return text


def _shortfall(target: Target, outing: Outing) -> str:
    """How the outing fell short of the range; empty when it did not."""
    planned = outing.reps[: target.sets]
    low = sum(1 for r in planned if r < target.reps_low)
    missing = target.sets - len(planned)
    parts = []
    if low:
        parts.append(f"{_count(low, 'set')} short of {target.reps_low} reps")
    if missing:
        parts.append(f"{_count(missing, 'planned set')} not done")
    return " and ".join(parts)


def _lifted(target: Target, last: Outing) -> Decimal | None:
    """The load that counts: what was lifted, else what was planned; none for no-load targets."""
    if target.load_kg is None:
        return None
    return last.load_kg if last.load_kg is not None else target.load_kg


def _lighter(target: Target, last: Outing, rules: Rules) -> Target | None:
    """One step back, or None when the target is already the lightest there is."""
    load = target.load_kg
    if load is not None and last.load_kg is not None:
        load = min(load, last.load_kg)
    if load is not None and load > 0:
        inc = rules.increment_kg
        steps = (load * (1 - rules.step_back) / inc).to_integral_value(rounding=ROUND_FLOOR)
        return replace(target, load_kg=steps * inc)
    if target.reps_high > 1:
        low, high = max(1, target.reps_low - 2), max(1, target.reps_high - 2)
        return replace(target, reps_low=low, reps_high=high, load_kg=load)
    if target.sets > 1:
        return replace(target, sets=target.sets - 1, load_kg=load)
    return None


def heavier(load: Decimal, step: Decimal, increment: Decimal) -> Decimal:
    """``load`` plus ``step`` of it, in whole increments: at least one, at most 10 % (or one)."""
    wanted = int((load * step / increment).to_integral_value(rounding=ROUND_HALF_UP))
    ceiling = int((load * MAX_STEP / increment).to_integral_value(rounding=ROUND_FLOOR))
    return load + min(max(1, wanted), max(1, ceiling)) * increment


def _percent(change: Decimal, load: Decimal) -> str:
    if load == 0:
        return ""
    whole = (change * 100 / load).to_integral_value(rounding=ROUND_HALF_UP)
    return f" ({format(whole, 'f')} %)" if whole >= 1 else " (under 1 %)"


def _step_back(target: Target, last: Outing, rules: Rules, why: str, *, by_pain: bool) -> Decision:
    lighter = _lighter(target, last, rules)
    if lighter is None:
        same = replace(target, load_kg=_lifted(target, last))
        reason = (
            f"{why}, and {_dose(same)} is already the lightest dose: keep it there or "
            "switch to an easier version for now."
        )
        return Decision("hold", same, reason, by_pain)
    reason = f"{why}: step back to {_dose(lighter)}. {ONLY_THIS}"
    return Decision("step_back", lighter, reason, by_pain)


def _pain_words(last: Outing, rules: Rules) -> str | None:
    """Why pain stops progress this time, or None when it does not."""
    hurt = last.pain_during is not None and last.pain_during > rules.acceptable_pain
    worse = last.next_morning == "worse"
    if not (hurt or worse):
        return None
    morning = "the knot was worse the next morning"
    if not hurt:
        return morning[0].upper() + morning[1:]
    knot = " (your familiar knot)" if last.familiar_knot else ""
    text = (
        f"Pain reached {last.pain_during}/10{knot} during this exercise, "
        f"above your limit of {rules.acceptable_pain}"
    )
    return f"{text}, and {morning}" if worse else text


def _check_order(outings: Sequence[Outing]) -> None:
    for before, after in pairwise(outings):
        if after.day < before.day:
            raise ValueError("Outings must be in date order, oldest first.")


def decide(
    target: Target, outings: Sequence[Outing], *, small: bool, rules: Rules = Rules()
) -> Decision:
    """The next target for one exercise after its outings (oldest first); see the module doc."""
    _check_order(outings)
    if not outings:
        return Decision("start", target, f"Nothing logged yet: start with {_dose(target)}.", False)
    last = outings[-1]
    pain = _pain_words(last, rules)
    if pain is not None:
        return _step_back(target, last, rules, pain, by_pain=True)

    same = replace(target, load_kg=_lifted(target, last))
    did = _did(target, last)
    if last.next_morning == "pending":
        reason = (
            "Waiting for your answer about how the knot felt the next morning: "
            f"keep to {_dose(same)} until then."
        )
        return Decision("hold", same, reason, False)

    short = _shortfall(target, last)
    if short:
        if len(outings) > 1:
            before = outings[-2]
            if before.load_kg == last.load_kg and _shortfall(target, before):
                why = f"{did}, short of the range for the second time in a row"
                return _step_back(target, last, rules, why, by_pain=False)
        return Decision("hold", same, f"{did}: {short}. Keep to {_dose(same)} next time.", False)

    top = target.reps_high
    if all(r >= top for r in last.reps[: target.sets]):
        if same.load_kg is None:
            reason = (
                f"{did}, the top of the range on every set: try a harder version or a "
                f"stronger band, starting again at {target.reps_low} reps."
            )
            return Decision("harder_variant", target, reason, False)
        step = rules.small_step if small else rules.large_step
        load = heavier(same.load_kg, step, rules.increment_kg)
        change = load - same.load_kg
        reason = (
            f"{did}, the top of the range on every set: add {_kg(change)}"
            f"{_percent(change, same.load_kg)}, to {_kg(load)}, and aim for "
            f"{target.reps_low} reps a set again."
        )
        return Decision("add_load", replace(target, load_kg=load), reason, False)

    keep = f"keep {_kg(same.load_kg)}" if same.load_kg is not None else "keep going"
    reason = f"{did}: {keep} and aim for one more rep on each set below {top}."
    return Decision("add_reps", same, reason, False)
