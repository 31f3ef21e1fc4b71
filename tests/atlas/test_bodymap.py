"""The body map: shapes cover the vocabulary correctly and render as accessible SVG."""

from __future__ import annotations

import re
import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from knotless.atlas.bodymap import (
    WHOLE_BODY_VIEWS,
    load_bodymap,
    regions_in_view,
    render_view,
    validate_bodymap,
    views,
)
from knotless.atlas.regions import AtlasDataError, load_regions, sides_for

SVG = "{http://www.w3.org/2000/svg}"
SHIPPED = Path(__file__).parents[2] / "src" / "knotless" / "atlas" / "bodymap.toml"


def x_centroid(d: str) -> float:
    numbers = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", d)]
    xs = numbers[0::2]
    return sum(xs) / len(xs)


def viewbox_mid_x(view: str) -> float:
    x, _, width, _ = (float(n) for n in load_bodymap().views[view].viewbox.split())
    return x + width / 2


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def shipped_data() -> dict[str, Any]:
    return tomllib.loads(SHIPPED.read_text(encoding="utf-8"))


def test_it_has_the_five_views_in_order() -> None:
    assert views() == ["front", "back", "head", "hand", "foot"]


def test_it_draws_every_region_in_at_least_one_view() -> None:
    drawn = set().union(*(regions_in_view(v) for v in views()))
    assert drawn == set(load_regions())


def test_it_draws_sided_regions_on_both_sides_of_whole_body_views() -> None:
    regions = load_regions()
    for view in WHOLE_BODY_VIEWS:
        sides: dict[str, set[str]] = {}
        for shape in load_bodymap().views[view].shapes:
            sides.setdefault(shape.region, set()).add(shape.side)
        for slug, seen in sides.items():
            assert seen == set(sides_for(regions[slug])), (view, slug, seen)


def test_it_puts_the_persons_left_on_the_viewers_right_in_front() -> None:
    mid = viewbox_mid_x("front")
    for shape in load_bodymap().views["front"].shapes:
        if shape.side == "left":
            assert x_centroid(shape.d) > mid, shape.region
        elif shape.side == "right":
            assert x_centroid(shape.d) < mid, shape.region


def test_it_puts_the_persons_left_on_the_viewers_left_from_behind() -> None:
    mid = viewbox_mid_x("back")
    for shape in load_bodymap().views["back"].shapes:
        if shape.side == "left":
            assert x_centroid(shape.d) < mid, shape.region
        elif shape.side == "right":
            assert x_centroid(shape.d) > mid, shape.region


def test_it_centres_midline_regions() -> None:
    for view in WHOLE_BODY_VIEWS:
        mid = viewbox_mid_x(view)
        for shape in load_bodymap().views[view].shapes:
            if shape.side == "center":
                assert abs(x_centroid(shape.d) - mid) < 3, (view, shape.region)


def test_it_offers_both_sides_of_detail_regions() -> None:
    for view in ("head", "hand", "foot"):
        places = {(s.region, s.side) for s in load_bodymap().views[view].shapes}
        for slug in regions_in_view(view):
            if load_regions()[slug].sided:
                assert {(slug, "left"), (slug, "right")} <= places, (view, slug)


def test_it_renders_valid_accessible_svg_without_links() -> None:
    for view in views():
        svg = render_view(view)
        root = parse(svg)
        assert root.tag == f"{SVG}svg"
        assert root.get("role") == "group"
        assert root.get("aria-label") == load_bodymap().views[view].label
        assert root.get("class") == f"bodymap bodymap--{view}"
        assert root.get("viewBox") == load_bodymap().views[view].viewbox
        assert root.get("width") is None and root.get("height") is None
        assert "<?xml" not in svg
        outline = root.find(f"{SVG}path")
        assert outline is not None and outline.get("class") == "outline"
        regions = root.findall(f"{SVG}path[@class='region']")
        assert len(regions) == len(load_bodymap().views[view].shapes)
        for path in regions:
            titles = path.findall(f"{SVG}title")
            assert len(titles) == 1 and titles[0].text
            assert path.get("data-region") in load_regions()
        assert root.findall(f"{SVG}a") == []
        assert "fill=" not in svg and "stroke=" not in svg


def test_it_wraps_shapes_in_links_from_the_callback() -> None:
    svg = render_view("front", href=lambda slug, side: f"/knots/new?region={slug}&side={side}")
    root = parse(svg)
    links = root.findall(f"{SVG}a")
    assert len(links) == len(load_bodymap().views["front"].shapes)
    temple = root.find(f"{SVG}a[@data-region='temple'][@data-side='left']")
    assert temple is not None
    assert temple.get("href") == "/knots/new?region=temple&side=left"
    assert temple.get("aria-label") == "Left temple"
    assert temple.get("class") == "region-link"
    assert "&amp;side=left" in svg
    inner = temple.find(f"{SVG}path")
    assert inner is not None and inner.get("class") == "region"


