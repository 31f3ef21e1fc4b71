"""The exercise figures: every exercise has one, it draws, and the body stays one body."""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from typing import Any

import pytest

from knotless.atlas.muscles import load_muscles
from knotless.atlas.regions import AtlasDataError
from knotless.library import skeleton
from knotless.library.exercises import load_exercises
from knotless.library.figure import SEAT_PELVIS, W_TRUNK_SIDE, ZONES, render, render_animated
from knotless.library.figure.film import timeline
from knotless.library.figure.geometry import placed_body
from knotless.library.figures import load_figures, validate_figure
from tests.library.awaiting import AWAITING_EXERCISES

SVG = "{http://www.w3.org/2000/svg}"
FIGURES = load_figures()


def test_every_exercise_has_a_figure() -> None:
    assert sorted(FIGURES) == sorted(load_exercises())


def test_every_target_has_a_glow_zone() -> None:
    trains = {t for e in load_exercises().values() for t in e.trains}
    # Muscles that can be an exercise's target: those safe for self-care, less the ones whose
    # release and stretch are still to be written (their zones come with their figures).
    targets = {s for s, m in load_muscles().items() if m.self_care} - AWAITING_EXERCISES
    assert targets | trains <= set(ZONES)


@pytest.mark.parametrize("slug", sorted(FIGURES))
def test_bones_keep_their_length_through_the_whole_movement(slug: str) -> None:
    spec = FIGURES[slug]
    poses = [pose for _, pose in timeline(spec)]
    for pose in poses:
        body = skeleton.pose_body(pose)
        for start, end, length in skeleton.BONES:
            assert math.dist(body.points[start], body.points[end]) == pytest.approx(length), (
                slug,
                start,
                end,
            )


@pytest.mark.parametrize("slug", sorted(FIGURES))
def test_every_figure_draws_valid_svg_that_moves(slug: str) -> None:
    spec = FIGURES[slug]
    stills = [render(spec, n) for n in range(len(spec.frames))]
    for svg in stills:
        root = ET.fromstring(svg)
        assert root.tag == f"{SVG}svg"
        width, height = (float(v) for v in root.get("viewBox", "").split()[2:])
        assert 0.5 <= width / height <= 2.0  # never a sliver
        assert root.find(f"{SVG}title") is not None
    assert len(set(stills)) == len(stills), "keyframes must differ: a figure shows a movement"
    moving = render_animated(spec)
    root = ET.fromstring(moving)
    style = root.find(f"{SVG}style")
    assert style is not None and "@keyframes" in (style.text or "")
    assert "prefers-reduced-motion" in (style.text or "")
    glow = [p for p in root.iter(f"{SVG}path") if "kf-glow" in p.get("class", "")]
    assert glow, "the target muscle glows"


def test_the_standing_figure_stands_on_the_floor() -> None:
    spec = validate_figure(
        {"slug": "chin-tuck", "view": "side", "base": "stand", "frames": [{}, {"head": [10]}]},
        where="test",
    )
    body = placed_body(spec, spec.frames[0], None)
    soles = [body.points[f"{part}_{side}"][1] for part in ("heel", "toe") for side in "lr"]
    assert min(soles) == pytest.approx(4.0)  # the foot's rounded outline touches y = 0
    assert 'class="kf-floor" d="M' in render(spec, 0)


def test_lying_down_rests_on_the_floor_not_under_it() -> None:
    spec = validate_figure(
        {"slug": "glute-bridge", "view": "side", "base": "hook-lying", "frames": [{}, {}]},
        where="test",
    )
    body = placed_body(spec, spec.frames[0], None)
    assert min(p[1] for p in body.points.values()) >= 0
    assert body.points["pelvis"][1] == pytest.approx(W_TRUNK_SIDE / 2)  # back on the floor


