from __future__ import annotations

import math
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from knotless.lib.load import (
    EVIDENCE_NOTE,
    JUMP_WORDS,
    MAX_LOAD,
    NOT_ENOUGH,
    daily_loads,
    ewma,
    monotony,
    ratio,
    series,
    session_load,
    smoothing,
    strain,
    summarise,
    weekly_totals,
)

START = date(2026, 9, 7)  # a Monday, though nothing depends on it


def day(n: int) -> date:
    return START + timedelta(days=n)


def every_day(load: float, days: int, first: int = 0) -> list[tuple[date, float]]:
    return [(day(first + i), load) for i in range(days)]


def test_smoothing_weights_follow_two_over_n_plus_one() -> None:
    assert smoothing(7) == 0.25
    assert smoothing(28) == pytest.approx(0.0690, abs=1e-4)
    assert smoothing(28) == 2 / 29
    with pytest.raises(ValueError, match="whole number"):
        smoothing(0)


def test_session_load_is_effort_times_minutes() -> None:
    assert session_load(6, 40) == 240
    assert session_load(0, 90) == 0
    for effort, minutes in [(11, 10), (-1, 10), (math.nan, 10), (5, math.inf), (5, 1441)]:
        with pytest.raises(ValueError, match=r"effort|minutes"):
            session_load(effort, minutes)


def test_ewma_starts_from_the_first_day_and_follows_the_formula() -> None:
    assert ewma([100, 0, 0], 7) == [100, 75, 56.25]
    chronic = ewma([100, 200], 28)
    assert chronic[1] == pytest.approx(200 * 2 / 29 + 100 * 27 / 29)


def test_rest_days_count_as_zero_and_same_day_sessions_add_up() -> None:
    daily = daily_loads([(day(3), 100), (day(0), 200), (day(0), 50), (day(9), 400)], day(5))
    assert daily == [
        (day(0), 250),
        (day(1), 0),
        (day(2), 0),
        (day(3), 100),
        (day(4), 0),
        (day(5), 0),
    ]
    assert daily_loads([(day(9), 400)], day(5)) == []
    with pytest.raises(ValueError, match="AU"):
        daily_loads([(day(0), -1)], day(1))
    with pytest.raises(ValueError, match="AU"):
        daily_loads([(day(0), math.nan)], day(1))


def test_ratio_has_no_value_without_a_chronic_load() -> None:
    assert ratio(0, 0) is None
    assert ratio(3, 2) == 1.5


def test_a_constant_load_settles_at_a_ratio_of_one() -> None:
    points = series(daily_loads(every_day(300, 60), day(59)))
    for point in points[28:]:
        assert point.ratio == pytest.approx(1.0)


def test_a_break_lets_both_averages_fall() -> None:
    points = series(daily_loads(every_day(300, 30), day(44)))
    assert points[-1].acute < 10 < points[-1].chronic < 300
    assert points[-1].ratio is not None and points[-1].ratio < 0.1


def test_weeks_end_on_the_last_day_and_the_oldest_may_be_short() -> None:
    daily = daily_loads(every_day(100, 10), day(9))
    weeks = weekly_totals(daily)
    assert [(w.start, w.end, w.total, w.whole) for w in weeks] == [
        (day(0), day(2), 300, False),
        (day(3), day(9), 700, True),
    ]
    assert weeks[1].change is None  # a short week is no yardstick


def test_week_over_week_change() -> None:
    sessions = every_day(100, 21) + every_day(50, 7, first=14)  # a second session a day
    weeks = weekly_totals(daily_loads(sessions, day(20)))
    assert [w.total for w in weeks] == [700, 700, 1050]
    assert (weeks[1].change, weeks[1].change_pct) == (0, 0)
    assert weeks[2].change == 350
    assert weeks[2].change_pct == pytest.approx(50)


def test_monotony_and_strain_of_a_hand_made_week() -> None:
    week = [300.0, 0, 400, 0, 500, 0, 200]
    # Mean 200; deviations 100, -200, 200, -200, 300, -200, 0; squares sum to 260 000.
    sd = math.sqrt(260_000 / 7)
    assert monotony(week) == pytest.approx(200 / sd)
    assert strain(week) == pytest.approx(1400 * 200 / sd)
    assert monotony([300.0] * 7) is None
    assert strain([300.0] * 7) is None


def test_the_summary_carries_the_weeks_monotony_and_strain() -> None:
    week = [300.0, 0, 400, 0, 500, 0, 200]
    sessions = every_day(200, 35) + [(day(35 + i), load) for i, load in enumerate(week)]
    summary = summarise(sessions, day(41))
    assert summary.week is not None and summary.week.total == 1400
    assert summary.monotony == pytest.approx(monotony(week))
    assert summary.strain == pytest.approx(strain(week))
    assert summary.weeks_before_mean == 1400
    assert not summary.jump


def test_nothing_is_judged_before_28_days() -> None:
    # Almost four calm weeks, then one very hard day on day 27: still too early to judge.
    sessions = [*every_day(100, 27), (day(27), 1000)]
    early = summarise(sessions, day(27))
    assert not early.enough_history and not early.jump
    assert early.message == NOT_ENOUGH
    on_time = summarise([*every_day(100, 28), (day(28), 1000)], day(28))
    assert on_time.enough_history
    assert on_time.jump


