"""Worked examples for lib.progression; the properties are in test_progression_properties.py."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from knotless.lib.progression import (
    Morning,
    Outing,
    Rules,
    Target,
    decide,
    heavier,
)

D = Decimal
START = date(2026, 12, 1)
TWENTY = D("20")


def out(
    n: int,
    reps: tuple[int, ...],
    load: Decimal | None = TWENTY,
    *,
    rir: int | None = None,
    pain: int | None = None,
    knot: bool | None = None,
    morning: Morning | None = None,
) -> Outing:
    return Outing(START + timedelta(days=n), reps, load, rir, pain, knot, morning)


T20 = Target(3, 8, 12, D("20"))
BW = Target(3, 8, 12, None)


# --- start -------------------------------------------------------------------------------


@pytest.mark.parametrize("target", [T20, BW, Target(1, 5, 5, D("0"))])
def test_no_outings_starts_with_the_target_unchanged(target: Target) -> None:
    d = decide(target, [], small=True)
    assert d.action == "start" and d.next == target and not d.held_by_pain
    assert "start with" in d.reason


def test_start_reason_spells_out_the_dose() -> None:
    assert "3 × 8–12 at 20 kg" in decide(T20, [], small=True).reason
    assert "1 × 5." in decide(Target(1, 5, 5, None), [], small=True).reason


# --- add load ------------------------------------------------------------------------------


def test_small_lift_at_the_top_adds_one_increment() -> None:
    # 2.5 % of 20 kg is 0.5 kg, which rounds up to one 1-kg increment.
    d = decide(T20, [out(0, (12, 12, 12), rir=2)], small=True)
    assert d.action == "add_load" and not d.held_by_pain
    assert d.next == Target(3, 8, 12, D("21"))
    assert d.reason == (
        "You did 12, 12, 12 at 20 kg with 2 in reserve, the top of the range on every set: "
        "add 1 kg (5 %), to 21 kg, and aim for 8 reps a set again."
    )


def test_large_lift_adds_five_percent() -> None:
    t = Target(3, 8, 12, D("100"))
    d = decide(t, [out(0, (12, 12, 12), D("100"))], small=False)
    assert d.action == "add_load" and d.next.load_kg == D("105")
    assert "add 5 kg (5 %), to 105 kg" in d.reason


def test_small_and_large_differ_on_a_heavy_lift() -> None:
    t = Target(3, 8, 12, D("100"))
    small = decide(t, [out(0, (12, 12, 12), D("100"))], small=True)
    assert small.next.load_kg == D("103")  # 2.5 kg rounds half up to 3 whole kilograms


@pytest.mark.parametrize(
    ("load", "step", "increment", "expected"),
    [
        (D("60"), D("0.05"), D("2.5"), D("62.5")),  # 3 kg is nearer one 2.5-kg step than two
        (D("40"), D("0.025"), D("2.5"), D("42.5")),  # 1 kg is less than a step: one step
        (D("10"), D("0.05"), D("2.5"), D("12.5")),  # one step is 25 %, but one is the least
        (D("40"), D("0.10"), D("2.5"), D("42.5")),  # 4 kg would round to 5 kg, over 10 %
        (D("0"), D("0.05"), D("1"), D("1")),
        (D("22.5"), D("0.025"), D("1"), D("23.5")),  # off-grid loads move by whole steps
    ],
)
def test_heavier(load: Decimal, step: Decimal, increment: Decimal, expected: Decimal) -> None:
    assert heavier(load, step, increment) == expected


def test_load_at_zero_kg_has_no_percentage() -> None:
    d = decide(Target(2, 5, 8, D("0")), [out(0, (8, 8), D("0"))], small=False)
    assert d.next.load_kg == D("1")
    assert "add 1 kg, to 1 kg" in d.reason


def test_extra_sets_beyond_the_plan_are_not_judged() -> None:
    d = decide(T20, [out(0, (12, 12, 12, 4))], small=True)
    assert d.action == "add_load"


def test_reps_above_the_top_count_as_the_top() -> None:
    d = decide(T20, [out(0, (15, 13, 12), rir=0)], small=True)
    assert d.action == "add_load"
    assert "with nothing in reserve" in d.reason


def test_the_load_actually_lifted_is_the_one_progressed() -> None:
    planned = Target(3, 8, 12, D("21"))
    d = decide(planned, [out(0, (12, 12, 12), D("20"))], small=True)
    assert d.action == "add_load" and d.next.load_kg == D("21")
    assert "at 20 kg (planned 21 kg)" in d.reason


def test_an_outing_without_a_load_uses_the_planned_one() -> None:
    d = decide(T20, [out(0, (12, 12, 12), None)], small=True)
    assert d.next.load_kg == D("21")


# --- harder variant ------------------------------------------------------------------------


def test_bodyweight_at_the_top_suggests_a_harder_variant() -> None:
    d = decide(BW, [out(0, (12, 12, 12), None)], small=True)
    assert d.action == "harder_variant" and d.next == BW and not d.held_by_pain
    assert "harder version" in d.reason and "8 reps" in d.reason


def test_bodyweight_target_ignores_a_recorded_load() -> None:
    d = decide(BW, [out(0, (12, 12, 12), D("10"))], small=True)
    assert d.action == "harder_variant" and d.next.load_kg is None


# --- add reps ------------------------------------------------------------------------------


def test_inside_the_range_aims_for_one_more_rep() -> None:
    d = decide(T20, [out(0, (12, 10, 9))], small=True)
    assert d.action == "add_reps" and d.next == T20 and not d.held_by_pain
    assert d.reason == (
        "You did 12, 10, 9 at 20 kg: keep 20 kg and aim for one more rep on each set below 12."
    )


def test_bodyweight_inside_the_range_aims_for_one_more_rep() -> None:
    d = decide(BW, [out(0, (8, 8, 8), None)], small=False)
    assert d.action == "add_reps" and d.next == BW
    assert "keep going" in d.reason


def test_exactly_the_bottom_of_the_range_is_not_a_miss() -> None:
    assert decide(T20, [out(0, (8, 8, 8))], small=True).action == "add_reps"


# --- hold and two misses -------------------------------------------------------------------


def test_a_set_below_the_range_holds() -> None:
    d = decide(T20, [out(0, (10, 8, 6))], small=True)
    assert d.action == "hold" and d.next == T20 and not d.held_by_pain
    assert "1 set short of 8 reps" in d.reason


def test_fewer_sets_than_planned_holds() -> None:
    d = decide(T20, [out(0, (12, 12))], small=True)
    assert d.action == "hold"
    assert "1 planned set not done" in d.reason


def test_a_failed_set_holds() -> None:
    assert decide(T20, [out(0, (12, 12, 0))], small=True).action == "hold"


def test_two_misses_in_a_row_at_the_same_load_step_back() -> None:
    d = decide(T20, [out(0, (8, 7, 6)), out(3, (8, 6, 6))], small=True)
    assert d.action == "step_back" and not d.held_by_pain
    assert d.next == Target(3, 8, 12, D("18"))
    assert "second time in a row" in d.reason and "still counts" in d.reason


def test_two_misses_at_different_loads_only_hold() -> None:
    d = decide(T20, [out(0, (6, 6, 6), D("22")), out(3, (8, 6, 6))], small=True)
    assert d.action == "hold"


def test_a_miss_after_a_good_outing_only_holds() -> None:
    outings = [out(0, (6, 6, 6)), out(2, (9, 9, 9)), out(4, (8, 6, 6))]
    assert decide(T20, outings, small=True).action == "hold"


def test_a_miss_before_the_last_outing_does_not_stop_progress() -> None:
    outings = [out(0, (6, 6, 6)), out(2, (12, 12, 12))]
    assert decide(T20, outings, small=True).action == "add_load"


# --- pain ----------------------------------------------------------------------------------


def test_pain_above_the_limit_steps_back_and_names_the_number() -> None:
    d = decide(T20, [out(0, (12, 12, 12), pain=6, knot=True)], small=True)
    assert d.action == "step_back" and d.held_by_pain
    assert d.next == Target(3, 8, 12, D("18"))
    assert d.reason == (
        "Pain reached 6/10 (your familiar knot) during this exercise, above your limit of 3: "
        "step back to 3 × 8–12 at 18 kg. "
        "Only this exercise changes, and your progress so far still counts."
    )


def test_pain_at_the_limit_does_not_stop_progress() -> None:
    d = decide(T20, [out(0, (12, 12, 12), pain=3, knot=True)], small=True)
    assert d.action == "add_load" and not d.held_by_pain


def test_the_limit_can_be_raised() -> None:
    outing = out(0, (12, 12, 12), pain=4)
    assert decide(T20, [outing], small=True).action == "step_back"
    assert decide(T20, [outing], small=True, rules=Rules(acceptable_pain=4)).action == "add_load"


def test_the_limit_can_be_lowered() -> None:
    d = decide(T20, [out(0, (12, 12, 12), pain=1)], small=True, rules=Rules(acceptable_pain=0))
    assert d.action == "step_back" and "above your limit of 0" in d.reason


def test_a_worse_morning_steps_back() -> None:
    d = decide(T20, [out(0, (12, 12, 12), pain=2, morning="worse")], small=True)
    assert d.action == "step_back" and d.held_by_pain
    assert d.reason.startswith("The knot was worse the next morning: step back to")


def test_pain_and_a_worse_morning_are_both_named() -> None:
    d = decide(T20, [out(0, (12, 12, 12), pain=7, morning="worse")], small=True)
    assert "7/10" in d.reason and "worse the next morning" in d.reason


@pytest.mark.parametrize("morning", ["better", "same", None])
def test_a_morning_not_worse_lets_progress_through(morning: Morning | None) -> None:
    assert decide(T20, [out(0, (12, 12, 12), morning=morning)], small=True).action == "add_load"


def test_only_the_last_outing_s_pain_counts() -> None:
    outings = [out(0, (12, 12, 12), pain=8, morning="worse"), out(3, (12, 12, 12), pain=1)]
    assert decide(T20, outings, small=True).action == "add_load"


def test_pending_morning_holds_without_blaming_pain() -> None:
    d = decide(T20, [out(0, (12, 12, 12), morning="pending")], small=True)
    assert d.action == "hold" and d.next == T20 and not d.held_by_pain
    assert "Waiting for your answer" in d.reason


def test_pain_outranks_a_pending_morning() -> None:
    d = decide(T20, [out(0, (12, 12, 12), pain=5, morning="pending")], small=True)
    assert d.action == "step_back" and d.held_by_pain


@pytest.mark.parametrize(
    ("planned", "lifted", "increment", "expected"),
    [
        (D("21"), D("21"), D("1"), D("18")),  # 18.9 rounds down
        (D("22.5"), D("22.5"), D("2.5"), D("20")),  # 20.25 rounds down
        (D("1"), D("1"), D("1"), D("0")),  # never below 0
        (D("20"), D("25"), D("1"), D("18")),  # from the lighter of planned and lifted
        (D("30"), D("20"), D("1"), D("18")),
    ],
)
def test_step_back_rounds_down_to_the_increment(
    planned: Decimal, lifted: Decimal, increment: Decimal, expected: Decimal
) -> None:
    d = decide(
        Target(3, 8, 12, planned),
        [out(0, (10, 10, 10), lifted, pain=6)],
        small=False,
        rules=Rules(increment_kg=increment),
    )
    assert d.action == "step_back" and d.next == Target(3, 8, 12, expected)


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        (Target(3, 8, 12, None), Target(3, 6, 10, None)),
        (Target(3, 1, 2, None), Target(3, 1, 1, None)),
        (Target(3, 1, 1, None), Target(2, 1, 1, None)),
        (Target(2, 5, 8, D("0")), Target(2, 3, 6, D("0"))),  # 0 kg cannot go lower
    ],
)
def test_step_back_without_load_lowers_reps_then_sets(target: Target, expected: Target) -> None:
    lifted = target.load_kg
    d = decide(target, [out(0, (1,), lifted, morning="worse")], small=True)
    assert d.action == "step_back" and d.held_by_pain and d.next == expected


def test_nothing_lighter_than_one_rep_holds_and_suggests_an_easier_version() -> None:
    t = Target(1, 1, 1, None)
    d = decide(t, [out(0, (1,), None, pain=9)], small=True)
    assert d.action == "hold" and d.held_by_pain and d.next == t
    assert "9/10" in d.reason and "easier version" in d.reason


# --- validation ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((0, 8, 12, None), "Sets"),
        ((11, 8, 12, None), "Sets"),
        ((3, 0, 12, None), "Reps"),
        ((3, 8, 101, None), "Reps"),
        ((3, 12, 8, None), "lowest reps"),
        ((3, 8, 12, D("-1")), "negative"),
        ((3, 8, 12, D("NaN")), "number"),
        ((3, 8, 12, 20.0), "number"),
    ],
)
def test_impossible_targets_are_refused(args: tuple[object, ...], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Target(*args)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"reps": ()}, "at least one set"),
        ({"reps": (10, -1)}, "Reps in a set"),
        ({"pain": 11}, "Pain must be between 0 and 10"),
        ({"pain": -1}, "Pain must be between 0 and 10"),
        ({"rir": -1}, "Reps in reserve"),
        ({"load": D("-2.5")}, "negative"),
        ({"morning": "awful"}, "next morning"),
    ],
)
def test_impossible_outings_are_refused(kwargs: dict[str, object], message: str) -> None:
    args: dict[str, object] = {"reps": (10, 10, 10), **kwargs}
    with pytest.raises(ValueError, match=message):
        out(0, **args)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"acceptable_pain": 11}, "acceptable pain"),
        ({"small_step": D("0")}, "load step"),
        ({"large_step": D("0.2")}, "load step"),
        ({"increment_kg": D("0")}, "smallest load change"),
        ({"step_back": D("1")}, "step back"),
    ],
)
def test_impossible_rules_are_refused(kwargs: dict[str, Decimal | int], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Rules(**kwargs)  # type: ignore[arg-type]


def test_outings_out_of_date_order_are_refused() -> None:
    with pytest.raises(ValueError, match="date order"):
        decide(T20, [out(3, (10, 10, 10)), out(1, (12, 12, 12))], small=True)


def test_two_outings_on_one_day_are_fine() -> None:
    d = decide(T20, [out(1, (10, 10, 10)), out(1, (12, 12, 12))], small=True)
    assert d.action == "add_load"
