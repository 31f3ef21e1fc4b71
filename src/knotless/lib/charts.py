"""Server-side charts as inline SVG.

matplotlib costs over a second to import, so it is imported inside the functions, never at module
import time: quick-log commands and pages without charts never pay for it. Colours are drawn with
placeholder values and then swapped for CSS custom properties, so one cached SVG follows the page's
light or dark theme.
"""

from __future__ import annotations

import io
import re
import threading
from datetime import date, datetime
from functools import lru_cache
from typing import Any

# placeholder colour -> CSS custom property defined by the app's stylesheet
_PALETTE = {
    "#010101": "var(--chart-ink)",
    "#020202": "var(--chart-grid)",
    "#030303": "var(--chart-line)",
    "#040404": "var(--chart-dot)",
    "#050505": "var(--warn)",
}
_COLOUR = re.compile("|".join(re.escape(c) for c in _PALETTE))
# matplotlib's figure machinery is not safe to drive from several threads at once.
_LOCK = threading.Lock()


def _themed(svg: str, id_prefix: str) -> str:
    svg = _COLOUR.sub(lambda m: _PALETTE[m.group(0)], svg)
    # Several charts share a page: give each one's element ids (and references) its own prefix.
    ids = set(re.findall(r'\bid="([^"]+)"', svg))
    if ids:
        pattern = re.compile(
            r'(\bid="|href="#|url\(#)(' + "|".join(re.escape(i) for i in ids) + r')(?=[")])'
        )
        svg = pattern.sub(lambda m: f"{m.group(1)}{id_prefix}-{m.group(2)}", svg)
    svg = re.sub(r"^<\?xml[^>]*>\s*<!DOCTYPE[^>]*>\s*", "", svg, flags=re.S)
    # Let CSS size the chart: drop the fixed pt size, keep the viewBox.
    return re.sub(r'<svg([^>]*?) width="[^"]*" height="[^"]*"', r"<svg\1", svg, count=1)


# Figure sizes in inches: wide for desktops; squarer for phones, where its text stays legible.
SIZES = {"wide": (7.2, 3.0), "narrow": (4.0, 3.0)}
# Histories longer than this many days draw a daily range band instead of one dot per check-in.
DOTS_UP_TO_DAYS = 90


# A session's before/after ratings: (local wall-clock start, before or None, after or None).
SessionMark = tuple[datetime, int | None, int | None]


