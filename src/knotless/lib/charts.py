"""The knot's pain chart, drawn as SVG by hand: no plotting library on the request path.

One chart fits a phone and a desktop. Its three pieces sit in a CSS grid (app.css, ``.chart-*``):
the plot, the pain labels left of it and the date labels under it. None of them has a viewBox that
scales text: the plot's height comes from the stylesheet, and every mark is placed in percentages
of it, so labels keep their size on any screen and dots stay round. Only the daily-average line and
the daily-range band, which are paths, sit in a nested SVG stretched over the plot
(``preserveAspectRatio="none"``), their strokes kept even by ``vector-effect`` in the stylesheet.
Date ticks come in two sets, a few for a phone and more for a desktop, shown by a media query.

Colours are CSS classes of the app's stylesheet, so the chart follows the light or dark theme,
and nothing is styled inline: the pages' Content-Security-Policy refuses style attributes.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time

from knotless.lib.chart_axis import Tick, date_ticks
from knotless.lib.memo import Memo

# Histories longer than this many days draw a daily range band instead of one dot per check-in.
DOTS_UP_TO_DAYS = 90
# Past this many days a day is under a pixel wide even on a desktop: the line and the band then
# go by week (Monday to Sunday), which keeps the chart small; the table still lists each day.
WEEKS_PAST_DAYS = 750
# A short history (one day, one rating) still gets this many days of axis.
MIN_SPAN_DAYS = 4.0
# Room left and right of the first and last mark, as a share of the span.
PAD = 0.03
# Pain runs 0..10; the plot shows half a point more at both ends so no mark touches an edge.
LOW, HIGH = -0.5, 10.5
# The nested SVG of the line and the band: x 0..1000 across, y is (HIGH - pain) * 100.
DATA_WIDTH, DATA_SCALE = 1000, 100

# A session's before/after ratings: (local wall-clock start, before or None, after or None).
SessionMark = tuple[datetime, int | None, int | None]


@dataclass(frozen=True, slots=True)
class DayStats:
    """One day's (or week's) check-ins: what the line and the band draw; a day's mean is the
    table's day average."""

    day: date  # the day, or the Monday of the week
    mean: float
    low: int
    high: int


@dataclass(frozen=True, slots=True)
class PainChart:
    html: str
    band: bool  # True when a range band replaces the dots (long histories)
    per: str = "day"  # what one point of the line or the band stands for: "day" or "week"

    @property
    def per_adjective(self) -> str:
        return "weekly" if self.per == "week" else "daily"


def daily(points: Iterable[tuple[datetime, int]], *, weekly: bool = False) -> list[DayStats]:
    """Mean, lowest and highest rating of each day (or week, from Monday) with check-ins, in
    the order first seen. A week's mean is that of all its check-ins."""
    days: dict[date, list[int]] = {}
    for moment, pain in points:
        day = moment.date()
        if weekly:
            day = date.fromordinal(day.toordinal() - day.weekday())
        days.setdefault(day, []).append(pain)
    return [DayStats(d, sum(v) / len(v), min(v), max(v)) for d, v in days.items()]


def _t(moment: datetime) -> float:
    """A wall-clock moment as days (with a fraction) on one continuous scale."""
    return moment.toordinal() + (moment.hour * 3600 + moment.minute * 60 + moment.second) / 86400


