"""The pain chart, read back from its markup: each dot, line vertex, arrow and date tick is
turned back into the time and rating it stands for and compared with the data drawn."""

from __future__ import annotations

import random
import re
import statistics
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Callable
from datetime import date, datetime, timedelta

import pytest

from knotless.lib import charts
from knotless.lib.chart_axis import MONTHS, NARROW_MOST, NARROW_ONLY, WIDE_MOST, WIDE_ONLY
from knotless.lib.charts import DATA_SCALE, DATA_WIDTH, HIGH, LOW, pain_chart
from knotless.lib.memo import Memo

SVG = "{http://www.w3.org/2000/svg}"


def series(days: int, per_day: int = 3) -> tuple[tuple[datetime, int], ...]:
    start = datetime(2026, 1, 1, 8)
    return tuple(
        (start + timedelta(days=d, hours=5 * i), (d + i) % 11)
        for d in range(days)
        for i in range(per_day)
    )


def parse(html: str) -> ET.Element:
    return ET.fromstring(f"<root>{html}</root>")


def pct(value: str | None) -> float:
    assert value is not None and value.endswith("%"), value
    return float(value[:-1])


def pain_at(y_percent: float) -> float:
    return HIGH - y_percent / 100 * (HIGH - LOW)


def days_of(moment: datetime) -> float:
    midnight = datetime(moment.year, moment.month, moment.day)
    return moment.toordinal() + (moment - midnight).total_seconds() / 86400


def line_vertices(root: ET.Element) -> list[tuple[float, float]]:
    """The daily-average line as (x in percent of the plot, pain)."""
    path = root.find(f".//{SVG}path[@class='chart-line']")
    assert path is not None
    numbers = [float(n) for n in re.findall(r"-?[\d.]+", path.get("d", ""))]
    return [
        (x / DATA_WIDTH * 100, HIGH - y / DATA_SCALE)
        for x, y in zip(numbers[0::2], numbers[1::2], strict=True)
    ]


def time_axis(anchors: list[tuple[float, float]]) -> Callable[[float], float]:
    """Percent across the plot -> days, fitted through two (percent, days) anchors far apart."""
    (x0, t0), (x1, t1) = anchors[0], anchors[-1]
    return lambda x: t0 + (x - x0) * (t1 - t0) / (x1 - x0)


def dot_axis(
    root: ET.Element, points: tuple[tuple[datetime, int], ...]
) -> Callable[[float], float]:
    """The time axis as the first and last dot place it."""
    dots = root.findall(f".//{SVG}circle")
    return time_axis(
        [
            (pct(d.get("cx")), days_of(p[0]))
            for d, p in ((dots[0], points[0]), (dots[-1], points[-1]))
        ]
    )


def test_it_draws_each_check_in_as_a_dot_at_its_time_and_rating() -> None:
    points = series(20)
    root = parse(pain_chart(points).html)
    dots = root.findall(f".//{SVG}g[@class='chart-dots']/{SVG}circle")
    assert len(dots) == len(points)
    xs = [pct(d.get("cx")) for d in dots]
    when = time_axis([(xs[0], days_of(points[0][0])), (xs[-1], days_of(points[-1][0]))])
    for dot, x, (moment, pain) in zip(dots, xs, points, strict=True):
        assert pain_at(pct(dot.get("cy"))) == pytest.approx(pain, abs=0.01)
        assert when(x) == pytest.approx(days_of(moment), abs=0.01)  # within 15 minutes
        assert 0 < x < 100


def test_its_line_joins_the_daily_averages_at_noon() -> None:
    points = series(12)
    root = parse(pain_chart(points).html)
    when = dot_axis(root, points)
    by_day: dict[date, list[int]] = {}
    for moment, pain in points:
        by_day.setdefault(moment.date(), []).append(pain)
    vertices = line_vertices(root)
    assert len(vertices) == len(by_day)
    for (x, drawn), (day, pains) in zip(vertices, sorted(by_day.items()), strict=True):
        assert drawn == pytest.approx(statistics.mean(pains), abs=0.01)
        assert when(x) == pytest.approx(day.toordinal() + 0.5, abs=0.01)


def middle(day: date, per: str) -> float:
    """Where the line passes for the day (noon) or for its week (Thursday midnight)."""
    if per == "week":
        return day.toordinal() - day.weekday() + 3.5
    return day.toordinal() + 0.5


