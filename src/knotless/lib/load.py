"""Training load: how much a person trained lately, compared with what they are used to.

Pure: no Django, no clock of its own. The facts behind it (shared/reference/guidelines-facts.md,
section 7):

* Session load (Foster's session-RPE): how hard the whole session felt on the CR-10 scale
  (0 rest ... 10 maximal), asked about half an hour after it, times its minutes. The unit is
  the arbitrary unit, AU: 40 minutes at 6 is 240 AU.
* Exponentially weighted averages (Williams et al. 2017): each day,
  ``ewma = load * lam + (1 - lam) * ewma_yesterday`` with ``lam = 2 / (N + 1)``; N = 7 days for
  the acute average (lam = 0.25) and 28 days for the chronic one (lam = 2/29, about 0.069). Both
  start from the first day's load. Their ratio is acute / chronic, and has no value while the
  chronic average is 0.
* Monotony (Foster 1998): the mean of the week's seven daily loads divided by their standard
  deviation; a week of identical days has none. Strain: the week's total times its monotony.
  The deviation here is that of the seven days themselves (the population form); tools that
  use the sample form report a monotony about 7 % lower.
* What counts as a jump (the reference's design note): an acute:chronic ratio of 1.5 or more,
  or a week of 1.5 times or more the mean of the four weeks before it. Both are parameters.
  Such a week is "an unusually large jump", never an injury risk: re-analyses found these
  ratios predict injury hardly better than chance (Impellizzeri et al. 2020, 2021), so they
  describe training, they do not forecast harm.
* The averages need about four weeks to settle, so nothing is flagged before 28 days have
  passed since the first logged session; until then the answer is "not enough history yet".

Rest days are real. Every day from the first logged day to the day asked about counts, and a
day with nothing logged counts as zero load: that is what lets the averages fall during a
break. Days before the first logged one are unknown, not rest, and are left out. Several
sessions on one day add up. Daily loads are kept to two decimals, which is far finer than any
rating and keeps every ratio finite.

Weeks are seven-day blocks that end on the day asked about, counted backwards, so "this week"
is always the last seven days, the same span as the acute average. The oldest block may be
short; it is marked as such and is never used as a yardstick.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

ACUTE_DAYS = 7
CHRONIC_DAYS = 28
HISTORY_DAYS = 28
WEEKS_BEFORE = 4
RATIO_JUMP = 1.5
WEEK_JUMP = 1.5
MAX_EFFORT = 10.0
MAX_MINUTES = 24 * 60.0
# The most one logged (date, load) pair may carry: a whole day at maximal effort is 14 400 AU.
MAX_LOAD = 100_000.0

JUMP_WORDS = "an unusually large jump"
NOT_ENOUGH = "Not enough history yet: the comparison needs 28 days from your first session."
EVIDENCE_NOTE = (
    "A rough guide only: studies have not shown that load ratios predict injury, "
    "so weigh it against how your body feels."
)


def smoothing(days: int) -> float:
    """The EWMA weight for a decay constant of ``days``: 2 / (days + 1)."""
    if isinstance(days, bool) or not isinstance(days, int) or days < 1:
        raise ValueError("The decay constant is a whole number of days, 1 or more.")
    return 2 / (days + 1)


def session_load(effort: float, minutes: float) -> float:
    """Foster's session load in AU: effort on the CR-10 scale (0-10) times minutes."""
    if not math.isfinite(effort) or not 0 <= effort <= MAX_EFFORT:
        raise ValueError("Session effort goes from 0 to 10.")
    if not math.isfinite(minutes) or not 0 <= minutes <= MAX_MINUTES:
        raise ValueError("A session lasts from 0 to 1440 minutes.")
    return effort * minutes


def daily_loads(sessions: Iterable[tuple[date, float]], until: date) -> list[tuple[date, float]]:
    """Each day's total load from the first logged day through ``until``, rest days as 0.

    Sessions after ``until`` are left out; with none on or before it the list is empty.
    """
    totals: dict[date, float] = {}
    for day, load in sessions:
        if not math.isfinite(load) or not 0 <= load <= MAX_LOAD:
            raise ValueError(f"A logged load goes from 0 to {MAX_LOAD:.0f} AU.")
        if day <= until:
            totals[day] = totals.get(day, 0.0) + load
    if not totals:
        return []
    first = min(totals)
    span = (until - first).days + 1
    days = [first + timedelta(days=i) for i in range(span)]
    return [(day, round(totals.get(day, 0.0), 2)) for day in days]


def ewma(loads: Sequence[float], days: int) -> list[float]:
    """The exponentially weighted average for each day, seeded with the first day's load."""
    lam = smoothing(days)
    out: list[float] = []
    for load in loads:
        out.append(load if not out else load * lam + (1 - lam) * out[-1])
    return out


def ratio(acute: float, chronic: float) -> float | None:
    """Acute over chronic; None when the chronic average is 0 (nothing to compare with)."""
    return None if chronic == 0 else acute / chronic


def monotony(week: Sequence[float]) -> float | None:
    """Mean over standard deviation of the daily loads; None when every day is the same."""
    if len(week) < 2:
        return None
    spread = statistics.pstdev(week)
    return None if spread == 0 else statistics.fmean(week) / spread


