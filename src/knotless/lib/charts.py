"""Server-side charts as inline SVG.

matplotlib costs over a second to import, so it is imported inside the functions, never at module
import time: quick-log commands and pages without charts never pay for it. Colours are drawn with
placeholder values and then swapped for CSS classes of the app's stylesheet, so one cached SVG
follows the page's light or dark theme.

The charts sit inline in pages whose Content-Security-Policy refuses style attributes and
<style> elements, and matplotlib writes both: every style="…" is rewritten as presentation
attributes (fill="none", stroke-width="0.8"), which the policy allows, and placeholder colours as
classes (``chart-fill-dot``, ``chart-stroke-warn``).
"""

from __future__ import annotations

import io
import re
import threading
from datetime import date, datetime
from functools import lru_cache
from html import escape, unescape
from typing import Any

# placeholder colour -> the name in its classes, chart-fill-NAME and chart-stroke-NAME, which the
# app's stylesheet paints with a custom property (--chart-ink … --warn)
_PALETTE = {
    "#010101": "ink",
    "#020202": "grid",
    "#030303": "line",
    "#040404": "dot",
    "#050505": "warn",
}
# The CSS properties matplotlib writes that SVG also takes as attributes of the same name.
_PRESENTATION = frozenset(
    [
        "alignment-baseline", "clip-path", "dominant-baseline", "fill", "fill-opacity",
        "fill-rule", "font-family", "font-size", "font-stretch", "font-style", "font-variant",
        "font-weight", "letter-spacing", "opacity", "stroke", "stroke-dasharray",
        "stroke-dashoffset", "stroke-linecap", "stroke-linejoin", "stroke-miterlimit",
        "stroke-opacity", "stroke-width", "text-anchor", "white-space",
    ]
)  # fmt: skip
_TAG = re.compile(r"<[a-zA-Z][^>]*>")
_STYLE_ATTR = re.compile(r'\sstyle="([^"]*)"')
# matplotlib's one <style> element: the defaults it gives every element, kept as attributes
# of the root, from which they are inherited.
_STYLE_ELEMENT = re.compile(r"\s*<style[^>]*>\*\{([^}]*)\}</style>")
# matplotlib's figure machinery is not safe to drive from several threads at once.
_LOCK = threading.Lock()


class ChartStyleError(ValueError):
    """matplotlib wrote a style this module does not know how to carry without style="…"."""


def _declarations(css: str) -> list[tuple[str, str]]:
    pairs = []
    for declaration in css.split(";"):
        name, colon, value = declaration.partition(":")
        if not colon:
            if declaration.strip():
                raise ChartStyleError(f"cannot read the style {declaration!r}")
            continue
        pairs.append((name.strip(), value.strip()))
    return pairs


def _attributes(css: str) -> tuple[list[str], list[str]]:
    """A style attribute's declarations as (classes, presentation attributes)."""
    classes, attributes = [], []
    for name, value in _declarations(css):
        if value.lower() in _PALETTE:
            if name not in ("fill", "stroke"):
                raise ChartStyleError(f"a themed colour on {name}, not fill or stroke")
            classes.append(f"chart-{name}-{_PALETTE[value.lower()]}")
        elif name in _PRESENTATION:
            attributes.append(f'{name}="{escape(value, quote=True)}"')
        else:
            raise ChartStyleError(f"{name} has no SVG attribute; add a rule for it")
    return classes, attributes


def _tag_without_style(tag: str) -> str:
    found = _STYLE_ATTR.search(tag)
    if found is None:
        return tag
    classes, attributes = _attributes(unescape(found.group(1)))
    tag = tag[: found.start()] + tag[found.end() :]
    if classes:
        if ' class="' in tag:
            tag = tag.replace(' class="', f' class="{" ".join(classes)} ', 1)
        else:
            attributes.insert(0, f'class="{" ".join(classes)}"')
    if not attributes:
        return tag
    end = -2 if tag.endswith("/>") else -1
    return f"{tag[:end]} {' '.join(attributes)}{tag[end:]}"


def _without_styles(svg: str) -> str:
    defaults = _STYLE_ELEMENT.search(svg)
    if defaults is not None:
        svg = svg[: defaults.start()] + svg[defaults.end() :]
        root = f' style="{defaults.group(1)}"'
        svg = re.sub(r"<svg\b", lambda m: m.group(0) + root, svg, count=1)
    svg = _TAG.sub(lambda m: _tag_without_style(m.group(0)), svg)
    if "<style" in svg or re.search(r"\sstyle=", svg):
        raise ChartStyleError("matplotlib wrote a <style> this module does not know")
    leftover = [colour for colour in _PALETTE if colour in svg.lower()]
    if leftover:
        raise ChartStyleError(f"placeholder colours {leftover} outside a fill or stroke")
    return svg


def _themed(svg: str, id_prefix: str) -> str:
    svg = _without_styles(svg)
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
