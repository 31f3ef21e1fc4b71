"""Every place on the body map leaves room for a fingertip, measured over all regions and sides.

A shape's hit size is the diameter of the largest circle that fits inside it: a long thin strip
has plenty of area and is still missed by a finger. Sizes are in CSS pixels at the widths the
body map gets on a 390 px phone and on a 1280 px desktop (tests/browser checks those widths in
Chromium, so these numbers cannot drift from the page).
"""

from __future__ import annotations

import functools
import re

import numpy as np
import pytest

from knotless.atlas.bodymap import load_bodymap
from knotless.atlas.regions import load_regions, region_label, sides_for

#: Width of one figure on a 390 px phone (82 % of the picker; Chromium draws 294 px) and on a
#: 1280 px desktop, where two figures share a column (254 px) and 34rem caps the height.
PHONE_FIGURE_PX = 290.0
DESKTOP_FIGURE_PX = 250.0
DESKTOP_MAX_HEIGHT_PX = 544.0

#: Nothing may be smaller than this anywhere (today's smallest place, the eyebrow of the head
#: view, is 4.5 px on a phone and 3.9 px on a desktop). Raise it as shapes grow; never lower it.
FLOOR_PX = 3.5
#: Each side of a midline region, and every place bordering one, must be easy to hit: these are
#: the choices a finger (or a mouse, on a desktop) aiming between the shoulder blades decides
#: between. Before the split the sided choice there was a 6 px strip on a phone.
COMFORT_PX = {"phone": 12.0, "desktop": 10.0}

_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def polygon(d: str) -> np.ndarray:
    numbers = [float(n) for n in _NUMBER.findall(d)]
    return np.array(list(zip(numbers[0::2], numbers[1::2], strict=True)))


def inscribed_diameter(points: np.ndarray, step: float = 0.2) -> float:
    """The largest circle inside a polygon (body-map units), found on a fine grid."""
    low, high = points.min(axis=0), points.max(axis=0)
    xs = np.arange(low[0], high[0], step) + step / 2
    ys = np.arange(low[1], high[1], step) + step / 2
    grid = np.stack([a.ravel() for a in np.meshgrid(xs, ys)], axis=1)
    starts, ends = points, np.roll(points, -1, axis=0)
    inside = np.zeros(len(grid), dtype=bool)
    for (ax, ay), (bx, by) in zip(starts, ends, strict=True):
        crosses = (ay > grid[:, 1]) != (by > grid[:, 1])
        with np.errstate(divide="ignore", invalid="ignore"):
            x_cross = (bx - ax) * (grid[:, 1] - ay) / (by - ay) + ax
        inside ^= crosses & (grid[:, 0] < x_cross)
    found = grid[inside]
    if not len(found):
        return 0.0
    nearest = np.full(len(found), np.inf)
    for (ax, ay), (bx, by) in zip(starts, ends, strict=True):
        dx, dy = bx - ax, by - ay
        length = dx * dx + dy * dy or 1e-12
        t = np.clip(((found[:, 0] - ax) * dx + (found[:, 1] - ay) * dy) / length, 0, 1)
        nearest = np.minimum(
            nearest, np.hypot(found[:, 0] - ax - t * dx, found[:, 1] - ay - t * dy)
        )
    return float(2 * nearest.max())


def px_per_unit(view: str, screen: str) -> float:
    _, _, width, height = (float(n) for n in load_bodymap().views[view].viewbox.split())
    if screen == "phone":
        return PHONE_FIGURE_PX / width
    return min(DESKTOP_FIGURE_PX / width, DESKTOP_MAX_HEIGHT_PX / height)


@functools.cache
def hit_sizes(screen: str) -> dict[tuple[str, str], float]:
    """Each place's biggest hit size over the views that draw it, in CSS pixels."""
    sizes: dict[tuple[str, str], float] = {}
    for name, view in load_bodymap().views.items():
        scale = px_per_unit(name, screen)
        for shape in view.shapes:
            size = inscribed_diameter(polygon(shape.d)) * scale
            key = (shape.region, shape.side)
            sizes[key] = max(size, sizes.get(key, 0.0))
    return sizes


def every_place() -> list[tuple[str, str]]:
    return [(r.slug, side) for r in load_regions().values() for side in sides_for(r)]


def neighbours_of_midline_regions() -> set[tuple[str, str]]:
    """Places whose shapes share a corner with a shape of a midline region's sides."""
    midline = {slug for slug, r in load_regions().items() if r.midline}
    places: set[tuple[str, str]] = set()
    for view in load_bodymap().views.values():
        corners = {
            (shape.region, shape.side): {tuple(p) for p in polygon(shape.d).tolist()}
            for shape in view.shapes
        }
        for (slug, side), points in corners.items():
            if slug not in midline:
                continue
            places.add((slug, side))
            places |= {key for key, other in corners.items() if other & points}
    return places


def test_it_measures_a_square_and_a_sliver() -> None:
    square = polygon("M0 0L10 0 10 10 0 10Z")
    sliver = polygon("M0 0L2 0 2 40 0 40Z")
    assert inscribed_diameter(square) == pytest.approx(10, abs=0.3)
    assert inscribed_diameter(sliver) == pytest.approx(2, abs=0.3)


@pytest.mark.parametrize("screen", ["phone", "desktop"])
@pytest.mark.parametrize(("region", "side"), every_place())
def test_it_leaves_room_for_a_fingertip(screen: str, region: str, side: str) -> None:
    size = hit_sizes(screen).get((region, side), 0.0)
    assert size >= FLOOR_PX, f"{region_label(region, side)}: {size:.1f} px on a {screen}"


def test_it_makes_the_sides_between_the_shoulder_blades_easy_to_hit() -> None:
    places = neighbours_of_midline_regions()
    assert {
        ("between-shoulder-blades", "left"),
        ("between-shoulder-blades", "right"),
        ("medial-border-of-scapula", "left"),
        ("medial-border-of-scapula", "right"),
    } <= places
    for screen in ("phone", "desktop"):
        small = {
            region_label(*place): round(hit_sizes(screen)[place], 1)
            for place in places
            if hit_sizes(screen)[place] < COMFORT_PX[screen]
        }
        assert small == {}, screen
