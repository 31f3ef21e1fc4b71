"""SVG output: a keyframe as a still drawing, or the whole movement as one looping animation.

Colours come from CSS variables with light and dark defaults inside the SVG, so a figure works
as an ``<img>``, inline, or as a file on its own. Pure Python, no Django.
"""

from __future__ import annotations

import html

from knotless.library.figure.film import arrow_paths, bounds, draw_order, film_scenes, middle
from knotless.library.figure.geometry import Box, Shape
from knotless.library.figure.inset import above_inset
from knotless.library.figure.props import still_props
from knotless.library.figure.spec import FigureError, FigureSpec
from knotless.library.skeleton import Body

STYLE = """
svg{--kf-ink:#33434a;
--kf-far:#9aa9ae;--kf-glow:#e4692f;--kf-prop:#b9a47e;--kf-ball:#4f86b5;--kf-weight:#5d5a55;
--kf-line:#8b8471;--kf-bg:#fff;--kf-band:#3d8a7f;--kf-arrow:#2f6f68}

@media (prefers-color-scheme:dark){svg{--kf-ink:#d5dfdc;--kf-far:#6d7c7f;--kf-glow:#ff9a5c;
--kf-prop:#7d7360;--kf-ball:#6fa6d6;--kf-weight:#b4aea2;--kf-line:#8d9a97;--kf-bg:#1c2425;
--kf-band:#7cc2b6;--kf-arrow:#7cc2b6}
}

.kf-body,.kf-far,.kf-glow,.kf-band{fill:none;stroke-linecap:round;stroke-linejoin:round}

.kf-body{stroke:var(--kf-ink)}

.kf-body.kf-fill,.kf-far.kf-fill{fill:var(--kf-ink)}

.kf-far{stroke:var(--kf-far)}
.kf-far.kf-fill{fill:var(--kf-far)}

.kf-glow{stroke:var(--kf-glow)}
.kf-behind{opacity:.5;stroke-dasharray:2 2.5}

.kf-eye{fill:var(--kf-bg)}
.kf-edge{fill:none;stroke:var(--kf-bg);stroke-linecap:round;stroke-linejoin:round}

.kf-prop{fill:var(--kf-prop);stroke:none}
.kf-ball{fill:var(--kf-ball)}
.kf-weight{fill:var(--kf-weight)}
.kf-rollbar{fill:none;stroke:var(--kf-ball);stroke-linecap:round}
.kf-bar{fill:none;stroke:var(--kf-weight);stroke-linecap:butt}
.kf-plate{fill:var(--kf-weight);fill-opacity:.28;stroke:var(--kf-weight);stroke-width:3}
.kf-ring{fill:none;stroke:var(--kf-weight);stroke-width:2.5}

.kf-prop-line,.kf-door{fill:none;stroke:var(--kf-prop);stroke-width:4;stroke-linecap:round;
stroke-linejoin:round}

.kf-wall{stroke:var(--kf-line);stroke-width:2.5}
.kf-hatch{stroke:var(--kf-line);stroke-width:1;opacity:.6}

.kf-floor{stroke:var(--kf-line);stroke-width:1.5}

.kf-mat{fill:var(--kf-prop);opacity:.7}

.kf-band{stroke:var(--kf-band);stroke-dasharray:3 2}

.kf-arrow{fill:none;stroke:var(--kf-arrow);stroke-width:2.2;stroke-linecap:round;
stroke-linejoin:round}

.kf-head{fill:var(--kf-arrow)}

.kf-inset{fill:var(--kf-bg);stroke:var(--kf-line);stroke-width:1}
.kf-plane{fill:none;stroke:var(--kf-line);stroke-width:1;stroke-dasharray:3 2}
.kf-arc{fill:none;stroke:var(--kf-arrow);stroke-width:1.5}
.kf-label{fill:var(--kf-ink);font-family:system-ui,sans-serif}

@media (prefers-reduced-motion:reduce){.kf-move{animation:none!important}
}

"""


def _fill_class(shape: Shape) -> str:
    if shape.kind == "poly" or (shape.kind == "circle" and shape.cls in ("kf-body", "kf-far")):
        return shape.cls + " kf-fill"
    return shape.cls