def test_it_marks_selected_and_emphasised_shapes() -> None:
    svg = render_view(
        "back",
        href=lambda slug, side: f"#{slug}-{side}",
        selected={("medial-border-of-scapula", "right"): 0.6, ("sacrum", "center"): 7},
        emphasis={("buttock", "left"): "zone-essential", ("calf", "left"): "zone-spillover"},
    )
    root = parse(svg)
    path = root.find(f".//{SVG}path[@data-region='medial-border-of-scapula'][@data-side='right']")
    assert path is not None
    # The strength travels in a class: the Content-Security-Policy refuses style attributes.
    assert path.get("class") == "region is-selected intensity-6"
    assert path.get("style") is None
    link = root.find(f"{SVG}a[@data-region='medial-border-of-scapula'][@data-side='right']")
    assert link is not None and link.get("aria-current") == "true"
    assert "is-selected" in (link.get("class") or "")
    other = root.find(f"{SVG}a[@data-region='medial-border-of-scapula'][@data-side='left']")
    assert other is not None and other.get("aria-current") is None
    sacrum = root.find(f".//{SVG}path[@data-region='sacrum']")
    assert sacrum is not None and sacrum.get("class") == "region is-selected intensity-10"
    buttock = root.find(f".//{SVG}path[@data-region='buttock'][@data-side='left']")
    assert buttock is not None and buttock.get("class") == "region zone-essential"


def test_it_escapes_titles_and_hrefs() -> None:
    evil = '"><script>alert(1)</script>'
    svg = render_view("head", href=lambda slug, side: f"/x?q={evil}", title=f"Head {evil}")
    assert "<script>" not in svg
    root = parse(svg)
    assert root.get("aria-label") == f"Head {evil}"
    title = root.find(f"{SVG}title")
    assert title is not None and title.text == f"Head {evil}"
    link = root.find(f"{SVG}a")
    assert link is not None and link.get("href") == f"/x?q={evil}"


def test_it_refuses_unsafe_emphasis_classes_and_unknown_views() -> None:
    with pytest.raises(ValueError, match="CSS class"):
        render_view("front", emphasis={("temple", "left"): 'x" onclick="y'})
    with pytest.raises(ValueError, match="Unknown body-map view"):
        render_view("side")
    with pytest.raises(ValueError, match="id_prefix"):
        render_view("front", id_prefix='a"b')


def test_it_keeps_ids_unique_per_prefix() -> None:
    a = parse(render_view("front", id_prefix="pick"))
    b = parse(render_view("front", id_prefix="knot"))
    assert a.get("id") != b.get("id")


def test_it_validates_the_shipped_data() -> None:
    built = validate_bodymap(shipped_data(), load_regions(), source="bodymap.toml")
    assert list(built.views) == views()


def test_it_rejects_a_shape_for_an_unknown_region() -> None:
    data = shipped_data()
    data["view"]["front"]["shape"][0]["region"] = "elbow-pit"
    with pytest.raises(AtlasDataError, match=r"x.toml: view 'front' shape #1 \('elbow-pit'\)"):
        validate_bodymap(data, load_regions(), source="x.toml")


def test_it_rejects_a_wrong_side_for_the_region() -> None:
    data = shipped_data()
    shape = next(s for s in data["view"]["back"]["shape"] if s["region"] == "sacrum")
    shape["side"] = "left"
    with pytest.raises(
        AtlasDataError, match=r"'sacrum'\): side 'left' is not valid here; use center"
    ):
        validate_bodymap(data, load_regions(), source="x.toml")


def test_it_rejects_a_sided_region_drawn_on_one_side_of_the_body() -> None:
    data = shipped_data()
    shapes = data["view"]["front"]["shape"]
    data["view"]["front"]["shape"] = [
        s for s in shapes if not (s["region"] == "temple" and s["side"] == "right")
    ]
    with pytest.raises(AtlasDataError, match=r"sided region 'temple' is not drawn on the right"):
        validate_bodymap(data, load_regions(), source="x.toml")


def test_it_rejects_a_region_drawn_nowhere() -> None:
    data = shipped_data()
    for view in data["view"].values():
        view["shape"] = [s for s in view["shape"] if s["region"] != "heel"]
    with pytest.raises(AtlasDataError, match=r"no shape in any view: heel"):
        validate_bodymap(data, load_regions(), source="x.toml")


@pytest.mark.parametrize(
    ("d", "message"),
    [
        ("", "non-empty"),
        ('M0 0L1 1Z"/><script>', "only hold SVG path commands"),
        ("L0 0 1 1Z", "must start with a moveto"),
        ("M0 0L- 1Z", "malformed"),
    ],
)
def test_it_rejects_bad_path_data(d: str, message: str) -> None:
    data = shipped_data()
    data["view"]["hand"]["shape"][2]["d"] = d
    with pytest.raises(AtlasDataError, match=rf"view 'hand' shape #3 .*{message}"):
        validate_bodymap(data, load_regions(), source="x.toml")


@pytest.mark.parametrize("viewbox", ["0 0 200", "0 0 -1 440", "a b c d", 4])
def test_it_rejects_bad_viewboxes(viewbox: Any) -> None:
    data = shipped_data()
    data["view"]["front"]["viewbox"] = viewbox
    with pytest.raises(AtlasDataError, match=r"view 'front': viewbox"):
        validate_bodymap(data, load_regions(), source="x.toml")


