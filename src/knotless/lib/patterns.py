"""What actually helped me? Honest patterns between habits and a knot's pain.

Pure functions, no Django. The caller (the insights pages) builds one ``Day`` per calendar day:
that day's mean pain for a knot (or over all active knots), ``None`` when nothing was rated, and
the habits of that day (``None`` when a habit is unknown that day). Days without pain are never
counted as zero pain: they are simply not rows of the model.

The model, for each habit h, is one regression over the days that have a pain value and a
known habit value that day and the day before:

    pain_t = a + b_trend * weeks_t + b_weekend * weekend_t + b_h0 * h_t + b_h1 * h_(t-1) + u_t,
    u_t = rho^g * u_(t-g) + e_t        (AR(1) errors: yesterday's pain carries over)

- weeks_t is the days since the first rated day divided by 7, so b_trend is the knot's own
  trend in pain points per week (negative = easing), fitted alongside the habit so that a knot
  that was easing anyway does not make every habit look good;
- weekend_t is 1 on Saturdays and Sundays. Smaller differences between weekdays are left in
  the noise: the bench simulates them, the intervals still hold, and six weekday columns
  instead showed fewer true 1-point benefits (62 % instead of 66 %) with no better intervals;
- b_h0 is the habit's effect on the same day and b_h1 the effect of doing it the day before, in
  pain points per unit of the habit's value (per "yes" for a yes/no habit): negative means less
  pain. Both lags are fitted together. Fitted one at a time, a same-day effect leaks into the
  day-before estimate with the opposite sign through the AR(1) term (the bench showed habits
  that hurt being shown as helping the day after), so each lag is judged net of the other;
- rho, the carry-over of yesterday's unexplained pain, is estimated from the person's own
  residuals; over a gap of g days it is rho^g. This is how yesterday's pain enters the model:
  the fit works on pain_t - rho^g pain_(t-g) (see ``patterns_model``), so missing days are
  neither filled in nor given a made-up yesterday.

The fit is Bayesian with normal priors and the noise variance estimated from the residuals, so
each coefficient's posterior is a Student t with n - p degrees of freedom. Priors: N(0, 100^2)
on the intercept and N(0, 10^2) on the trend and weekend (in effect flat), and
N(0, HABIT_PRIOR_SD^2) = N(0, 1) on each habit effect. That prior, centred at 0 and the same for
every habit and lag, pulls a weak or noisy estimate towards "no effect" and compares habits on
the same footing; a clear effect (one the data measure well) is hardly moved and never changes
sign. Its scale is fixed rather than estimated from the person's habits: with four to six
habits such an estimate is mostly noise, and one pain point is the size of effect a person
would care about. Remaining day-to-day correlation widens the interval (see ``patterns_model``).

For each habit and lag we report the posterior mean, the 80 % central interval, the chance of
any benefit P(b < 0) and of at least one point of benefit P(b <= -1).

Eligibility. A habit is judged only with at least 14 rated days with it (value not 0) and 14
without (value 0); otherwise the result says how many more of each would be needed. An amount
counts as "with" whenever it is not 0, so callers pass amounts only where 0 means none (minutes
of release played) and yes/no otherwise (drank the target).

Display rule. A pattern is shown only when it is judged, its 80 % interval lies wholly below 0
and P(benefit) >= SHOW_P = 0.98. Each habit is tried twice (same day and day before), and an
interval that merely excludes 0 would show about one habit in ten that does nothing; 0.98 keeps
that share at or below 5 % (about 4 % in ``bench/insights_calibration.py``, which fails if it
rises above 5 %). Shown patterns are ranked by P(benefit >= 1 point), then P(benefit); ``top``
keeps the better lag of each habit and at most three habits. The words never claim a cause.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from knotless.lib.patterns_model import RHO_BIAS_COLUMNS, Fit, fit

MIN_DAYS = 14  # rated days with the habit, and without it, before it is judged
HABIT_PRIOR_SD = 1.0  # pain points: the shrinkage prior on every habit's effect
NUISANCE_PRIOR_SD = (100.0, 10.0, 10.0)  # intercept, trend per week, weekend
SHOW_P = 0.98  # P(benefit) needed (with the 80 % interval below 0) before a pattern is shown
STEADY_PER_WEEK = 0.1  # a trend smaller than this (points per week) is called steady
LAGS = (0, 1)


@dataclass(frozen=True, slots=True)
class Day:
    day: date
    pain: float | None
    habits: Mapping[str, float | None]


@dataclass(frozen=True, slots=True)
class Effect:
    habit: str
    lag: int  # 0: the same day, 1: the day before
    mean: float  # pain points; negative = less pain
    low: float  # 80 % interval
    high: float
    p_benefit: float  # P(effect < 0)
    p_one_point: float  # P(effect <= -1)
    days_with: int
    days_without: int
    enough: bool
    needed: str  # "" when enough, else e.g. "9 more days with and 3 more without"
    shown: bool


@dataclass(frozen=True, slots=True)
class Findings:
    effects: list[Effect]  # every habit and lag tried, strongest first
    trend_per_week: float
    trend_words: str  # "easing" | "getting worse" | "steady"
    days: int  # rated days


def merge_days(days: Sequence[Day]) -> dict[date, Day]:
    """One Day per date: duplicates are averaged (pain and each known habit value)."""
    grouped: dict[date, list[Day]] = {}
    for d in days:
        grouped.setdefault(d.day, []).append(d)
    merged: dict[date, Day] = {}
    for when, group in grouped.items():
        pains = [d.pain for d in group if d.pain is not None and not math.isnan(d.pain)]
        names = sorted({name for d in group for name in d.habits})
        habits: dict[str, float | None] = {}
        for name in names:
            known = [
                v for d in group if (v := d.habits.get(name)) is not None and not math.isnan(v)
            ]
            habits[name] = sum(known) / len(known) if known else None
        merged[when] = Day(when, sum(pains) / len(pains) if pains else None, habits)
    return merged


def rated_days(merged: Mapping[date, Day]) -> list[Day]:
    return sorted((d for d in merged.values() if d.pain is not None), key=lambda d: d.day)


def needed_words(more_with: int, more_without: int) -> str:
    """What would settle it: "9 more days with and 3 more without"."""

    def days(k: int) -> str:
        return f"{k} more day" if k == 1 else f"{k} more days"

    if more_with and more_without:
        return f"{days(more_with)} with and {more_without} more without"
    if more_with:
        return f"{days(more_with)} with"
    if more_without:
        return f"{days(more_without)} without"
    return ""


def design_row(first: date, when: date, values: Sequence[float]) -> list[float]:
    return [1.0, (when - first).days / 7.0, 1.0 if when.weekday() >= 5 else 0.0, *values]


def judge(
    name: str,
    lag: int,
    result: Fit | None,
    column: int,
    *,
    days_with: int,
    days_without: int,
    min_days: int = MIN_DAYS,
    show_p: float = SHOW_P,
) -> Effect:
    """The Effect for one habit column of a fit (None: nothing could be fitted)."""
    more_with = max(0, min_days - days_with)
    more_without = max(0, min_days - days_without)
    enough = not more_with and not more_without
    needed = needed_words(more_with, more_without)
    if result is None or days_with < 2 or days_without < 2:
        # Nothing to compare (a constant habit, or too few days): no effect, not judged.
        return Effect(
            name, lag, 0.0, 0.0, 0.0, 0.5, 0.0, days_with, days_without, False, needed, False
        )
    low, high = result.interval(column)
    p_benefit = result.prob_below(column, 0.0)
    shown = enough and high < 0 and p_benefit >= show_p
    return Effect(
        name,
        lag,
        result.coef[column],
        low,
        high,
        p_benefit,
        result.prob_below(column, -1.0),
        days_with,
        days_without,
        enough,
        needed,
        shown,
    )


def fit_columns(
    t: Sequence[int],
    rows: Sequence[Sequence[float]],
    y: Sequence[float],
    habit_columns: int,
    rho_bias_columns: float = RHO_BIAS_COLUMNS,
) -> Fit | None:
    """The model with the nuisance and ``habit_columns`` habit columns, if it can be fitted."""
    p = len(NUISANCE_PRIOR_SD) + habit_columns
    if len(y) < p + 3:
        return None
    focus = range(len(NUISANCE_PRIOR_SD), p)
    for j in focus:  # a constant column cannot be told apart from the intercept
        if len({r[j] for r in rows}) < 2:
            return None
    prior = (*NUISANCE_PRIOR_SD, *([HABIT_PRIOR_SD] * habit_columns))
    return fit(t, rows, y, prior, list(focus), rho_bias_columns)


def _habit(merged: Mapping[date, Day], rated: Sequence[Day], name: str) -> list[Effect]:
    """Both lags of one habit, fitted together so that each is judged net of the other."""
    first = rated[0].day
    t: list[int] = []
    rows: list[list[float]] = []
    y: list[float] = []
    for d in rated:
        values = []
        for lag in LAGS:
            source = merged.get(d.day - timedelta(days=lag))
            value = source.habits.get(name) if source is not None else None
            if value is None or math.isnan(value):
                break
            values.append(value)
        else:
            assert d.pain is not None
            t.append(d.day.toordinal())
            rows.append(design_row(first, d.day, values))
            y.append(d.pain)
    result = fit_columns(t, rows, y, len(LAGS))
    effects = []
    for k, lag in enumerate(LAGS):
        column = len(NUISANCE_PRIOR_SD) + k
        with_ = sum(1 for r in rows if r[column] != 0)
        effects.append(
            judge(name, lag, result, column, days_with=with_, days_without=len(rows) - with_)
        )
    return effects


def rank_key(e: Effect) -> tuple[bool, bool, float, float, str, int]:
    return (not e.shown, not e.enough, -e.p_one_point, -e.p_benefit, e.habit, e.lag)


def knot_trend(rated: Sequence[Day]) -> tuple[float, str]:
    """The knot's own trend in points per week, and its words, from a habit-free fit."""
    if len(rated) < 7:
        return 0.0, "steady"
    first = rated[0].day
    t = [d.day.toordinal() for d in rated]
    rows = [design_row(first, d.day, ()) for d in rated]
    y = [d.pain for d in rated if d.pain is not None]
    result = fit(t, rows, y, NUISANCE_PRIOR_SD, [1])
    per_week = result.coef[1]
    low, high = result.interval(1)
    if high < 0 and per_week <= -STEADY_PER_WEEK:
        return per_week, "easing"
    if low > 0 and per_week >= STEADY_PER_WEEK:
        return per_week, "getting worse"
    return per_week, "steady"


