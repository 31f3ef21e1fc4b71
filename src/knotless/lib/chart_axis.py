"""Date ticks for the pain chart's time axis: round dates (days, Mondays, month starts, new years),
as few as fit, in two sets: up to NARROW_MOST for a phone and up to WIDE_MOST for a desktop.

Times are days on one continuous scale: a date's ordinal, plus a fraction for the time of day.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

NARROW_MOST = 4
WIDE_MOST = 8
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
# CSS classes (app.css) that show a tick or a year line on one kind of screen only.
WIDE_ONLY, NARROW_ONLY = "wide-only", "narrow-only"


@dataclass(frozen=True, slots=True)
class Tick:
    at: float  # days, like the chart's scale
    label: str
    shown: str  # "" on every screen, or WIDE_ONLY / NARROW_ONLY
    year: str = ""  # a second line naming the year, where one starts (and on the first tick)
    year_shown: str = ""


def _days(start: float, end: float, step: int, remainder: int) -> Iterator[date]:
    first = math.ceil(start)
    first += (remainder - first) % step
    for ordinal in range(first, math.floor(end) + 1, step):
        yield date.fromordinal(ordinal)


def _months(start: float, end: float, step: int) -> Iterator[date]:
    day = date.fromordinal(max(1, math.floor(start)))
    year, month = day.year, day.month
    while True:
        if (month - 1) % step == 0:
            found = date(year, month, 1)
            if found.toordinal() > end:
                return
            if found.toordinal() >= start:
                yield found
        month += 1
        if month > 12:
            year, month = year + 1, 1


def _years(start: float, end: float, step: int) -> Iterator[date]:
    year = date.fromordinal(max(1, math.floor(start))).year
    while True:
        if year % step == 0:
            found = date(year, 1, 1)
            if found.toordinal() > end:
                return
            if found.toordinal() >= start:
                yield found
        year += 1


def _candidates(start: float, end: float) -> Iterator[tuple[str, Iterator[date]]]:
    """Tick sequences from the finest to the coarsest, with the kind of label each gets."""
    yield "day", _days(start, end, 1, 0)
    yield "day", _days(start, end, 2, 0)
    # date.fromordinal(1) is a Monday: Mondays are the ordinals that leave 1 when divided by 7.
    yield "day", _days(start, end, 7, 1)
    yield "day", _days(start, end, 14, 1)
    for step in (1, 2, 3, 4, 6):
        yield "month", _months(start, end, step)
    for step in (1, 2, 3, 4, 5, 10, 20, 50, 100):
        yield "year", _years(start, end, step)


def _fit(start: float, end: float, most: int) -> tuple[str, list[date]]:
    """The finest sequence with at most ``most`` ticks in the range."""
    for kind, sequence in _candidates(start, end):
        found: list[date] = []
        for day in sequence:
            found.append(day)
            if len(found) > most:
                break
        if len(found) <= most:
            return kind, found
    return "year", [date.fromordinal(max(1, math.floor(start)))]


def _labels(kind: str, days: list[date]) -> list[tuple[date, str, str]]:
    """(date, label, year line) of each tick: the year under the first tick and where it turns."""
    out = []
    previous_year = None
    for day in days:
        if kind == "year":
            out.append((day, str(day.year), ""))
            continue
        label = MONTHS[day.month - 1] if kind == "month" else f"{day.day} {MONTHS[day.month - 1]}"
        out.append((day, label, str(day.year) if day.year != previous_year else ""))
        previous_year = day.year
    return out


def date_ticks(start: float, end: float) -> list[Tick]:
    """Ticks for a time axis from ``start`` to ``end`` (days), in order along the axis."""
    tiers = {
        NARROW_ONLY: _labels(*_fit(start, end, NARROW_MOST)),
        WIDE_ONLY: _labels(*_fit(start, end, WIDE_MOST)),
    }
    # Per (date, label): which screens show it, and on which its year line.
    marks: dict[tuple[date, str], tuple[set[str], set[str]]] = {}
    for tier, labels in tiers.items():
        for day, label, year in labels:
            shown, years = marks.setdefault((day, label), (set(), set()))
            shown.add(tier)
            if year:
                years.add(tier)

    def only(tiers_in: set[str]) -> str:
        return "" if len(tiers_in) == 2 else next(iter(tiers_in), "")

    ticks = []
    for (day, label), (shown, years) in sorted(marks.items()):
        ticks.append(
            Tick(
                at=float(day.toordinal()),
                label=label,
                shown=only(shown),
                year=str(day.year) if years else "",
                # A year line shown on every screen where its tick is shown needs no class.
                year_shown="" if years == shown else only(years),
            )
        )
    return ticks
