"""Pictures for the patterns: each effect as a point with its 80 % interval (a forest plot), and
a knot's pain over time with the habit's days shaded. Drawn as SVG in percentages, so one
drawing fits a phone and a desktop; each sits beside a table of the same numbers."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, timedelta

from django.utils.html import escape

from knotless.lib import patterns, trainchart

SPAN = 3.0  # the axis runs from -SPAN to +SPAN pain points, wider when an interval needs it


def _pct(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".") + "%"


def effects_chart(effects: Sequence[patterns.Effect], words: Callable[[str], str]) -> str:
    """One row per effect: a dot at the estimate and a bar over its 80 % interval, against
    zero (no difference) and -1 (a point less pain)."""
    reach = max([SPAN] + [abs(v) + 0.5 for e in effects for v in (e.low, e.high)])
    reach = float(int(reach + 0.999))

    def x(value: float) -> float:
        return (value + reach) / (2 * reach) * 100

    rows = []
    height = 100 / max(1, len(effects))
    for n, effect in enumerate(effects):
        y = height * (n + 0.5)
        rows.append(
            f'<line class="effect-bar" x1="{_pct(x(effect.low))}" x2="{_pct(x(effect.high))}"'
            f' y1="{_pct(y)}" y2="{_pct(y)}"/>'
            f'<circle class="effect-dot" cx="{_pct(x(effect.mean))}" cy="{_pct(y)}" r="5"/>'
        )
    labels = "".join(
        f"<li>{escape(words(e.habit))}{' (day before)' if e.lag else ''}</li>" for e in effects
    )
    ticks = "".join(
        f'<text x="{_pct(x(v))}" y="1.2em">{v:+g}</text>'
        if v
        else f'<text x="{_pct(x(v))}" y="1.2em">0</text>'
        for v in range(-int(reach), int(reach) + 1)
    )
    return (
        '<div class="effects">'
        f'<ol class="effects-labels">{labels}</ol>'
        '<div class="effects-plot">'
        '<svg class="effects-svg" xmlns="http://www.w3.org/2000/svg" aria-hidden="true">'
        f'<line class="effect-zero" x1="{_pct(x(0))}" x2="{_pct(x(0))}" y1="0" y2="100%"/>'
        f'<line class="effect-one" x1="{_pct(x(-1))}" x2="{_pct(x(-1))}" y1="0" y2="100%"/>'
        + "".join(rows)
        + "</svg>"
        '<svg class="effects-x" xmlns="http://www.w3.org/2000/svg" aria-hidden="true">'
        f"{ticks}</svg>"
        '<p class="effects-ends"><span>← less pain</span><span>more pain →</span></p>'
        "</div></div>"
    )


def pain_with_days(days: Sequence[patterns.Day], shaded: Sequence[date], label: str) -> str:
    """A knot's daily pain (dots on rated days, joined), with some days shaded: a habit's days,
    or an experiment's "do it" phases."""
    known = [d for d in days if d.pain is not None]
    if not known:
        return ""
    start, end = known[0].day, days[-1].day
    if end - start < timedelta(days=13):
        start = end - timedelta(days=13)
    return trainchart.chart(
        start,
        end,
        lines=[
            trainchart.Series([(d.day, d.pain) for d in known], "chart-line", "daily pain"),
        ],
        shade=list(shaded),
        shade_label=label,
        top=10,
    )
