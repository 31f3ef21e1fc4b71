"""The training charts: shaded days stay inside the chart, bars and lines in percentages."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from knotless.lib.trainchart import Series, chart, nice_top


def test_shaded_days_outside_the_chart_are_not_drawn() -> None:
    start = date(2026, 11, 1)
    inside = [start + timedelta(days=3)]
    outside = [start - timedelta(days=5), start + timedelta(days=40)]
    html = chart(start, start + timedelta(days=13), shade=inside + outside, shade_label="x")
    assert html.count("<rect") == 1


def test_values_above_the_top_are_clamped_and_ticks_are_round() -> None:
    start = date(2026, 11, 1)
    html = chart(
        start,
        start + timedelta(days=6),
        lines=[Series([(start, 3.0), (start + timedelta(days=1), 12.0)], "chart-line", "pain")],
        top=10,
    )
    assert 'y2="0%"' in html  # 12 is drawn at the top, not above the chart
    assert nice_top(7.3) == 8 and nice_top(101) == 150
    with pytest.raises(ValueError, match="ends on or after"):
        chart(start, start - timedelta(days=1))