def test_a_doubled_week_flags_an_unusually_large_jump() -> None:
    sessions = every_day(300, 42) + every_day(600, 7, first=42)
    summary = summarise(sessions, day(48))
    assert summary.weeks_before_mean == 2100
    assert summary.jump
    assert any("mean of the 4 weeks before" in reason for reason in summary.reasons)
    assert JUMP_WORDS in summary.message and EVIDENCE_NOTE in summary.message
    assert "risk" not in summary.message.lower()
    # The EWMA ratio after a doubled week is about 1.34: under 1.5, so only the weekly rule.
    assert summary.ratio == pytest.approx(1.34, abs=0.01)
    assert len(summary.reasons) == 1


def test_a_steady_fortnight_does_not_flag() -> None:
    summary = summarise(every_day(300, 49), day(48))
    assert summary.enough_history and not summary.jump and summary.message == ""
    assert summary.ratio == pytest.approx(1.0)


def test_the_ratio_rule_flags_on_its_own_and_thresholds_can_move() -> None:
    # Five calm weeks, then two very hard days: the acute average races ahead.
    sessions = [*every_day(100, 40), (day(40), 900), (day(41), 900)]
    summary = summarise(sessions, day(41))
    assert summary.ratio is not None and summary.ratio >= 1.5
    assert summary.jump
    assert not summarise(sessions, day(41), ratio_jump=4, week_jump=4).jump
    with pytest.raises(ValueError, match="threshold"):
        summarise(sessions, day(41), ratio_jump=math.nan)


def test_specks_of_load_cannot_blow_the_comparisons_up() -> None:
    # A week whose only load is the smallest float, then a full one: without rounding the
    # daily loads, the per-cent change and the weekly comparison would divide by almost 0.
    sessions = [(day(0), 5e-324), *every_day(1e5, 7, first=7), (day(34), 5e-324)]
    daily = daily_loads(sessions, day(41))
    assert all(_finite(w.change_pct) for w in weekly_totals(daily))
    summary = summarise([*sessions, (day(41), MAX_LOAD)], day(41))
    assert all(_finite(n) for n in (summary.ratio, summary.monotony, summary.strain))
    assert not any("inf" in reason or "nan" in reason for reason in summary.reasons)


def test_no_sessions_means_no_history() -> None:
    summary = summarise([], day(0))
    assert not summary.enough_history and summary.ratio is None and summary.week is None


# --- properties ---------------------------------------------------------------------------

load_values = st.one_of(
    st.floats(0, MAX_LOAD, allow_nan=False, allow_infinity=False),
    st.sampled_from([0.0, 5e-324, 1e-300, 0.004, 0.005, MAX_LOAD]),
)
session_lists = st.lists(st.tuples(st.integers(0, 120).map(day), load_values), max_size=60)


def _finite(value: float | None) -> bool:
    return value is None or math.isfinite(value)


@given(session_lists, st.integers(0, 150).map(day))
def test_no_nan_or_infinity_comes_out(sessions: list[tuple[date, float]], today: date) -> None:
    summary = summarise(sessions, today)
    numbers = [
        summary.acute,
        summary.chronic,
        summary.ratio,
        summary.weeks_before_mean,
        summary.monotony,
        summary.strain,
    ]
    if summary.week is not None:
        numbers += [summary.week.total, summary.week.change, summary.week.change_pct]
    assert all(_finite(n) for n in numbers)
    assert not any("inf" in reason or "nan" in reason for reason in summary.reasons)
    daily = daily_loads(sessions, today)
    for point in series(daily):
        assert all(_finite(n) for n in (point.load, point.acute, point.chronic, point.ratio))
    for week in weekly_totals(daily):
        assert all(_finite(n) for n in (week.total, week.change, week.change_pct))


@given(session_lists, st.integers(0, 150).map(day))
def test_the_ratio_is_missing_exactly_when_the_chronic_load_is_zero(
    sessions: list[tuple[date, float]], today: date
) -> None:
    for point in series(daily_loads(sessions, today)):
        assert (point.ratio is None) == (point.chronic == 0)
    summary = summarise(sessions, today)
    assert (summary.ratio is None) == (summary.chronic == 0)


@given(session_lists, st.integers(0, 150).map(day))
def test_no_flag_without_28_days(sessions: list[tuple[date, float]], today: date) -> None:
    summary = summarise(sessions, today)
    daily = daily_loads(sessions, today)
    assert summary.enough_history == (bool(daily) and (today - daily[0][0]).days >= 28)
    if not summary.enough_history:
        assert not summary.jump and summary.message == NOT_ENOUGH


def test_the_papers_point_same_rolling_ratio_different_ewma_ratios() -> None:
    """Williams et al. 2017: athletes with the same rolling-average ratio (1.43 in the paper)
    had EWMA ratios of 1.25, 1.41 and 1.55, because the EWMA weighs recent days more. The
    paper's raw loads are not published, so this rebuilds its situation: three weeks of steady
    load, then an acute week of the same total spread early, evenly or late."""
    base = [100.0] * 21
    acute_total = 3 * 700 * 1.43 / (4 - 1.43)  # rolling ratio = acute / mean of the 4 weeks
    spreads = {
        "early": [acute_total / 3] * 3 + [0.0] * 4,
        "even": [acute_total / 7] * 7,
        "late": [0.0] * 4 + [acute_total / 3] * 3,
    }
    ratios = {}
    for name, week in spreads.items():
        loads = base + week
        rolling = sum(loads[-7:]) / (sum(loads[-28:]) / 4)
        assert rolling == pytest.approx(1.43)
        acute, chronic = ewma(loads, 7)[-1], ewma(loads, 28)[-1]
        ratios[name] = acute / chronic
    # Same rolling ratio, three different EWMA ratios, in the order of recency, spanning a
    # range like the paper's (1.25 to 1.55).
    assert ratios["early"] < ratios["even"] < ratios["late"]
    assert ratios["late"] - ratios["early"] > 0.3
