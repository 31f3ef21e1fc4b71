"""The gym lift figures and their weights: barbell, trap bar, kettlebell, goblet dumbbell, bench.

What a lifter checks on a side-view video, checked on the keyframes: the bar stays over the
middle of the foot, the loaded bar starts on the floor with the feet flat, the back stays in line
with the pelvis while the hips fold, the hands are on the bar, and the bench presser lies on the
bench with the feet on the floor.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from typing import Any

import pytest

from knotless.atlas.regions import AtlasDataError
from knotless.library.figure import render
from knotless.library.figure.film import film_scenes
from knotless.library.figure.geometry import W_TRUNK_SIDE, placed_body
from knotless.library.figure.spec import BENCH_TOP, PLATE_RADIUS, WEIGHTS, FigureSpec
from knotless.library.figure.weights import bell_centre, grip, lowest_point, weight_centre
from knotless.library.figures import load_figures, validate_figure
from knotless.library.skeleton import Body

FIGURES = load_figures()
LIFTS = [
    "deadlift",
    "romanian-deadlift",
    "trap-bar-deadlift",
    "back-squat",
    "goblet-squat",
    "barbell-row",
    "bench-press",
    "overhead-press",
    "kettlebell-swing",
]
HINGES = ["deadlift", "romanian-deadlift", "trap-bar-deadlift", "barbell-row", "kettlebell-swing"]
# Lifts whose bar must stay over the middle of the foot in every keyframe (cm of slack).
OVER_MIDFOOT = ["deadlift", "romanian-deadlift", "trap-bar-deadlift", "back-squat"]
SLACK = 3.0
SVG = "{http://www.w3.org/2000/svg}"


def _bodies(slug: str) -> list[Body]:
    keys, _, _ = film_scenes(FIGURES[slug])
    return [scene.body for scene in keys]


def _weight(slug: str) -> Any:
    return next(p for p in FIGURES[slug].props if p.kind in WEIGHTS or p.at == "hands")


def _midfoot(body: Body) -> float:
    return (body.points["heel_r"][0] + body.points["toe_r"][0]) / 2


def _soles(body: Body) -> float:
    return min(body.points[f"{part}_{side}"][1] for part in ("heel", "toe") for side in "lr")


def test_every_lift_has_a_side_view_figure_with_its_weight() -> None:
    for slug in LIFTS:
        spec = FIGURES[slug]
        assert spec.view == "side", slug
        assert 2 <= len(spec.frames) <= 4, slug
        assert any(p.kind in WEIGHTS or p.at == "hands" for p in spec.props), slug


@pytest.mark.parametrize("slug", OVER_MIDFOOT)
def test_the_bar_stays_over_the_middle_of_the_foot(slug: str) -> None:
    for n, body in enumerate(_bodies(slug)):
        bar = weight_centre(body, _weight(slug))
        assert abs(bar[0] - _midfoot(body)) <= SLACK, (slug, n, bar[0], _midfoot(body))


def test_the_press_and_the_row_finish_and_start_over_the_middle_of_the_foot() -> None:
    press = _bodies("overhead-press")[-1]
    assert abs(weight_centre(press, _weight("overhead-press"))[0] - _midfoot(press)) <= SLACK
    row = _bodies("barbell-row")[0]
    assert abs(weight_centre(row, _weight("barbell-row"))[0] - _midfoot(row)) <= SLACK


@pytest.mark.parametrize("slug", ["deadlift", "trap-bar-deadlift"])
def test_a_pull_from_the_floor_starts_with_the_plates_and_the_feet_on_the_floor(slug: str) -> None:
    start = _bodies(slug)[0]
    assert lowest_point(start, _weight(slug)) == pytest.approx(0.0, abs=1.5)
    assert _soles(start) == pytest.approx(4.0)  # not lifted off the floor by the plates


@pytest.mark.parametrize("slug", [s for s in LIFTS if s != "bench-press"])
def test_standing_lifters_keep_both_feet_on_the_floor(slug: str) -> None:
    for n, body in enumerate(_bodies(slug)):
        assert _soles(body) == pytest.approx(4.0), (slug, n)
        assert lowest_point(body, _weight(slug)) >= -0.01, (slug, n)  # nothing under the floor


@pytest.mark.parametrize("slug", HINGES)
def test_a_hinge_folds_at_the_hips_with_the_back_in_line(slug: str) -> None:
    spec = FIGURES[slug]
    pitches = [frame.get("root", (0.0,))[0] for frame in spec.frames]
    assert max(pitches) >= 45  # the trunk leans well forward in some keyframe ...
    for frame in spec.frames:
        assert frame.get("trunk", (0.0,))[0] == 0  # ... from the hips: the back does not round


def test_the_hands_hold_the_bar_across_the_back_in_the_squat() -> None:
    for body in _bodies("back-squat"):
        bar = weight_centre(body, _weight("back-squat"))
        for side in "lr":
            hand = grip(body, side)
            assert math.dist(hand[:2], bar[:2]) < 4.0  # on the bar, seen from the side
            assert abs(hand[2]) > 20  # outside the shoulders
        assert bar[1] > body.points["shoulder_r"][1] - 6  # on the upper back, not the neck...
        assert bar[0] < body.points["neck_base"][0]  # ... and behind it


def test_the_bench_presser_lies_on_the_bench_with_the_feet_on_the_floor() -> None:
    spec = FIGURES["bench-press"]
    bench = next(p for p in spec.props if p.kind == "bench")
    for body in _bodies("bench-press"):
        back = min(body.points["pelvis"][1], body.points["neck_base"][1]) - W_TRUNK_SIDE / 2
        assert back == pytest.approx(BENCH_TOP)
        for point in ("pelvis", "neck_base"):
            assert bench.x < body.points[point][0] < bench.x + bench.size
        assert _soles(body) == pytest.approx(4.0, abs=1.0)
    top, bottom = _bodies("bench-press")
    bar = _weight("bench-press")
    assert weight_centre(top, bar)[1] - weight_centre(bottom, bar)[1] > 35  # lowered to the chest


def test_the_swung_kettlebell_rides_out_along_straight_arms() -> None:
    hike, top = _bodies("kettlebell-swing")
    bell = _weight("kettlebell-swing")
    shoulder = top.points["shoulder_r"]
    hand = weight_centre(top, bell)
    centre = bell_centre(top, bell)
    assert centre[0] > hand[0] + 10  # beyond the hands, not hanging under them
    assert centre[1] == pytest.approx(hand[1], abs=3.0)
    assert shoulder[1] - 10 < centre[1] < shoulder[1] + 10  # about chest height
    low = bell_centre(hike, bell)
    assert low[0] < hike.points["knee_r"][0]  # hiked back behind the knees


# --- the props on their own ----------------------------------------------------------------

BASE: dict[str, Any] = {"slug": "deadlift", "view": "side", "base": "stand"}
REACH = {"shoulder_l": [90], "shoulder_r": [90]}


def _spec(props: list[Any], frames: list[dict[str, Any]] | None = None, **more: Any) -> FigureSpec:
    return validate_figure(
        {**BASE, "props": props, "frames": frames or [{}, REACH], **more}, where="test"
    )


@pytest.mark.parametrize(
    ("prop", "message"),
    [
        ({"kind": "barbell", "at": "hand_r"}, "held in both hands"),
        ({"kind": "barbell", "at": "trunk"}, "with an 'offset'"),
        ({"kind": "kettlebell", "at": "nose", "offset": [0, 0, 0]}, "held in both hands"),
        ({"kind": "dumbbell", "at": "trunk"}, "needs 'at', a body point"),
    ],
)
def test_weight_errors_say_what_is_wrong(prop: dict[str, Any], message: str) -> None:
    with pytest.raises(AtlasDataError, match=message):
        _spec([prop])


def test_a_weight_is_held_in_both_hands_by_default() -> None:
    spec = _spec(["barbell", "kettlebell", {"kind": "dumbbell", "at": "hands"}])
    assert [p.at for p in spec.props] == ["hands", "hands", "hands"]


def test_a_barbell_seen_from_the_side_is_its_plate_at_the_hands() -> None:
    spec = _spec(["barbell"])
    svg = ET.fromstring(render(spec, 1))
    plates = [p for p in svg.iter(f"{SVG}path") if p.get("class") == "kf-plate"]
    assert len(plates) == 1
    body = placed_body(spec, spec.frames[1], None)
    x, y, _ = weight_centre(body, spec.props[0])
    # A circle path starts at its left edge: centre minus the radius.
    assert plates[0].get("d", "").startswith(f"M{x - PLATE_RADIUS:.1f} {-y:.1f}a22.5 22.5")


def test_a_barbell_seen_from_the_front_runs_across_the_body() -> None:
    spec = _spec(["barbell"], view="front")
    svg = ET.fromstring(render(spec, 1))
    bars = [p.get("d", "") for p in svg.iter(f"{SVG}path") if p.get("class") == "kf-bar"]
    assert len(bars) == 3  # the bar and a plate near each end
    start, end = bars[0][1:].split("L")
    assert float(end.split()[0]) - float(start.split()[0]) == pytest.approx(220.0, abs=0.2)


def test_a_plate_never_goes_through_the_floor() -> None:
    # Hands down at the shins: the plate would reach under the floor, so the body is raised
    # and the plate rests on it (the feet lift, which a figure test would catch).
    deep = {"root": [80], "shoulder_l": [80], "shoulder_r": [80]}
    spec = _spec(["barbell"], [deep, {}])
    body = placed_body(spec, spec.frames[0], None)
    assert lowest_point(body, spec.props[0]) == pytest.approx(0.0)
    assert _soles(body) > 4.0


def test_a_kettlebell_hangs_under_bent_arms() -> None:
    held = {"shoulder_l": [20, 20, -45], "shoulder_r": [20, 20, -45], "elbow_l": [130]}
    spec = _spec(["kettlebell"], [{**held, "elbow_r": [130]}, {}])
    body = placed_body(spec, spec.frames[0], None)
    hand, centre = weight_centre(body, spec.props[0]), bell_centre(body, spec.props[0])
    assert centre[0] == pytest.approx(hand[0])
    assert centre[1] < hand[1] - 10


def test_a_lying_body_without_a_bench_still_lies_on_the_floor() -> None:
    spec = validate_figure(
        {"slug": "bench-press", "view": "side", "base": "supine", "frames": [{}, REACH]},
        where="test",
    )
    body = placed_body(spec, spec.frames[0], None)
    assert body.points["pelvis"][1] == pytest.approx(W_TRUNK_SIDE / 2)
