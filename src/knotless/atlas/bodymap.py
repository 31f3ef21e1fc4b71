"""The body map: SVG views of the body whose shapes are the regions of ``regions.toml``.

The shapes live in ``bodymap.toml`` beside this module (see the comment at its top for
the drawing conventions). :func:`render_view` turns one view into an accessible inline
``<svg>`` string: every shape has a screen-reader name and, when an ``href`` callback is
given, is a real link, so picking a place works without JavaScript and by keyboard.
Pages pass ``sprite``, the address of :func:`sprite_svg` served as a static file: each shape is
then a ``<use>`` of its path there, so a page carries the links and marks but not the 150 KB of
outlines, which the browser fetches once and keeps.
All colours come from CSS classes, the strength of a selected shape too (``intensity-0`` to
``intensity-10``): nothing is styled inline, which the Content-Security-Policy would refuse.

Standard library only: no Django here.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from html import escape
from typing import Any

from knotless.atlas.regions import (
    AtlasDataError,
    Region,
    _read_toml,
    load_regions,
    region_label,
    sides_for,
    sides_text,
)

__all__ = [
    "BodyMap",
    "Caption",
    "Shape",
    "View",
    "load_bodymap",
    "regions_in_view",
    "render_view",
    "shape_id",
    "sprite_svg",
    "validate_bodymap",
    "views",
]

BODYMAP_FILE = "bodymap.toml"
#: Whole-figure views: a sided region drawn here must be drawn on both sides.
WHOLE_BODY_VIEWS = ("front", "back")
# Each view's short caption under its figure, the same in the knot picker and the finder.
CAPTIONS = {
    "front": "Front",
    "back": "Back",
    "head": "Head and neck",
    "hand": "Hands",
    "foot": "Feet",
}
SHAPE_SIDES = ("left", "right", "center")

_PATH_TOKEN = re.compile(r"[MmLlHhVvCcSsQqTtAaZz]|[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
_PATH_ALLOWED = re.compile(r"^[MmLlHhVvCcSsQqTtAaZz0-9eE.,+\-\s]+$")
_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
_CSS_CLASS = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")
_ID_PREFIX = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")

VIEW_KEYS = frozenset({"label", "viewbox", "outline", "shape", "caption"})
SHAPE_KEYS = frozenset({"region", "side", "d"})
CAPTION_KEYS = frozenset({"x", "y", "text"})


@dataclass(frozen=True, slots=True)
class Shape:
    region: str
    side: str
    d: str


@dataclass(frozen=True, slots=True)
class Caption:
    x: float
    y: float
    text: str


@dataclass(frozen=True, slots=True)
class View:
    name: str
    label: str
    viewbox: str
    outline: str
    shapes: tuple[Shape, ...]
    captions: tuple[Caption, ...]


@dataclass(frozen=True, slots=True)
class BodyMap:
    views: dict[str, View]  # in display order


def _check_path(d: Any, where: str) -> str:
    if not isinstance(d, str) or not d.strip():
        raise AtlasDataError(f"{where}: path data must be a non-empty string.")
    if not _PATH_ALLOWED.match(d):
        raise AtlasDataError(f"{where}: path data may only hold SVG path commands and numbers.")
    tokens = _PATH_TOKEN.findall(d)
    if not tokens or tokens[0] not in "Mm":
        raise AtlasDataError(f"{where}: path data must start with a moveto (M).")
    # Every non-space character must belong to a token (no stray dots or signs).
    if len(re.sub(r"[\s,]+", "", d)) != sum(len(t) for t in tokens):
        raise AtlasDataError(f"{where}: path data is malformed.")
    return d


def _check_viewbox(value: Any, where: str) -> str:
    numbers = value.split() if isinstance(value, str) else []
    if len(numbers) != 4 or not all(_NUMBER.fullmatch(n) for n in numbers):
        raise AtlasDataError(f"{where}: viewbox must be four numbers, got {value!r}.")
    if float(numbers[2]) <= 0 or float(numbers[3]) <= 0:
        raise AtlasDataError(f"{where}: viewbox width and height must be positive.")
    return " ".join(numbers)


def _table_list(value: Any, where: str) -> list[Mapping[str, Any]]:
    if not isinstance(value, list) or not all(isinstance(v, Mapping) for v in value):
        raise AtlasDataError(f"{where}: expected a list of tables.")
    return value


def validate_bodymap(
    data: Mapping[str, Any],
    regions: Mapping[str, Region],
    *,
    source: str = BODYMAP_FILE,
) -> BodyMap:
    """Check parsed ``bodymap.toml`` data against the regions and build the map.

    Raises :class:`AtlasDataError` naming ``source`` and the offending view or shape.
    """
    extra_top = set(data) - {"view"}
    if extra_top:
        raise AtlasDataError(f"{source}: unexpected top-level keys {sorted(extra_top)}.")
    raw_views = data.get("view")
    if not isinstance(raw_views, Mapping) or not raw_views:
        raise AtlasDataError(f"{source}: expected [view.<name>] tables.")

    built: dict[str, View] = {}
    drawn: set[str] = set()
    for name, raw in raw_views.items():
        where = f"{source}: view {name!r}"
        if not re.fullmatch(r"[a-z][a-z0-9-]*", name):
            raise AtlasDataError(f"{where}: view names are lowercase words.")
        if not isinstance(raw, Mapping):
            raise AtlasDataError(f"{where}: expected a table.")
        missing = {"label", "viewbox", "outline", "shape"} - set(raw)
        if missing:
            raise AtlasDataError(f"{where}: missing keys {sorted(missing)}.")
        extra = set(raw) - VIEW_KEYS
        if extra:
            raise AtlasDataError(f"{where}: unexpected keys {sorted(extra)}.")
        label = raw["label"]
        if not isinstance(label, str) or not label.strip():
            raise AtlasDataError(f"{where}: label must be a non-empty string.")
        viewbox = _check_viewbox(raw["viewbox"], where)
        outline = _check_path(raw["outline"], f"{where} outline")

        shapes: list[Shape] = []
        sides_drawn: dict[str, set[str]] = {}
        for index, entry in enumerate(_table_list(raw["shape"], f"{where} shapes")):
            slug = entry.get("region")
            at = f"{where} shape #{index + 1} ({slug!r})"
            if set(entry) != SHAPE_KEYS:
                raise AtlasDataError(
                    f"{at}: expected keys {sorted(SHAPE_KEYS)}, got {sorted(entry)}."
                )
            if not isinstance(slug, str) or slug not in regions:
                raise AtlasDataError(f"{at}: unknown region {slug!r}.")
            side = entry["side"]
            allowed = sides_for(regions[slug])
            if side not in allowed:
                raise AtlasDataError(
                    f"{at}: side {side!r} is not valid here; use {sides_text(regions[slug])}."
                )
            shapes.append(Shape(slug, side, _check_path(entry["d"], at)))
            sides_drawn.setdefault(slug, set()).add(side)
            drawn.add(slug)
        if not shapes:
            raise AtlasDataError(f"{where}: has no shapes.")
        if name in WHOLE_BODY_VIEWS:
            for slug, sides in sides_drawn.items():
                missing_sides = [s for s in sides_for(regions[slug]) if s not in sides]
                if regions[slug].sided and missing_sides:
                    raise AtlasDataError(
                        f"{where}: sided region {slug!r} is not drawn on the "
                        f"{' or '.join(missing_sides)}."
                    )

        captions: list[Caption] = []
        for index, entry in enumerate(_table_list(raw.get("caption", []), f"{where} captions")):
            at = f"{where} caption #{index + 1}"
            if set(entry) != CAPTION_KEYS:
                raise AtlasDataError(f"{at}: expected keys {sorted(CAPTION_KEYS)}.")
            x, y, text = entry["x"], entry["y"], entry["text"]
            if not all(isinstance(v, int | float) and math.isfinite(v) for v in (x, y)):
                raise AtlasDataError(f"{at}: x and y must be numbers.")
            if not isinstance(text, str) or not text.strip():
                raise AtlasDataError(f"{at}: text must be a non-empty string.")
            captions.append(Caption(float(x), float(y), text))

        built[name] = View(name, label, viewbox, outline, tuple(shapes), tuple(captions))

    undrawn = [slug for slug in regions if slug not in drawn]
    if undrawn:
        raise AtlasDataError(f"{source}: regions with no shape in any view: {', '.join(undrawn)}.")
    return BodyMap(views=built)


@functools.cache
def load_bodymap() -> BodyMap:
    """The validated body map. Cached; treat as read-only."""
    data, source = _read_toml(BODYMAP_FILE)
    return validate_bodymap(data, load_regions(), source=source)


def views() -> list[str]:
    """View names in display order."""
    return list(load_bodymap().views)


def _view(view: str) -> View:
    try:
        return load_bodymap().views[view]
    except KeyError:
        raise ValueError(f"Unknown body-map view {view!r}; expected one of {views()}.") from None


def regions_in_view(view: str) -> set[str]:
    """Slugs of the regions drawn in ``view``."""
    return {shape.region for shape in _view(view).shapes}


def view_for(region: str) -> str:
    """The view that shows one marked place best: a close-up (head, hands, feet) that has it,
    else the first whole-body view that has it (a thumb or a sole is a speck on the whole body)."""
    having = [v for v in views() if region in regions_in_view(v)]
    close = [v for v in having if v not in WHOLE_BODY_VIEWS]
    return (close or having or ["front"])[0]


def shape_id(view: str, index: int | None = None) -> str:
    """The id of a view's outline (no index) or of its ``index``-th shape in the sprite."""
    return view if index is None else f"{view}-{index}"


