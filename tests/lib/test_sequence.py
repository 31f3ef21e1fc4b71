from __future__ import annotations

import itertools
from dataclasses import dataclass

import pytest
from hypothesis import given
from hypothesis import strategies as st

from knotless.lib.sequence import (
    GET_READY_SECONDS,
    SECONDS_PER_REP,
    STATES,
    Item,
    build,
    item_seconds,
    total_seconds,
)


@dataclass(frozen=True)
class D:
    hold_seconds: int = 0
    reps: int = 0
    sets: int = 1
    per_side: bool = False
    rest_seconds: int = 0


def states(items: list[Item]) -> list[str]:
    return [s.state for s in build(items)]


def test_it_plays_a_per_side_stretch_with_rests_between_sets() -> None:
    stretch = Item(
        "neck-stretch", "Neck stretch", D(hold_seconds=30, sets=2, per_side=True, rest_seconds=10)
    )
    steps = build([stretch])
    assert [(s.state, s.side, s.set) for s in steps] == [
        ("get-ready", "", 0),
        ("hold", "left", 1),
        ("switch-side", "right", 1),
        ("hold", "right", 1),
        ("rest", "", 1),
        ("hold", "left", 2),
        ("switch-side", "right", 2),
        ("hold", "right", 2),
    ]
    assert steps[1].text == "Neck stretch (left side): hold 30 s, set 1 of 2"
    assert total_seconds(steps) == GET_READY_SECONDS + 4 * 30 + 2 * 5 + 10


def test_it_counts_reps_and_moves_on_to_the_next_exercise() -> None:
    row = Item("row", "One-arm row", D(reps=12, sets=1))
    bridge = Item("bridge", "Glute bridge", D(reps=10, sets=1), cue="Squeeze at the top")
    steps = build([row, bridge])
    assert [s.state for s in steps] == ["get-ready", "reps", "next", "get-ready", "reps"]
    assert (steps[1].reps, steps[1].seconds) == (12, 12 * SECONDS_PER_REP)
    assert steps[2].text == "Next: Glute bridge"
    assert steps[3].text == "Get ready: Glute bridge. Squeeze at the top"


def test_it_times_held_reps_by_their_holds() -> None:
    [_, work] = build([Item("chin-tuck", "Chin tuck", D(reps=10, hold_seconds=5, sets=1))])
    assert (work.state, work.reps, work.seconds) == ("reps", 10, 60)
    assert work.text == "Chin tuck: 10 reps, hold 5 s each"


def test_it_refuses_an_empty_dose() -> None:
    with pytest.raises(ValueError, match="at least one set"):
        build([Item("x", "X", D(sets=1))])


def test_it_times_a_single_exercise() -> None:
    assert item_seconds(D(hold_seconds=60, sets=1)) == GET_READY_SECONDS + 60


doses = st.builds(
    D,
    hold_seconds=st.integers(0, 90),
    reps=st.integers(0, 20),
    sets=st.integers(1, 4),
    per_side=st.booleans(),
    rest_seconds=st.integers(0, 90),
).filter(lambda d: d.hold_seconds or d.reps)
items = st.lists(
    st.builds(Item, slug=st.text("abc", min_size=1, max_size=3), name=st.just("Ex"), dose=doses),
    min_size=1,
    max_size=6,
)


@given(items)
def test_it_follows_the_documented_order(chosen: list[Item]) -> None:
    steps = build(chosen)
    assert all(s.state in STATES for s in steps)
    assert steps[0].state == "get-ready" and steps[-1].state in ("hold", "reps")
    assert sum(s.state == "get-ready" for s in steps) == len(chosen)
    assert sum(s.state == "next" for s in steps) == len(chosen) - 1
    for item in chosen:
        work = [s for s in steps if s.slug == item.slug and s.state in ("hold", "reps")]
        sides = 2 if item.dose.per_side else 1
        assert len(work) >= item.dose.sets * sides
    for before, after in itertools.pairwise(steps):
        if before.state == "rest":
            assert after.state in ("hold", "reps")  # never rest into the next exercise
        if before.state == "switch-side":
            assert after.state in ("hold", "reps") and after.side == before.side


@given(items)
def test_it_adds_up(chosen: list[Item]) -> None:
    steps = build(chosen)
    assert total_seconds(steps) == sum(s.seconds for s in steps)
    assert build(chosen) == steps  # deterministic
    assert all(s.seconds > 0 for s in steps)