def test_a_seated_figure_sits_at_chair_height() -> None:
    spec = validate_figure(
        {
            "slug": "chin-tuck",
            "view": "side",
            "base": "sit",
            "props": ["chair"],
            "frames": [{}, {"head": [10]}],
        },
        where="test",
    )
    assert placed_body(spec, spec.frames[0], None).points["pelvis"][1] == SEAT_PELVIS
    assert 'class="kf-prop-line"' in render(spec, 0)  # the chair is drawn


BASE: dict[str, Any] = {"slug": "chin-tuck", "view": "side", "base": "stand", "frames": [{}, {}]}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"slug": "no-such-exercise"}, "there is no exercise"),
        ({"view": "top"}, "view is side or front"),
        ({"base": "handstand"}, "base is one of"),
        ({"frames": [{}]}, "2 to 6 keyframes"),
        ({"frames": [{}, {"tail": [10]}]}, "unknown joint 'tail'"),
        ({"frames": [{}, {"elbow_r": [10, 20, 30]}]}, "at most 2 angle"),
        ({"frames": [{}, {"knee_r": [10, 20]}]}, "at most 1 angle"),
        ({"frames": [{}, {"knee_r": [900]}]}, "out of range"),
        ({"props": [{"kind": "trampoline"}]}, "a prop is one of"),
        ({"props": [{"kind": "ball"}]}, "needs 'at'"),
        ({"props": [{"kind": "band", "at": "hand_r"}]}, "needs 'to'"),
        ({"targets": ["spleen"]}, "no glow zone"),
        ({"anchor": "nose"}, "anchor is one of"),
        ({"colour": "red"}, "unknown colour"),
        ({"inset": "below"}, "inset is above"),
    ],
)
def test_spec_errors_say_what_is_wrong(change: dict[str, Any], message: str) -> None:
    with pytest.raises(AtlasDataError, match=message):
        validate_figure({**BASE, **change}, where="figures/x.toml: figure #1")


def test_a_keyframe_changes_only_what_it_names() -> None:
    spec = validate_figure({**BASE, "base": "sit", "frames": [{}, {"hip_r": [100]}]}, where="test")
    assert spec.frames[1]["hip_r"][0] == 100
    assert spec.frames[1]["hip_l"][0] == 90  # kept from the base
    assert spec.frames[1]["knee_r"][0] == 90


def test_joint_angles_mean_what_the_readme_says() -> None:
    up = skeleton.pose_body({"shoulder_r": [90]})
    assert up.points["hand_r"][0] > 50  # raised forward: the hand is far in front
    out = skeleton.pose_body({"shoulder_r": [0, 90]})
    assert out.points["hand_r"][2] > 60  # abducted: out to the right side
    bent = skeleton.pose_body({"trunk": [90]})
    assert bent.points["neck_base"][0] == pytest.approx(50)  # bent forward: head goes forward
    knee = skeleton.pose_body({"knee_r": [90]})
    assert knee.points["ankle_r"][0] < -40  # the shin folds backward


def test_it_draws_a_bench_to_lean_on_inside_the_frame() -> None:
    spec = validate_figure(
        {**BASE, "props": [{"kind": "bench", "x": 60, "size": 45}], "frames": [{}, {"head": [9]}]},
        where="test",
    )
    svg = render(spec, 0)
    assert 'd="M60.0 -45.0h45.0' in svg  # the top, 45 cm high, from x 60 to 105
    x, _, width, _ = (float(v) for v in ET.fromstring(svg).get("viewBox", "").split())
    assert x + width >= 107


def test_it_draws_a_doorway_as_wide_as_asked_in_the_front_view() -> None:
    spec = validate_figure(
        {**BASE, "view": "front", "props": [{"kind": "door", "size": 104}]}, where="test"
    )
    assert 'class="kf-door" d="M-52.0 0V-205H52.0V0"' in render(spec, 0)


def test_a_prop_size_is_a_length() -> None:
    with pytest.raises(AtlasDataError, match="a prop size is a length"):
        validate_figure({**BASE, "props": [{"kind": "bench", "size": -3}]}, where="test")