def _svg(spec: FigureSpec, box: Box, inner: list[str], title: str) -> str:
    x, y, w, h = box
    floor = ""
    if not spec.upper and not spec.elevations:  # seen from above, the floor is no line
        floor = f'<path class="kf-floor" d="M{x:.1f} 0H{x + w:.1f}"/>'
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{x:.1f} {y:.1f} {w:.1f} {h:.1f}" '
        f'role="img" aria-label="{_escape(title)}"><title>{_escape(title)}</title>'
        f"<style>{STYLE}</style>{floor}{''.join(inner)}</svg>\n"
    )


def _escape(text: str) -> str:
    return html.escape(text, quote=True)


def render(spec: FigureSpec, frame: int = 0, *, title: str = "") -> str:
    """One keyframe as a still SVG."""
    if not 0 <= frame < len(spec.frames):
        raise FigureError(f"{spec.slug} has keyframes 0 to {len(spec.frames) - 1}, not {frame}.")
    keys, loop, _ = film_scenes(spec)
    box = bounds(spec, loop)
    scene = keys[frame]
    inner = still_props(spec, keys[0].camera, keys[0].body, box)
    box = _with_inset(spec, keys[-1].body, box, inner)
    for shape in draw_order(scene.shapes):
        inner.append(f'<path {_attrs(shape)} d="{_path(shape)}"/>')
    if frame == 0:
        inner += arrow_paths(spec, loop, middle(keys[0]))
    return _svg(spec, box, inner, title or f"{spec.slug}, position {frame + 1}")


def render_animated(spec: FigureSpec, *, title: str = "") -> str:
    """The movement as one looping SVG, CSS-animated from keyframe to keyframe and back."""
    keys, loop, times = film_scenes(spec)
    box = bounds(spec, loop)
    total = times[-1]
    inner = still_props(spec, keys[0].camera, keys[0].body, box)
    box = _with_inset(spec, keys[-1].body, box, inner)
    keys_in_order = [shape.key for shape in draw_order(keys[0].shapes)]
    by_key = [{shape.key: shape for shape in scene.shapes} for scene in loop]
    prefix = "kf" + spec.slug.replace("-", "")[:24]
    css: list[str] = []
    for n, key in enumerate(keys_in_order):
        first = by_key[0][key]
        paths = [_path(shapes[key]) for shapes in by_key]
        extra = ""
        if len(set(paths)) > 1:
            # Keep both ends of every unchanged run, or CSS would start moving during a hold.
            stops = [
                f'{100 * t / total:.2f}%{{d:path("{d}")}}'
                for i, (t, d) in enumerate(zip(times, paths, strict=True))
                if i in (0, len(paths) - 1) or d != paths[i - 1] or d != paths[i + 1]
            ]
            name = f"{prefix}{n}"
            css.append(f"@keyframes {name}{{{''.join(stops)}}}")
            css.append(f".{name}{{animation:{name} {total:.1f}s linear infinite}}")
            extra = f" kf-move {name}"
        inner.append(f'<path {_attrs(first, extra)} d="{paths[0]}"/>')
    inner += arrow_paths(spec, loop, middle(keys[0]))
    svg = _svg(spec, box, inner, title or spec.slug)
    return svg.replace("</style>", "".join(css) + "</style>", 1)


def _with_inset(spec: FigureSpec, body: Body, box: Box, inner: list[str]) -> Box:
    """Add the view from above the figure asks for (the last keyframe), growing the box."""
    if spec.inset != "above":
        return box
    box, parts = above_inset(body, box)
    inner += parts
    return box


def _path(shape: Shape) -> str:
    pts = shape.points
    if shape.kind == "circle":
        (x, y), r = pts[0], shape.width
        arc = f"a{r:.1f} {r:.1f} 0 1 0"
        return f"M{x - r:.1f} {y:.1f}{arc} {2 * r:.1f} 0{arc} {-2 * r:.1f} 0"
    head = f"M{pts[0][0]:.1f} {pts[0][1]:.1f}"
    rest = "".join(f"L{x:.1f} {y:.1f}" for x, y in pts[1:])
    return head + rest + ("Z" if shape.kind == "poly" else "")


def _attrs(shape: Shape, extra: str = "") -> str:
    attrs = f'class="{_fill_class(shape)}{extra}"'
    if shape.kind == "circle":
        return attrs
    return attrs + f' stroke-width="{shape.width:.1f}"'
