"""Try it: a personal experiment with a randomised ABAB schedule, and its honest result.

Schedule. The person alternates phases of 3-7 days (4 phases by default, up to 8): B means "do
the thing" (a morning release routine, say) and A means "don't, or as usual". The order is
drawn from a seed: ABAB... or BABA..., each with probability 1/2, so neither the person nor a
season decides which phase comes first. Phases alternate, so a slow drift in the knot falls on
both arms; the analysis also fits the knot's trend.

Analysis. The same model as the patterns (``knotless.lib.patterns``): a day's pain on the
intercept, the trend, weekend and the arm (1 in B phases), with AR(1) errors so that days in a
row are not counted as independent evidence. It is intention to treat: a day counts for the arm
of its phase whatever the person actually did; adherence is reported beside it, not used to
pick days. Days in the same phase are strongly alike, and there are only a few phases, so the
AR(1) transformation matters here: a 7-day phase is worth far fewer than 7 independent days. The
effect is judged once each arm has at least two phases with ratings and MIN_ARM_DAYS rated
days. With about 10 to 28 rated days, yesterday's carry-over (rho) is hard to estimate and its
estimate runs low, so a stronger small-sample correction is added (see ``patterns_model``), and
intervals and probabilities are Student t. The display rule is the patterns' one with
EXPERIMENT_SHOW_P = 0.97: the 80 % interval below 0 and P(benefit) >= 0.97; at 0.95 the chance
of showing a thing that does nothing sat right at 5 % for 4 phases of 7 days, so the bar has
room to spare. ``bench/insights_calibration.py`` checks both designs (4 phases of 7 days and 4
of 3 days): intervals hold the truth 80-84 % of the time, a thing that does nothing is shown as
helping 1-3 % of the time, and a true 1-point benefit is shown about 30 % of the time after
4 x 7 days and 14 % after 4 x 3 days. A single short experiment is a weak test; the result says
so when it is not clear.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from knotless.lib.patterns import (
    NUISANCE_PRIOR_SD,
    Day,
    Effect,
    design_row,
    fit_columns,
    judge,
    merge_days,
    rated_days,
)

Arm = Literal["A", "B"]
MIN_ARM_DAYS = 4  # rated days per arm before the experiment is judged
MIN_ARM_PHASES = 2  # phases per arm with at least one rating
EXPERIMENT_SHOW_P = 0.97
EXPERIMENT_RHO_BIAS_COLUMNS = 1.25
ARM_NAME = "experiment"


@dataclass(frozen=True, slots=True)
class Phase:
    start: date
    end: date  # inclusive
    arm: Arm


@dataclass(frozen=True, slots=True)
class ExperimentResult:
    effect: Effect  # habit "experiment", lag 0: B minus A in pain points, negative = less pain
    adherence: float | None  # share of logged days on which the phase's instruction was followed
    days_a: int  # rated days in A phases
    days_b: int
    phases_rated: int  # phases with at least one rating
    complete: bool  # the last phase has ended (on the last day given)


def schedule(start: date, *, phases: int = 4, days_per_phase: int = 7, seed: int) -> list[Phase]:
    """A randomised alternating schedule starting on ``start``; the same seed, the same plan."""
    if not 4 <= phases <= 8:
        raise ValueError("an experiment has 4 to 8 phases")
    if not 3 <= days_per_phase <= 7:
        raise ValueError("a phase lasts 3 to 7 days")
    first: Arm = random.Random(seed).choice(("A", "B"))
    other: Arm = "B" if first == "A" else "A"
    plan = []
    for i in range(phases):
        begin = start + timedelta(days=i * days_per_phase)
        plan.append(
            Phase(begin, begin + timedelta(days=days_per_phase - 1), first if i % 2 == 0 else other)
        )
    return plan


def arm_on(phases: Sequence[Phase], day: date) -> Arm | None:
    """The arm for ``day``, or None outside the experiment."""
    for phase in phases:
        if phase.start <= day <= phase.end:
            return phase.arm
    return None


def _phase_index(phases: Sequence[Phase], day: date) -> int | None:
    for i, phase in enumerate(phases):
        if phase.start <= day <= phase.end:
            return i
    return None


def _needed(days_a: int, days_b: int, phases_a: int, phases_b: int) -> str:
    parts = []
    for short, words in ((MIN_ARM_DAYS - days_b, "doing it"), (MIN_ARM_DAYS - days_a, "without")):
        if short > 0:
            parts.append(f"{short} more rated {'day' if short == 1 else 'days'} {words}")
    if phases_a < MIN_ARM_PHASES or phases_b < MIN_ARM_PHASES:
        parts.append("ratings in at least two phases of each kind")
    return " and ".join(parts)


def analyse(
    days: Sequence[Day], phases: Sequence[Phase], adherence: Mapping[date, bool]
) -> ExperimentResult:
    """The experiment's result so far: B phases against A phases, by phase (intention to treat)."""
    ordered = sorted(phases, key=lambda p: p.start)
    rated = [d for d in rated_days(merge_days(days)) if _phase_index(ordered, d.day) is not None]
    t: list[int] = []
    rows: list[list[float]] = []
    y: list[float] = []
    rated_phases: dict[Arm, set[int]] = {"A": set(), "B": set()}
    first = ordered[0].start if ordered else date.min
    for d in rated:
        index = _phase_index(ordered, d.day)
        assert index is not None and d.pain is not None
        arm = ordered[index].arm
        rated_phases[arm].add(index)
        t.append(d.day.toordinal())
        rows.append(design_row(first, d.day, [1.0 if arm == "B" else 0.0]))
        y.append(d.pain)
    column = len(NUISANCE_PRIOR_SD)
    days_b = sum(1 for r in rows if r[column] == 1.0)
    days_a = len(rows) - days_b
    phases_a, phases_b = len(rated_phases["A"]), len(rated_phases["B"])
    effect = judge(
        ARM_NAME,
        0,
        fit_columns(t, rows, y, 1, EXPERIMENT_RHO_BIAS_COLUMNS),
        column,
        days_with=days_b,
        days_without=days_a,
        min_days=MIN_ARM_DAYS,
        show_p=EXPERIMENT_SHOW_P,
    )
    enough = effect.enough and phases_a >= MIN_ARM_PHASES and phases_b >= MIN_ARM_PHASES
    needed = "" if enough else _needed(days_a, days_b, phases_a, phases_b)
    effect = Effect(
        effect.habit,
        effect.lag,
        effect.mean,
        effect.low,
        effect.high,
        effect.p_benefit,
        effect.p_one_point,
        days_b,
        days_a,
        enough,
        needed,
        effect.shown and enough,
    )
    logged = [
        followed for when, followed in adherence.items() if _phase_index(ordered, when) is not None
    ]
    share = sum(logged) / len(logged) if logged else None
    last_day = max((d.day for d in days), default=None)
    complete = bool(ordered) and last_day is not None and last_day >= ordered[-1].end
    return ExperimentResult(effect, share, days_a, days_b, phases_a + phases_b, complete)
