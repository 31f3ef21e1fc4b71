"""Training charts drawn as SVG, in the pain chart's frame (``lib/charts.py``): one drawing that
fits a phone and a desktop, marks placed in percentages, a legend naming what is drawn.

Pure: no Django. Every chart sits beside a table of the same numbers on its page.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from itertools import pairwise

from knotless.lib.chart_axis import date_ticks
from knotless.lib.charts import date_axis

PAD_DAYS = 0.6


@dataclass(frozen=True, slots=True)
class Series:
    """A line (or dots) through (day, value) points; None values are left out."""

    points: Sequence[tuple[date, float | None]]
    css: str  # chart-line, chart-line2 ...
    label: str
    dots: bool = False


def _num(value: float) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _pct(value: float) -> str:
    return f"{_num(value)}%"


def nice_top(value: float) -> float:
    """A round number at or above ``value``, for the top of the y axis."""
    if not math.isfinite(value) or value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10):
        if value <= step * power + 1e-9:
            return float(step * power)
    return float(10 * power)


def _y_labels(top: float) -> list[float]:
    return [top * i / 4 for i in range(5)]


def _label(value: float) -> str:
    if value >= 10 or value == int(value):
        return f"{value:,.0f}"
    return f"{value:.1f}"


def chart(
    start: date,
    end: date,
    *,
    bars: Sequence[tuple[date, float]] = (),
    bar_label: str = "",
    lines: Sequence[Series] = (),
    shade: Sequence[date] = (),
    shade_label: str = "",
    top: float | None = None,
    bar_days: int = 1,
) -> str:
    """HTML for the inside of a ``.chart`` element: daily bars, lines, and shaded days."""
    if end < start:
        raise ValueError("A chart ends on or after its start.")
    values = [v for _, v in bars] + [v for s in lines for _, v in s.points if v is not None]
    top = top or nice_top(max(values, default=0.0) * 1.05)
    first, last = start.toordinal() - PAD_DAYS, end.toordinal() + 1 + PAD_DAYS
    span = last - first

    def x(ordinal: float) -> float:
        return (ordinal - first) / span * 100

    def y(value: float) -> float:
        return 100 - min(max(value, 0.0), top) / top * 100

    width = max(100 / span * 0.7 * bar_days, 0.15)
    plot = [
        '<svg class="chart-plot" xmlns="http://www.w3.org/2000/svg" aria-hidden="true">',
        '<g class="chart-grid">',
        *(f'<line x1="0" x2="100%" y1="{_pct(y(v))}" y2="{_pct(y(v))}"/>' for v in _y_labels(top)),
        "</g>",
    ]
    if shade:
        plot.append('<g class="chart-shade">')
        day_width = 100 / span
        plot.extend(
            f'<rect x="{_pct(x(d.toordinal()))}" y="0" width="{_pct(day_width)}" height="100%"/>'
            for d in shade
            if start <= d <= end  # a shaded day outside the chart would be drawn beside it
        )
        plot.append("</g>")
    if bars:
        plot.append('<g class="chart-bars">')
        for day, value in bars:
            if value <= 0:
                continue
            left = x(day.toordinal() + 0.5) - width / 2
            plot.append(
                f'<rect x="{_pct(left)}" y="{_pct(y(value))}" width="{_pct(width)}"'
                f' height="{_pct(100 - y(value))}"/>'
            )
        plot.append("</g>")
    for series in lines:
        known = [(d, v) for d, v in series.points if v is not None]
        if series.dots:
            plot.append(f'<g class="{series.css}">')
            plot.extend(
                f'<circle cx="{_pct(x(d.toordinal() + 0.5))}" cy="{_pct(y(v))}" r="3"/>'
                for d, v in known
            )
            plot.append("</g>")
        elif len(known) > 1:
            # Percent coordinates do not work in a path: draw the line as segments.
            plot.append(f'<g class="{series.css}">')
            for (d1, v1), (d2, v2) in pairwise(known):
                plot.append(
                    f'<line x1="{_pct(x(d1.toordinal() + 0.5))}" y1="{_pct(y(v1))}"'
                    f' x2="{_pct(x(d2.toordinal() + 0.5))}" y2="{_pct(y(v2))}"/>'
                )
            plot.append("</g>")
    plot.append(
        '<line class="chart-axis" x1="0" x2="0" y1="0" y2="100%"/>'
        '<line class="chart-axis" x1="0" x2="100%" y1="100%" y2="100%"/></svg>'
    )
    y_axis = "".join(
        f'<text x="100%" y="{_pct(y(v))}" dx="-.5em" dy=".35em">{_label(v)}</text>'
        for v in _y_labels(top)
    )
    return (
        '<div class="chart-frame">'
        f'<svg class="chart-y" xmlns="http://www.w3.org/2000/svg" aria-hidden="true">{y_axis}</svg>'
        + "".join(plot)
        + date_axis(date_ticks(first, last), x)
        + "</div>"
        + _legend(bool(bars), bar_label, lines, bool(shade), shade_label)
    )


def _legend(
    bars: bool, bar_label: str, lines: Sequence[Series], shade: bool, shade_label: str
) -> str:
    items = []
    if bars:
        items.append(f'<li><span class="key key--bar"></span>{bar_label}</li>')
    for series in lines:
        key = "key--dot" if series.dots else f"key--{series.css}"
        items.append(f'<li><span class="key {key}"></span>{series.label}</li>')
    if shade:
        items.append(f'<li><span class="key key--shade"></span>{shade_label}</li>')
    return f'<ul class="chart-legend">{"".join(items)}</ul>'