@lru_cache(maxsize=128)
def pain_chart_svg(
    points: tuple[tuple[datetime, int], ...],
    title: str = "",
    size: str = "wide",
    sessions: tuple[SessionMark, ...] = (),
) -> str:
    """An SVG of pain (0-10) over time.

    ``points`` are (local wall-clock moment, pain) pairs in time order. Each check-in is a dot;
    a line joins the daily averages, so several check-ins a day read as one trend (past
    DOTS_UP_TO_DAYS days, a band of each day's range replaces the dots). ``sessions`` are the
    ratings taken around a session: an arrow from before to after at the session's start (a
    lone hollow diamond when only one of them was given), kept out of the daily averages, and
    named in a legend. Returns an <svg> element (no XML prolog) whose colours are CSS variables.
    """
    from matplotlib import dates as mdates
    from matplotlib import rc_context
    from matplotlib.figure import Figure

    days: dict[date, list[int]] = {}
    for moment, pain in points:
        days.setdefault(moment.date(), []).append(pain)
    day_x = [datetime(d.year, d.month, d.day, 12) for d in days]
    day_y = [sum(v) / len(v) for v in days.values()]

    style: dict[str, Any] = {
        "svg.fonttype": "none",
        "svg.hashsalt": "knotless",
        "font.family": "sans-serif",
        "font.size": 10,
        "axes.edgecolor": "#020202",
        "axes.labelcolor": "#010101",
        "xtick.color": "#010101",
        "ytick.color": "#010101",
        "text.color": "#010101",
        "figure.facecolor": "none",
        "axes.facecolor": "none",
        "savefig.transparent": True,
    }
    with _LOCK, rc_context(style):  # type: ignore[arg-type]
        fig = Figure(figsize=SIZES[size], layout="constrained")
        ax = fig.add_subplot()
        if title:
            ax.set_title(title, loc="left", fontsize=11)
        if len(days) <= DOTS_UP_TO_DAYS:
            ax.scatter(
                mdates.date2num([m for m, _ in points]),  # type: ignore[no-untyped-call]
                [p for _, p in points],
                s=14,
                color="#040404",
                zorder=3,
                linewidths=0,
            )
        else:
            # Past a few months, a dot per check-in becomes noise (and kilobytes): shade each
            # day's lowest-to-highest range instead.
            ax.fill_between(
                mdates.date2num(day_x),  # type: ignore[no-untyped-call]
                [min(v) for v in days.values()],
                [max(v) for v in days.values()],
                color="#040404",
                alpha=0.3,
                linewidth=0,
                step="mid",
            )
        _draw_sessions(ax, sessions)
        if len(day_x) > 1:
            ax.plot(
                mdates.date2num(day_x),  # type: ignore[no-untyped-call]
                day_y,
                color="#030303",
                linewidth=2,
                zorder=2,
            )
        ax.set_ylim(-0.5, 10.5)
        ax.set_yticks(range(0, 11, 2))
        ax.set_ylabel("Pain (0–10)")
        ax.grid(axis="y", color="#020202", linewidth=0.5, alpha=0.6)
        for spine in ("top", "right"):
            ax.spines[spine].set_visible(False)
        locator = mdates.AutoDateLocator(minticks=2, maxticks=8 if size == "wide" else 5)  # type: ignore[no-untyped-call]
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))  # type: ignore[no-untyped-call]
        # A short history (one day, one rating) still gets a few days of axis, so the date
        # ticks stay readable and the locator has a sensible range to work with.
        moments = [m for m, _ in points] + [m for m, _, _ in sessions]
        first = mdates.date2num(min(moments, default=datetime(2000, 1, 1)))  # type: ignore[no-untyped-call]
        last = mdates.date2num(max(moments, default=datetime(2000, 1, 1)))  # type: ignore[no-untyped-call]
        if last - first < 4:
            middle = (first + last) / 2
            ax.set_xlim(middle - 2, middle + 2)
        if sessions:
            _legend(ax, size)
        buffer = io.StringIO()
        fig.savefig(buffer, format="svg", metadata={"Date": None})
    return _themed(buffer.getvalue(), id_prefix=f"chart-{size}")


def _draw_sessions(ax: Any, sessions: tuple[SessionMark, ...]) -> None:
    """Before -> after of each session as an arrow in the warning colour, distinct from the
    check-in dots: it shows the change a session made, not the trend."""
    from matplotlib import dates as mdates

    for moment, before, after in sessions:
        x = mdates.date2num(moment)  # type: ignore[no-untyped-call]
        if before is not None and after is not None and before != after:
            ax.annotate(
                "",
                xy=(x, after),
                xytext=(x, before),
                arrowprops={"arrowstyle": "-|>", "color": "#050505", "linewidth": 1.6},
                zorder=4,
            )
        for value in (before, after) if before != after else (before,):
            if value is not None:
                ax.scatter(
                    [x],
                    [value],
                    s=22,
                    marker="D",
                    facecolors="none",
                    edgecolors="#050505",
                    linewidths=1.2,
                    zorder=4,
                )


def _legend(ax: Any, size: str) -> None:
    from matplotlib.lines import Line2D

    handles = [
        Line2D([], [], marker="o", linestyle="", color="#040404", markersize=4, label="check-in"),
        Line2D([], [], color="#030303", linewidth=2, label="daily average"),
        Line2D(
            [],
            [],
            marker="D",
            linestyle="-",
            color="#050505",
            markerfacecolor="none",
            markersize=4,
            label="around a session (before → after)",
        ),
    ]
    ax.legend(
        handles=handles,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.18 if size == "wide" else -0.22),
        ncol=3 if size == "wide" else 1,
        frameon=False,
        fontsize=9,
    )
