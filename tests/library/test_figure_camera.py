"""A raised camera and a twisting forearm: the two ways a figure can show a hidden face."""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from typing import Any

import pytest

from knotless.atlas.regions import AtlasDataError
from knotless.library import skeleton
from knotless.library.figure import render, render_animated
from knotless.library.figure.film import camera_timeline, film_scenes
from knotless.library.figure.geometry import Camera, depth_of, project
from knotless.library.figures import validate_figure

SVG = "{http://www.w3.org/2000/svg}"
BASE: dict[str, Any] = {
    "slug": "side-plank",
    "view": "front",
    "base": "side-lying",
    "props": ["mat"],
    "frames": [{}, {"root": [0, 80]}],
}
WHERE = "figures/x.toml: figure #1"


def test_it_draws_a_level_camera_exactly_as_a_figure_without_one() -> None:
    plain = validate_figure(BASE, where="test")
    level = validate_figure({**BASE, "elevation": 0}, where="test")
    assert level.elevations == ()
    assert render(level, 1) == render(plain, 1)
    assert render_animated(level) == render_animated(plain)


@pytest.mark.parametrize("view", ["side", "front"])
def test_it_sinks_near_points_and_turns_tops_towards_a_raised_camera(view: str) -> None:
    near = (0.0, 0.0, 10.0) if view == "side" else (10.0, 0.0, 0.0)
    assert project(Camera(view), near)[1] == 0  # level: depth does not show
    assert project(Camera(view, 30), near)[1] == pytest.approx(5.0)  # 10 cm x sin 30, lower
    up = (0.0, 1.0, 0.0)
    assert depth_of(Camera(view), up) == 0
    assert depth_of(Camera(view, 30), up) == pytest.approx(0.5)  # the top of things faces us
    head = (0.0, 160.0, 0.0)
    assert project(Camera(view, 30), head)[1] == pytest.approx(-160 * math.cos(math.radians(30)))


def test_it_lays_a_mat_under_a_body_seen_from_above_instead_of_a_floor_line() -> None:
    level = render(validate_figure(BASE, where="test"), 0)
    raised = render(validate_figure({**BASE, "elevation": 40}, where="test"), 0)
    assert 'class="kf-floor"' in level and 'class="kf-floor"' not in raised
    mats = [p for p in ET.fromstring(raised).iter(f"{SVG}path") if "kf-mat" in p.get("class", "")]
    assert len(mats) == 1 and mats[0].get("d", "").endswith("Z")  # a floor patch, not a strip


def test_a_keyframe_can_raise_the_camera_and_the_film_moves_it_smoothly() -> None:
    spec = validate_figure(
        {**BASE, "elevation": 10, "frames": [{}, {"root": [0, 80], "elevation": 40}]},
        where="test",
    )
    assert spec.elevations == (10.0, 40.0)
    keys, loop, _ = film_scenes(spec)
    assert [scene.camera.elevation for scene in keys] == [10.0, 40.0]
    rising = camera_timeline(spec)[: len(loop) // 2 + 1]
    assert rising == sorted(rising) and rising[0] == 10 and rising[-1] == 40


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"elevation": "high"}, "elevation is a number of degrees"),
        ({"elevation": True}, "elevation is a number of degrees"),
        ({"elevation": -5}, "elevation is 0 \\(level\\) to 60 degrees"),
        ({"elevation": 75}, "to 60 degrees \\(looking down\\), not 75"),
        ({"frames": [{}, {"elevation": 90}]}, "keyframe 2: elevation is 0"),
        ({"elevation": 30, "props": ["chair"]}, "a chair is drawn flat"),
        (
            {"elevation": 30, "props": [{"kind": "band", "at": "hand_r", "anchor": [60, 100]}]},
            "a band tied to a spot in the room is drawn flat",
        ),
        ({"frames": [{}, {"elbow_r": [10, 200]}]}, "elbow_r forearm twist .* is 0 to 180, not 200"),
        ({"frames": [{}, {"elbow_l": [10, -20]}]}, "elbow_l forearm twist"),
    ],
)
def test_it_refuses_a_camera_or_twist_it_cannot_draw(change: dict[str, Any], message: str) -> None:
    with pytest.raises(AtlasDataError, match=message):
        validate_figure({**BASE, **change}, where=WHERE)


def test_a_camera_elevation_on_a_figure_with_a_chair_names_the_figure() -> None:
    with pytest.raises(AtlasDataError, match=r"^figures/x\.toml: figure #1: a chair"):
        validate_figure({**BASE, "elevation": 30, "props": ["chair"]}, where=WHERE)


@pytest.mark.parametrize("side", ["l", "r"])
def test_a_forearm_twist_turns_the_hand_and_half_the_forearm_about_its_length(side: str) -> None:
    plain = skeleton.pose_body({f"wrist_{side}": [90]})
    turned = skeleton.pose_body({f"elbow_{side}": [0, 180], f"wrist_{side}": [90]})
    # The forearm turns about its own length: the wrist stays where it was.
    assert turned.points[f"wrist_{side}"] == pytest.approx(plain.points[f"wrist_{side}"])
    # Palm forward at rest, so a bent wrist takes the hand forward; turned palm back, backward.
    assert plain.points[f"hand_{side}"][0] > 8
    assert turned.points[f"hand_{side}"][0] < -8
    # The forearm's own frame turns half as far: its outer (thumb) side now faces forward,
    # which is where the thumb-side muscles sit on a palm-down forearm, near the elbow.
    sign = -1.0 if side == "l" else 1.0
    outer = skeleton.apply(turned.frames[f"forearm_{side}"], (0.0, 0.0, sign))
    assert outer == pytest.approx((1.0, 0.0, 0.0), abs=1e-9)


def test_a_forearm_twist_of_a_hand_held_forward_turns_the_palm_down() -> None:
    body = skeleton.pose_body({"shoulder_r": [90], "elbow_r": [0, 180], "wrist_r": [60]})
    assert body.points["hand_r"][1] < body.points["wrist_r"][1] - 5  # flexed wrist drops
    palm_up = skeleton.pose_body({"shoulder_r": [90], "wrist_r": [60]})
    assert palm_up.points["hand_r"][1] > palm_up.points["wrist_r"][1] + 5
