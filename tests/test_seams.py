"""Feature apps import downward only (DESIGN habit 12): pages that compose several features go
through knotless.overview, so the journal never reaches into practice."""

from __future__ import annotations

import ast
from pathlib import Path

import knotless

PACKAGE = Path(knotless.__file__).parent
# app -> apps it must not import (directly); the seam module composes them instead.
FORBIDDEN = {"journal": ("knotless.practice", "knotless.desk", "knotless.hydration")}


def imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def test_it_keeps_the_journal_from_importing_practice() -> None:
    wrong = {
        f"{path.relative_to(PACKAGE)}: {name}"
        for app, banned in FORBIDDEN.items()
        for path in (PACKAGE / app).rglob("*.py")
        for name in imports(path)
        if name.startswith(banned)
    }
    assert not wrong, f"import these through knotless.overview instead: {sorted(wrong)}"