def find_patterns(days: Sequence[Day], habits: Sequence[str]) -> Findings:
    merged = merge_days(days)
    rated = rated_days(merged)
    if not rated:
        effects = [
            Effect(h, lag, 0.0, 0.0, 0.0, 0.5, 0.0, 0, 0, False, needed_words(14, 14), False)
            for h in sorted(set(habits))
            for lag in LAGS
        ]
        return Findings(effects, 0.0, "steady", 0)
    effects = [e for h in sorted(set(habits)) for e in _habit(merged, rated, h)]
    effects.sort(key=rank_key)
    per_week, words = knot_trend(rated)
    return Findings(effects, per_week, words, len(rated))


def top(findings: Findings, n: int = 3) -> list[Effect]:
    """The shown patterns, strongest first, the better lag of each habit, at most ``n``."""
    picked: list[Effect] = []
    seen: set[str] = set()
    for e in sorted(findings.effects, key=rank_key):
        if e.shown and e.habit not in seen:
            picked.append(e)
            seen.add(e.habit)
    return picked[:n]


def _points(value: float) -> str:
    text = f"{abs(value):.1f}"
    return "1 point" if text == "1.0" else f"{text} points"


def sentence(effect: Effect, habit_words: str, knot_words: str, trend_words: str) -> str:
    """One plain sentence about a pattern; never a claim of cause."""
    when = "On days after you" if effect.lag == 1 else "On days you"
    if not effect.enough:
        return (
            f"Not enough to tell yet whether {knot_words} differs on days you {habit_words}: "
            f"{effect.needed} would settle it."
        )
    if abs(effect.mean) < 0.05:
        body = f"{when} {habit_words}, {knot_words} was about the same"
    else:
        direction = "lower" if effect.mean < 0 else "higher"
        # The interval in the direction of the sentence: "lower (likely 0.3 to 1.3)".
        a, b = (-effect.high, -effect.low) if effect.mean < 0 else (effect.low, effect.high)
        other = "higher" if effect.mean < 0 else "lower"
        rng = (
            f"likely {a:.1f} to {b:.1f}"
            if a >= 0
            else f"somewhere between {-a:.1f} {other} and {b:.1f} {direction}"
        )
        size = _points(effect.mean)
        body = f"{when} {habit_words}, {knot_words} was about {size} {direction} ({rng})"
    context = {
        "easing": "It was easing anyway",
        "getting worse": "It was getting worse over the same weeks",
    }.get(trend_words, "It was steady otherwise")
    return f"{body}. {context}; this is a pattern, not proof."