def test_it_rejects_missing_and_extra_view_keys() -> None:
    data = shipped_data()
    del data["view"]["head"]["outline"]
    with pytest.raises(AtlasDataError, match=r"view 'head': missing keys \['outline'\]"):
        validate_bodymap(data, load_regions(), source="x.toml")
    data = shipped_data()
    data["view"]["head"]["fill"] = "red"
    with pytest.raises(AtlasDataError, match=r"view 'head': unexpected keys \['fill'\]"):
        validate_bodymap(data, load_regions(), source="x.toml")


def _polygons(d: str) -> list[list[tuple[float, float]]]:
    """The subpaths of an M/L/Z path as point lists (the shipped shapes use only those)."""
    polygons = []
    for sub in re.split(r"(?=M)", d):
        nums = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", sub)]
        if nums:
            polygons.append(list(zip(nums[::2], nums[1::2], strict=True)))
    return polygons


def _inside(polygons: list[list[tuple[float, float]]], x: float, y: float) -> bool:
    crossings = 0
    for points in polygons:
        for (x1, y1), (x2, y2) in zip(points, points[1:] + points[:1], strict=True):
            if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
                crossings += 1
    return crossings % 2 == 1


def _tappable_share(shapes: list[tuple[str, str]]) -> dict[str, float]:
    """For (name, path) pairs in drawing order, the share of each shape not covered by a later
    one, estimated from about 400 sample points per shape."""
    parsed = [(name, _polygons(d)) for name, d in shapes]
    boxes = []
    for _, polys in parsed:
        xs = [x for p in polys for x, _ in p]
        ys = [y for p in polys for _, y in p]
        boxes.append((min(xs), min(ys), max(xs), max(ys)))
    shares = {}
    for i, (name, polys) in enumerate(parsed):
        x0, y0, x1, y1 = boxes[i]
        step = max(0.2, ((x1 - x0) * (y1 - y0) / 400) ** 0.5)
        inside = covered = 0
        y = y0 + step / 2
        while y < y1:
            x = x0 + step / 2
            while x < x1:
                if _inside(polys, x, y):
                    inside += 1
                    covered += any(
                        bx0 <= x <= bx1 and by0 <= y <= by1 and _inside(later, x, y)
                        for (_, later), (bx0, by0, bx1, by1) in zip(
                            parsed[i + 1 :], boxes[i + 1 :], strict=True
                        )
                    )
                x += step
            y += step
        shares[name] = 1 - covered / inside if inside else 0.0
    return shares


def test_it_measures_how_much_of_a_shape_is_hidden() -> None:
    small = "M10 10L20 10L20 20L10 20Z"
    big = "M0 0L30 0L30 15L0 15Z"  # covers the top half of the small square
    with_hole = "M0 0L30 0L30 30L0 30ZM10 10L10 20L20 20L20 10Z"
    assert _tappable_share([("small", small), ("big", big)])["small"] == pytest.approx(
        0.5, abs=0.05
    )
    assert _tappable_share([("big", big), ("small", small)])["small"] == 1.0
    assert _tappable_share([("small", small), ("ring", with_hole)])["small"] == 1.0


def test_it_leaves_every_region_mostly_tappable() -> None:
    # Shapes drawn later sit on top: a region hidden behind its neighbours could not be picked.
    for view in views():
        shapes = [(f"{s.region}/{s.side}", s.d) for s in load_bodymap().views[view].shapes]
        for name, share in _tappable_share(shapes).items():
            assert share >= 0.9, f"{view}: only {share:.0%} of {name} can be tapped"


def test_every_view_has_one_caption_used_by_the_picker_and_the_finder() -> None:
    from knotless.atlas.bodymap import CAPTIONS, views

    assert set(CAPTIONS) == set(views())


def test_one_marked_place_is_drawn_on_the_view_that_shows_it_largest() -> None:
    from knotless.atlas.bodymap import view_for

    for region in {r for v in views() for r in regions_in_view(v)}:
        having = [v for v in views() if region in regions_in_view(v)]
        chosen = view_for(region)
        assert chosen in having, region
        if any(v not in WHOLE_BODY_VIEWS for v in having):
            assert chosen not in WHOLE_BODY_VIEWS, f"{region}: a close-up has it, {chosen} chosen"
    assert view_for("arch-sole") == "foot"  # on the front figure the sole cannot be seen
    assert view_for("thumb") == "hand"
    assert view_for("low-back") == "back"


def test_a_decorative_view_draws_the_same_shapes_without_names_or_data() -> None:
    marked = {("medial-border-of-scapula", "right"): 1.0}
    full = render_view("back", selected=marked, sprite="/s.svg")
    plain = render_view("back", selected=marked, sprite="/s.svg", decorative=True)
    shapes = re.compile(r'<use class="([^"]*)" href="([^"]*)"')
    assert shapes.findall(plain) == shapes.findall(full)
    assert "is-selected" in plain and len(plain) < len(full) / 2
    assert "data-region" not in plain and plain.count("<title") == 1  # the view's own name
