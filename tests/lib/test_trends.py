from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from knotless.lib.trends import Stall, Trend, stalled, trend

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def at(days_ago: float, pain: int) -> tuple[datetime, int]:
    return (NOW - timedelta(days=days_ago), pain)


def test_it_has_nothing_to_say_without_checkins() -> None:
    assert trend([], NOW) == Trend(None, None, None)


def test_it_gives_no_change_for_a_single_rating() -> None:
    result = trend([at(1, 6)], NOW)
    assert (result.latest, result.change, result.direction) == (6, None, "unknown")


def test_it_compares_with_the_rating_that_stood_a_week_ago() -> None:
    points = [at(20, 9), at(8, 7), at(3, 5), at(0.1, 4)]
    result = trend(points, NOW)
    assert (result.latest, result.change, result.direction) == (4, -3, "better")


def test_it_compares_a_young_knot_with_its_first_rating() -> None:
    result = trend([at(3, 3), at(1, 5)], NOW)
    assert (result.change, result.direction) == (2, "worse")


def test_it_ignores_ratings_in_the_future() -> None:
    result = trend([at(2, 4), at(-1, 9)], NOW)
    assert result.latest == 4


pain = st.integers(0, 10)
offsets = st.floats(min_value=0, max_value=60, allow_nan=False)


@given(st.lists(st.tuples(offsets, pain), min_size=1, max_size=40))
def test_it_reports_a_change_within_the_scale(raw: list[tuple[float, int]]) -> None:
    points = sorted(at(d, p) for d, p in raw)
    result = trend(points, NOW)
    assert result.latest == points[-1][1]
    if result.change is not None:
        assert -10 <= result.change <= 10
        assert result.direction == (
            "better" if result.change < 0 else "worse" if result.change > 0 else "same"
        )


@given(st.lists(st.tuples(offsets, pain), min_size=2, max_size=40))
def test_it_only_needs_the_baseline_and_the_last_week(raw: list[tuple[float, int]]) -> None:
    # The dashboard loads just these points; they must give the same answer as the full history.
    points = sorted(at(d, p) for d, p in raw)
    cutoff = NOW - timedelta(days=7)
    before = [p for p in points if p[0] <= cutoff]
    reduced = before[-1:] + [p for p in points if p[0] > cutoff]
    assert trend(reduced, NOW) == trend(points, NOW)


def daily(start_pain: float, end_pain: float, days: int) -> list[tuple[datetime, int]]:
    """One rating a day moving in a straight line from start_pain to end_pain."""
    return [
        (
            NOW - timedelta(days=days - d),
            round(start_pain + (end_pain - start_pain) * d / (days - 1)),
        )
        for d in range(days)
    ]


def test_it_flags_a_knot_unchanged_after_four_weeks() -> None:
    stall = stalled(daily(6, 6, 30))
    assert stall == Stall(baseline=6.0, recent=6.0, weeks=4)


def test_it_waits_four_weeks_before_judging() -> None:
    assert stalled(daily(6, 6, 27)) is None


@pytest.mark.parametrize(
    ("start", "end", "flagged"),
    [
        (6, 4, False),  # 2 points and 33 %: meaningful
        (10, 7, False),  # 3 points and 30 %
        (9, 7, True),  # 2 points but only 22 %: not yet
        (3, 2, True),  # 33 % but only 1 point
        (8, 7, True),  # 1 point, 12.5 %
        (5, 7, True),  # worse
        (1, 1, False),  # started mild: nothing meaningful to lose
    ],
)
def test_it_needs_two_points_and_thirty_percent(start: int, end: int, flagged: bool) -> None:
    points = [(NOW - timedelta(days=35 - d), start) for d in range(7)] + [
        (NOW - timedelta(days=6 - d), end) for d in range(7)
    ]
    assert (stalled(points) is not None) is flagged