def _ticks(root: ET.Element) -> list[tuple[float, str, str, str]]:
    """(x percent, label, year line or "", class) of each date tick."""
    axis = root.find(f".//{SVG}svg[@class='chart-x']")
    assert axis is not None
    out = []
    for group in axis.findall(f"{SVG}g"):
        texts = group.findall(f"{SVG}text")
        year = texts[1].text or "" if len(texts) > 1 else ""
        out.append((pct(texts[0].get("x")), texts[0].text or "", year, group.get("class", "")))
    return out


def _named_date(label: str, year: int) -> date:
    """The date a tick names: "3 Mar", "Mar" (its first day) or "2026" (its 1 January)."""
    words = label.split()
    if len(words) == 2:
        return date(year, MONTHS.index(words[1]) + 1, int(words[0]))
    if words[0] in MONTHS:
        return date(year, MONTHS.index(words[0]) + 1, 1)
    return date(int(words[0]), 1, 1)


@pytest.mark.parametrize("days", [1, 6, 20, 45, 120, 400, 800, 3000])
def test_its_date_ticks_sit_on_the_dates_they_name(days: int) -> None:
    points = series(days, per_day=2)
    chart = pain_chart(points)
    root = parse(chart.html)
    vertices = line_vertices(root) if days > 1 else []  # one day: no line to read dates from
    first, last = (middle(points[i][0].date(), chart.per) for i in (0, -1))
    when = time_axis(
        [(vertices[0][0], first), (vertices[-1][0], last)] if vertices else [(0, 0), (1, 1)]
    )
    ticks = _ticks(root)
    year = points[0][0].year
    for screen, hidden in ((NARROW_ONLY, WIDE_ONLY), (WIDE_ONLY, NARROW_ONLY)):
        shown = [t for t in ticks if t[3] != hidden]
        most = NARROW_MOST if screen == NARROW_ONLY else WIDE_MOST
        assert 2 <= len(shown) <= most, (screen, [t[1] for t in shown])
        assert [t[0] for t in shown] == sorted(t[0] for t in shown)
        kind_is_year = shown[0][1].isdigit() and len(shown[0][1]) == 4
        assert kind_is_year or shown[0][2], "the first tick names its year"
        for x, label, year_line, _ in shown:
            if year_line:
                year = int(year_line)
            named = _named_date(label, year)
            if vertices:
                # Positions carry 0.01 % of the span: an hour or so on a long history.
                assert when(x) == pytest.approx(named.toordinal(), abs=0.02 + days * 1e-4), label
            assert 0 <= x <= 100, label


def test_a_single_rating_gets_a_few_days_of_axis_with_its_day_in_the_middle() -> None:
    root = parse(pain_chart(series(1, per_day=1)).html)
    dot = root.find(f".//{SVG}circle")
    # Four days of axis centred on the rating's day, 3 % padding each side: the day runs from
    # 1.62 to 2.62 of 4.24 days, and the rating, at 08:00, is a third of the way into it.
    expected = (1.62 + 8 / 24) / 4.24 * 100  # written with two decimals
    assert dot is not None and pct(dot.get("cx")) == pytest.approx(expected, abs=0.005)
    assert root.find(f".//{SVG}path[@class='chart-line']") is None
    ticks = _ticks(root)
    assert [t[1] for t in ticks if t[3] != NARROW_ONLY] == ["31 Dec", "1 Jan", "2 Jan", "3 Jan"]
    legend = root.find("ul")
    assert legend is not None
    assert ["".join(li.itertext()) for li in legend] == [
        "check-in"
    ]  # no line is drawn, so none is named


def test_it_draws_each_session_as_an_arrow_from_before_to_after() -> None:
    points = series(6)
    marks = ((datetime(2026, 1, 3, 18), 6, 3), (datetime(2026, 1, 5, 18), None, 4))
    root = parse(pain_chart(points, marks).html)
    when = dot_axis(root, points)
    arrows = root.findall(f".//{SVG}line[@class='chart-arrow']")
    assert len(arrows) == 1
    arrow = arrows[0]
    assert pct(arrow.get("x1")) == pct(arrow.get("x2"))
    assert when(pct(arrow.get("x1"))) == pytest.approx(days_of(marks[0][0]), abs=0.01)
    assert pain_at(pct(arrow.get("y1"))) == pytest.approx(6, abs=0.01)
    assert pain_at(pct(arrow.get("y2"))) == pytest.approx(3, abs=0.01)
    assert arrow.get("marker-start") == "url(#chart-before)"
    assert arrow.get("marker-end") == "url(#chart-after)"
    lone = root.findall(f".//{SVG}g[@class='chart-sessions']/{SVG}use")
    assert len(lone) == 1 and lone[0].get("href") == "#chart-diamond"
    assert pain_at(pct(lone[0].get("y"))) == pytest.approx(4, abs=0.01)
    assert when(pct(lone[0].get("x"))) == pytest.approx(days_of(marks[1][0]), abs=0.01)
    ids = {e.get("id") for e in root.iter() if e.get("id")}
    assert {"chart-before", "chart-after", "chart-diamond"} <= ids
    html = pain_chart(points, marks).html
    assert "around a session (before → after)" in html
    assert "around a session" not in pain_chart(points).html
    # Ratings around a session alone still make a chart (check-ins may all have been deleted).
    assert "around a session" in pain_chart((), marks).html


