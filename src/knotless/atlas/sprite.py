"""The body map's shapes as a static file, ``static/knotless/bodymap.svg``.

Pages draw the body map as ``<use>`` references into this file (see ``bodymap.render_view``),
so its 150 KB of outlines travel once and stay in the browser's cache instead of riding along
with every page. It is written from ``bodymap.toml``; after editing the shapes, run

    uv run python -m knotless.atlas.sprite

(a test fails while the file and the shapes disagree). The file holds no one's data.
"""

from __future__ import annotations

import sys
from pathlib import Path

from knotless.atlas.bodymap import sprite_svg

#: The file's name among the static files.
STATIC_NAME = "knotless/bodymap.svg"
FILE = Path(__file__).resolve().parents[1] / "static" / STATIC_NAME


def sprite_url() -> str:
    """Where pages find the file (fingerprinted, when the static files are)."""
    from django.templatetags.static import static

    return static(STATIC_NAME)


def main(argv: list[str] | None = None) -> int:
    text = sprite_svg()
    if (argv if argv is not None else sys.argv[1:]) == ["--check"]:
        current = FILE.read_text(encoding="utf-8") if FILE.exists() else ""
        if current != text:
            print(f"{FILE} is out of date: run `python -m knotless.atlas.sprite`.")
            return 1
        return 0
    FILE.write_text(text, encoding="utf-8")
    print(f"wrote {FILE} ({len(text.encode()):,} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
