"""The plan and the desk breaks spend the time on the person's own knots."""

from __future__ import annotations

from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from knotless.atlas.muscles import load_muscles
from knotless.atlas.relations import load_relations
from knotless.lib import planner
from knotless.lib.planner import MICRO, MOVEMENT, KnotNeed, Request, desk_break
from knotless.library.exercises import load_exercises

LIBRARY = load_exercises()
NAMES = {m.slug: m.name.lower() for m in load_muscles().values()}
RELATIONS = load_relations()
TODAY = date(2026, 12, 4)
RHOMBOID = KnotNeed(1, "Right medial border of scapula", ("rhomboids",), 5, TODAY, side="right")


def plan(request: Request) -> planner.Plan:
    return planner.plan(request, LIBRARY, NAMES, RELATIONS)


def muscles_of(slug: str) -> set[str]:
    e = LIBRARY[slug]
    return set(e.primary + e.secondary + e.trains)


def test_it_spends_a_floor_plan_on_the_rhomboid_knot_and_what_keeps_it_going() -> None:
    request = Request((RHOMBOID,), 15, "floor", frozenset({"ball", "band"}), TODAY)
    result = plan(request)
    aimed = {"rhomboids"} | set(RELATIONS["rhomboids"].tight) | set(RELATIONS["rhomboids"].weak)
    assert result.items and all(muscles_of(i.slug) & aimed for i in result.items)
    slugs = result.slugs
    assert "upper-back-wall-ball-release" in slugs  # its own release, first
    assert "doorway-chest-stretch" in slugs  # the tight chest keeps it going
    assert any(LIBRARY[s].kind == "strength" for s in slugs)  # and the weakened back
    assert result.seconds <= 15 * 60


def test_a_gym_plan_uses_the_dumbbells() -> None:
    request = Request((RHOMBOID,), 30, "gym", frozenset({"dumbbell"}), TODAY)
    strength = [LIBRARY[s] for s in plan(request).slugs if LIBRARY[s].kind == "strength"]
    assert any("dumbbell" in e.equipment for e in strength)


def test_a_one_sided_knot_gets_its_side() -> None:
    request = Request((RHOMBOID,), 15, "floor", frozenset({"ball"}), TODAY)
    release = next(i for i in plan(request).items if i.slug == "upper-back-wall-ball-release")
    assert release.side == "right"
    assert "Right side only" in release.reason


def test_an_emergency_stops_every_suggestion() -> None:
    request = Request((RHOMBOID,), 30, "gym", frozenset({"dumbbell"}), TODAY, stop="get help")
    result = plan(request)
    assert result.items == () and result.notes == ("get help",)
    for kind in (MICRO, MOVEMENT):
        assert desk_break(request, LIBRARY, NAMES, RELATIONS, kind=kind).items == ()


def test_no_filler_while_a_knot_is_worked_on_and_the_shortfall_is_said() -> None:
    jaw = KnotNeed(2, "Left jaw", ("masseter-superficial",), 4, TODAY, side="left")
    result = plan(Request((jaw,), 45, "floor", frozenset(), TODAY))
    assert result.items and all(i.aimed for i in result.items)
    assert any("everything aimed at your knots" in n for n in result.notes)


def test_a_knot_whose_answers_call_for_gentle_work_gets_no_strength() -> None:
    gentle = KnotNeed(
        1, "Right medial border of scapula", ("rhomboids",), 3, side="right", gentle_only=True
    )
    result = plan(Request((gentle,), 30, "gym", frozenset({"dumbbell", "band"}), TODAY))
    assert result.items and all(i.kind != "strength" for i in result.items)


def test_micro_breaks_are_desk_moves_for_the_knot_and_change_through_the_day() -> None:
    request = Request((RHOMBOID,), 2, "desk", frozenset(), TODAY)
    seen = []
    for turn in range(4):
        result = desk_break(request, LIBRARY, NAMES, RELATIONS, kind=MICRO, turn=turn)
        assert result.items and result.seconds <= 120
        for item in result.items:
            exercise = LIBRARY[item.slug]
            assert exercise.position in ("seated", "standing")
            assert item.knot_ids == (1,) and item.aimed
        seen.append(tuple(result.slugs))
    assert len(set(seen)) > 1, seen


def test_movement_breaks_get_the_person_up() -> None:
    request = Request((RHOMBOID,), 5, "desk", frozenset(), TODAY)
    result = desk_break(request, LIBRARY, NAMES, RELATIONS, kind=MOVEMENT)
    assert result.items and all(
        LIBRARY[i.slug].position in ("standing", "wall") for i in result.items
    )
    assert "walk" in result.notes[0].lower()
    assert result.seconds <= 5 * 60


knots = st.lists(
    st.builds(
        KnotNeed,
        knot_id=st.integers(1, 1000),
        label=st.sampled_from(["A", "B", "C", "D"]),
        muscles=st.sampled_from(sorted(NAMES)).map(lambda m: (m,)),
        pain=st.none() | st.integers(0, 10),
        side=st.sampled_from(["left", "right", "center"]),
    ),
    min_size=1,
    max_size=4,
    unique_by=(lambda k: k.knot_id, lambda k: k.label),
)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(knots, st.integers(1, 10), st.sampled_from([MICRO, MOVEMENT]), st.integers(0, 20))
def test_a_break_never_overruns_and_every_move_is_aimed(
    needs: list[KnotNeed], minutes: int, kind: str, turn: int
) -> None:
    request = Request(tuple(needs), minutes, "desk", frozenset(), TODAY)
    result = desk_break(request, LIBRARY, NAMES, RELATIONS, kind=kind, turn=turn)
    assert result.seconds <= minutes * 60
    assert all(i.aimed and i.knot_ids for i in result.items)


def test_with_no_knots_a_break_is_easy_all_round_moves_said_as_such() -> None:
    request = Request((), 2, "desk", frozenset(), TODAY)
    result = desk_break(request, LIBRARY, NAMES, RELATIONS, kind=MICRO)
    assert result.items and all("no active knots" in i.reason for i in result.items)
    assert all(LIBRARY[i.slug].desk for i in result.items)