def test_a_long_history_draws_each_days_range_and_stays_small() -> None:
    points = series(730, per_day=3)  # 2,190 check-ins
    marks = tuple((datetime(2026, 1, 3, 18) + timedelta(days=9 * i), 7, 4) for i in range(80))
    chart = pain_chart(points, marks)
    root = parse(chart.html)
    assert chart.band and not root.findall(f".//{SVG}circle")
    band = root.find(f".//{SVG}path[@class='chart-band']")
    assert band is not None
    rects = re.findall(r"M([\d.]+) ([\d.]+)h([\d.]+)V([\d.]+)", band.get("d", ""))
    assert len(rects) == 730  # every day here has a spread
    for (_, top, _, bottom), day in zip(rects, range(730), strict=True):
        pains = [(day + i) % 11 for i in range(3)]
        assert HIGH - float(top) / DATA_SCALE == pytest.approx(max(pains))
        assert HIGH - float(bottom) / DATA_SCALE == pytest.approx(min(pains))
    assert len(line_vertices(root)) == 730
    assert "each day’s lowest to highest" in chart.html and "check-in<" not in chart.html
    assert len(chart.html) < 60_000


def test_a_very_long_history_goes_by_week_and_says_so() -> None:
    points = series(3000, per_day=3)
    chart = pain_chart(points)
    root = parse(chart.html)
    assert chart.band and chart.per == "week" and chart.per_adjective == "weekly"
    weeks: dict[date, list[int]] = {}
    for moment, pain in points:
        monday = moment.date() - timedelta(days=moment.weekday())
        weeks.setdefault(monday, []).append(pain)
    vertices = line_vertices(root)
    assert len(vertices) == len(weeks)
    when = time_axis(
        [(vertices[i][0], middle(points[i][0].date(), "week")) for i in (0, -1)]
    )  # fmt: skip
    for (x, drawn), (monday, pains) in zip(vertices, sorted(weeks.items()), strict=True):
        assert drawn == pytest.approx(statistics.mean(pains), abs=0.01)
        assert when(x) == pytest.approx(monday.toordinal() + 3.5, abs=0.05)
    band = root.find(f".//{SVG}path[@class='chart-band']")
    assert band is not None
    rects = re.findall(r"M[\d.]+ ([\d.]+)h[\d.]+V([\d.]+)", band.get("d", ""))
    assert len(rects) == len(weeks)
    for (top, bottom), pains in zip(rects, (weeks[m] for m in sorted(weeks)), strict=True):
        assert HIGH - float(top) / DATA_SCALE == pytest.approx(max(pains))
        assert HIGH - float(bottom) / DATA_SCALE == pytest.approx(min(pains))
    assert "weekly average" in chart.html and "each week’s lowest to highest" in chart.html
    assert "daily average" not in chart.html
    assert len(chart.html) < 30_000


@pytest.mark.parametrize("days", [0, 1, 2, 3, 5, 8, 15, 40, 90, 91, 100, 365, 800, 3000])
def test_it_draws_any_history_length_cleanly(days: int) -> None:
    points = tuple(
        (datetime(2026, 1, 1, 8) + timedelta(hours=7 * i), i % 11) for i in range(days * 3)
    )
    chart = pain_chart(points)
    root = parse(chart.html)
    assert chart.band == (len({m.date() for m, _ in points}) > 90)
    assert "nan" not in chart.html.lower() and "inf" not in chart.html.lower()
    assert root.findall(f".//{SVG}svg[@class='chart-x']/{SVG}g")


