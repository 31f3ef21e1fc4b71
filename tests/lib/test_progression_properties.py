"""Properties of lib.progression over any sequence of outings, pains and morning answers.

The worked examples are in test_progression.py.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from knotless.lib.progression import Decision, Morning, Outing, Rules, Target, decide

D = Decimal
START = date(2026, 12, 1)
PROGRESS = {"add_load", "add_reps", "harder_variant"}

INCREMENTS = [D("1"), D("2.5"), D("0.5"), D("1.25"), D("5")]
MORNINGS: list[Morning | None] = [None, "better", "same", "worse", "pending"]


@st.composite
def cases(draw: st.DrawFn) -> tuple[Target, list[Outing], Rules, bool]:
    inc = draw(st.sampled_from(INCREMENTS))
    rules = Rules(
        acceptable_pain=draw(st.integers(0, 10)),
        small_step=draw(st.sampled_from([D("0.02"), D("0.025"), D("0.05")])),
        large_step=draw(st.sampled_from([D("0.05"), D("0.075"), D("0.10")])),
        increment_kg=inc,
        step_back=draw(st.sampled_from([D("0.05"), D("0.10"), D("0.2")])),
    )
    low = draw(st.integers(1, 15))
    loaded = draw(st.booleans())
    load = draw(st.integers(0, 80)) * inc if loaded else None
    target = Target(draw(st.integers(1, 5)), low, low + draw(st.integers(0, 6)), load)
    outings = []
    day = START
    for _ in range(draw(st.integers(0, 5))):
        day += timedelta(days=draw(st.integers(0, 4)))
        if loaded and draw(st.booleans()):
            lifted: Decimal | None = draw(st.integers(0, 80)) * inc
        else:
            lifted = draw(st.sampled_from([load, None]))
        outings.append(
            Outing(
                day,
                tuple(draw(st.lists(st.integers(0, 25), min_size=1, max_size=6))),
                lifted,
                draw(st.none() | st.integers(0, 10)),
                draw(st.none() | st.integers(0, 10)),
                draw(st.sampled_from([None, True, False])),
                draw(st.sampled_from(MORNINGS)),
            )
        )
    return target, outings, rules, draw(st.booleans())


def _pain_stops(last: Outing, rules: Rules) -> bool:
    pain = last.pain_during
    return (pain is not None and pain > rules.acceptable_pain) or last.next_morning == "worse"


@given(cases())
def test_pain_worse_or_pending_mornings_never_progress(
    case: tuple[Target, list[Outing], Rules, bool],
) -> None:
    target, outings, rules, small = case
    d = decide(target, outings, small=small, rules=rules)
    if not outings:
        assert d.action == "start" and d.next == target
        return
    last = outings[-1]
    stops = _pain_stops(last, rules)
    assert d.held_by_pain == stops
    if stops or last.next_morning == "pending":
        assert d.action in {"hold", "step_back"}
    if stops and last.pain_during is not None and last.pain_during > rules.acceptable_pain:
        assert f"{last.pain_during}/10" in d.reason
    if stops and last.next_morning == "worse":
        assert "worse the next morning" in d.reason


@given(cases())
def test_a_step_back_never_raises_load_or_reps(
    case: tuple[Target, list[Outing], Rules, bool],
) -> None:
    target, outings, rules, small = case
    d = decide(target, outings, small=small, rules=rules)
    if d.action != "step_back":
        return
    n = d.next
    assert n.sets <= target.sets and n.reps_low <= target.reps_low
    assert n.reps_high <= target.reps_high
    lifted = outings[-1].load_kg
    if target.load_kg is None:
        assert n.load_kg is None
    else:
        assert n.load_kg is not None and n.load_kg <= target.load_kg
        if lifted is not None:
            assert n.load_kg <= lifted
    # Something really is lighter than where it started.
    start = target.load_kg
    if start is not None and lifted is not None:
        start = min(start, lifted)
    lower_load = n.load_kg is not None and start is not None and n.load_kg < start
    assert n.sets < target.sets or n.reps_high < target.reps_high or lower_load


@given(cases())
def test_add_load_raises_by_one_increment_to_ten_percent(
    case: tuple[Target, list[Outing], Rules, bool],
) -> None:
    target, outings, rules, small = case
    d = decide(target, outings, small=small, rules=rules)
    if d.action != "add_load":
        return
    last = outings[-1]
    assert target.load_kg is not None and d.next.load_kg is not None
    base = last.load_kg if last.load_kg is not None else target.load_kg
    raise_ = d.next.load_kg - base
    assert rules.increment_kg <= raise_ <= max(base * D("0.10"), rules.increment_kg)
    assert all(r >= target.reps_high for r in last.reps[: target.sets])
    assert len(last.reps) >= target.sets
    assert (d.next.sets, d.next.reps_low, d.next.reps_high) == (
        target.sets,
        target.reps_low,
        target.reps_high,
    )


@given(cases())
def test_next_load_is_never_negative_and_stays_on_the_increment_grid(
    case: tuple[Target, list[Outing], Rules, bool],
) -> None:
    target, outings, rules, small = case
    d = decide(target, outings, small=small, rules=rules)
    if d.next.load_kg is None:
        assert target.load_kg is None
        return
    assert d.next.load_kg >= 0
    # The strategy only draws loads on the grid, so every answer must be on it too.
    assert d.next.load_kg % rules.increment_kg == 0


@given(cases())
def test_progress_only_follows_the_range(
    case: tuple[Target, list[Outing], Rules, bool],
) -> None:
    target, outings, rules, small = case
    d = decide(target, outings, small=small, rules=rules)
    if d.action not in PROGRESS:
        return
    planned = outings[-1].reps[: target.sets]
    assert len(planned) == target.sets and min(planned) >= target.reps_low
    assert (d.action == "harder_variant") == (target.load_kg is None and d.action != "add_reps")


@given(cases())
def test_decide_is_deterministic_and_reads_only_the_last_two_outings(
    case: tuple[Target, list[Outing], Rules, bool],
) -> None:
    target, outings, rules, small = case
    first = decide(target, outings, small=small, rules=rules)
    assert decide(target, outings, small=small, rules=rules) == first
    assert decide(target, tuple(outings), small=small, rules=rules) == first
    assert decide(target, outings[-2:], small=small, rules=rules) == first
    assert first.reason and first.reason.count(". ") <= 1


@given(cases())
def test_decisions_are_values(case: tuple[Target, list[Outing], Rules, bool]) -> None:
    target, outings, rules, small = case
    d = decide(target, outings, small=small, rules=rules)
    assert isinstance(d, Decision)
    # A fresh, valid target (construction checks it) that can be fed straight back in.
    # A failed set never progresses, whatever came before.
    later = [*outings, Outing(START + timedelta(days=60), (0,), d.next.load_kg, 0, 0, None, None)]
    assert decide(d.next, later, small=small, rules=rules).action in {"hold", "step_back"}
