"""Calibration bench for "what helped me?" (issue 15): does the pattern engine tell the truth?

It simulates people whose true habit effects are known and runs the product's own pure functions
(``knotless.lib.patterns.find_patterns`` / ``top`` and ``knotless.lib.experiments.analyse``) on
what they would have logged. Each simulated person has:

- 8 to 16 weeks of days; a pain level of 3-7 that drifts slowly (a per-person trend of about
  -0.08 points per week, sd 0.1), a weekday profile (a weekend shift and small per-day shifts),
  AR(1) day-to-day deviations (carry-over 0.3-0.85, innovation sd 0.4-1.0), and 1-4 ratings a day
  that each add rating noise (sd 0.6) and are rounded to whole numbers on the 0-10 scale;
- 10-30 % of days with no rating at all, missing in short runs;
- 4-6 habits with a prevalence of 20-80 %, half of them done in streaks (a Markov chain with a
  lag-1 autocorrelation of 0.3-0.8), each unknown on 3 % of days;
- true effects: 50 % exactly 0, 30 % a 1-point benefit (-1), 20 % a half-point harm (+0.5); 70 %
  act on the same day, 30 % on the day after.

Patterns are judged on each person's whole history, and power also after the first 4 and 8
weeks. Experiments simulate a fresh stretch of the same kind of pain with an ABAB schedule from
``schedule`` (4 phases of 7 days, and 4 of 3 days); in B phases the thing is done on 90 % of
days, in A phases on 5 %, and the truth for the intention-to-treat effect is the true effect
times the realised difference in doing it between the arms.

Printed: the share of 80 % intervals holding the truth (aim 75-85 %), the share of habits with no
effect that are shown as helping (aim at most 5 %), and the share of true 1-point benefits shown
(power, reported). Exit status 1 when an aim fails.

    uv run python bench/insights_calibration.py [--people 1000] [--seed 1] [--workers 2]
"""

from __future__ import annotations

import argparse
import math
import random
import sys
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import date, timedelta

from knotless.lib.experiments import analyse, schedule
from knotless.lib.patterns import Day, Effect, find_patterns, top

START = date(2026, 1, 5)


@dataclass
class Tally:
    """Counts for one setting: intervals, false 'helping', power."""

    covered: int = 0
    intervals: int = 0
    zero_judged: int = 0
    zero_shown: int = 0
    harm_judged: int = 0
    harm_shown: int = 0
    benefit_total: int = 0
    benefit_shown: int = 0
    by_truth: dict[float, list[int]] = field(default_factory=dict)

    def add(self, other: Tally) -> None:
        self.covered += other.covered
        self.intervals += other.intervals
        self.zero_judged += other.zero_judged
        self.zero_shown += other.zero_shown
        self.harm_judged += other.harm_judged
        self.harm_shown += other.harm_shown
        self.benefit_total += other.benefit_total
        self.benefit_shown += other.benefit_shown
        for k, (c, n) in other.by_truth.items():
            mine = self.by_truth.setdefault(k, [0, 0])
            mine[0] += c
            mine[1] += n

    def interval(self, truth: float, effect: Effect, nominal: float) -> None:
        hit = int(effect.low <= truth <= effect.high)
        self.covered += hit
        self.intervals += 1
        cell = self.by_truth.setdefault(nominal, [0, 0])
        cell[0] += hit
        cell[1] += 1


def pain_process(rng: random.Random, n: int) -> tuple[list[float], float]:
    """The habit-free daily pain (before rating noise), and its carry-over."""
    level = rng.uniform(3.0, 7.0)
    trend = rng.gauss(-0.08, 0.1)
    weekend = rng.gauss(0.0, 0.4)
    weekday = [rng.gauss(0.0, 0.15) for _ in range(7)]
    phi = rng.uniform(0.3, 0.85)
    sd = rng.uniform(0.4, 1.0)
    u = rng.gauss(0.0, sd / math.sqrt(1 - phi * phi))
    out = []
    for i in range(n):
        day = START + timedelta(days=i)
        u = phi * u + rng.gauss(0.0, sd)
        shift = weekday[day.weekday()] + (weekend if day.weekday() >= 5 else 0.0)
        out.append(level + trend * i / 7.0 + shift + u)
    return out, phi


