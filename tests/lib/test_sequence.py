from __future__ import annotations

import itertools
from dataclasses import dataclass

import pytest
from hypothesis import given
from hypothesis import strategies as st

from knotless.lib.sequence import (
    GET_READY_SECONDS,
    GRACE_MIN_SECONDS,
    SECONDS_PER_REP,
    STATES,
    Item,
    build,
    item_seconds,
    sides_for,
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


def test_it_times_reps_at_the_exercises_own_tempo_with_a_grace_after() -> None:
    [_, slow] = build([Item("wall-slide", "Wall slide", D(reps=10), seconds_per_rep=4)])
    [_, usual] = build([Item("bridge", "Bridge", D(reps=10))])
    assert (slow.seconds, usual.seconds) == (40, 10 * SECONDS_PER_REP)
    assert slow.grace == 20  # half the guide: room for someone a half slower
    [_, short] = build([Item("nod", "Nod", D(reps=2))])
    assert short.grace == GRACE_MIN_SECONDS
    [_, hold] = build([Item("stretch", "Stretch", D(hold_seconds=30))])
    assert hold.grace == 0  # a hold ends on time


def test_a_right_knot_gets_its_side_first_and_a_release_only_there() -> None:
    dose = D(hold_seconds=25, sets=2, per_side=True, rest_seconds=5)
    stretch = build([Item("s", "Stretch", dose, kind="stretch", knot_sides=("right",))])
    assert [(s.state, s.side) for s in stretch if s.state != "get-ready"] == [
        ("hold", "right"),
        ("rest", ""),
        ("hold", "right"),
        ("switch-side", "left"),
        ("hold", "left"),
    ]
    assert stretch[0].why.startswith("Right side first and twice: your knot is on the right")
    release = build([Item("r", "Release", dose, kind="release", knot_sides=("right",))])
    assert {s.side for s in release} == {"", "right"}
    assert "released where it sits" in release[1].why
    strength = D(reps=10, sets=2, per_side=True)
    rows = build([Item("row", "Row", strength, kind="strength", knot_sides=("left",))])
    assert [s.side for s in rows if s.state == "reps"] == ["left", "right", "left", "right"]
    both = build([Item("s", "Stretch", dose, kind="stretch", knot_sides=("left", "right"))])
    assert [s.side for s in both if s.state == "hold"] == ["left", "right", "left", "right"]
    assert both[0].why == "Left, then right: you have knots on both sides."
    none = build([Item("s", "Stretch", dose, kind="stretch")])
    assert [s.side for s in none if s.state == "hold"] == ["left", "right", "left", "right"]
    assert not any(s.why for s in none)


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


kinds = st.sampled_from(["release", "stretch", "mobility", "strength"])
knot_sides = st.lists(st.sampled_from(["left", "right", "center"]), max_size=3)


@given(kinds, st.booleans(), st.integers(1, 5), knot_sides)
def test_sides_follow_a_one_sided_knot(
    kind: str, per_side: bool, sets: int, sides: list[str]
) -> None:
    plan = sides_for(kind, per_side, sets, sides)
    worked = [side for round_ in plan.rounds for side in round_]
    if not per_side:
        assert worked == [""] * sets and plan.why == ""
        return
    if set(sides) in ({"left"}, {"right"}):
        knot = sides[0]
        other = "right" if knot == "left" else "left"
        assert worked[0] == knot  # the knot's side always comes first
        assert plan.why.startswith(knot.capitalize()) and f"on the {knot}" in plan.why
        if kind == "release":
            assert worked == [knot] * sets  # released where it sits, nowhere else
        elif kind == "strength":
            assert worked.count(knot) == worked.count(other) == sets  # even strength
        else:
            # Stretch and mobility: the knot's side at least twice (2-4 holds), the other once.
            assert worked.count(knot) == max(sets, 2) and worked.count(other) == 1
            assert worked[-1] == other
    else:
        assert plan.rounds == (("left", "right"),) * sets
        assert bool(plan.why) == bool(sides)


@given(items, st.integers(2, 10), knot_sides, kinds)
def test_reps_last_their_tempo_and_sides_keep_the_order_rules(
    chosen: list[Item], tempo: int, sides: list[str], kind: str
) -> None:
    from dataclasses import replace

    chosen = [replace(i, seconds_per_rep=tempo, knot_sides=tuple(sides), kind=kind) for i in chosen]
    steps = build(chosen)
    for step in steps:
        if step.state == "reps":
            dose = chosen[step.item].dose
            per_rep = max(tempo, dose.hold_seconds + 1) if dose.hold_seconds else tempo
            assert step.seconds == dose.reps * per_rep
            assert step.grace >= GRACE_MIN_SECONDS and step.grace >= step.seconds // 2
        else:
            assert step.grace == 0
        assert step.slug == chosen[step.item].slug
    for before, after in itertools.pairwise(steps):
        if before.state == "switch-side":
            assert after.state in ("hold", "reps") and after.side == before.side
        if after.state in ("hold", "reps") and before.state in ("hold", "reps"):
            assert after.side == before.side or not after.side  # a side change is announced


def test_the_dose_in_words_says_which_sides_a_one_sided_knot_gets() -> None:
    from knotless.lib.sequence import Item, build, dose_as_played

    class D:
        hold_seconds, reps, sets, per_side, rest_seconds = 30, 0, 2, True, 5

    words = "hold 30 s × 2 sets, each side, rest 5 s between sets"

    def played(kind: str, sides: tuple[str, ...]) -> str:
        return dose_as_played(words, build([Item("x", "X", D(), kind=kind, knot_sides=sides)]))

    assert (
        played("release", ("right",))
        == "hold 30 s × 2 sets, rest 5 s between sets, right side only"
    )
    assert played("stretch", ("left",)).endswith("left side first and twice, the right side once")
    assert played("strength", ("right",)).endswith("each side, right side first")
    assert played("stretch", ()) == words  # no knot on one side: as written
    assert played("stretch", ("left", "right")) == words