def strain(week: Sequence[float]) -> float | None:
    """The week's total load times its monotony; None when monotony has no value."""
    steadiness = monotony(week)
    return None if steadiness is None else math.fsum(week) * steadiness


@dataclass(frozen=True, slots=True)
class DayLoad:
    day: date
    load: float
    acute: float
    chronic: float
    ratio: float | None


def series(daily: Sequence[tuple[date, float]]) -> list[DayLoad]:
    """Every day's load with its acute and chronic averages and their ratio, for the chart."""
    loads = [load for _, load in daily]
    acute = ewma(loads, ACUTE_DAYS)
    chronic = ewma(loads, CHRONIC_DAYS)
    return [
        DayLoad(day, load, a, c, ratio(a, c))
        for (day, load), a, c in zip(daily, acute, chronic, strict=True)
    ]


@dataclass(frozen=True, slots=True)
class Week:
    start: date
    end: date
    total: float
    whole: bool  # False for the oldest block when history began mid-way through it
    change: float | None  # total minus the week before's; None when that week is not whole
    change_pct: float | None  # the same in per cent; None also when the week before was 0


def weekly_totals(daily: Sequence[tuple[date, float]]) -> list[Week]:
    """Seven-day blocks ending on the last day of ``daily``, oldest first."""
    blocks: list[Sequence[tuple[date, float]]] = []
    end = len(daily)
    while end > 0:
        blocks.append(daily[max(0, end - 7) : end])
        end -= 7
    blocks.reverse()
    weeks: list[Week] = []
    for block in blocks:
        total = round(math.fsum(load for _, load in block), 2)
        before = weeks[-1] if weeks else None
        change = pct = None
        if before is not None and before.whole:
            change = round(total - before.total, 2)
            pct = None if before.total == 0 else 100 * change / before.total
        weeks.append(Week(block[0][0], block[-1][0], total, len(block) == 7, change, pct))
    return weeks


@dataclass(frozen=True, slots=True)
class Summary:
    """Where the training load stands on one day, and whether it jumped."""

    day: date
    enough_history: bool
    acute: float
    chronic: float
    ratio: float | None
    week: Week | None
    weeks_before_mean: float | None  # mean of up to 4 whole weeks before this one
    monotony: float | None
    strain: float | None
    jump: bool
    reasons: tuple[str, ...]

    @property
    def message(self) -> str:
        """One plain line for the page: the jump, the lack of history, or nothing."""
        if not self.enough_history:
            return NOT_ENOUGH
        if self.jump:
            return f"This week is {JUMP_WORDS} from what you are used to. {EVIDENCE_NOTE}"
        return ""


def _threshold(value: float, name: str) -> float:
    if not math.isfinite(value) or not 1 <= value <= 10:
        raise ValueError(f"The {name} threshold goes from 1 to 10.")
    return value


def summarise(
    sessions: Iterable[tuple[date, float]],
    today: date,
    ratio_jump: float = RATIO_JUMP,
    week_jump: float = WEEK_JUMP,
) -> Summary:
    """Sum up the load on ``today`` from (date, load) pairs, flagging only large jumps."""
    daily = daily_loads(sessions, today)
    return summarise_daily(daily, series(daily), today, ratio_jump, week_jump)


def summarise_daily(
    daily: Sequence[tuple[date, float]],
    days_series: Sequence[DayLoad],
    today: date,
    ratio_jump: float = RATIO_JUMP,
    week_jump: float = WEEK_JUMP,
) -> Summary:
    """:func:`summarise` from the days already totalled (:func:`daily_loads` up to ``today``)
    and their :func:`series`, for a caller that draws them too."""
    ratio_jump = _threshold(ratio_jump, "ratio")
    week_jump = _threshold(week_jump, "weekly")
    if not daily:
        return Summary(today, False, 0.0, 0.0, None, None, None, None, None, False, ())
    enough = (today - daily[0][0]).days >= HISTORY_DAYS
    last = days_series[-1]
    weeks = weekly_totals(daily)
    this_week = weeks[-1]
    before = [w.total for w in weeks[-1 - WEEKS_BEFORE : -1] if w.whole]
    before_mean = statistics.fmean(before) if before else None
    days = [load for _, load in daily[-7:]]
    steadiness = monotony(days) if this_week.whole else None
    strained = strain(days) if this_week.whole else None

    reasons: list[str] = []
    if enough and last.ratio is not None and last.ratio >= ratio_jump:
        reasons.append(
            f"The 7-day average is {last.ratio:.1f} times the 28-day one "
            f"(the mark is {ratio_jump:g})."
        )
    if enough and before_mean and this_week.total >= week_jump * before_mean:
        times = this_week.total / before_mean
        reasons.append(
            f"This week's load is {times:.1f} times the mean of the {len(before)} weeks before "
            f"(the mark is {week_jump:g})."
        )
    return Summary(
        day=today,
        enough_history=enough,
        acute=last.acute,
        chronic=last.chronic,
        ratio=last.ratio,
        week=this_week,
        weeks_before_mean=before_mean,
        monotony=steadiness,
        strain=strained,
        jump=bool(reasons),
        reasons=tuple(reasons),
    )