def missing_days(rng: random.Random, n: int) -> list[bool]:
    share = rng.uniform(0.1, 0.3)
    # Runs with a mean length of 2 days: leave the missing state with probability 1/2.
    enter = share * 0.5 / (1 - share)
    out, missing = [], rng.random() < share
    for _ in range(n):
        out.append(missing)
        missing = rng.random() < (0.5 if missing else enter)
    return out


def habit_days(rng: random.Random, n: int) -> list[float]:
    p = rng.uniform(0.2, 0.8)
    a = rng.uniform(0.3, 0.8) if rng.random() < 0.5 else 0.0
    stay, start = p + a * (1 - p), p * (1 - a)
    out, on = [], rng.random() < p
    for _ in range(n):
        out.append(1.0 if on else 0.0)
        on = rng.random() < (stay if on else start)
    return out


def rate(rng: random.Random, true_pain: float) -> float:
    k = rng.randint(1, 4)
    ratings = [min(10, max(0, round(true_pain + rng.gauss(0.0, 0.6)))) for _ in range(k)]
    return sum(ratings) / k


def true_effect(rng: random.Random) -> float:
    r = rng.random()
    return 0.0 if r < 0.5 else (-1.0 if r < 0.8 else 0.5)


def person_patterns(seed: int) -> dict[str, Tally]:
    rng = random.Random(seed)
    n = 7 * rng.randint(8, 16)
    base, _ = pain_process(rng, n)
    gone = missing_days(rng, n)
    names = [f"h{i}" for i in range(rng.randint(4, 6))]
    values = {h: habit_days(rng, n) for h in names}
    truth = {h: (true_effect(rng), 0 if rng.random() < 0.7 else 1) for h in names}
    unknown = {h: [rng.random() < 0.03 for _ in range(n)] for h in names}
    days = []
    for i in range(n):
        pain = base[i]
        for h in names:
            effect, lag = truth[h]
            if i - lag >= 0:
                pain += effect * values[h][i - lag]
        habits = {h: (None if unknown[h][i] else values[h][i]) for h in names}
        days.append(Day(START + timedelta(days=i), None if gone[i] else rate(rng, pain), habits))
    out = {}
    for label, weeks in (("all", None), ("4 weeks", 4), ("8 weeks", 8)):
        window = days if weeks is None else days[: 7 * weeks]
        findings = find_patterns(window, names)
        shown = {e.habit for e in top(findings, n=len(names))}
        tally = Tally()
        for h in names:
            effect, lag = truth[h]
            mine = [e for e in findings.effects if e.habit == h]
            judged = [e for e in mine if e.enough]
            for e in judged:
                if effect == 0.0 or e.lag == lag:
                    tally.interval(effect if e.lag == lag else 0.0, e, effect)
            if effect == 0.0 and judged:
                tally.zero_judged += 1
                tally.zero_shown += h in shown
            if effect > 0 and judged:
                tally.harm_judged += 1
                tally.harm_shown += h in shown
            if effect == -1.0:
                tally.benefit_total += 1
                tally.benefit_shown += h in shown
        out[label] = tally
    return out