def sprite_svg() -> str:
    """Every view's outline and shapes as paths of one SVG file, named by :func:`shape_id`.

    The paths carry no colour: a ``<use>`` of one takes its fill and stroke from the classes
    of the ``<use>`` itself, so the page's stylesheet still paints them (dark theme too)."""
    out = [
        '<svg xmlns="http://www.w3.org/2000/svg">',
        "<!-- The body map's shapes, written from bodymap.toml by"
        " `python -m knotless.atlas.sprite`; pages draw them with <use>. -->",
        "<defs>",
    ]
    for name, spec in load_bodymap().views.items():
        out.append(f'<path id="{shape_id(name)}" d="{_attr(spec.outline)}"/>')
        out.extend(
            f'<path id="{shape_id(name, i)}" d="{_attr(shape.d)}"/>'
            for i, shape in enumerate(spec.shapes)
        )
    out.append("</defs></svg>\n")
    return "\n".join(out)


def _attr(value: str) -> str:
    return escape(value, quote=True)


def _classes(*names: str) -> str:
    return " ".join(n for n in names if n)


def render_view(
    view: str,
    *,
    href: Callable[[str, str], str] | None = None,
    selected: Mapping[tuple[str, str], float] | None = None,
    emphasis: Mapping[tuple[str, str], str] | None = None,
    id_prefix: str = "bm",
    title: str | None = None,
    sprite: str | None = None,
    decorative: bool = False,
) -> str:
    """One view of the body map as an inline ``<svg>`` string.

    ``href(slug, side)`` makes every shape a link; ``selected`` maps (slug, side) to an
    intensity 0..1 (classes ``is-selected`` and ``intensity-N``, N in tenths); ``emphasis``
    maps (slug, side) to an extra CSS class such as ``zone-essential``. ``title`` replaces
    the view's label as the accessible name of the figure. ``sprite`` is the address of the
    static :func:`sprite_svg` file: shapes then point into it instead of carrying their paths.
    ``decorative`` leaves out each shape's name and data (a figure hidden from assistive
    technology that only shows where a knot is, as on the knot page): a third of the markup.
    """
    spec = _view(view)
    if not _ID_PREFIX.match(id_prefix):
        raise ValueError(f"id_prefix {id_prefix!r} must be letters, digits, '-' or '_'.")
    selected = selected or {}
    emphasis = emphasis or {}
    for css in emphasis.values():
        if not _CSS_CLASS.match(css):
            raise ValueError(f"emphasis class {css!r} is not a plain CSS class name.")
    name = title if title is not None else spec.label
    title_id = f"{id_prefix}-{view}-title"

    out: list[str] = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="bodymap bodymap--{_attr(view)}"'
        f' viewBox="{_attr(spec.viewbox)}" role="group" aria-label="{_attr(name)}"'
        f' id="{_attr(f"{id_prefix}-{view}")}">',
        f'<title id="{_attr(title_id)}">{escape(name, quote=False)}</title>',
        _shape("outline", view, None, spec.outline, sprite, ' aria-hidden="true"'),
    ]
    for index, shape in enumerate(spec.shapes):
        key = (shape.region, shape.side)
        label = region_label(shape.region, shape.side)
        intensity = selected.get(key)
        is_selected = intensity is not None
        strength = ""
        if is_selected:
            value = min(1.0, max(0.0, float(intensity or 0.0)))
            if math.isnan(value):
                value = 1.0
            strength = f"intensity-{round(value * 10)}"
        classes = _classes(
            "region", "is-selected" if is_selected else "", strength, emphasis.get(key, "")
        )
        data = f' data-region="{_attr(shape.region)}" data-side="{_attr(shape.side)}"'
        if decorative and href is None:
            out.append(_shape(classes, view, index, shape.d, sprite, ""))
            continue
        path = _shape(
            classes,
            view,
            index,
            shape.d,
            sprite,
            data,
            f"<title>{escape(label, quote=False)}</title>",
        )
        if href is None:
            out.append(path)
            continue
        link_classes = _classes("region-link", "is-selected" if is_selected else "")
        current = ' aria-current="true"' if is_selected else ""
        out.append(
            f'<a class="{link_classes}" href="{_attr(href(shape.region, shape.side))}"'
            f' aria-label="{_attr(label)}"{data}{current}>{path}</a>'
        )
    for caption in spec.captions:
        out.append(
            f'<text class="caption" x="{caption.x:g}" y="{caption.y:g}" text-anchor="middle"'
            f' aria-hidden="true">{escape(caption.text, quote=False)}</text>'
        )
    out.append("</svg>")
    return "\n".join(out)


def _shape(
    classes: str,
    view: str,
    index: int | None,
    d: str,
    sprite: str | None,
    attributes: str,
    inside: str = "",
) -> str:
    """A shape as its own ``<path>``, or as a ``<use>`` of that path in the sprite file."""
    if sprite is None:
        start = f'<path class="{_attr(classes)}" d="{_attr(d)}"{attributes}'
        return f"{start}>{inside}</path>" if inside else f"{start}/>"
    start = (
        f'<use class="{_attr(classes)}" href="{_attr(sprite)}#{shape_id(view, index)}"{attributes}'
    )
    return f"{start}>{inside}</use>" if inside else f"{start}/>"