def _num(value: float) -> str:
    """A coordinate with two decimals at most: "12.5", "7", "-0.25"."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _pct(value: float) -> str:
    return _num(value) + "%"


def pain_y(pain: float) -> float:
    """How far down the plot a rating sits, in percent of its height."""
    return (HIGH - pain) / (HIGH - LOW) * 100


_GRID = [_pct(pain_y(p)) for p in range(0, 11, 2)]
# Where each whole rating sits, written once: a chart places hundreds of them.
_AT = {p: _pct(pain_y(p)) for p in range(11)}


def _at(pain: int) -> str:
    return _AT.get(pain) or _pct(pain_y(pain))


def pain_chart(
    points: tuple[tuple[datetime, int], ...],
    sessions: tuple[SessionMark, ...] = (),
    *,
    id_prefix: str = "chart",
) -> PainChart:
    """The chart of pain (0-10) over time, as HTML for the inside of a ``.chart`` element.

    ``points`` are (local wall-clock moment, pain) pairs in time order. Each check-in is a dot;
    a line joins the daily averages, so several check-ins a day read as one trend (past
    DOTS_UP_TO_DAYS days, a band of each day's range replaces the dots). ``sessions`` are the
    ratings taken around a session: an arrow from before to after at the session's start (a
    lone hollow diamond when only one of them was given), kept out of the daily averages. A
    legend under the chart names what is drawn.
    """
    earlier, days = _periods(points, weekly=False)
    band = len(days) > DOTS_UP_TO_DAYS
    per, width = ("week", 7) if len(days) > WEEKS_PAST_DAYS else ("day", 1)
    if per == "week":
        earlier, days = _periods(points, weekly=True)
    # Both are in time order. The axis runs from the first day's midnight to the last day's
    # end, so that a check-in today moves no other day's dots (see _dots).
    ends = [m for m, _ in (*points[:1], *points[-1:])] + [m for m, _, _ in sessions[:1]]
    ends += [m for m, _, _ in sessions[-1:]]
    first = float(min(ends, default=datetime(2000, 1, 1)).toordinal())
    last = float(max(ends, default=datetime(2000, 1, 1)).toordinal() + 1)
    if last - first < MIN_SPAN_DAYS:
        middle = (first + last) / 2
        first, last = middle - MIN_SPAN_DAYS / 2, middle + MIN_SPAN_DAYS / 2
    pad = (last - first) * PAD
    start, span = first - pad, (last - first) + 2 * pad

    def x(t: float) -> float:
        return (t - start) / span * 100

    def data_x(t: float) -> str:
        return _num((t - start) / span * DATA_WIDTH)

    def data_y(pain: float) -> str:
        return _num((HIGH - pain) * DATA_SCALE)

    plot = [
        '<svg class="chart-plot" xmlns="http://www.w3.org/2000/svg" aria-hidden="true">',
        _defs(id_prefix) if sessions and not band else "",
        '<g class="chart-grid">',
        *(f'<line x1="0" x2="100%" y1="{y}" y2="{y}"/>' for y in _GRID),
        '</g><line class="chart-axis" x1="0" x2="0" y1="0" y2="100%"/>'
        '<line class="chart-axis" x1="0" x2="100%" y1="100%" y2="100%"/>',
    ]  # fmt: skip
    data = []
    if band:
        # Past a few months a dot per check-in is noise (and kilobytes): shade each day's
        # lowest-to-highest range, from its first midnight to its last (the line passes midway).
        day_width = _num(DATA_WIDTH * width / span)

        def rect(d: DayStats) -> str:
            if d.high == d.low:
                return ""
            return (
                f"M{data_x(d.day.toordinal())} {data_y(d.high)}"
                f"h{day_width}V{data_y(d.low)}h-{day_width}z"
            )

        rects = _drawn(earlier, f"band{width}", days, (start, span), rect, "")
        if rects:
            data.append(f'<path class="chart-band" d="{rects}"/>')
    if len(days) > 1:

        def point(d: DayStats) -> str:
            return f"{data_x(d.day.toordinal() + width / 2)} {data_y(d.mean)}"

        line = _drawn(earlier, f"line{width}", days, (start, span), point)
        data.append(f'<path class="chart-line" d="M{line}"/>')
    if band and sessions:
        # Months of sessions: an arrow with two diamonds each would be a clutter of marks a
        # pixel apart that hides the line (and 100 KB for two years). A tick along the bottom
        # says when; the before/after numbers are summed up under the chart and in the table.
        data.append(_session_rug(sessions, data_x))
    if data:
        plot.append(
            f'<svg class="chart-data" viewBox="0 0 {DATA_WIDTH} {_num((HIGH - LOW) * DATA_SCALE)}"'
            f' preserveAspectRatio="none">{"".join(data)}</svg>'
        )
    if not band and points:
        plot.append(f'<g class="chart-dots">{_dots(earlier, points, start, span)}</g>')
    if sessions and not band:
        # The marks change only when a session is saved: kept by axis and marks.
        key = (id_prefix, start, span, sessions)
        marks: str | None = _MARKS.get(key)
        if marks is None:
            marks = "".join(
                _session(id_prefix, _pct(x(_t(m))), before, after) for m, before, after in sessions
            )
            _MARKS.set(key, marks)
        plot.append(f'<g class="chart-sessions">{marks}</g>')
    plot.append("</svg>")

    pains = "".join(
        f'<text x="100%" y="{_pct(pain_y(p))}" dx="-.5em" dy=".35em">{p}</text>'
        for p in range(0, 11, 2)
    )
    html = (
        '<div class="chart-frame">'
        '<svg class="chart-y" xmlns="http://www.w3.org/2000/svg" aria-hidden="true">'
        f"{pains}</svg>"
        + "".join(plot)
        + _time_axis(start, span)
        + "</div>"
        + _legend(not band and bool(points), band, len(days) > 1, bool(sessions), per, band)
        + (f'<p class="chart-note">{session_summary(sessions)}</p>' if band and sessions else "")
    )
    return PainChart(html=html, band=band, per=per)


# What is drawn from every day (or week) but the last, by axis and points: after a check-in, the
# knot page works out and draws only the last day again. The points themselves are the key, so
# a changed, added or deleted rating on any earlier day is a new key, never a stale drawing.
_EARLIER = Memo(256)
_MARKS = Memo(256)
_AXES = Memo(256)


@dataclass(slots=True)
class _Earlier:
    """The periods before the last, worked out once, and what has been drawn from them on
    each axis (by what was drawn and the axis)."""

    size: int  # how many points come before the last period
    periods: list[DayStats]
    drawn: dict[tuple[str, float, float], str]


def _periods(
    points: tuple[tuple[datetime, int], ...], *, weekly: bool
) -> tuple[_Earlier, list[DayStats]]:
    """:func:`daily` of ``points``, the earlier periods' kept: a period's figures depend only
    on its own points, so they are kept by the points before the last period."""
    if not points:
        return _Earlier(0, [], {}), []
    last = points[-1][0].date()
    if weekly:
        last = date.fromordinal(last.toordinal() - last.weekday())
    cut = bisect_left(points, (datetime.combine(last, time.min),))
    key = (weekly, points[:cut])
    earlier: _Earlier | None = _EARLIER.get(key)
    if earlier is None:
        earlier = _Earlier(cut, daily(key[1], weekly=weekly), {})
        _EARLIER.set(key, earlier)
    return earlier, earlier.periods + daily(points[cut:], weekly=weekly)


def _drawn(
    earlier: _Earlier,
    what: str,
    periods: list[DayStats],
    axis: tuple[float, float],
    draw: Callable[[DayStats], str],
    sep: str = " ",
) -> str:
    """``draw`` of each period joined by ``sep``; the earlier periods' drawing is kept with them
    by ``what`` is drawn and the axis (start, span), so a check-in today draws one period."""
    key = (what, *axis)
    before = earlier.drawn.get(key)
    if before is None:
        before = sep.join(draw(d) for d in earlier.periods)
        earlier.drawn[key] = before  # the same text whichever thread writes it
    last = [draw(d) for d in periods[len(earlier.periods) :]]
    return sep.join(t for t in (before, *last) if t)


def _time_axis(start: float, span: float) -> str:
    """The date axis of a chart that begins at ``start`` and spans ``span`` days, drawn once."""
    key = (start, span)
    found: str | None = _AXES.get(key)
    if found is None:

        def x(t: float) -> float:
            return (t - start) / span * 100

        found = date_axis(date_ticks(start, start + span), x)
        _AXES.set(key, found)
    return found


def _dots(
    earlier: _Earlier, points: tuple[tuple[datetime, int], ...], start: float, span: float
) -> str:
    """A circle per check-in, placed on the axis that begins at ``start`` and spans ``span``
    days; the circles of the days before the last are kept with ``earlier`` (the daily
    periods of the same points)."""

    def draw(part: tuple[tuple[datetime, int], ...]) -> str:
        return "".join(
            f'<circle cx="{_pct((_t(m) - start) / span * 100)}" cy="{_at(p)}" r="2.75"/>'
            for m, p in part
        )

    key = ("dots", start, span)
    before = earlier.drawn.get(key)
    if before is None:
        before = draw(points[: earlier.size])
        earlier.drawn[key] = before  # the same text whichever thread writes it
    return before + draw(points[earlier.size :])


def _defs(prefix: str) -> str:
    """The session marks: a hollow diamond at the rating before, an arrowhead into a hollow
    diamond at the rating after. Markers turn with the line, so one arrowhead points down or up."""
    diamond = '<path class="chart-diamond" d="M0 -4.5L4.5 0 0 4.5-4.5 0Z"/>'
    marker = (
        '<marker id="{id}" markerUnits="userSpaceOnUse" orient="auto" overflow="visible"'
        ' markerWidth="1" markerHeight="1">{body}</marker>'
    )
    return (
        "<defs>"
        + marker.format(id=f"{prefix}-before", body=diamond)
        + marker.format(
            id=f"{prefix}-after",
            body='<path class="chart-head" d="M-13 -4.5L-4.5 0-13 4.5Z"/>' + diamond,
        )
        + f'<g id="{prefix}-diamond">{diamond}</g>'
        + "</defs>"
    )


def _session_rug(sessions: tuple[SessionMark, ...], data_x: Callable[[float], str]) -> str:
    """When sessions happened, for a long history: a short tick each along the bottom of the
    stretched data plot (months of before/after arrows would hide the pain line)."""
    bottom = (HIGH - LOW) * DATA_SCALE
    ticks = "".join(f"M{data_x(_t(m))} {_num(bottom)}v-40" for m, _, _ in sessions)
    return f'<path class="chart-session-rug" d="{ticks}"/>'


def session_summary(sessions: tuple[SessionMark, ...]) -> str:
    """In words: the sessions with a rating before and after, their means, and how many ended
    lower. Empty when there are none."""
    pairs = [(b, a) for _, b, a in sessions if b is not None and a is not None]
    if not pairs:
        return ""
    before = sum(b for b, _ in pairs) / len(pairs)
    after = sum(a for _, a in pairs) / len(pairs)
    lower = sum(1 for b, a in pairs if a < b)
    return (
        f"{len(pairs)} session{'s' * (len(pairs) != 1)} with a rating before and after: "
        f"{before:.1f} before and {after:.1f} after on average; lower after in {lower} of them."
    )


def _session(prefix: str, x: str, before: int | None, after: int | None) -> str:
    if before is not None and after is not None and before != after:
        return (
            f'<line class="chart-arrow" x1="{x}" x2="{x}" y1="{_at(before)}"'
            f' y2="{_at(after)}" marker-start="url(#{prefix}-before)"'
            f' marker-end="url(#{prefix}-after)"/>'
        )
    values = {v for v in (before, after) if v is not None}
    return "".join(f'<use href="#{prefix}-diamond" x="{x}" y="{_at(v)}"/>' for v in sorted(values))


def date_axis(ticks: list[Tick], x: Callable[[float], float]) -> str:
    """The time axis under a chart: a tick and a label per date, the year under the first."""
    out = ['<svg class="chart-x" xmlns="http://www.w3.org/2000/svg" aria-hidden="true">']
    for tick in ticks:
        at = _pct(x(tick.at))
        shown = f' class="{tick.shown}"' if tick.shown else ""
        out.append(f'<g{shown}><line x1="{at}" x2="{at}" y1="0" y2="5"/>')
        out.append(f'<text x="{at}" y="1.35em">{tick.label}</text>')
        if tick.year:
            year_shown = f' class="{tick.year_shown}"' if tick.year_shown else ""
            out.append(f'<text{year_shown} x="{at}" y="2.6em">{tick.year}</text>')
        out.append("</g>")
    out.append("</svg>")
    return "".join(out)


def _legend(
    dots: bool, band: bool, line: bool, sessions: bool, per: str, strokes: bool = False
) -> str:
    """Names for what this chart draws, and only that."""
    items = []
    if dots:
        items.append('<li><span class="key key--dot"></span>check-in</li>')
    if band:
        items.append(f'<li><span class="key key--band"></span>each {per}’s lowest to highest</li>')
    if line:
        adjective = "weekly" if per == "week" else "daily"
        items.append(f'<li><span class="key key--line"></span>{adjective} average</li>')
    if sessions and strokes:
        items.append('<li><span class="key key--session-rug"></span>a session</li>')
    elif sessions:
        items.append(
            '<li><span class="key key--session"></span>around a session (before → after)</li>'
        )
    return f'<ul class="chart-legend">{"".join(items)}</ul>'
