"""Habits of the few queries written as plain SQL, checked over the whole package."""

from __future__ import annotations

import re
from pathlib import Path

import knotless

PACKAGE = Path(knotless.__file__).parent
# A cast to text without a name of its own, e.g. "CAST(started_at AS TEXT)," or "... FROM".
UNNAMED_CAST = re.compile(r"CAST\(\s*\w+\s+AS\s+TEXT\s*\)(?!\s+AS\s+\w)", re.IGNORECASE)


def unnamed_casts(text: str) -> list[str]:
    return [match.group(0) for match in UNNAMED_CAST.finditer(text)]


def test_a_time_read_as_text_is_given_a_name_of_its_own() -> None:
    """PostgreSQL names ``CAST(started_at AS TEXT)`` "started_at", and an ``ORDER BY
    started_at`` then sorts that text instead of reading the index in order: correct, and
    slower, so no result would show it."""
    found = {
        f"{path.relative_to(PACKAGE)}: {cast}"
        for path in PACKAGE.rglob("*.py")
        for cast in unnamed_casts(path.read_text(encoding="utf-8"))
    }
    assert not found, sorted(found)


def test_the_check_sees_an_unnamed_cast() -> None:
    assert unnamed_casts("SELECT id, CAST(started_at AS TEXT), pain FROM t") == [
        "CAST(started_at AS TEXT)"
    ]
    assert unnamed_casts("SELECT CAST(moment AS text) FROM t ORDER BY moment")
    assert not unnamed_casts("SELECT CAST(started_at AS TEXT) AS started FROM t")
