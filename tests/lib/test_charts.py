from __future__ import annotations

import re
import subprocess
import sys
import warnings
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta

import pytest

from knotless.lib.charts import pain_chart_svg


def series(days: int, per_day: int = 3) -> tuple[tuple[datetime, int], ...]:
    start = datetime(2026, 1, 1, 8)
    return tuple(
        (start + timedelta(days=d, hours=5 * i), (d + i) % 11)
        for d in range(days)
        for i in range(per_day)
    )


def test_it_renders_valid_svg_with_theme_colours() -> None:
    svg = pain_chart_svg(series(20), "Pain over time")
    root = ET.fromstring(svg)
    assert root.tag.endswith("svg")
    assert "width" not in root.attrib
    assert "viewBox" in root.attrib
    assert "chart-stroke-line" in svg and "chart-fill-dot" in svg
    assert "#030303" not in svg  # every placeholder colour was themed
    assert "Pain over time" in svg


def test_it_draws_a_single_rating() -> None:
    ET.fromstring(pain_chart_svg(series(1, per_day=1), "One"))


def test_it_caches_identical_series() -> None:
    data = series(5)
    assert pain_chart_svg(data, "t") is pain_chart_svg(data, "t")


def test_it_does_not_import_matplotlib_until_a_chart_is_drawn() -> None:
    code = "import knotless.lib.charts, sys; print('matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_it_draws_a_narrow_variant_for_phones() -> None:
    wide = ET.fromstring(pain_chart_svg(series(20), size="wide")).attrib["viewBox"].split()
    narrow = ET.fromstring(pain_chart_svg(series(20), size="narrow")).attrib["viewBox"].split()
    assert float(narrow[2]) / float(narrow[3]) < float(wide[2]) / float(wide[3])


@pytest.mark.parametrize("days", [0, 1, 2, 3, 5, 8, 15, 40, 100, 365, 800])
@pytest.mark.parametrize("size", ["wide", "narrow"])
def test_it_draws_any_history_length_cleanly(days: int, size: str) -> None:
    points = tuple(
        (datetime(2026, 1, 1, 8) + timedelta(hours=7 * i), i % 11) for i in range(max(1, days * 3))
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # e.g. matplotlib's date locator giving up on a range
        ET.fromstring(pain_chart_svg(points, size=size))


def test_it_gives_each_size_its_own_element_ids() -> None:
    # Both sizes sit on one page; a shared id would make one chart draw the other's markers.
    wide, narrow = (pain_chart_svg(series(20), size=s) for s in ("wide", "narrow"))
    wide_ids = set(re.findall(r'\bid="([^"]+)"', wide))
    narrow_ids = set(re.findall(r'\bid="([^"]+)"', narrow))
    assert wide_ids and narrow_ids and not wide_ids & narrow_ids
    for ref in re.findall(r'href="#([^"]+)"', narrow):
        assert ref in narrow_ids


def test_it_marks_ratings_around_sessions_apart_from_check_ins() -> None:
    plain = pain_chart_svg(series(6))
    marks = ((datetime(2026, 1, 3, 18), 6, 3), (datetime(2026, 1, 5, 18), None, 4))
    svg = pain_chart_svg(series(6), sessions=marks)
    ET.fromstring(svg)
    assert "around a session (before → after)" in svg and "around a session" not in plain
    assert "chart-stroke-warn" in svg and "chart-stroke-warn" not in plain  # their own colour
    assert "#050505" not in svg
    # Ratings around a session alone still make a chart (check-ins may all have been deleted).
    assert "around a session" in pain_chart_svg((), sessions=marks)


@pytest.mark.parametrize("days", [3, 120])
def test_it_draws_without_style_attributes_or_elements(days: int) -> None:
    """The pages' Content-Security-Policy refuses both; attributes and classes carry the look."""
    marks = ((datetime(2026, 1, 2, 18), 6, 3), (datetime(2026, 1, 3, 18), None, 4))
    for size in ("wide", "narrow"):
        svg = pain_chart_svg(series(days), "t", size=size, sessions=marks)
        root = ET.fromstring(svg)
        assert not root.findall(".//{http://www.w3.org/2000/svg}style")
        assert not [e.tag for e in root.iter() if "style" in e.attrib]
        # matplotlib's defaults for every element now sit on the root, and are inherited.
        assert root.get("stroke-linejoin") == "round" and root.get("stroke-linecap") == "butt"
        assert root.findall(".//*[@fill='none']") and root.findall(".//*[@stroke-width]")


def test_it_refuses_a_style_it_cannot_carry() -> None:
    from knotless.lib.charts import ChartStyleError, _without_styles

    with pytest.raises(ChartStyleError):
        _without_styles('<svg><path style="mix-blend-mode: multiply"/></svg>')
    with pytest.raises(ChartStyleError):
        _without_styles('<svg><text style="color: #040404">x</text></svg>')