def test_it_draws_without_styles_or_a_plotting_library() -> None:
    """The pages' Content-Security-Policy refuses style attributes and <style> elements, and
    matplotlib cost over half a second a chart: neither is used."""
    code = (
        "import sys; from datetime import datetime as d;"
        "from knotless.lib.charts import pain_chart;"
        "pain_chart(((d(2026, 1, 1), 3), (d(2026, 1, 2), 4)), ((d(2026, 1, 1, 9), 5, 2),));"
        "print('matplotlib' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
    html = pain_chart(series(5), ((datetime(2026, 1, 2, 9), 5, 2),)).html
    root = parse(html)
    assert not [e.tag for e in root.iter() if "style" in e.attrib or e.tag.endswith("style")]
    # Colours come from classes of the app's stylesheet, which follow the dark theme.
    assert "fill=" not in html and "stroke=" not in html and "#" not in html.replace("#chart", "")


def test_it_gives_its_element_ids_the_prefix_asked_for() -> None:
    marks = ((datetime(2026, 1, 2, 9), 5, 2), (datetime(2026, 1, 3, 9), 5, None))
    html = pain_chart(series(5), marks, id_prefix="knot-7").html
    ids = set(re.findall(r'\bid="([^"]+)"', html))
    assert ids and all(i.startswith("knot-7-") for i in ids)
    for ref in re.findall(r'(?:href="#|url\(#)([^")]+)', html):
        assert ref in ids


def test_a_long_history_marks_when_sessions_were_and_sums_them_up() -> None:
    """Past DOTS_UP_TO_DAYS, months of before/after arrows would hide the pain line: each
    session is a tick along the bottom, and their before/after means are said under the chart."""
    start = datetime(2025, 1, 1, 9)
    points = tuple((start + timedelta(days=d), 5) for d in range(200))
    marks: list[tuple[datetime, int | None, int | None]] = [
        (start + timedelta(days=d, hours=9), 6, 3 if d % 2 else 7) for d in range(0, 200, 5)
    ]
    marks.append((start + timedelta(days=201, hours=9), None, 4))
    chart = pain_chart(points, tuple(marks))
    assert chart.band
    root = parse(chart.html)
    assert not root.findall(f".//{SVG}line[@class='chart-arrow']")
    assert not root.findall(f".//{SVG}marker")
    rug = root.find(f".//{SVG}path[@class='chart-session-rug']")
    assert rug is not None and rug.get("d", "").count("M") == 41
    # 20 sessions 6 -> 3 and 20 sessions 6 -> 7: 6.0 before, 5.0 after, 20 lower.
    assert (
        "40 sessions with a rating before and after: 6.0 before and 5.0 after on average; "
        "lower after in 20 of them." in chart.html
    )
    assert len(chart.html) < 25 * len(marks) + 15_000


def forget_drawings() -> None:
    for kept in vars(charts).values():
        if isinstance(kept, Memo):
            kept.clear()


# Dots (a few weeks), a daily band (months) and a weekly band (past WEEKS_PAST_DAYS).
@pytest.mark.parametrize("days", [20, 120, 800])
def test_what_is_kept_from_an_earlier_drawing_is_what_a_fresh_drawing_gives(days: int) -> None:
    """What is drawn from the days (or weeks) before the last is kept between drawings: their
    dots, figures, line and band, the axis and the session marks. Whatever changes (a check-in
    today, one back-dated, one deleted or changed on an earlier day, a session), the chart is
    the one drawn from nothing."""
    rng = random.Random(5)
    points = list(series(days))
    marks: list[tuple[datetime, int | None, int | None]] = [(datetime(2026, 1, 3, 18), 6, 3)]
    for step in range(80):
        action = rng.choice(
            ["today", "today", "back-dated", "deleted", "changed", "next day", "session", "edit"]
        )
        last = points[-1][0]
        if action == "today":
            points.append((last + timedelta(minutes=1), rng.randint(0, 10)))
        elif action == "next day":
            points.append((last + timedelta(days=1), rng.randint(0, 10)))
        elif action == "back-dated":
            at = points[0][0] + timedelta(hours=rng.randint(1, 400), minutes=step)
            points.append((min(at, last), rng.randint(0, 10)))
        elif action == "deleted" and len(points) > 2:
            points.pop(rng.randrange(len(points) - 1))
        elif action == "changed":
            i = rng.randrange(len(points) - 1)
            points[i] = (points[i][0], (points[i][1] + 1) % 11)
        elif action == "session":
            marks.append((points[-1][0] - timedelta(hours=1), rng.randint(3, 8), None))
            marks.sort(key=lambda m: m[0])
        elif action == "edit":  # a session's ratings corrected: the same number of marks
            at, before, _ = marks[rng.randrange(len(marks))]
            marks[marks.index((at, before, _))] = (at, before, rng.randint(0, 10))
        points.sort()
        kept = pain_chart(tuple(points), tuple(marks))
        forget_drawings()
        assert pain_chart(tuple(points), tuple(marks)) == kept, (step, action)
