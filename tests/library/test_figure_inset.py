"""The view from above: a direction a level view hides, measured from the posed body."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

import pytest

from knotless.library.figure import render, render_animated
from knotless.library.figure.film import film_scenes
from knotless.library.figure.inset import arm_angle
from knotless.library.figures import load_figures, validate_figure

SVG = "{http://www.w3.org/2000/svg}"
RAISE: dict[str, Any] = {
    "slug": "full-can-scaption",
    "view": "front",
    "base": "stand",
    "frames": [{}, {"shoulder_l": [0, 90], "shoulder_r": [0, 90]}],
}


def _last_body(spec: Any) -> Any:
    keys, _, _ = film_scenes(spec)
    return keys[-1].body


@pytest.mark.parametrize(("flexion", "abduction", "angle"), [(0, 90, 0), (90, 60, 30), (90, 0, 90)])
def test_it_measures_how_far_in_front_of_the_side_line_the_arm_points(
    flexion: float, abduction: float, angle: float
) -> None:
    pose = {"shoulder_l": [flexion, abduction], "shoulder_r": [flexion, abduction]}
    spec = validate_figure({**RAISE, "frames": [{}, pose]}, where="test")
    body = _last_body(spec)
    assert arm_angle(body, "r") == pytest.approx(angle, abs=1)
    assert arm_angle(body, "l") == pytest.approx(angle, abs=1)


def test_scaption_is_drawn_30_degrees_in_front_of_the_side_not_as_a_lateral_raise() -> None:
    spec = load_figures()["full-can-scaption"]
    assert spec.inset == "above"
    assert 25 <= arm_angle(_last_body(spec), "r") <= 40  # the scapular plane
    for svg in (render(spec, 0), render(spec, len(spec.frames) - 1), render_animated(spec)):
        texts = [t.text for t in ET.fromstring(svg).iter(f"{SVG}text")]
        assert texts == ["30°", "from above"]


def test_the_inset_grows_the_picture_upwards_and_leaves_the_body_as_it_was() -> None:
    plain = validate_figure(RAISE, where="test")
    inset = validate_figure({**RAISE, "inset": "above"}, where="test")
    box = [float(v) for v in ET.fromstring(render(plain, 1)).attrib["viewBox"].split()]
    grown = [float(v) for v in ET.fromstring(render(inset, 1)).attrib["viewBox"].split()]
    assert grown[0] == box[0] and grown[2] == box[2]  # same width
    assert grown[1] < box[1] and grown[1] + grown[3] == pytest.approx(box[1] + box[3])
    drawn = {ET.tostring(q) for q in ET.fromstring(render(inset, 1)).iter(f"{SVG}path")}
    assert all(ET.tostring(p) in drawn for p in ET.fromstring(render(plain, 1)).iter(f"{SVG}path"))
    # A lateral raise seen from above has no angle to show.
    texts = [t.text for t in ET.fromstring(render(inset, 1)).iter(f"{SVG}text")]
    assert texts == ["from above"]
