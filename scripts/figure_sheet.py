"""Draw exercise figures onto one PNG contact sheet, to look at them as a person would.

    uv run python scripts/figure_sheet.py [SLUG ...] [--file F.toml] [--out sheet.png] [--dark]

Each row shows one exercise: every keyframe as a still, the animated figure caught mid-move,
and a 120 px thumbnail. Needs Chromium (/usr/bin/chromium or KNOTLESS_CHROMIUM).
"""

from __future__ import annotations

import argparse
import base64
import html
import os
import tomllib
from pathlib import Path

from playwright.sync_api import sync_playwright

from knotless.atlas.tomldata import collect
from knotless.library.exercises import load_exercises
from knotless.library.figure import render, render_animated
from knotless.library.figures import load_figures, validate_figure


def data_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("slugs", nargs="*")
    parser.add_argument("--out", default="figure-sheet.png")
    parser.add_argument("--dark", action="store_true")
    parser.add_argument("--size", type=int, default=220)
    parser.add_argument(
        "--file", help="read only this figures TOML file (while others are half-written)"
    )
    args = parser.parse_args()
    if args.file:
        path = Path(args.file)
        figures = collect({path.name: tomllib.loads(path.read_text())}, "figure", validate_figure)
    else:
        figures = load_figures()
    exercises = load_exercises()
    slugs = args.slugs or list(figures)
    rows = []
    for slug in slugs:
        spec = figures[slug]
        cells = [
            f'<img height="{args.size}" src="{data_uri(render(spec, n))}">'
            for n in range(len(spec.frames))
        ]
        cells.append(f'<img height="{args.size}" src="{data_uri(render_animated(spec))}">')
        cells.append(f'<img height="120" src="{data_uri(render(spec, 0))}">')
        rows.append(
            f"<div class=row><p>{html.escape(exercises[slug].name)}<br><small>{slug}</small></p>"
            + "".join(cells)
            + "</div>"
        )
    page = (
        "<!doctype html><meta charset=utf-8><style>"
        "body{font:14px system-ui;margin:8px;background:var(--bg)}"
        ":root{--bg:#fff;color:#222}"
        "@media (prefers-color-scheme:dark){:root{--bg:#1c2425;color:#ddd}}"
        ".row{display:flex;gap:8px;align-items:center;border-bottom:1px solid #8884;padding:4px}"
        ".row p{width:170px;margin:0}img{border:1px solid #8883}</style>" + "".join(rows)
    )
    chromium = os.environ.get("KNOTLESS_CHROMIUM", "/usr/bin/chromium")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium)
        context = browser.new_context(
            viewport={"width": 1400, "height": 400},
            color_scheme="dark" if args.dark else "light",
        )
        page_ = context.new_page()
        page_.set_content(page)
        page_.wait_for_timeout(1300)  # let the animation reach mid-move
        page_.screenshot(path=args.out, full_page=True)
        browser.close()
    print(Path(args.out).resolve())


if __name__ == "__main__":
    main()