def person_experiment(seed: int, days_per_phase: int) -> Tally:
    rng = random.Random(seed)
    plan = schedule(START, phases=4, days_per_phase=days_per_phase, seed=seed)
    n = 4 * days_per_phase
    base, _ = pain_process(rng, n)
    gone = missing_days(rng, n)
    effect = true_effect(rng)
    days: list[Day] = []
    adherence: dict[date, bool] = {}
    done_by_arm: dict[str, list[float]] = {"A": [], "B": []}
    for i in range(n):
        when = START + timedelta(days=i)
        arm = plan[i // days_per_phase].arm
        did = rng.random() < (0.9 if arm == "B" else 0.05)
        adherence[when] = did if arm == "B" else not did
        done_by_arm[arm].append(1.0 if did else 0.0)
        pain = base[i] + (effect if did else 0.0)
        days.append(Day(when, None if gone[i] else rate(rng, pain), {}))
    result = analyse(days, plan, adherence)
    e = result.effect
    tally = Tally()
    share = {arm: sum(v) / len(v) for arm, v in done_by_arm.items()}
    if e.enough:
        tally.interval(effect * (share["B"] - share["A"]), e, effect)
        if effect == 0.0:
            tally.zero_judged += 1
            tally.zero_shown += e.shown
        if effect > 0:
            tally.harm_judged += 1
            tally.harm_shown += e.shown
    if effect == -1.0:
        tally.benefit_total += 1
        tally.benefit_shown += e.shown
    return tally


def _experiments_7(seed: int) -> Tally:
    return person_experiment(seed, 7)


def _experiments_3(seed: int) -> Tally:
    return person_experiment(seed, 3)


def share(a: int, b: int) -> str:
    return f"{100 * a / b:5.1f} % ({a}/{b})" if b else "    - (0)"


def run(people: int, seed: int, workers: int) -> int:
    seeds = [seed * 1_000_003 + i for i in range(people)]
    begin = time.perf_counter()
    totals = {k: Tally() for k in ("all", "4 weeks", "8 weeks", "ABAB 4x7", "ABAB 4x3")}
    with ProcessPoolExecutor(max_workers=workers) as pool:
        for res in pool.map(person_patterns, seeds, chunksize=20):
            for k, v in res.items():
                totals[k].add(v)
        for t in pool.map(_experiments_7, seeds, chunksize=50):
            totals["ABAB 4x7"].add(t)
        for t in pool.map(_experiments_3, seeds, chunksize=50):
            totals["ABAB 4x3"].add(t)
    elapsed = time.perf_counter() - begin
    print(f"{people} simulated people, seed {seed}, {elapsed:.0f} s")
    print("'all' is each person's whole 8-16 weeks; '4 weeks' and '8 weeks' their first weeks.\n")
    head = f"{'setting':<12} {'80% coverage':>22} {'no effect shown helping':>24}"
    print(f"{head} {'harm shown helping':>22} {'1-point benefit shown':>22}")
    for k, t in totals.items():
        print(
            f"{k:<12} {share(t.covered, t.intervals):>22} {share(t.zero_shown, t.zero_judged):>24}"
            f" {share(t.harm_shown, t.harm_judged):>22} "
            f"{share(t.benefit_shown, t.benefit_total):>22}"
        )
    print("\ncoverage by true effect (judged intervals):")
    for k, t in totals.items():
        cells = ", ".join(f"{v:+.1f}: {share(c, n)}" for v, (c, n) in sorted(t.by_truth.items()))
        print(f"  {k:<10} {cells}")
    print()
    failed = False
    for k in ("all", "8 weeks", "ABAB 4x7", "ABAB 4x3"):
        t = totals[k]
        cov = t.covered / t.intervals if t.intervals else float("nan")
        ok = 0.75 <= cov <= 0.85
        failed |= not ok
        print(f"{'PASS' if ok else 'FAIL'} {k}: 80 % intervals hold the truth {100 * cov:.1f} %")
        fp = t.zero_shown / t.zero_judged if t.zero_judged else 0.0
        ok = fp <= 0.05
        failed |= not ok
        print(f"{'PASS' if ok else 'FAIL'} {k}: no-effect habits shown as helping {100 * fp:.1f} %")
    for k in ("4 weeks", "8 weeks", "all", "ABAB 4x7", "ABAB 4x3"):
        t = totals[k]
        print(
            f"info {k}: a true 1-point benefit is shown {share(t.benefit_shown, t.benefit_total)}"
        )
    return 1 if failed else 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--people", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    return run(args.people, args.seed, args.workers)


if __name__ == "__main__":
    sys.exit(main())
