"""Draw the installed app's icons: PNGs rendered from one SVG in headless Chromium.

    uv run python scripts/draw_icons.py

Writes src/knotless/static/knotless/icons/: icon-192.png, icon-512.png (rounded, for "any"),
maskable-512.png (full bleed, the knot inside the central 80 % safe zone) and
apple-touch-icon.png (180, full bleed: iOS rounds it itself), plus the SVGs they came from.
Needs Chromium (/usr/bin/chromium or KNOTLESS_CHROMIUM).
"""

from __future__ import annotations

import os
from pathlib import Path

from playwright.sync_api import sync_playwright

OUT = Path(__file__).resolve().parents[1] / "src/knotless/static/knotless/icons"
TEAL, CREAM, DEEP = "#2f6f68", "#f4f1ea", "#24564f"

# A strand of rope tied in one loose loop, its right end running free: a knot being untied.
# Drawn in two pieces, each with a dark rim, so the second passes over the first where they cross.
STRANDS = (
    "M104 338 C172 338 206 318 232 270 C262 214 330 188 352 236 C372 280 318 318 276 290",
    "M276 290 C240 266 262 206 326 190 C364 180 396 184 424 184",
)


def svg(*, rounded: bool, scale: float) -> str:
    """The icon at 512 units; ``scale`` shrinks the strand about the centre (safe zone)."""
    corner = 'rx="112"' if rounded else ""
    move = f"translate(256 256) scale({scale}) translate(-256 -262)"
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 512 512">'
        f'<rect width="512" height="512" {corner} fill="{TEAL}"/>'
        f'<g transform="{move}" fill="none" stroke-linecap="round" stroke-linejoin="round">'
        + "".join(
            f'<path d="{d}" stroke="{DEEP}" stroke-width="60"/>'
            f'<path d="{d}" stroke="{CREAM}" stroke-width="40"/>'
            for d in STRANDS
        )
        + "</g></svg>"
    )


ICONS = {
    # name: (pixels, rounded, scale)
    "icon-192": (192, True, 1.0),
    "icon-512": (512, True, 1.0),
    "maskable-512": (512, False, 0.72),
    "apple-touch-icon": (180, False, 0.8),
}


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    chromium = os.environ.get("KNOTLESS_CHROMIUM", "/usr/bin/chromium")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=["--headless", "--no-sandbox"])
        for name, (size, rounded, scale) in ICONS.items():
            drawing = svg(rounded=rounded, scale=scale)
            (OUT / f"{name}.svg").write_text(drawing + "\n")
            page = browser.new_page(viewport={"width": size, "height": size})
            page.set_content(
                "<style>html,body{margin:0;background:transparent}svg{display:block}</style>"
                + drawing.replace("<svg ", f'<svg width="{size}" height="{size}" ', 1)
            )
            page.screenshot(path=str(OUT / f"{name}.png"), omit_background=True)
            page.close()
        browser.close()
    print(f"wrote {len(ICONS)} icons to {OUT}")


if __name__ == "__main__":
    main()
