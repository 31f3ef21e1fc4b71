from __future__ import annotations

import itertools
import random
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from knotless.lib.experiments import Phase, analyse, arm_on, schedule
from knotless.lib.patterns import Day

START = date(2026, 5, 4)


def run(
    seed: int,
    effect: float,
    *,
    phases: int = 4,
    days_per_phase: int = 7,
    noise: float = 0.6,
    missing: float = 0.0,
    follow: float = 1.0,
) -> tuple[list[Day], list[Phase], dict[date, bool]]:
    """Pain over an experiment: AR(1) around 5, ``effect`` on the days the thing is done."""
    plan = schedule(START, phases=phases, days_per_phase=days_per_phase, seed=seed)
    rng = random.Random(seed)
    u = 0.0
    days, adherence = [], {}
    for i in range(phases * days_per_phase):
        when = START + timedelta(days=i)
        arm = arm_on(plan, when)
        did = (arm == "B") == (rng.random() < follow)
        adherence[when] = (arm == "B") == did
        u = 0.5 * u + rng.gauss(0, noise)
        pain = 5.0 + u + (effect if did else 0.0)
        days.append(Day(when, None if rng.random() < missing else pain, {}))
    return days, plan, adherence


@given(
    st.integers(min_value=0, max_value=2**32),
    st.integers(min_value=4, max_value=8),
    st.integers(min_value=3, max_value=7),
)
def test_a_schedule_is_fixed_by_its_seed_alternates_and_has_the_right_lengths(
    seed: int, phases: int, days: int
) -> None:
    plan = schedule(START, phases=phases, days_per_phase=days, seed=seed)
    assert plan == schedule(START, phases=phases, days_per_phase=days, seed=seed)
    assert len(plan) == phases
    assert plan[0].start == START
    for a, b in itertools.pairwise(plan):
        assert a.arm != b.arm
        assert b.start == a.end + timedelta(days=1)
    assert all((p.end - p.start).days + 1 == days for p in plan)


def test_both_orders_are_drawn() -> None:
    firsts = {schedule(START, seed=s)[0].arm for s in range(40)}
    assert firsts == {"A", "B"}


@pytest.mark.parametrize(("phases", "days"), [(3, 7), (9, 7), (4, 2), (4, 8)])
def test_a_schedule_outside_the_limits_is_refused(phases: int, days: int) -> None:
    with pytest.raises(ValueError, match="phase"):
        schedule(START, phases=phases, days_per_phase=days, seed=1)


def test_arm_on_reads_the_phase_of_a_day() -> None:
    plan = schedule(START, phases=4, days_per_phase=3, seed=2)
    assert arm_on(plan, START) == plan[0].arm
    assert arm_on(plan, START + timedelta(days=3)) == plan[1].arm
    assert arm_on(plan, START + timedelta(days=11)) == plan[3].arm
    assert arm_on(plan, START - timedelta(days=1)) is None
    assert arm_on(plan, START + timedelta(days=12)) is None


def test_a_clear_benefit_is_found() -> None:
    days, plan, adherence = run(3, -2.0)
    result = analyse(days, plan, adherence)
    e = result.effect
    assert e.enough and e.shown
    assert e.low < -2.0 < e.high or abs(e.mean + 2.0) < 0.5
    assert (result.days_a, result.days_b, result.phases_rated) == (14, 14, 4)
    assert result.adherence == 1.0 and result.complete


def test_no_effect_is_rarely_shown_and_usually_covered() -> None:
    shown = covered = 0
    for seed in range(60):
        days, plan, adherence = run(100 + seed, 0.0, missing=0.2)
        e = analyse(days, plan, adherence).effect
        shown += e.shown
        covered += e.low <= 0.0 <= e.high
    assert shown <= 6
    assert covered >= 42


def test_analysis_is_by_phase_not_by_adherence() -> None:
    days, plan, adherence = run(5, -1.0, follow=0.7)
    flipped = {when: not done for when, done in adherence.items()}
    a, b = analyse(days, plan, adherence), analyse(days, plan, flipped)
    assert a.effect == b.effect
    assert a.adherence is not None and b.adherence is not None
    assert a.adherence + b.adherence == pytest.approx(1.0)
    assert 0.5 < a.adherence < 0.9


def test_an_unfinished_experiment_says_what_is_missing() -> None:
    days, plan, adherence = run(6, -1.0)
    early = [d for d in days if d.day < plan[2].start]
    result = analyse(early, plan, adherence)
    assert not result.effect.enough and not result.effect.shown and not result.complete
    assert "two phases of each kind" in result.effect.needed
    nothing = analyse([], plan, {})
    assert nothing.adherence is None and nothing.phases_rated == 0
    assert not nothing.effect.shown and "more rated days" in nothing.effect.needed


def test_days_without_pain_and_days_outside_the_phases_change_nothing() -> None:
    days, plan, adherence = run(7, -1.0)
    before = [Day(START - timedelta(days=i), 8.0, {}) for i in range(1, 10)]
    blanks = [Day(d.day, None, {}) for d in days]
    base = analyse(days, plan, adherence)
    assert analyse(before + days + blanks, plan, adherence).effect == base.effect
    assert analyse(list(reversed(days)), plan, adherence) == base
